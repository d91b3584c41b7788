"""Quotes, contracts, orders, delivery changes and price lists over HTTP: parse, call a selector
or service, return a schema."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.orders import selectors, services
from salesdesk.orders.models import (
    ContractStatus,
    DeliveryChangeRequest,
    DeliveryChangeStatus,
    OrderStatus,
    QuoteStatus,
)
from salesdesk.org.models import User
from salesdesk.pipeline import selectors as pipeline
from salesdesk.products import selectors as products

router = Router(tags=["orders"])
ID = Path(..., ge=1, le=MAX_ID)
REF = {"ge": 1, "le": MAX_ID}
MONEY = {"ge": 0, "le": Decimal("9999999999999999.99"), "max_digits": 18, "decimal_places": 2}
QUANTITY = {"gt": 0, "max_digits": 12, "decimal_places": 2}
PERCENT = {"ge": 0, "le": 100, "max_digits": 5, "decimal_places": 2}
VERSION = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")


class OrdersVersionIn(InputSchema):
    version: int = VERSION


class OrdersDecisionIn(InputSchema):
    version: int = VERSION
    comment: str = Field("", max_length=500, description="needed to reject")


class OrdersReasonIn(InputSchema):
    version: int = VERSION
    reason: str = Field(..., min_length=1, max_length=300)


# Quotes


class QuoteRowOut(Schema):
    id: int
    number: str
    opportunity_id: int
    customer_id: int
    owner_id: int
    status: QuoteStatus
    valid_until: date
    list_total: Decimal
    amount: Decimal
    discount_percent: Decimal
    approver_role: str
    version: int


class QuoteLineOut(Schema):
    id: int
    product_id: int
    quantity: Decimal
    list_price: Decimal
    floor_price: Decimal | None
    discount_percent: Decimal
    unit_price: Decimal
    amount: Decimal


class QuoteApprovalOut(Schema):
    id: int
    discount_percent: Decimal
    approver_role: str
    requested_by_id: int
    requested_at: datetime
    decision: str
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class QuoteDetailOut(QuoteRowOut):
    price_list_id: int | None
    notes: str
    lines: list[QuoteLineOut]
    approvals: list[QuoteApprovalOut]


class QuoteFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number or customer contains")
    status: QuoteStatus | None = None


class QuoteLineIn(InputSchema):
    product_id: int = Field(..., **REF)
    quantity: Decimal = Field(..., **QUANTITY)
    discount_percent: Decimal = Field(Decimal(0), **PERCENT)


class QuoteCreateIn(InputSchema):
    opportunity_id: int = Field(..., **REF)
    lines: list[QuoteLineIn] | None = Field(
        None, max_length=200, description="leave out to take the deal's products"
    )
    valid_until: date | None = None
    notes: str = Field("", max_length=2000)


class QuoteLinesIn(InputSchema):
    version: int = VERSION
    lines: list[QuoteLineIn] = Field(..., max_length=200)
    valid_until: date | None = None
    notes: str | None = Field(None, max_length=2000)


def _quote(request, quote_id: int):
    return get_object_or_404(selectors.quote_detail_queryset(request.user), pk=quote_id)


def _quote_out(quote) -> dict:
    return QuoteRowOut.from_orm(quote).model_dump() | {
        "price_list_id": quote.price_list_id,
        "notes": quote.notes,
        "lines": list(selectors.quote_lines(quote)),
        "approvals": list(selectors.quote_approvals(quote)),
    }


def _quote_lines(request, lines: list[QuoteLineIn]) -> list:
    catalogue = products.product_list(request.user)
    return [
        services.QuoteLineInput(
            product=get_object_or_404(catalogue, pk=line.product_id),
            quantity=line.quantity,
            discount_percent=line.discount_percent,
        )
        for line in lines
    ]


@router.get("/quotes", response={200: Page[QuoteRowOut], **ERRORS})
@permission("orders.view_orders")
def list_quotes(request, filters: Query[QuoteFilterIn], paging: Query[PageParams]):
    quotes = selectors.quote_list(
        request.user, selectors.QuoteFilters(q=filters.q, status=filters.status or "")
    )
    return page_of(quotes, paging)


@router.get("/quotes/{quote_id}", response={200: QuoteDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_quote(request, quote_id: int = ID):
    return _quote_out(_quote(request, quote_id))


@router.post("/quotes", response={201: QuoteDetailOut, **WRITE_ERRORS})
@permission("orders.create_quote")
def create_quote(request, payload: QuoteCreateIn):
    opportunity = get_object_or_404(
        pipeline.opportunity_detail_queryset(request.user), pk=payload.opportunity_id
    )
    quote = services.create_quote(
        acting_user=request.user,
        opportunity=opportunity,
        lines=None if payload.lines is None else _quote_lines(request, payload.lines),
        valid_until=payload.valid_until,
        notes=payload.notes,
    )
    return Status(201, _quote_out(_quote(request, quote.pk)))


@router.put("/quotes/{quote_id}/lines", response={200: QuoteDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def set_quote_lines(request, payload: QuoteLinesIn, quote_id: int = ID):
    quote = _quote(request, quote_id)
    services.set_quote_lines(
        acting_user=request.user,
        quote=quote,
        expected_version=payload.version,
        lines=_quote_lines(request, payload.lines),
        valid_until=payload.valid_until,
        notes=payload.notes,
    )
    return _quote_out(_quote(request, quote_id))


@router.post("/quotes/{quote_id}/submit", response={200: QuoteDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def submit_quote(request, payload: OrdersVersionIn, quote_id: int = ID):
    services.submit_quote(
        acting_user=request.user, quote=_quote(request, quote_id), expected_version=payload.version
    )
    return _quote_out(_quote(request, quote_id))


@router.post("/quotes/{quote_id}/approve", response={200: QuoteDetailOut, **WRITE_ERRORS})
@permission("orders.approve_quote")
def approve_quote(request, payload: OrdersDecisionIn, quote_id: int = ID):
    services.approve_quote(
        acting_user=request.user,
        quote=_quote(request, quote_id),
        expected_version=payload.version,
        comment=payload.comment,
    )
    return _quote_out(_quote(request, quote_id))


@router.post("/quotes/{quote_id}/reject", response={200: QuoteDetailOut, **WRITE_ERRORS})
@permission("orders.approve_quote")
def reject_quote(request, payload: OrdersDecisionIn, quote_id: int = ID):
    services.reject_quote(
        acting_user=request.user,
        quote=_quote(request, quote_id),
        expected_version=payload.version,
        comment=payload.comment,
    )
    return _quote_out(_quote(request, quote_id))


# Contracts


class ContractRowOut(Schema):
    id: int
    number: str
    title: str
    customer_id: int
    opportunity_id: int | None
    quote_id: int | None
    owner_id: int
    status: ContractStatus
    amount: Decimal
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    version: int


class ContractReviewOut(Schema):
    id: int
    round: int
    sequence: int
    name: str
    reviewer_role: str
    reviewer_id: int | None
    decision: str
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class ContractDetailOut(ContractRowOut):
    payment_days: int
    payment_terms: str
    delivery_terms: str
    is_standard_terms: bool
    renewal_of_id: int | None
    reviews: list[ContractReviewOut]


class ContractFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number or title contains")
    status: ContractStatus | None = None
    customer: int | None = Field(None, **REF)


class ContractCreateIn(InputSchema):
    opportunity_id: int | None = Field(None, **REF, description="a won deal")
    quote_id: int | None = Field(None, **REF, description="an approved quote; its total is the value")
    title: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, **MONEY, description="for a deal: defaults to its amount")
    starts_on: date | None = None
    ends_on: date | None = None
    payment_days: int = Field(30, ge=0, le=365)
    payment_terms: str = Field("", max_length=2000)
    delivery_terms: str = Field("", max_length=2000)
    renewal_of_id: int | None = Field(None, **REF)


class ContractUpdateIn(InputSchema):
    version: int = VERSION
    title: str | None = Field(None, min_length=1, max_length=200)
    amount: Decimal | None = Field(None, **MONEY)
    starts_on: date | None = None
    ends_on: date | None = None
    payment_days: int | None = Field(None, ge=0, le=365)
    payment_terms: str | None = Field(None, max_length=2000)
    delivery_terms: str | None = Field(None, max_length=2000)


class ContractReviewIn(InputSchema):
    version: int = VERSION
    approve: bool
    comment: str = Field("", max_length=500)


class ContractSignIn(InputSchema):
    version: int = VERSION
    signed_on: date


class ContractCommentIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=5000)


class ContractCommentOut(Schema):
    id: int
    author_id: int
    body: str
    created_at: datetime


class ContractVersionOut(Schema):
    number: int
    terms: dict
    note: str
    created_by_id: int
    created_at: datetime


class RenewalFilterIn(InputSchema):
    days: int = Field(60, ge=1, le=365, description="ending within this many days")


class RenewalRateIn(InputSchema):
    start: date
    end: date
    tier: str = Field("strategic", max_length=20)


class RenewalRateOut(Schema):
    ending: int
    renewed: int
    rate: Decimal | None = Field(None, description="percent")


def _contract(request, contract_id: int):
    return get_object_or_404(selectors.contract_detail_queryset(request.user), pk=contract_id)


def _contract_out(contract) -> dict:
    return ContractRowOut.from_orm(contract).model_dump() | {
        "payment_days": contract.payment_days,
        "payment_terms": contract.payment_terms,
        "delivery_terms": contract.delivery_terms,
        "is_standard_terms": contract.is_standard_terms,
        "renewal_of_id": contract.renewal_of_id,
        "reviews": list(selectors.contract_reviews(contract)),
    }


@router.get("/contracts", response={200: Page[ContractRowOut], **ERRORS})
@permission("orders.view_orders")
def list_contracts(request, filters: Query[ContractFilterIn], paging: Query[PageParams]):
    contracts = selectors.contract_list(
        request.user,
        selectors.ContractFilters(q=filters.q, status=filters.status or "", customer=filters.customer),
    )
    return page_of(contracts, paging)


@router.get("/contracts/renewals", response={200: Page[ContractRowOut], **ERRORS})
@permission("orders.view_orders")
def list_renewals(request, filters: Query[RenewalFilterIn], paging: Query[PageParams]):
    return page_of(
        selectors.renewals(request.user, today=timezone.localdate(), within_days=filters.days), paging
    )


@router.get("/contracts/renewal-rate", response={200: RenewalRateOut, **ERRORS})
@permission("orders.view_orders")
def get_renewal_rate(request, filters: Query[RenewalRateIn]):
    figure = selectors.renewal_rate(request.user, start=filters.start, end=filters.end, tier=filters.tier)
    return {"ending": figure.ending, "renewed": figure.renewed, "rate": figure.rate}


@router.get("/contracts/{contract_id}", response={200: ContractDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_contract(request, contract_id: int = ID):
    return _contract_out(_contract(request, contract_id))


@router.post("/contracts", response={201: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.create_contract")
def create_contract(request, payload: ContractCreateIn):
    data = payload.model_dump()
    quote_id, opportunity_id, renewal_id = (
        data.pop("quote_id"),
        data.pop("opportunity_id"),
        data.pop("renewal_of_id"),
    )
    quote = _quote(request, quote_id) if quote_id else None
    opportunity = (
        get_object_or_404(pipeline.opportunity_detail_queryset(request.user), pk=opportunity_id)
        if opportunity_id and quote is None
        else None
    )
    renewal_of = _contract(request, renewal_id) if renewal_id else None
    contract = services.create_contract(
        acting_user=request.user, quote=quote, opportunity=opportunity, renewal_of=renewal_of, **data
    )
    return Status(201, _contract_out(_contract(request, contract.pk)))


@router.patch("/contracts/{contract_id}", response={200: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def update_contract(request, payload: ContractUpdateIn, contract_id: int = ID):
    contract = _contract(request, contract_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    data = {k: v for k, v in data.items() if v is not None or k in ("starts_on", "ends_on")}
    services.update_contract(
        acting_user=request.user, contract=contract, expected_version=version, changes=data
    )
    return _contract_out(_contract(request, contract_id))


@router.post("/contracts/{contract_id}/submit", response={200: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def submit_contract(request, payload: OrdersVersionIn, contract_id: int = ID):
    services.submit_contract(
        acting_user=request.user, contract=_contract(request, contract_id), expected_version=payload.version
    )
    return _contract_out(_contract(request, contract_id))


@router.post("/contracts/{contract_id}/review", response={200: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def review_contract(request, payload: ContractReviewIn, contract_id: int = ID):
    services.decide_review(
        acting_user=request.user,
        contract=_contract(request, contract_id),
        expected_version=payload.version,
        approve=payload.approve,
        comment=payload.comment,
    )
    return _contract_out(_contract(request, contract_id))


@router.post("/contracts/{contract_id}/sign", response={200: ContractDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def sign_contract(request, payload: ContractSignIn, contract_id: int = ID):
    services.sign_contract(
        acting_user=request.user,
        contract=_contract(request, contract_id),
        expected_version=payload.version,
        signed_on=payload.signed_on,
    )
    return _contract_out(_contract(request, contract_id))


@router.get("/contracts/{contract_id}/comments", response={200: list[ContractCommentOut], **ERRORS})
@permission("orders.view_orders")
def list_contract_comments(request, contract_id: int = ID):
    return list(selectors.contract_comments(_contract(request, contract_id)))


@router.post("/contracts/{contract_id}/comments", response={201: ContractCommentOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def add_contract_comment(request, payload: ContractCommentIn, contract_id: int = ID):
    comment = services.add_comment(
        acting_user=request.user, contract=_contract(request, contract_id), body=payload.body
    )
    return Status(201, comment)


@router.get("/contracts/{contract_id}/versions", response={200: list[ContractVersionOut], **ERRORS})
@permission("orders.view_orders")
def list_contract_versions(request, contract_id: int = ID):
    return list(selectors.contract_versions(_contract(request, contract_id)))


# Delivery change requests


class DeliveryChangeOut(Schema):
    id: int
    order_id: int
    shipment_id: int
    old_date: date
    new_date: date
    reason: str
    status: DeliveryChangeStatus
    requested_by_id: int
    requested_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    version: int


class DeliveryChangeFilterIn(InputSchema):
    status: DeliveryChangeStatus | None = None


class DeliveryChangeIn(InputSchema):
    shipment_id: int = Field(..., **REF)
    new_date: date
    reason: str = Field(..., min_length=1, max_length=500)


def _change(request, change_id: int) -> DeliveryChangeRequest:
    return get_object_or_404(selectors.delivery_changes(request.user), pk=change_id)


@router.get("/delivery-changes", response={200: Page[DeliveryChangeOut], **ERRORS})
@permission("orders.view_orders")
def list_delivery_changes(request, filters: Query[DeliveryChangeFilterIn], paging: Query[PageParams]):
    return page_of(selectors.delivery_changes(request.user, status=filters.status or ""), paging)


@router.post("/{order_id}/delivery-changes", response={201: DeliveryChangeOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def request_delivery_change(request, payload: DeliveryChangeIn, order_id: int = ID):
    order = _order(request, order_id)
    shipment = get_object_or_404(order.shipments.select_related("order"), pk=payload.shipment_id)
    change = services.request_delivery_change(
        acting_user=request.user, shipment=shipment, new_date=payload.new_date, reason=payload.reason
    )
    return Status(201, change)


@router.post("/delivery-changes/{change_id}/approve", response={200: DeliveryChangeOut, **WRITE_ERRORS})
@permission("orders.decide_delivery_change")
def approve_delivery_change(request, payload: OrdersDecisionIn, change_id: int = ID):
    return services.decide_delivery_change(
        acting_user=request.user,
        change=_change(request, change_id),
        expected_version=payload.version,
        approve=True,
        note=payload.comment,
    )


@router.post("/delivery-changes/{change_id}/reject", response={200: DeliveryChangeOut, **WRITE_ERRORS})
@permission("orders.decide_delivery_change")
def reject_delivery_change(request, payload: OrdersDecisionIn, change_id: int = ID):
    return services.decide_delivery_change(
        acting_user=request.user,
        change=_change(request, change_id),
        expected_version=payload.version,
        approve=False,
        note=payload.comment,
    )


# Price policy


class PriceListOut(Schema):
    id: int
    name: str
    customer_tier: str
    region: str
    is_active: bool
    version: int


class PriceListItemOut(Schema):
    product_id: int
    price: Decimal
    floor_price: Decimal


class PriceListDetailOut(PriceListOut):
    items: list[PriceListItemOut]


class PriceListCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    customer_tier: str = Field("", max_length=20, description="a customer tier code; empty: every tier")
    region: str = Field("", max_length=100, description="a province / region; empty: every region")
    is_active: bool = True


class PriceListUpdateIn(InputSchema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=100)
    customer_tier: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class PriceIn(InputSchema):
    price: Decimal = Field(..., **MONEY)
    floor_price: Decimal = Field(..., **MONEY)


class DiscountLimitsOut(Schema):
    rep: Decimal
    supervisor: Decimal
    manager: Decimal
    director: Decimal


class DiscountLimitsIn(InputSchema):
    rep: Decimal | None = Field(None, **PERCENT)
    supervisor: Decimal | None = Field(None, **PERCENT)
    manager: Decimal | None = Field(None, **PERCENT)
    director: Decimal | None = Field(None, **PERCENT)


class ReviewStepOut(Schema):
    sequence: int
    name: str
    reviewer_role: str
    reviewer_id: int | None
    min_amount: Decimal
    only_non_standard: bool
    is_active: bool


class ReviewStepIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    reviewer_role: str = Field(
        ..., max_length=20, description="supervisor, manager, director, finance or admin"
    )
    reviewer_id: int | None = Field(None, **REF, description="a named reviewer, e.g. the legal counsel")
    min_amount: Decimal = Field(Decimal(0), **MONEY)
    only_non_standard: bool = False
    is_active: bool = True


def _price_list(request, price_list_id: int):
    return get_object_or_404(selectors.price_lists(request.user), pk=price_list_id)


def _price_list_out(price_list) -> dict:
    return PriceListOut.from_orm(price_list).model_dump() | {
        "items": list(selectors.price_list_items(price_list))
    }


@router.get("/price-lists", response={200: list[PriceListOut], **ERRORS})
@permission("orders.view_orders")
def list_price_lists(request):
    return list(selectors.price_lists(request.user)[:500])


@router.get("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_price_list(request, price_list_id: int = ID):
    return _price_list_out(_price_list(request, price_list_id))


@router.post("/price-lists", response={201: PriceListDetailOut, **WRITE_ERRORS})
@permission("orders.manage_price_lists")
def create_price_list(request, payload: PriceListCreateIn):
    price_list = services.create_price_list(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, _price_list_out(_price_list(request, price_list.pk)))


@router.patch("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **WRITE_ERRORS})
@permission("orders.manage_price_lists")
def update_price_list(request, payload: PriceListUpdateIn, price_list_id: int = ID):
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = data.pop("version")
    services.update_price_list(
        acting_user=request.user,
        price_list=_price_list(request, price_list_id),
        expected_version=version,
        changes=data,
    )
    return _price_list_out(_price_list(request, price_list_id))


@router.put(
    "/price-lists/{price_list_id}/items/{product_id}", response={200: PriceListDetailOut, **WRITE_ERRORS}
)
@permission("orders.manage_price_lists")
def set_price(request, payload: PriceIn, price_list_id: int = ID, product_id: int = ID):
    price_list = _price_list(request, price_list_id)
    product = get_object_or_404(products.product_list(request.user), pk=product_id)
    services.set_price(
        acting_user=request.user,
        price_list=price_list,
        product=product,
        price=payload.price,
        floor_price=payload.floor_price,
    )
    return _price_list_out(price_list)


@router.get("/settings/discount-limits", response={200: DiscountLimitsOut, **ERRORS})
@permission("orders.view_orders")
def get_discount_limits(request):
    return selectors.discount_limits(selectors.company_of(request.user).pk)


@router.put("/settings/discount-limits", response={200: DiscountLimitsOut, **WRITE_ERRORS})
@permission("orders.configure_orders")
def set_discount_limits(request, payload: DiscountLimitsIn):
    limits = {k: v for k, v in payload.model_dump().items() if v is not None}
    return services.set_discount_limits(
        acting_user=request.user, company=selectors.company_of(request.user), limits=limits
    )


@router.get("/settings/review-steps", response={200: list[ReviewStepOut], **ERRORS})
@permission("orders.view_orders")
def list_review_steps(request):
    company = selectors.company_of(request.user)
    services.ensure_review_steps(company)
    return list(selectors.review_steps(company.pk))


@router.put("/settings/review-steps/{sequence}", response={200: ReviewStepOut, **WRITE_ERRORS})
@permission("orders.configure_orders")
def save_review_step(request, payload: ReviewStepIn, sequence: int = Path(..., ge=1, le=1000)):
    company = selectors.company_of(request.user)
    data = payload.model_dump()
    reviewer_id = data.pop("reviewer_id")
    reviewer = None
    if reviewer_id:
        reviewer = get_object_or_404(User.objects.filter(employee__company=company), pk=reviewer_id)
    return services.save_review_step(
        acting_user=request.user, company=company, sequence=sequence, reviewer=reviewer, **data
    )


# Orders: last, because "/{order_id}" would otherwise take the fixed paths above


class OrderRowOut(Schema):
    id: int
    number: str
    contract_id: int | None
    repeat_of_id: int | None
    customer_id: int
    owner_id: int
    status: OrderStatus
    amount: Decimal
    ordered_on: date
    promised_on: date | None
    production_progress: int
    version: int


class OrderLineOut(Schema):
    id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class ShipmentOut(Schema):
    id: int
    sequence: int
    planned_on: date
    shipped_on: date | None
    amount: Decimal
    status: str


class OnTimeOut(Schema):
    due: int
    on_time: int
    rate: Decimal | None = Field(None, description="percent of due shipments delivered on time")


class OrderDetailOut(OrderRowOut):
    paused_from: str
    pause_reason: str
    credit_checked_at: datetime | None
    lines: list[OrderLineOut]
    shipments: list[ShipmentOut]
    on_time: OnTimeOut


class OrderEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    by_id: int
    at: datetime


class OrderFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="number or customer contains")
    status: OrderStatus | None = None
    customer: int | None = Field(None, **REF)
    contract: int | None = Field(None, **REF)


class OrderLineIn(InputSchema):
    product_id: int = Field(..., **REF)
    quantity: Decimal = Field(..., **QUANTITY)
    unit_price: Decimal = Field(..., **MONEY)


class OrderCreateIn(InputSchema):
    contract_id: int = Field(..., **REF)
    promised_on: date
    lines: list[OrderLineIn] | None = Field(
        None, max_length=200, description="leave out to copy the contract's"
    )


class RepeatOrderIn(InputSchema):
    previous_id: int = Field(..., **REF)
    promised_on: date


class ShipmentIn(InputSchema):
    planned_on: date
    amount: Decimal = Field(..., **MONEY)


class ShipmentsIn(InputSchema):
    version: int = VERSION
    shipments: list[ShipmentIn] = Field(..., min_length=1, max_length=50)


class ProgressIn(InputSchema):
    version: int = VERSION
    percent: int = Field(..., ge=0, le=100)


class ShipIn(InputSchema):
    version: int = VERSION
    shipped_on: date | None = None


class ResumeIn(InputSchema):
    version: int = VERSION
    note: str = Field("", max_length=300)


class CustomerOnTimeOut(OnTimeOut):
    customer_id: int


def _order(request, order_id: int):
    return get_object_or_404(selectors.order_detail_queryset(request.user), pk=order_id)


def _order_out(order) -> dict:
    on_time = selectors.on_time_for_order(order, today=timezone.localdate())
    return OrderRowOut.from_orm(order).model_dump() | {
        "paused_from": order.paused_from,
        "pause_reason": order.pause_reason,
        "credit_checked_at": order.credit_checked_at,
        "lines": list(selectors.order_lines(order)),
        "shipments": list(selectors.order_shipments(order)),
        "on_time": {"due": on_time.due, "on_time": on_time.on_time, "rate": on_time.rate},
    }


def _fresh(request, order_id: int) -> dict:
    return _order_out(_order(request, order_id))


@router.get("", response={200: Page[OrderRowOut], **ERRORS})
@permission("orders.view_orders")
def list_orders(request, filters: Query[OrderFilterIn], paging: Query[PageParams]):
    orders = selectors.order_list(
        request.user,
        selectors.OrderFilters(
            q=filters.q, status=filters.status or "", customer=filters.customer, contract=filters.contract
        ),
    )
    return page_of(orders, paging)


@router.post("/repeat", response={201: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.create_order")
def create_repeat_order(request, payload: RepeatOrderIn):
    previous = _order(request, payload.previous_id)
    order = services.create_repeat_order(
        acting_user=request.user, previous=previous, promised_on=payload.promised_on
    )
    return Status(201, _fresh(request, order.pk))


@router.get("/on-time/customers", response={200: list[CustomerOnTimeOut], **ERRORS})
@permission("orders.view_orders")
def list_customer_on_time(request):
    rates = selectors.on_time_by_customer(request.user, today=timezone.localdate())
    return [
        {"customer_id": customer_id, "due": r.due, "on_time": r.on_time, "rate": r.rate}
        for customer_id, r in sorted(rates.items())
    ]


@router.get("/{order_id}", response={200: OrderDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_order(request, order_id: int = ID):
    return _fresh(request, order_id)


@router.get("/{order_id}/events", response={200: list[OrderEventOut], **ERRORS})
@permission("orders.view_orders")
def list_order_events(request, order_id: int = ID):
    return list(selectors.order_events(_order(request, order_id)))


@router.post("", response={201: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.create_order")
def create_order(request, payload: OrderCreateIn):
    contract = _contract(request, payload.contract_id)
    lines = None
    if payload.lines is not None:
        catalogue = products.product_list(request.user)
        lines = [
            services.OrderLineInput(
                get_object_or_404(catalogue, pk=line.product_id), line.quantity, line.unit_price
            )
            for line in payload.lines
        ]
    order = services.create_order(
        acting_user=request.user, contract=contract, promised_on=payload.promised_on, lines=lines
    )
    return Status(201, _fresh(request, order.pk))


@router.put("/{order_id}/shipments", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def set_shipments(request, payload: ShipmentsIn, order_id: int = ID):
    services.set_shipments(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        shipments=[services.ShipmentInput(s.planned_on, s.amount) for s in payload.shipments],
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/shipments/{shipment_id}/ship", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def ship_shipment(request, payload: ShipIn, order_id: int = ID, shipment_id: int = ID):
    order = _order(request, order_id)
    shipment = get_object_or_404(order.shipments.select_related("order"), pk=shipment_id)
    services.ship_shipment(
        acting_user=request.user,
        shipment=shipment,
        expected_version=payload.version,
        shipped_on=payload.shipped_on,
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/start-production", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def start_production(request, payload: OrdersVersionIn, order_id: int = ID):
    services.start_production(
        acting_user=request.user, order=_order(request, order_id), expected_version=payload.version
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/progress", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def record_progress(request, payload: ProgressIn, order_id: int = ID):
    services.record_progress(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        percent=payload.percent,
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/pause", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.pause_order")
def pause_order(request, payload: OrdersReasonIn, order_id: int = ID):
    services.pause_order(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/resume", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.pause_order")
def resume_order(request, payload: ResumeIn, order_id: int = ID):
    services.resume_order(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        note=payload.note,
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/cancel", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def cancel_order(request, payload: OrdersReasonIn, order_id: int = ID):
    services.cancel_order(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        reason=payload.reason,
    )
    return _fresh(request, order_id)


@router.post("/{order_id}/complete", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def complete_order(request, payload: OrdersVersionIn, order_id: int = ID):
    services.complete_order(
        acting_user=request.user, order=_order(request, order_id), expected_version=payload.version
    )
    return _fresh(request, order_id)
