"""Doubtful (呆账) and bad (死账) debt: classification by rule and by hand, and write-offs.

Classification by rule moves open invoices up only (normal → doubtful → bad), by two set-based
UPDATEs per company; a class set by hand is never lowered by the rule. Each change leaves a
DebtClassification row (reason, who — empty for the rule — and the date).

A write-off is requested by finance for the invoice's open amount and approved by the sales
director (never the requester: four eyes, also a database constraint). Approving closes the
invoice as ``written_off``; the approval date is the write-off's date (bad_debt_amount metric).
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org.models import Company, Role, User
from salesdesk.receivables import dunning
from salesdesk.receivables import rules_aging as rules
from salesdesk.receivables.models import (
    CollectionPolicy,
    DebtClass,
    DebtClassification,
    Invoice,
    InvoiceStatus,
    WriteOffRequest,
    WriteOffStatus,
)

RANK = {DebtClass.NORMAL: 0, DebtClass.DOUBTFUL: 1, DebtClass.BAD: 2}


@transaction.atomic
def set_policy(
    *,
    acting_user: User,
    company: Company,
    expected_version: int,
    doubtful_after_days: int,
    bad_after_days: int,
    legal_user_id: int | None = None,
    legal_role: str = Role.DIRECTOR,
) -> CollectionPolicy:
    """Change when open invoices become doubtful and bad, and who the dunning ladder's "legal"
    step notifies: the named contact (an employee of the company), else the first person in
    ``legal_role``. New thresholds apply from the next nightly run; classes are never lowered."""
    access.require(acting_user, "receivables.configure_collections", company)
    dunning.lock_collection_settings(company.pk)
    policy = CollectionPolicy.objects.get(company=company)
    claim_version(policy, expected_version=expected_version, acting_user=acting_user)
    problems = rules.policy_problems(doubtful_after_days, bad_after_days)
    if legal_role not in Role.values:
        problems.append(("legal_role", _("Choose the role whose first employee stands in for legal.")))
    if (
        legal_user_id is not None
        and not dunning.legal_candidates(company.pk).filter(pk=legal_user_id).exists()
    ):
        problems.append(("legal_user", _("The legal contact must be an employee of the company.")))
    rules.refuse(problems)
    policy.doubtful_after_days, policy.bad_after_days = doubtful_after_days, bad_after_days
    policy.legal_user_id, policy.legal_role = legal_user_id, legal_role
    policy.save()
    audit.record(
        acting_user,
        "collection_policy_set",
        company,
        details={
            "doubtful_after_days": doubtful_after_days,
            "bad_after_days": bad_after_days,
            "legal_user": legal_user_id,
            "legal_role": legal_role,
        },
    )
    return policy


@transaction.atomic
def classify_by_rules(*, today: date, company_id: int) -> int:
    """Raise open invoices past the policy's thresholds to doubtful / bad; returns how many moved.
    Set-based: the candidates' ids are read once per class, then one UPDATE and one bulk insert."""
    policy = dunning.ensure_policy(company_id)
    moved = 0
    for debt_class, after_days, below in (
        (DebtClass.BAD, policy.bad_after_days, [DebtClass.NORMAL, DebtClass.DOUBTFUL]),
        (DebtClass.DOUBTFUL, policy.doubtful_after_days, [DebtClass.NORMAL]),
    ):
        candidates = Invoice.objects.filter(
            company_id=company_id,
            status=InvoiceStatus.OPEN,
            allocated__lt=F("amount"),
            due_on__lt=today - timedelta(days=after_days),
            debt_class__in=below,
        )
        rows = list(candidates.values_list("pk", "debt_class"))
        if not rows:
            continue
        Invoice.objects.filter(pk__in=[pk for pk, _c in rows]).update(
            debt_class=debt_class, version=F("version") + 1
        )
        reason = _("More than %(days)s days overdue.") % {"days": after_days}
        DebtClassification.objects.bulk_create(
            DebtClassification(
                invoice_id=pk,
                debt_class=debt_class,
                previous_class=previous,
                reason=reason,
                classified_on=today,
            )
            for pk, previous in rows
        )
        moved += len(rows)
    return moved


