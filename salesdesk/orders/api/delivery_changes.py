"""Delivery-date change requests over HTTP: list, request one for a shipment, approve or reject."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import ID, REF, OrdersDecisionIn, Route, add_transitions, router
from salesdesk.orders.models import DeliveryChangeStatus


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


def _detail(request, change_id: int):
    return get_object_or_404(selectors.delivery_changes(request.user), pk=change_id)


@router.get("/delivery-changes", response={200: Page[DeliveryChangeOut], **ERRORS})
@permission("orders.view_orders")
def list_delivery_changes(request, filters: Query[DeliveryChangeFilterIn], paging: Query[PageParams]):
    return page_of(selectors.delivery_changes(request.user, status=filters.status or ""), paging)


@router.post("/{order_id}/delivery-changes", response={201: DeliveryChangeOut, **WRITE_ERRORS})
@permission("orders.view_orders")
def request_delivery_change(request, payload: DeliveryChangeIn, order_id: int = ID):
    order = get_object_or_404(selectors.order_detail_queryset(request.user), pk=order_id)
    shipment = get_object_or_404(order.shipments.select_related("order"), pk=payload.shipment_id)
    change = services.request_delivery_change(
        acting_user=request.user, shipment=shipment, new_date=payload.new_date, reason=payload.reason
    )
    return Status(201, change)


add_transitions(
    [
        Route(
            "approve_delivery_change",
            "/delivery-changes/{change_id}/approve",
            "decide_delivery_change",
            OrdersDecisionIn,
            {"approve": True},
        ),
        Route(
            "reject_delivery_change",
            "/delivery-changes/{change_id}/reject",
            "decide_delivery_change",
            OrdersDecisionIn,
            {"approve": False},
        ),
    ],
    out=DeliveryChangeOut,
    detail=_detail,
)
