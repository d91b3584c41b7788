"""Quotes: lines priced from the customer's price list, discounts, approval up the reporting line.

draft ─submit→ approved (within the author's limit) | awaiting approval ─approve→ approved
                                                                        └reject→ rejected ─submit→ …
approved ─(a contract is made from it)→ accepted
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.access import profile_of
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.orders import rules, selectors
from salesdesk.orders.models import ApprovalDecision, Quote, QuoteApproval, QuoteLine, QuoteStatus
from salesdesk.orders.services.common import next_number, transition
from salesdesk.org.models import User
from salesdesk.pipeline.models import Opportunity
from salesdesk.products.models import Product

QUOTE_PREFIX = "BJ"
DEFAULT_VALIDITY_DAYS = 30


@dataclass(frozen=True)
class QuoteLineInput:
    product: Product
    quantity: Decimal
    discount_percent: Decimal = Decimal(0)


def _build_lines(quote: Quote, lines: list[QuoteLineInput]) -> list[QuoteLine]:
    products = [line.product for line in lines]
    prices = selectors.prices_for(quote.price_list, products)
    built, problems = [], {}
    for index, line in enumerate(lines, start=1):
        if line.product.company_id != quote.company_id or not line.product.is_active:
            problems["lines"] = _("Line %(n)s: choose an active product of the catalogue.") % {"n": index}
            continue
        if line.quantity <= 0:
            problems["lines"] = _("Line %(n)s: the quantity must be above zero.") % {"n": index}
            continue
        if not Decimal(0) <= line.discount_percent <= Decimal(100):
            problems["lines"] = _("Line %(n)s: a discount is between 0 and 100 %%.") % {"n": index}
            continue
        price = prices[line.product.pk]
        unit_price = rules.net_unit_price(price.list_price, line.discount_percent)
        if rules.below_floor(unit_price, price.floor_price):
            problems["lines"] = _(
                "Line %(n)s: %(product)s at %(price)s is below its floor price %(floor)s; "
                "no approval can allow that."
            ) % {"n": index, "product": line.product, "price": unit_price, "floor": price.floor_price}
            continue
        if rules.line_amount(line.quantity, unit_price) > rules.MAX_AMOUNT:
            problems["lines"] = _("Line %(n)s: the amount is too large.") % {"n": index}
            continue
        built.append(
            QuoteLine(
                quote=quote,
                product=line.product,
                quantity=line.quantity,
                list_price=price.list_price,
                floor_price=price.floor_price,
                discount_percent=line.discount_percent,
                unit_price=unit_price,
                amount=rules.line_amount(line.quantity, unit_price),
            )
        )
    if problems:
        raise BusinessRuleViolation(
            " ".join(problems.values()), details={"fields": problems, "code": "floor_price"}
        )
    return built


def _replace_lines(quote: Quote, lines: list[QuoteLineInput]) -> None:
    built = _build_lines(quote, lines)
    if sum((line.amount for line in built), Decimal(0)) > rules.MAX_AMOUNT:
        raise BusinessRuleViolation(_("The quote total is too large."), details={"field": "lines"})
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create(built)
    quote.list_total = sum((rules.line_amount(line.quantity, line.list_price) for line in built), Decimal(0))
    quote.amount = sum((line.amount for line in built), Decimal(0))
    quote.discount_percent = max((line.discount_percent for line in built), default=Decimal(0))


@transaction.atomic
def create_quote(
    *,
    acting_user: User,
    opportunity: Opportunity,
    lines: list[QuoteLineInput] | None = None,
    valid_until: date | None = None,
    notes: str = "",
    today: date | None = None,
) -> Quote:
    """A draft quote for a deal, priced from the customer's price list. Without ``lines`` it
    takes the deal's products at no discount."""
    access.require(acting_user, "orders.create_quote")
    if not access.can(acting_user, "pipeline.work_opportunity", opportunity):
        raise BusinessRuleViolation(_("Choose one of your opportunities."), details={"field": "opportunity"})
    if opportunity.customer_id is None:
        raise BusinessRuleViolation(
            _("The opportunity needs a customer before it can be quoted."), details={"field": "opportunity"}
        )
    if opportunity.stage.outcome == "lost":
        raise BusinessRuleViolation(_("A lost deal is not quoted."), details={"field": "opportunity"})
    today = today or timezone.localdate()
    valid_until = valid_until or today + timedelta(days=DEFAULT_VALIDITY_DAYS)
    if valid_until < today:
        raise BusinessRuleViolation(
            _("A quote must be valid until today or later."), details={"field": "valid_until"}
        )
    if lines is None:
        lines = [
            QuoteLineInput(product=line.product, quantity=line.quantity) for line in opportunity.lines.all()
        ]
    quote = Quote(
        company_id=opportunity.company_id,
        number=next_number(opportunity.company, QUOTE_PREFIX, today),
        opportunity=opportunity,
        customer=opportunity.customer,
        owner=opportunity.owner,
        price_list=selectors.price_list_for(opportunity.customer),
        valid_until=valid_until,
        notes=notes.strip(),
        updated_by=acting_user,
    )
    quote.save()
    _replace_lines(quote, lines)
    quote.save()
    audit.record(acting_user, "quote_created", quote, details={"opportunity": opportunity.pk})
    return quote


