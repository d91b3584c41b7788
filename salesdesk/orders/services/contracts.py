"""Contracts: made from a won deal or an approved quote, reviewed step by step, then signed,
until they end: early by a manager's decision, or when their term has passed.

draft ─submit→ in review ─(every step approved)→ approved ─sign→ signed
                         └(a step rejects)→ rejected ─submit→ in review (a new round)
signed ─terminate (manager or above)→ terminated
signed ─(the day after ends_on; expire_contracts, nightly)→ expired
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.access import profile_of
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.orders import permissions, rules, selectors
from salesdesk.orders.models import (
    ApprovalDecision,
    Contract,
    ContractAttachment,
    ContractComment,
    ContractReview,
    ContractStatus,
    ContractVersion,
    Quote,
    QuoteStatus,
)
from salesdesk.orders.services.common import apply_changes, next_number, transition
from salesdesk.orders.services.review_steps import ensure_review_steps
from salesdesk.org.models import User
from salesdesk.pipeline.models import Opportunity

CONTRACT_PREFIX = "HT"
STANDARD_PAYMENT_DAYS = 30
STANDARD_PAYMENT_TERMS = "合同签订后30日内付清全款。Payment in full within 30 days of signing."
STANDARD_DELIVERY_TERMS = (
    "卖方负责送货至买方指定地点，运费由卖方承担。Delivered to the buyer's site, freight paid by the seller."
)
TERM_FIELDS = ("title", "amount", "starts_on", "ends_on", "payment_days", "payment_terms", "delivery_terms")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Contracts expired per UPDATE: keeps the id list of one statement well below database limits.
EXPIRY_CHUNK = 500


def is_standard(payment_days: int, payment_terms: str, delivery_terms: str) -> bool:
    """Standard terms: the company's payment and delivery wording and no longer credit than 30 days.
    Anything else is non-standard and goes to legal review."""
    return (
        payment_days <= STANDARD_PAYMENT_DAYS
        and payment_terms.strip() in ("", STANDARD_PAYMENT_TERMS)
        and delivery_terms.strip() in ("", STANDARD_DELIVERY_TERMS)
    )


def _terms(contract: Contract) -> dict[str, Any]:
    return {field: str(getattr(contract, field) or "") for field in TERM_FIELDS} | {
        "is_standard_terms": contract.is_standard_terms
    }


def _snapshot(contract: Contract, acting_user: User, note: str) -> ContractVersion:
    last = contract.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ContractVersion.objects.create(
        contract=contract, number=last + 1, terms=_terms(contract), note=note, created_by=acting_user
    )


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise BusinessRuleViolation(_("A contract ends after it starts."), details={"field": "ends_on"})


@transaction.atomic
def create_contract(
    *,
    acting_user: User,
    opportunity: Opportunity | None = None,
    quote: Quote | None = None,
    title: str = "",
    amount: Decimal | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    payment_days: int = STANDARD_PAYMENT_DAYS,
    payment_terms: str = "",
    delivery_terms: str = "",
    renewal_of: Contract | None = None,
    today: date | None = None,
) -> Contract:
    """A draft contract from an approved, still valid quote (its total is the value), or from a
    won deal (its amount unless given)."""
    access.require(acting_user, "orders.create_contract")
    today = today or timezone.localdate()
    if quote is not None:
        if not access.can(acting_user, "orders.work_quote", quote):
            raise BusinessRuleViolation(_("Choose one of your quotes."), details={"field": "quote"})
        if quote.status != QuoteStatus.APPROVED:
            raise BusinessRuleViolation(
                _("Only an approved quote becomes a contract; this one is %(status)s.")
                % {"status": quote.get_status_display()},
                details={"field": "quote"},
            )
        if quote.valid_until < today:
            raise BusinessRuleViolation(
                _("The quote expired on %(day)s.") % {"day": quote.valid_until}, details={"field": "quote"}
            )
        opportunity = quote.opportunity
        amount = quote.amount
    if opportunity is None:
        raise BusinessRuleViolation(
            _("Choose a won opportunity or an approved quote."), details={"field": "opportunity"}
        )
    if not access.can(acting_user, "pipeline.work_opportunity", opportunity):
        raise BusinessRuleViolation(_("Choose one of your opportunities."), details={"field": "opportunity"})
    if quote is None and opportunity.stage.outcome != "won":
        raise BusinessRuleViolation(
            _("A contract is made from a won deal or an approved quote."), details={"field": "opportunity"}
        )
    if opportunity.customer_id is None:
        raise BusinessRuleViolation(_("The opportunity has no customer."), details={"field": "opportunity"})
    amount = opportunity.amount if amount is None else amount
    if amount < 0:
        raise BusinessRuleViolation(_("Amounts cannot be negative."), details={"field": "amount"})
    if renewal_of is not None and renewal_of.customer_id != opportunity.customer_id:
        raise BusinessRuleViolation(_("A renewal is for the same customer."), details={"field": "renewal_of"})
    _check_dates(starts_on, ends_on)
    payment_terms = payment_terms.strip() or STANDARD_PAYMENT_TERMS
    delivery_terms = delivery_terms.strip() or STANDARD_DELIVERY_TERMS
    contract = Contract.objects.create(
        company_id=opportunity.company_id,
        number=next_number(opportunity.company, CONTRACT_PREFIX, today),
        title=title.strip() or opportunity.name,
        customer_id=opportunity.customer_id,
        opportunity=opportunity,
        quote=quote,
        owner=opportunity.owner,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        payment_days=payment_days,
        payment_terms=payment_terms,
        delivery_terms=delivery_terms,
        is_standard_terms=is_standard(payment_days, payment_terms, delivery_terms),
        renewal_of=renewal_of,
        updated_by=acting_user,
    )
    if quote is not None:
        quote.status = transition(rules.QUOTE_TRANSITIONS, quote, "accept", _("Accepting"))
        quote.save(update_fields=["status"])
    _snapshot(contract, acting_user, _("Created"))
    audit.record(acting_user, "contract_created", contract, details={"quote": quote.pk if quote else None})
    return contract


@transaction.atomic
def update_contract(
    *, acting_user: User, contract: Contract, expected_version: int, changes: dict[str, Any]
) -> Contract:
    """Change the terms of a draft or rejected contract; each change is kept as a version."""
    access.require(acting_user, "orders.work_contract", contract)
    if contract.status not in rules.CONTRACT_EDITABLE:
        raise BusinessRuleViolation(
            _("A contract's terms change only as a draft or after a rejection; this one is %(status)s.")
            % {"status": contract.get_status_display()},
            details={"code": "not_editable"},
        )
    apply_changes(
        contract, changes, allowed=TERM_FIELDS, expected_version=expected_version, acting_user=acting_user
    )
    if contract.amount < 0:
        raise BusinessRuleViolation(_("Amounts cannot be negative."), details={"field": "amount"})
    _check_dates(contract.starts_on, contract.ends_on)
    contract.is_standard_terms = is_standard(
        contract.payment_days, contract.payment_terms, contract.delivery_terms
    )
    contract.save()
    _snapshot(contract, acting_user, _("Terms changed"))
    audit.record(acting_user, "contract_updated", contract, details={"fields": sorted(changes)})
    return contract


@transaction.atomic
def submit_contract(*, acting_user: User, contract: Contract, expected_version: int) -> Contract:
    """Start a review round with the configured steps that apply to this contract's value and
    terms; with none that apply, it is approved at once."""
    access.require(acting_user, "orders.work_contract", contract)
    target = transition(rules.CONTRACT_TRANSITIONS, contract, "submit", _("Submitting for review"))
    claim_version(contract, expected_version=expected_version, acting_user=acting_user)
    ensure_review_steps(contract.company)
    configured = {
        step.sequence: step for step in selectors.review_steps(contract.company_id).filter(is_active=True)
    }
    owner_role = profile_of(contract.owner).role
    chosen = rules.review_steps_for(
        [
            rules.StepConfig(s.sequence, s.name, s.reviewer_role, s.min_amount, s.only_non_standard)
            for s in configured.values()
        ],
        amount=contract.amount,
        is_standard_terms=contract.is_standard_terms,
        owner_role=owner_role,
    )
    round_no = (contract.reviews.order_by("-round").values_list("round", flat=True).first() or 0) + 1
    ContractReview.objects.bulk_create(
        [
            ContractReview(
                contract=contract,
                round=round_no,
                sequence=step.sequence,
                name=step.name,
                reviewer_role=step.reviewer_role,
                reviewer=configured[step.sequence].reviewer,
            )
            for step in chosen
        ]
    )
    contract.status = target if chosen else ContractStatus.APPROVED
    contract.save()
    _snapshot(contract, acting_user, _("Submitted for review"))
    audit.record(
        acting_user, "contract_submitted", contract, details={"round": round_no, "steps": len(chosen)}
    )
    return contract


@transaction.atomic
def decide_review(
    *, acting_user: User, contract: Contract, expected_version: int, approve: bool, comment: str = ""
) -> ContractReview:
    """Approve or reject the current step. The last approval approves the contract; a rejection
    sends it back to its owner."""
    access.require(acting_user, "orders.review_contract", contract)
    if not approve and not comment.strip():
        raise BusinessRuleViolation(_("Say why the contract is rejected."), details={"field": "comment"})
    step = selectors.current_review(contract)
    claim_version(contract, expected_version=expected_version, acting_user=acting_user)
    step.decision = ApprovalDecision.APPROVED if approve else ApprovalDecision.REJECTED
    step.decided_by = acting_user
    step.decided_at = timezone.now()
    step.comment = comment.strip()[:500]
    step.save()
    if not approve:
        contract.status = transition(rules.CONTRACT_TRANSITIONS, contract, "reject", _("Rejecting"))
    elif selectors.current_review(contract) is None:
        contract.status = transition(rules.CONTRACT_TRANSITIONS, contract, "approve", _("Approving"))
    contract.save()
    if comment.strip():
        ContractComment.objects.create(
            contract=contract, author=acting_user, body=f"{step.name}: {comment.strip()}"
        )
    audit.record(
        acting_user,
        "contract_review_approved" if approve else "contract_review_rejected",
        contract,
        details={"step": step.name, "round": step.round},
    )
    return step


@transaction.atomic
def sign_contract(
    *, acting_user: User, contract: Contract, expected_version: int, signed_on: date
) -> Contract:
    access.require(acting_user, "orders.work_contract", contract)
    target = transition(rules.CONTRACT_TRANSITIONS, contract, "sign", _("Signing"))
    if signed_on > timezone.localdate():
        raise BusinessRuleViolation(
            _("The signing date cannot be in the future."), details={"field": "signed_on"}
        )
    claim_version(contract, expected_version=expected_version, acting_user=acting_user)
    contract.status = target
    contract.signed_on = signed_on
    contract.starts_on = contract.starts_on or signed_on
    contract.save()
    _snapshot(contract, acting_user, _("Signed"))
    audit.record(acting_user, "contract_signed", contract, details={"signed_on": signed_on.isoformat()})
    return contract


@transaction.atomic
def terminate_contract(
    *,
    acting_user: User,
    contract: Contract,
    expected_version: int,
    reason: str,
    terminated_on: date | None = None,
) -> Contract:
    """End a signed contract before its term: a manager's (or a higher leader's) decision, with
    the reason and the day it ends (today unless given). Orders already placed under it stay as
    they are; no new order can be placed under it."""
    access.require(acting_user, "orders.terminate_contract", contract)
    target = transition(rules.CONTRACT_TRANSITIONS, contract, "terminate", _("Terminating"))
    if not reason.strip():
        raise BusinessRuleViolation(_("Say why the contract is terminated."), details={"field": "reason"})
    today = timezone.localdate()
    terminated_on = terminated_on or today
    problem = rules.termination_date_problem(
        terminated_on, signed_on=contract.signed_on, ends_on=contract.ends_on, today=today
    )
    if problem is not None:
        messages = {
            "future": _("A termination is recorded on the day it takes effect, not in advance."),
            "before_signing": _("A contract cannot end before it was signed (%(day)s).")
            % {"day": contract.signed_on},
            "after_term": _("The contract ends on %(day)s anyway; it expires then.")
            % {"day": contract.ends_on},
        }
        raise BusinessRuleViolation(messages[problem], details={"field": "terminated_on", "code": problem})
    claim_version(contract, expected_version=expected_version, acting_user=acting_user)
    contract.status = target
    contract.terminated_on = terminated_on
    contract.termination_reason = reason.strip()[:500]
    contract.terminated_by = acting_user
    contract.save()
    _snapshot(contract, acting_user, _("Terminated"))
    audit.record(
        acting_user,
        "contract_terminated",
        contract,
        details={"terminated_on": terminated_on.isoformat(), "reason": contract.termination_reason},
    )
    return contract


@transaction.atomic
def expire_contracts(*, today: date) -> int:
    """Mark every signed contract whose term ended before ``today`` as expired; returns how many.
    Run nightly (``manage.py expire_contracts``): idempotent, because an expired contract is no
    longer signed, and set-based: one locking SELECT of the ids, then per chunk one UPDATE (which
    also advances the version, so a page opened before gets a stale-version answer) and one bulk
    insert of history rows, and one audit row per company."""
    due = list(
        Contract.objects.select_for_update()
        .filter(status=ContractStatus.SIGNED, ends_on__lt=today)
        .order_by("company_id", "pk")
        .values_list("pk", "company_id")
    )
    now = timezone.now()
    for start in range(0, len(due), EXPIRY_CHUNK):
        ids = [pk for pk, _company in due[start : start + EXPIRY_CHUNK]]
        Contract.objects.filter(pk__in=ids, status=ContractStatus.SIGNED).update(
            status=ContractStatus.EXPIRED, version=F("version") + 1, updated_at=now, updated_by=None
        )
        Contract.history.bulk_history_create(
            list(Contract.objects.filter(pk__in=ids)), update=True, default_date=now
        )
    by_company: dict[int, list[int]] = {}
    for pk, company_id in due:
        by_company.setdefault(company_id, []).append(pk)
    for company_id, ids in by_company.items():
        audit.record(
            None,
            "contracts_expired",
            details={"company": company_id, "today": today.isoformat(), "count": len(ids), "ids": ids[:1000]},
            actor_name="system",
        )
    return len(due)


@transaction.atomic
def add_comment(*, acting_user: User, contract: Contract, body: str) -> ContractComment:
    access.require(acting_user, "orders.comment_contract", contract)
    body = body.strip()
    if not body:
        raise BusinessRuleViolation(_("Write a comment first."), details={"field": "body"})
    comment = ContractComment.objects.create(contract=contract, author=acting_user, body=body[:5000])
    audit.record(acting_user, "contract_commented", contract)
    return comment


@transaction.atomic
def add_attachment(*, acting_user: User, contract: Contract, upload: UploadedFile) -> ContractAttachment:
    """Store a file under the media directory (Django storage); it is served only to people who
    see the contract."""
    access.require(acting_user, "orders.work_contract", contract)
    if not upload.size:
        raise BusinessRuleViolation(_("The file is empty."), details={"field": "file"})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise BusinessRuleViolation(_("Files up to 20 MB can be attached."), details={"field": "file"})
    name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    attachment = ContractAttachment(
        contract=contract, name=name, size_bytes=upload.size, uploaded_by=acting_user
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.record(acting_user, "contract_attachment_added", contract, details={"name": name})
    return attachment


def may_review_now(user: User, contract: Contract) -> bool:
    """For pages: whether the user is the one to decide the current step."""
    step = selectors.current_review(contract)
    return (
        contract.status == ContractStatus.IN_REVIEW
        and step is not None
        and permissions.may_review(user, step, contract.owner)
    )
