"""Orders over HTTP: list, read, create (under a contract or repeating an order), the delivery
schedule, shipping, on-time delivery, and the order's transitions. Mounted last: "/{order_id}"
would otherwise take the fixed paths of the other modules."""

from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import (
    ID,
    MONEY,
    QUANTITY,
    REF,
    VERSION,
    OrdersReasonIn,
    OrdersVersionIn,
    Route,
    add_transitions,
    router,
)
from salesdesk.orders.models import OrderStatus
from salesdesk.products import selectors as products


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
    original_planned_on: date = Field(
        ..., description="the date first promised; on time is measured against it"
    )
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


def _detail(request, order_id: int) -> dict:
    order = _order(request, order_id)
    on_time = selectors.on_time_for_order(order, today=timezone.localdate())
    return OrderRowOut.from_orm(order).model_dump() | {
        "paused_from": order.paused_from,
        "pause_reason": order.pause_reason,
        "credit_checked_at": order.credit_checked_at,
        "lines": list(selectors.order_lines(order)),
        "shipments": list(selectors.order_shipments(order)),
        "on_time": {"due": on_time.due, "on_time": on_time.on_time, "rate": on_time.rate},
    }


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
    return Status(201, _detail(request, order.pk))


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
    return _detail(request, order_id)


@router.get("/{order_id}/events", response={200: list[OrderEventOut], **ERRORS})
@permission("orders.view_orders")
def list_order_events(request, order_id: int = ID):
    return list(selectors.order_events(_order(request, order_id)))


@router.post("", response={201: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.create_order")
def create_order(request, payload: OrderCreateIn):
    contract = get_object_or_404(selectors.contract_detail_queryset(request.user), pk=payload.contract_id)
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
    return Status(201, _detail(request, order.pk))


@router.put("/{order_id}/shipments", response={200: OrderDetailOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def set_shipments(request, payload: ShipmentsIn, order_id: int = ID):
    services.set_shipments(
        acting_user=request.user,
        order=_order(request, order_id),
        expected_version=payload.version,
        shipments=[services.ShipmentInput(s.planned_on, s.amount) for s in payload.shipments],
    )
    return _detail(request, order_id)


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
    return _detail(request, order_id)


add_transitions(
    [
        Route("start_production", "/{order_id}/start-production", "start_production", OrdersVersionIn),
        Route("record_progress", "/{order_id}/progress", "record_progress", ProgressIn),
        Route("pause_order", "/{order_id}/pause", "pause_order", OrdersReasonIn),
        Route("resume_order", "/{order_id}/resume", "resume_order", ResumeIn),
        Route("cancel_order", "/{order_id}/cancel", "cancel_order", OrdersReasonIn),
        Route("complete_order", "/{order_id}/complete", "complete_order", OrdersVersionIn),
    ],
    out=OrderDetailOut,
    detail=_detail,
)
