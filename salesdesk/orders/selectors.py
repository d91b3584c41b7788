"""Reads of quotes, contracts and orders: scoped by visible_to, set-based."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from salesdesk.customers import selectors as customers
from salesdesk.customers.models import Customer
from salesdesk.orders import rules
from salesdesk.orders.models import (
    Contract,
    ContractAttachment,
    ContractComment,
    ContractReview,
    ContractReviewStep,
    ContractStatus,
    ContractVersion,
    DeliveryChangeRequest,
    DeliveryChangeStatus,
    DiscountLimit,
    Order,
    OrderEvent,
    Quote,
    QuoteApproval,
    QuoteLine,
    QuoteStatus,
    Shipment,
    ShipmentStatus,
)
from salesdesk.org.models import User
from salesdesk.org.selectors import company_of  # noqa: F401  (the one definition; callers use selectors.company_of)
from salesdesk.pipeline import selectors as pipeline
from salesdesk.products.models import PriceList, PriceListItem, Product

ZERO = Decimal(0)


# Price policy


def price_list_for(customer: Customer) -> PriceList | None:
    """The most specific active list that fits the customer: tier and region, tier, region, general."""
    candidates = PriceList.objects.filter(
        company_id=customer.company_id,
        is_active=True,
        customer_tier__in=["", customer.tier],
        region__in=["", customer.region],
    )
    best = None
    for candidate in candidates:
        score = (candidate.customer_tier != "") * 2 + (candidate.region != "")
        if best is None or score > best[0]:
            best = (score, candidate)
    return best[1] if best else None


@dataclass(frozen=True)
class Price:
    list_price: Decimal
    floor_price: Decimal | None


def prices_for(price_list: PriceList | None, products: list[Product]) -> dict[int, Price]:
    """Each product's reference price and floor: from the price list when it has the product,
    else the catalogue price with the unit cost as the floor (never sell below cost)."""
    items = {}
    if price_list is not None:
        items = {
            item.product_id: item
            for item in PriceListItem.objects.filter(price_list=price_list, product__in=products)
        }
    prices = {}
    for product in products:
        item = items.get(product.pk)
        if item is not None:
            prices[product.pk] = Price(item.price, item.floor_price)
        else:
            prices[product.pk] = Price(product.list_price, product.cost)
    return prices


def price_lists(user: User) -> QuerySet[PriceList]:
    return (
        PriceList.objects.visible_to(user)
        .annotate(item_count=Count("items"))
        .order_by("-is_active", "name", "id")
    )


def price_list_items(price_list: PriceList) -> QuerySet[PriceListItem]:
    return price_list.items.select_related("product").order_by("product__series", "product__name", "id")


def discount_limits(company_id: int | None) -> dict[str, Decimal]:
    """Role → discount limit (%); the defaults fill roles the company has not configured."""
    limits = dict(rules.DEFAULT_DISCOUNT_LIMITS)
    limits.update(
        DiscountLimit.objects.filter(company_id=company_id).values_list("role", "max_discount_percent")
    )
    return limits


def review_steps(company_id: int | None) -> QuerySet[ContractReviewStep]:
    return ContractReviewStep.objects.filter(company_id=company_id).select_related("reviewer", "updated_by")


def reviewer_choices(company_id: int | None) -> QuerySet[User]:
    """People who can be named as a step's reviewer: the company's active users."""
    return User.objects.filter(employee__company_id=company_id, is_active=True).order_by("username")


# Quotes


@dataclass(frozen=True)
class QuoteFilters:
    q: str = ""
    status: str = ""
    awaiting_me: bool = False


def quote_list(user: User, filters: QuoteFilters = QuoteFilters()) -> QuerySet[Quote]:
    quotes = Quote.objects.visible_to(user).select_related("customer", "owner", "opportunity")
    if filters.q:
        quotes = quotes.filter(Q(number__icontains=filters.q) | Q(customer__name__icontains=filters.q))
    if filters.status:
        quotes = quotes.filter(status=filters.status)
    if filters.awaiting_me:
        quotes = quotes.filter(status=QuoteStatus.PENDING_APPROVAL).exclude(owner=user)
    return quotes.order_by("-created_at", "-id")


def quote_detail_queryset(user: User) -> QuerySet[Quote]:
    return Quote.objects.visible_to(user).select_related(
        "customer", "owner", "opportunity", "price_list", "updated_by", "company"
    )


def quote_lines(quote: Quote) -> QuerySet[QuoteLine]:
    return quote.lines.select_related("product").order_by("id")


def quote_approvals(quote: Quote) -> QuerySet[QuoteApproval]:
    return quote.approvals.select_related("requested_by", "decided_by").order_by("requested_at", "id")


def quotable_opportunities(user: User) -> QuerySet:
    """Open or won deals with a customer, in the user's scope: a quote starts from one."""
    return pipeline.opportunity_list(user).filter(customer__isnull=False).exclude(stage__outcome="lost")