@transaction.atomic
def classify_invoice(*, acting_user: User, invoice: Invoice, debt_class: str, reason: str) -> Invoice:
    """Set an invoice's debt class by hand, with a reason (either direction)."""
    access.require(acting_user, "receivables.classify_debt", invoice)
    if debt_class not in DebtClass.values:
        raise BusinessRuleViolation(_("Choose normal, doubtful or bad."))
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleViolation(_("Give a reason for the classification."), details={"field": "reason"})
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.OPEN:
        raise BusinessRuleViolation(_("Only an open invoice can be classified."))
    previous = invoice.debt_class
    invoice.debt_class = debt_class
    invoice.version += 1
    invoice.updated_by = acting_user
    invoice.save(update_fields=["debt_class", "version", "updated_by", "updated_at"])
    DebtClassification.objects.create(
        invoice=invoice,
        debt_class=debt_class,
        previous_class=previous,
        reason=reason,
        by=acting_user,
        classified_on=timezone.localdate(),
    )
    audit.record(
        acting_user,
        "debt_classified",
        invoice,
        details={"from": previous, "to": debt_class, "reason": reason},
    )
    return invoice


@transaction.atomic
def request_write_off(*, acting_user: User, invoice: Invoice, reason: str) -> WriteOffRequest:
    access.require(acting_user, "receivables.request_write_off", invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    reason = (reason or "").strip()
    if not reason:
        raise BusinessRuleViolation(_("Give a reason for the write-off."), details={"field": "reason"})
    if invoice.status != InvoiceStatus.OPEN or invoice.allocated >= invoice.amount:
        raise BusinessRuleViolation(_("Only an open invoice with money outstanding can be written off."))
    if invoice.write_off_requests.filter(status=WriteOffStatus.PENDING).exists():
        raise BusinessRuleViolation(_("A write-off of this invoice is already waiting for approval."))
    request = WriteOffRequest.objects.create(
        invoice=invoice, amount=invoice.amount - invoice.allocated, reason=reason, requested_by=acting_user
    )
    audit.record(acting_user, "write_off_requested", invoice, details={"amount": str(request.amount)})
    return request


def _pending(request: WriteOffRequest) -> WriteOffRequest:
    request = WriteOffRequest.objects.select_for_update().select_related("invoice").get(pk=request.pk)
    if request.status != WriteOffStatus.PENDING:
        raise BusinessRuleViolation(_("This write-off has already been decided."))
    return request


@transaction.atomic
def approve_write_off(
    *, acting_user: User, request: WriteOffRequest, note: str = "", today: date | None = None
):
    request = _pending(request)
    access.require(acting_user, "receivables.approve_write_off", request)
    invoice = Invoice.objects.select_for_update().get(pk=request.invoice_id)
    if invoice.status != InvoiceStatus.OPEN:
        raise BusinessRuleViolation(_("The invoice is no longer open; reject the write-off instead."))
    open_amount = invoice.amount - invoice.allocated
    if open_amount != request.amount:
        raise BusinessRuleViolation(
            _("Money was applied to the invoice since the request; ask finance for a new one.")
        )
    request.status = WriteOffStatus.APPROVED
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.decision_note = note
    request.written_off_on = today or timezone.localdate()
    request.save()
    invoice.status = InvoiceStatus.WRITTEN_OFF
    invoice.debt_class = DebtClass.BAD
    invoice.version += 1
    invoice.updated_by = acting_user
    invoice.save(update_fields=["status", "debt_class", "version", "updated_by", "updated_at"])
    audit.record(acting_user, "write_off_approved", invoice, details={"amount": str(request.amount)})
    return request


@transaction.atomic
def reject_write_off(*, acting_user: User, request: WriteOffRequest, note: str = "") -> WriteOffRequest:
    request = _pending(request)
    access.require(acting_user, "receivables.approve_write_off", request)
    request.status = WriteOffStatus.REJECTED
    request.decided_by, request.decided_at = acting_user, timezone.now()
    request.decision_note = note
    request.save()
    audit.record(acting_user, "write_off_rejected", request.invoice, details={"note": note})
    return request


def write_off_requests(*, user, status: str | None = None) -> QuerySet:
    requests = WriteOffRequest.objects.filter(invoice__in=Invoice.objects.visible_to(user).values("pk"))
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("invoice", "invoice__customer", "requested_by", "decided_by")


def debt_class_for_days(days: int, policy: CollectionPolicy) -> str:
    return rules.debt_class_for(
        days, doubtful_after_days=policy.doubtful_after_days, bad_after_days=policy.bad_after_days
    )