def _check_editable(quote: Quote) -> None:
    if quote.status not in rules.QUOTE_EDITABLE:
        raise BusinessRuleViolation(
            _("A quote is changed only as a draft or after a rejection; this one is %(status)s.")
            % {"status": quote.get_status_display()},
            details={"code": "not_editable"},
        )


@transaction.atomic
def set_quote_lines(
    *,
    acting_user: User,
    quote: Quote,
    expected_version: int,
    lines: list[QuoteLineInput],
    valid_until: date | None = None,
    notes: str | None = None,
    today: date | None = None,
) -> Quote:
    access.require(acting_user, "orders.work_quote", quote)
    _check_editable(quote)
    claim_version(quote, expected_version=expected_version, acting_user=acting_user)
    today = today or timezone.localdate()
    if valid_until is not None:
        if valid_until < today:
            raise BusinessRuleViolation(
                _("A quote must be valid until today or later."), details={"field": "valid_until"}
            )
        quote.valid_until = valid_until
    if notes is not None:
        quote.notes = notes.strip()
    _replace_lines(quote, lines)
    quote.save()
    audit.record(acting_user, "quote_updated", quote, details={"lines": len(lines)})
    return quote


@transaction.atomic
def submit_quote(
    *, acting_user: User, quote: Quote, expected_version: int, today: date | None = None
) -> Quote:
    """Within the author's discount limit the quote is approved at once; beyond it, it waits for
    the leader up the line whose limit covers the discount (supervisor → manager → director)."""
    access.require(acting_user, "orders.work_quote", quote)
    target = transition(rules.QUOTE_TRANSITIONS, quote, "submit", _("Submitting"))
    today = today or timezone.localdate()
    if not quote.lines.exists():
        raise BusinessRuleViolation(_("Add at least one line before submitting."), details={"field": "lines"})
    if quote.valid_until < today:
        raise BusinessRuleViolation(
            _("The quote expired on %(day)s; extend its validity first.") % {"day": quote.valid_until},
            details={"field": "valid_until"},
        )
    limits = selectors.discount_limits(quote.company_id)
    author_role = profile_of(quote.owner).role if quote.owner.is_active else "rep"
    try:
        needed = rules.approval_role(quote.discount_percent, author_role, limits)
    except ValueError:
        raise BusinessRuleViolation(
            _("A discount of %(discount)s %% is beyond every approval limit (the highest is %(limit)s %%).")
            % {"discount": quote.discount_percent, "limit": max(limits.values())},
            details={"code": "discount_beyond_limits"},
        ) from None
    claim_version(quote, expected_version=expected_version, acting_user=acting_user)
    if needed is None:
        quote.status = QuoteStatus.APPROVED
        quote.approver_role = ""
        quote.save()
        audit.record(acting_user, "quote_approved", quote, details={"within_limit": True})
        return quote
    quote.status = target
    quote.approver_role = needed
    quote.save()
    QuoteApproval.objects.create(
        quote=quote, discount_percent=quote.discount_percent, approver_role=needed, requested_by=acting_user
    )
    audit.record(
        acting_user,
        "quote_submitted",
        quote,
        details={"discount_percent": str(quote.discount_percent), "approver_role": needed},
    )
    return quote


@transaction.atomic
def decide_quote(
    *, acting_user: User, quote: Quote, expected_version: int, approve: bool, comment: str = ""
) -> Quote:
    """Approve or reject the discount of a quote awaiting approval; a rejection says why."""
    access.require(acting_user, "orders.approve_quote", quote)
    target = transition(
        rules.QUOTE_TRANSITIONS,
        quote,
        "approve" if approve else "reject",
        _("Approving") if approve else _("Rejecting"),
    )
    if not approve and not comment.strip():
        raise BusinessRuleViolation(_("Say why the quote is rejected."), details={"field": "comment"})
    claim_version(quote, expected_version=expected_version, acting_user=acting_user)
    quote.status = target
    quote.save()
    QuoteApproval.objects.filter(quote=quote, decision=ApprovalDecision.PENDING).update(
        decision=ApprovalDecision.APPROVED if approve else ApprovalDecision.REJECTED,
        decided_by=acting_user,
        decided_at=timezone.now(),
        comment=comment.strip()[:500],
    )
    audit.record(
        acting_user, "quote_approved" if approve else "quote_rejected", quote, details={"comment": comment}
    )
    return quote
