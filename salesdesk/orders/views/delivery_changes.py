"""Delivery-date change requests: raised on an order's page, decided there or from the list."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.access import permission
from salesdesk.core.paging import page_slice
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.models import ShipmentStatus
from salesdesk.orders.views.common import act, transition_view


@require_POST
@permission("orders.view_orders")
def delivery_change_create(request, pk: int):
    order = get_object_or_404(selectors.order_detail_queryset(request.user), pk=pk)
    form = forms.DeliveryChangeForm(
        request.POST, shipments=order.shipments.filter(status=ShipmentStatus.PLANNED)
    )
    if not form.is_valid():
        return act(request, order, lambda: None, "", form=form)
    shipment = get_object_or_404(order.shipments, pk=form.cleaned_data["shipment"])
    return act(
        request,
        order,
        lambda: services.request_delivery_change(
            acting_user=request.user,
            shipment=shipment,
            new_date=form.cleaned_data["new_date"],
            reason=form.cleaned_data["reason"],
        ),
        _("The delivery change was requested."),
    )


@permission("orders.view_orders")
def delivery_change_list(request):
    status = request.GET.get("status", "pending")
    status = status if status in ("pending", "approved", "rejected", "") else "pending"
    page = page_slice(selectors.delivery_changes(request.user, status=status), request.GET.get("page"))
    return render(
        request,
        "orders/delivery_change_list.html",
        {"page": page, "status": status, "query": f"status={status}"},
    )


delivery_change_decide = transition_view("decide_delivery_change", forms.DecisionForm)
