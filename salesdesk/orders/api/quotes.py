"""Quotes over HTTP: list, read, create, set the lines, and the approval transitions."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import (
    ID,
    PERCENT,
    QUANTITY,
    REF,
    VERSION,
    OrdersDecisionIn,
    OrdersVersionIn,
    Route,
    add_transitions,
    router,
)
from salesdesk.orders.models import QuoteStatus
from salesdesk.pipeline import selectors as pipeline
from salesdesk.products import selectors as products


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


def _detail(request, quote_id: int) -> dict:
    quote = _quote(request, quote_id)
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
    return _detail(request, quote_id)


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
    return Status(201, _detail(request, quote.pk))


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
    return _detail(request, quote_id)


add_transitions(
    [
        Route("submit_quote", "/quotes/{quote_id}/submit", "submit_quote", OrdersVersionIn),
        Route(
            "approve_quote", "/quotes/{quote_id}/approve", "decide_quote", OrdersDecisionIn, {"approve": True}
        ),
        Route(
            "reject_quote", "/quotes/{quote_id}/reject", "decide_quote", OrdersDecisionIn, {"approve": False}
        ),
    ],
    out=QuoteDetailOut,
    detail=_detail,
)