def approved_quotes(user: User) -> QuerySet[Quote]:
    return quote_list(user, QuoteFilters(status=QuoteStatus.APPROVED))


# Contracts


@dataclass(frozen=True)
class ContractFilters:
    q: str = ""
    status: str = ""
    customer: int | None = None


def contract_list(user: User, filters: ContractFilters = ContractFilters()) -> QuerySet[Contract]:
    contracts = Contract.objects.visible_to(user).select_related("customer", "owner")
    if filters.q:
        contracts = contracts.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q))
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.customer:
        contracts = contracts.filter(customer_id=filters.customer)
    return contracts.order_by("-created_at", "-id")


def contract_detail_queryset(user: User) -> QuerySet[Contract]:
    return Contract.objects.visible_to(user).select_related(
        "customer", "owner", "opportunity", "quote", "updated_by", "renewal_of", "terminated_by"
    )


def current_review(contract: Contract) -> ContractReview | None:
    """The first undecided step of the latest round, or None."""
    latest = contract.reviews.order_by("-round").values_list("round", flat=True).first()
    if latest is None:
        return None
    return (
        contract.reviews.filter(round=latest, decision="pending")
        .select_related("reviewer")
        .order_by("sequence", "id")
        .first()
    )


def contract_reviews(contract: Contract) -> QuerySet[ContractReview]:
    return contract.reviews.select_related("reviewer", "decided_by").order_by("-round", "sequence", "id")


def contract_comments(contract: Contract) -> QuerySet[ContractComment]:
    return contract.comments.select_related("author").order_by("created_at", "id")


def contract_versions(contract: Contract) -> QuerySet[ContractVersion]:
    return contract.versions.select_related("created_by").order_by("-number")


