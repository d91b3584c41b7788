"""What the order services share: document numbers, the transition guard, refusals by field."""

from collections.abc import Collection
from datetime import date
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import VersionedModel, claim_version
from salesdesk.orders import rules
from salesdesk.orders.models import DocumentSequence
from salesdesk.org.models import Company


def next_number(company: Company, prefix: str, today: date) -> str:
    """The next number of ``prefix`` for the company's year, e.g. HT-2026-00001. The conditional
    UPDATE runs in the caller's transaction and locks the counter row until it commits, so
    concurrent creators queue behind it and never share a number."""
    sequence, _created = DocumentSequence.objects.get_or_create(
        company=company, prefix=prefix, year=today.year
    )
    DocumentSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return rules.document_number(prefix, today.year, sequence.last)


def transition(table: dict, record, action: str, label) -> str:
    """The status ``action`` leads to from the record's status, or a refusal naming both."""
    target = rules.next_status(table, record.status, action)
    if target is None:
        raise BusinessRuleViolation(
            _("%(action)s is not possible while the %(what)s is %(status)s.")
            % {"action": label, "what": record._meta.verbose_name, "status": record.get_status_display()},
            details={"code": "invalid_transition", "status": record.status, "action": action},
        )
    return target


def raise_problems(problems: dict[str, str]) -> None:
    """One refusal naming every problem, each also by field (forms show it next to the field)."""
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})


def apply_changes(
    record: VersionedModel,
    changes: dict[str, Any],
    *,
    allowed: Collection[str],
    expected_version: int,
    acting_user,
) -> None:
    """Refuse fields outside ``allowed``, claim the record's next version, set the fields (text
    stripped). The caller checks the result and saves it in the same transaction."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    claim_version(record, expected_version=expected_version, acting_user=acting_user)
    for field, value in changes.items():
        setattr(record, field, value.strip() if isinstance(value, str) else value)
