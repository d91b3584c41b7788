"""Order pages: list, export, create (under a contract or repeating an order), detail with the
delivery schedule, shipping, and the order's transitions."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.exports import stream_csv
from salesdesk.core.history import record_history
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.models import ShipmentStatus
from salesdesk.orders.transitions import call
from salesdesk.orders.views.common import act, attempt, filters_from, list_page, submit, transition_view


def _order(request, pk: int):
    return get_object_or_404(selectors.order_detail_queryset(request.user), pk=pk)


@permission("orders.view_orders")
def order_list(request):
    form, filters = filters_from(request, forms.OrderFilterForm, selectors.OrderFilters)
    return list_page(
        request,
        selectors.order_list(request.user, filters, today=timezone.localdate()),
        template="orders/order_list.html",
        fragment="orders/_order_rows.html",
        form=form,
        can_create=access.can(request.user, "orders.create_order"),
    )


@permission("orders.view_orders")
def order_export(request):
    _form, filters = filters_from(request, forms.OrderFilterForm, selectors.OrderFilters)
    return stream_csv(
        "orders.csv",
        [
            _("Order"),
            _("Customer"),
            _("Contract"),
            _("Owner"),
            _("Status"),
            _("Order value"),
            _("Ordered on"),
            _("Promised delivery"),
        ],
        selectors.order_list(request.user, filters),
        lambda o: [
            o.number,
            str(o.customer),
            o.contract.number if o.contract else "",
            str(o.owner),
            o.get_status_display(),
            o.amount,
            o.ordered_on.isoformat(),
            o.promised_on.isoformat() if o.promised_on else "",
        ],
    )


@permission("orders.create_order")
def order_create(request):
    contracts = selectors.signed_contracts(request.user, today=timezone.localdate())[:500]
    earlier = selectors.repeatable_orders(request.user)[:500]
    initial = {"contract": request.GET.get("contract"), "repeat_of": request.GET.get("repeat_of")}
    form = forms.OrderCreateForm(request.POST or None, initial=initial, contracts=contracts, orders=earlier)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["contract"]:
            contract = get_object_or_404(
                selectors.contract_detail_queryset(request.user), pk=data["contract"]
            )
            service, source = services.create_order, {"contract": contract}
        else:
            previous = get_object_or_404(selectors.repeatable_orders(request.user), pk=data["repeat_of"])
            service, source = services.create_repeat_order, {"previous": previous}
        order = attempt(
            form,
            lambda: call(service, user=request.user, values={"promised_on": data["promised_on"]}, **source),
        )
        if order is not None:
            messages.success(request, _("Order %(number)s was added.") % {"number": order.number})
            return redirect(order.get_absolute_url())
    return render(request, "orders/order_form.html", {"form": form})


def _confirm_url(order) -> str | None:
    """The receivables app owns confirmation; until its page exists, the button stays hidden."""
    try:
        return reverse("receivables:order_confirm", args=[order.pk])
    except NoReverseMatch:
        return None


@permission("orders.view_orders")
def order_detail(request, pk: int):
    order = _order(request, pk)
    today = timezone.localdate()
    shipments = list(selectors.order_shipments(order))
    can_work = access.can(request.user, "orders.work_order", order)
    can_pause = access.can(request.user, "orders.pause_order", order)
    planned = [s for s in shipments if s.status == ShipmentStatus.PLANNED]
    context = {
        "order": order,
        "lines": selectors.order_lines(order),
        "shipments": shipments,
        "on_time": selectors.on_time_for_order(order, today=today),
        "events": selectors.order_events(order),
        "changes": selectors.delivery_changes(request.user, order=order),
        "today": today,
        "can_work": can_work,
        "can_schedule": can_work and order.status == "draft",
        "can_start": can_work and order.status == "confirmed",
        "can_progress": can_work and order.status == "in_production",
        "can_ship": can_work and order.status in ("confirmed", "in_production", "partly_shipped"),
        "can_complete": can_work and order.status == "shipped",
        "can_pause_now": can_pause and order.status in ("confirmed", "in_production", "partly_shipped"),
        "can_resume_now": can_pause and order.status == "paused",
        "can_cancel_now": (can_work and order.status in ("draft", "credit_hold"))
        or (can_pause and order.status in ("confirmed", "in_production", "paused")),
        "can_repeat": can_work
        and order.status in ("shipped", "completed")
        and access.can(request.user, "orders.create_order"),
        "can_decide_change": access.can(request.user, "orders.decide_delivery_change", order),
        "can_request_change": can_work
        and order.status in ("confirmed", "in_production", "paused", "partly_shipped")
        and planned,
        "confirm_url": _confirm_url(order)
        if order.status == "draft" and access.can(request.user, "orders.confirm_order", order)
        else None,
        "schedule": "\n".join(f"{s.planned_on:%Y-%m-%d} {s.amount}" for s in shipments),
        "change_form": forms.DeliveryChangeForm(shipments=planned),
        "history": record_history(order),
    }
    return render(request, "orders/order_detail.html", context)


@require_POST
@permission("orders.view_orders")
def order_shipments(request, pk: int):
    order = _order(request, pk)
    form = forms.ShipmentsForm(request.POST)
    return act(
        request,
        order,
        lambda: services.set_shipments(
            acting_user=request.user,
            order=order,
            expected_version=form.cleaned_data["version"],
            shipments=[services.ShipmentInput(day, amount) for day, amount in form.cleaned_data["schedule"]],
        ),
        _("The delivery schedule was saved."),
        form=form,
    )


@require_POST
@permission("orders.view_orders")
def shipment_ship(request, pk: int, shipment_pk: int):
    order = _order(request, pk)
    shipment = get_object_or_404(order.shipments, pk=shipment_pk)
    form = forms.ShipForm(request.POST)
    return submit(
        request,
        order,
        form,
        services.ship_shipment,
        _("The shipment is recorded as shipped."),
        shipment=shipment,
    )


order_start = transition_view("start_production", forms.VersionForm)
order_progress = transition_view("record_progress", forms.ProgressForm)
order_pause = transition_view("pause_order", forms.ReasonForm)
order_resume = transition_view("resume_order", forms.VersionForm)
order_cancel = transition_view("cancel_order", forms.ReasonForm)
order_complete = transition_view("complete_order", forms.VersionForm)