def contract_attachments(contract: Contract) -> QuerySet[ContractAttachment]:
    return contract.attachments.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def attachment_for(user: User, pk: int) -> ContractAttachment:
    """An attachment of a contract the user sees; anything else does not exist for them."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        ContractAttachment.objects.filter(contract__in=Contract.objects.visible_to(user)), pk=pk
    )


def contract_ordered_amount(contract: Contract, *, exclude_order: Order | None = None) -> Decimal:
    orders = contract.orders.filter(status__in=rules.ORDER_COUNTS_AGAINST_CONTRACT)
    if exclude_order is not None:
        orders = orders.exclude(pk=exclude_order.pk)
    return orders.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def won_opportunities(user: User) -> QuerySet:
    return pipeline.opportunity_list(user).filter(stage__outcome="won", customer__isnull=False)


def signed_contracts(user: User, *, today: date) -> QuerySet[Contract]:
    """Contracts open for orders: signed, and their term not past (rules.order_refusal)."""
    return contract_list(user, ContractFilters(status=ContractStatus.SIGNED)).exclude(ends_on__lt=today)


def renewals(user: User, *, today: date, within_days: int = 60) -> QuerySet[Contract]:
    """Contracts ending within ``within_days`` (or ended in the last 30 days, expired or about to
    be) that nobody renewed yet. A terminated contract is not up for renewal: it was ended."""
    renewed = Contract.objects.filter(renewal_of=OuterRef("pk")).exclude(
        status__in=["rejected", "terminated"]
    )
    return (
        Contract.objects.visible_to(user)
        .filter(
            status__in=[ContractStatus.SIGNED, ContractStatus.EXPIRED],
            ends_on__isnull=False,
            ends_on__lte=today + timedelta(days=within_days),
        )
        .filter(ends_on__gte=today - timedelta(days=30))
        .exclude(Exists(renewed))
        .select_related("customer", "owner")
        .order_by("ends_on", "id")
    )


@dataclass(frozen=True)
class RenewalRate:
    ending: int
    renewed: int

    @property
    def rate(self) -> Decimal | None:
        return (
            None if not self.ending else (Decimal(self.renewed) * 100 / self.ending).quantize(Decimal("0.1"))
        )


def renewal_rate(user: User, *, start: date, end: date, tier: str = "strategic") -> RenewalRate:
    """Renewal rate (KPI) of ``tier`` customers: of the contracts whose term ended between
    ``start`` and ``end`` (signed, or expired since), how many were renewed — a later contract
    names them as renewed, or the same customer signed another contract within 90 days before to
    30 days after the end. A renewing contract counts once signed, whatever became of it later
    (expired or terminated too). Terminated contracts are not in the base: they ended before
    their term, without a renewal decision to measure; their loss shows in the terminations."""
    renewed_link = Contract.objects.filter(renewal_of=OuterRef("pk"), status__in=rules.CONTRACT_WAS_SIGNED)
    same_customer = Contract.objects.filter(
        customer=OuterRef("customer"),
        status__in=rules.CONTRACT_WAS_SIGNED,
        signed_on__gte=OuterRef("ends_on") - timedelta(days=90),
        signed_on__lte=OuterRef("ends_on") + timedelta(days=30),
    ).exclude(pk=OuterRef("pk"))
    figures = (
        Contract.objects.visible_to(user)
        .filter(
            status__in=[ContractStatus.SIGNED, ContractStatus.EXPIRED],
            ends_on__range=(start, end),
            customer__tier=tier,
        )
        .annotate(is_renewed=Exists(renewed_link) | Exists(same_customer))
        .aggregate(ending=Count("id"), renewed=Count("id", filter=Q(is_renewed=True)))
    )
    return RenewalRate(ending=figures["ending"], renewed=figures["renewed"])


# Orders


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    customer: int | None = None
    contract: int | None = None


def _on_time_counts(prefix: str, today: date) -> dict:
    """Due and on-time shipment counts against the original promise, as annotations
    (rules.on_time_rate in SQL): a date moved by a delivery change does not make it on time."""
    shipped = Q(**{f"{prefix}status": ShipmentStatus.SHIPPED})
    overdue = Q(**{f"{prefix}status": ShipmentStatus.PLANNED, f"{prefix}original_planned_on__lt": today})
    on_time = shipped & Q(**{f"{prefix}shipped_on__lte": F(f"{prefix}original_planned_on")})
    field = prefix.removesuffix("__") or "id"
    return {
        "due_shipments": Count(field, filter=shipped | overdue),
        "on_time_shipments": Count(field, filter=on_time),
    }


def order_list(
    user: User, filters: OrderFilters = OrderFilters(), *, today: date | None = None
) -> QuerySet[Order]:
    orders = Order.objects.visible_to(user).select_related("customer", "owner", "contract")
    if filters.q:
        orders = orders.filter(Q(number__icontains=filters.q) | Q(customer__name__icontains=filters.q))
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.customer:
        orders = orders.filter(customer_id=filters.customer)
    if filters.contract:
        orders = orders.filter(contract_id=filters.contract)
    if today is not None:
        orders = orders.annotate(**_on_time_counts("shipments__", today))
    return orders.order_by("-ordered_on", "-id")


def order_detail_queryset(user: User) -> QuerySet[Order]:
    return Order.objects.visible_to(user).select_related(
        "customer", "owner", "contract", "repeat_of", "updated_by", "credit_checked_by"
    )


def order_lines(order: Order):
    return order.lines.select_related("product").order_by("id")


def order_shipments(order: Order) -> QuerySet[Shipment]:
    return order.shipments.order_by("sequence")


def order_events(order: Order) -> QuerySet[OrderEvent]:
    return order.events.select_related("by").order_by("-at", "-id")


def delivery_changes(
    user: User, *, status: str = "", order: Order | None = None
) -> QuerySet[DeliveryChangeRequest]:
    changes = DeliveryChangeRequest.objects.visible_to(user).select_related(
        "order", "order__customer", "shipment", "requested_by", "decided_by"
    )
    if status:
        changes = changes.filter(status=status)
    if order is not None:
        changes = changes.filter(order=order)
    return changes.order_by("-requested_at", "-id")


def pending_delivery_changes(user: User) -> QuerySet[DeliveryChangeRequest]:
    return delivery_changes(user, status=DeliveryChangeStatus.PENDING)


def repeatable_orders(user: User) -> QuerySet[Order]:
    """Earlier orders a repeat order may copy: shipped or completed, in the user's scope."""
    return order_list(user).filter(
        status__in=["shipped", "completed", "partly_shipped", "in_production", "confirmed"]
    )


@dataclass(frozen=True)
class OnTime:
    due: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return None if not self.due else (Decimal(self.on_time) * 100 / self.due).quantize(Decimal("0.1"))


def on_time_for_order(order: Order, *, today: date) -> OnTime:
    figures = Shipment.objects.filter(order=order).aggregate(**_on_time_counts("", today))
    return OnTime(due=figures["due_shipments"], on_time=figures["on_time_shipments"])


def on_time_by_customer(
    user: User, *, today: date, customer_ids: list[int] | None = None
) -> dict[int, OnTime]:
    """On-time delivery rate per customer over the orders the user sees, in one query."""
    shipments = Shipment.objects.filter(
        order__in=Order.objects.visible_to(user).exclude(status="cancelled")
    ).exclude(status=ShipmentStatus.CANCELLED)
    if customer_ids is not None:
        shipments = shipments.filter(order__customer_id__in=customer_ids)
    rows = shipments.values("order__customer_id").annotate(**_on_time_counts("", today))
    return {
        row["order__customer_id"]: OnTime(due=row["due_shipments"], on_time=row["on_time_shipments"])
        for row in rows
    }


def customer_choices(user: User):
    return customers.customer_list(user, customers.CustomerFilters(holder="owned"))
