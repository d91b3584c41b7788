"""Quote, contract and order pages: fetch-and-authorize, one service or selector, render.

Transition buttons are small POST forms; a refused action comes back as a message on the record's
page (the service's translated reason), a done one as a success message."""

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.exports import stream_csv
from salesdesk.core.forms import add_service_error
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.orders import forms, selectors, services
from salesdesk.orders.models import DeliveryChangeRequest, QuoteStatus, ShipmentStatus
from salesdesk.orders.pdf import quote_pdf
from salesdesk.products import selectors as products

SERVICE_ERRORS = (BusinessRuleViolation, StaleVersion)


def _act(request, record, call: Callable, done: str, form=None):
    """Run one service call from a small POST form; report the outcome on the record's page."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(record.get_absolute_url())
    try:
        call()
    except SERVICE_ERRORS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(record.get_absolute_url())


def _version(request) -> int:
    form = forms.VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else 0


# Quotes


def _quote(request, pk: int):
    return get_object_or_404(selectors.quote_detail_queryset(request.user), pk=pk)


def _quote_filters(request):
    form = forms.QuoteFilterForm(request.GET or None)
    if form.is_valid():
        return form, selectors.QuoteFilters(q=form.cleaned_data["q"], status=form.cleaned_data["status"])
    return form, selectors.QuoteFilters()


@permission("orders.view_orders")
def quote_list(request):
    form, filters = _quote_filters(request)
    page = page_slice(selectors.quote_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "orders.create_quote"),
    }
    return render(request, "orders/_quote_rows.html" if request.htmx else "orders/quote_list.html", context)


@permission("orders.view_orders")
def quote_export(request):
    _form, filters = _quote_filters(request)
    return stream_csv(
        "quotes.csv",
        [
            _("Quote"),
            _("Customer"),
            _("Owner"),
            _("Status"),
            _("Discount (%)"),
            _("Quote total"),
            _("Valid until"),
        ],
        selectors.quote_list(request.user, filters),
        lambda q: [
            q.number,
            str(q.customer),
            str(q.owner),
            q.get_status_display(),
            q.discount_percent,
            q.amount,
            q.valid_until.isoformat(),
        ],
    )


@permission("orders.create_quote")
def quote_create(request):
    opportunities = selectors.quotable_opportunities(request.user).select_related("customer")[:500]
    initial = {"opportunity": request.GET.get("opportunity")}
    form = forms.QuoteCreateForm(request.POST or None, initial=initial, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        opportunity = get_object_or_404(
            selectors.quotable_opportunities(request.user), pk=form.cleaned_data["opportunity"]
        )
        try:
            quote = services.create_quote(
                acting_user=request.user,
                opportunity=opportunity,
                valid_until=form.cleaned_data["valid_until"],
                notes=form.cleaned_data["notes"],
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Quote %(number)s was added.") % {"number": quote.number})
            return redirect(quote.get_absolute_url())
    return render(request, "orders/quote_form.html", {"form": form})


@permission("orders.view_orders")
def quote_detail(request, pk: int):
    quote = _quote(request, pk)
    can_work = quote.status in ("draft", "rejected") and access.can(request.user, "orders.work_quote", quote)
    context = {
        "quote": quote,
        "lines": selectors.quote_lines(quote),
        "approvals": selectors.quote_approvals(quote),
        "can_work": can_work,
        "can_submit": can_work,
        "can_approve": access.can(request.user, "orders.approve_quote", quote),
        "can_contract": quote.status == QuoteStatus.APPROVED
        and access.can(request.user, "orders.create_contract"),
        "line_form": forms.QuoteLineForm(
            initial={"version": quote.version},
            products=products.product_list(request.user).filter(is_active=True),
        ),
        "history": record_history(quote),
    }
    return render(request, "orders/quote_detail.html", context)


def _line_inputs(quote) -> list:
    return [
        services.QuoteLineInput(
            product=line.product, quantity=line.quantity, discount_percent=line.discount_percent
        )
        for line in selectors.quote_lines(quote)
    ]


@require_POST
@permission("orders.view_orders")
def quote_line_add(request, pk: int):
    quote = _quote(request, pk)
    form = forms.QuoteLineForm(request.POST, products=products.product_list(request.user))
    if not form.is_valid():
        return _act(request, quote, lambda: None, "", form=form)
    product = get_object_or_404(products.product_list(request.user), pk=form.cleaned_data["product"])
    new = services.QuoteLineInput(
        product=product,
        quantity=form.cleaned_data["quantity"],
        discount_percent=form.cleaned_data["discount_percent"],
    )
    return _act(
        request,
        quote,
        lambda: services.set_quote_lines(
            acting_user=request.user,
            quote=quote,
            expected_version=form.cleaned_data["version"],
            lines=[*_line_inputs(quote), new],
        ),
        _("The line was added."),
    )


@require_POST
@permission("orders.view_orders")
def quote_line_remove(request, pk: int, line_pk: int):
    quote = _quote(request, pk)
    kept = [
        line
        for line, row in zip(_line_inputs(quote), selectors.quote_lines(quote), strict=True)
        if row.pk != line_pk
    ]
    return _act(
        request,
        quote,
        lambda: services.set_quote_lines(
            acting_user=request.user, quote=quote, expected_version=_version(request), lines=kept
        ),
        _("The line was removed."),
    )


@require_POST
@permission("orders.view_orders")
def quote_submit(request, pk: int):
    quote = _quote(request, pk)
    return _act(
        request,
        quote,
        lambda: services.submit_quote(
            acting_user=request.user, quote=quote, expected_version=_version(request)
        ),
        _("The quote was submitted."),
    )


@require_POST
@permission("orders.approve_quote")
def quote_decide(request, pk: int):
    quote = _quote(request, pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _act(request, quote, lambda: None, "", form=form)
    data = form.cleaned_data
    approve = data["decision"] == "approve"
    call = services.approve_quote if approve else services.reject_quote
    return _act(
        request,
        quote,
        lambda: call(
            acting_user=request.user, quote=quote, expected_version=data["version"], comment=data["comment"]
        ),
        _("The quote was approved.") if approve else _("The quote was rejected."),
    )


@permission("orders.view_orders")
def quote_download(request, pk: int):
    quote = _quote(request, pk)
    language = "en" if request.GET.get("lang") == "en" else "zh"
    body = quote_pdf(quote, list(selectors.quote_lines(quote)), language=language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote.number}-{language}.pdf"'
    return response


# Contracts


def _contract(request, pk: int):
    return get_object_or_404(selectors.contract_detail_queryset(request.user), pk=pk)


def _contract_filters(request):
    form = forms.ContractFilterForm(request.GET or None)
    if form.is_valid():
        return form, selectors.ContractFilters(q=form.cleaned_data["q"], status=form.cleaned_data["status"])
    return form, selectors.ContractFilters()


@permission("orders.view_orders")
def contract_list(request):
    form, filters = _contract_filters(request)
    page = page_slice(selectors.contract_list(request.user, filters), request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "orders.create_contract"),
    }
    return render(
        request, "orders/_contract_rows.html" if request.htmx else "orders/contract_list.html", context
    )


@permission("orders.view_orders")
def contract_export(request):
    _form, filters = _contract_filters(request)
    return stream_csv(
        "contracts.csv",
        [
            _("Contract"),
            _("Title"),
            _("Customer"),
            _("Owner"),
            _("Status"),
            _("Contract value"),
            _("Signed on"),
            _("Ends on"),
        ],
        selectors.contract_list(request.user, filters),
        lambda c: [
            c.number,
            c.title,
            str(c.customer),
            str(c.owner),
            c.get_status_display(),
            c.amount,
            c.signed_on.isoformat() if c.signed_on else "",
            c.ends_on.isoformat() if c.ends_on else "",
        ],
    )


@permission("orders.create_contract")
def contract_create(request):
    opportunities = selectors.won_opportunities(request.user).select_related("customer")[:500]
    quotes = selectors.approved_quotes(request.user)[:500]
    initial = {
        "opportunity": request.GET.get("opportunity"),
        "quote": request.GET.get("quote"),
        "payment_days": services.contracts.STANDARD_PAYMENT_DAYS,
    }
    form = forms.ContractCreateForm(
        request.POST or None, initial=initial, opportunities=opportunities, quotes=quotes
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("source")
        quote_pk, opportunity_pk = data.pop("quote"), data.pop("opportunity")
        quote = get_object_or_404(selectors.approved_quotes(request.user), pk=quote_pk) if quote_pk else None
        opportunity = (
            get_object_or_404(selectors.won_opportunities(request.user), pk=opportunity_pk)
            if opportunity_pk and quote is None
            else None
        )
        try:
            contract = services.create_contract(
                acting_user=request.user, quote=quote, opportunity=opportunity, **data
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contract %(number)s was added.") % {"number": contract.number})
            return redirect(contract.get_absolute_url())
    return render(request, "orders/contract_form.html", {"form": form})


@permission("orders.view_orders")
def contract_detail(request, pk: int):
    contract = _contract(request, pk)
    can_work = access.can(request.user, "orders.work_contract", contract)
    editable = contract.status in ("draft", "rejected")
    reviews = list(selectors.contract_reviews(contract))
    latest_round = reviews[0].round if reviews else 0
    context = {
        "contract": contract,
        "reviews": [r for r in reviews if r.round == latest_round],
        "earlier_reviews": [r for r in reviews if r.round != latest_round],
        "comments": selectors.contract_comments(contract),
        "versions": selectors.contract_versions(contract),
        "attachments": selectors.contract_attachments(contract),
        "orders": selectors.order_list(request.user, selectors.OrderFilters(contract=contract.pk)),
        "ordered": selectors.contract_ordered_amount(contract),
        "can_work": can_work,
        "can_edit": can_work and editable,
        "can_submit": can_work and editable,
        "can_sign": can_work and contract.status == "approved",
        "can_order": can_work
        and contract.status == "signed"
        and access.can(request.user, "orders.create_order"),
        "can_review": access.can(request.user, "orders.review_contract", contract),
        "can_comment": access.can(request.user, "orders.comment_contract", contract),
        "edit_form": forms.ContractEditForm(
            initial={f: getattr(contract, f) for f in services.contracts.TERM_FIELDS}
            | {"version": contract.version}
        ),
        "sign_form": forms.SignForm(initial={"version": contract.version, "signed_on": timezone.localdate()}),
    }
    return render(request, "orders/contract_detail.html", context)


@require_POST
@permission("orders.view_orders")
def contract_edit(request, pk: int):
    contract = _contract(request, pk)
    form = forms.ContractEditForm(request.POST)
    if not form.is_valid():
        return _act(request, contract, lambda: None, "", form=form)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    return _act(
        request,
        contract,
        lambda: services.update_contract(
            acting_user=request.user, contract=contract, expected_version=version, changes=data
        ),
        _("The contract was saved."),
    )


@require_POST
@permission("orders.view_orders")
def contract_submit(request, pk: int):
    contract = _contract(request, pk)
    return _act(
        request,
        contract,
        lambda: services.submit_contract(
            acting_user=request.user, contract=contract, expected_version=_version(request)
        ),
        _("The contract was submitted for review."),
    )


@require_POST
@permission("orders.view_orders")
def contract_review(request, pk: int):
    contract = _contract(request, pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _act(request, contract, lambda: None, "", form=form)
    data = form.cleaned_data
    return _act(
        request,
        contract,
        lambda: services.decide_review(
            acting_user=request.user,
            contract=contract,
            expected_version=data["version"],
            approve=data["decision"] == "approve",
            comment=data["comment"],
        ),
        _("Your review was recorded."),
    )


@require_POST
@permission("orders.view_orders")
def contract_sign(request, pk: int):
    contract = _contract(request, pk)
    form = forms.SignForm(request.POST)
    return _act(
        request,
        contract,
        lambda: services.sign_contract(
            acting_user=request.user,
            contract=contract,
            expected_version=form.cleaned_data["version"],
            signed_on=form.cleaned_data["signed_on"],
        ),
        _("The contract is signed."),
        form=form,
    )


@require_POST
@permission("orders.view_orders")
def contract_comment(request, pk: int):
    contract = _contract(request, pk)
    form = forms.CommentForm(request.POST)
    return _act(
        request,
        contract,
        lambda: services.add_comment(
            acting_user=request.user, contract=contract, body=form.cleaned_data["body"]
        ),
        _("Your comment was added."),
        form=form,
    )


@require_POST
@permission("orders.view_orders")
def contract_attach(request, pk: int):
    contract = _contract(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    return _act(
        request,
        contract,
        lambda: services.add_attachment(
            acting_user=request.user, contract=contract, upload=form.cleaned_data["file"]
        ),
        _("The file was attached."),
        form=form,
    )


@permission("orders.view_orders")
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@permission("orders.view_orders")
def renewal_list(request):
    try:
        days = max(1, min(int(request.GET.get("days", 60)), 365))
    except ValueError:
        days = 60
    contracts = selectors.renewals(request.user, today=timezone.localdate(), within_days=days)
    page = page_slice(contracts, request.GET.get("page"))
    return render(
        request,
        "orders/renewal_list.html",
        {"page": page, "days": days, "query": f"days={days}", "today": timezone.localdate()},
    )


# Orders


def _order(request, pk: int):
    return get_object_or_404(selectors.order_detail_queryset(request.user), pk=pk)


def _order_filters(request):
    form = forms.OrderFilterForm(request.GET or None)
    if form.is_valid():
        return form, selectors.OrderFilters(q=form.cleaned_data["q"], status=form.cleaned_data["status"])
    return form, selectors.OrderFilters()


@permission("orders.view_orders")
def order_list(request):
    form, filters = _order_filters(request)
    orders = selectors.order_list(request.user, filters, today=timezone.localdate())
    context = {
        "form": form,
        "page": page_slice(orders, request.GET.get("page")),
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "orders.create_order"),
    }
    return render(request, "orders/_order_rows.html" if request.htmx else "orders/order_list.html", context)


@permission("orders.view_orders")
def order_export(request):
    _form, filters = _order_filters(request)
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
    contracts = selectors.signed_contracts(request.user)[:500]
    earlier = selectors.repeatable_orders(request.user)[:500]
    initial = {"contract": request.GET.get("contract"), "repeat_of": request.GET.get("repeat_of")}
    form = forms.OrderCreateForm(request.POST or None, initial=initial, contracts=contracts, orders=earlier)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["contract"]:
                contract = get_object_or_404(selectors.signed_contracts(request.user), pk=data["contract"])
                order = services.create_order(
                    acting_user=request.user, contract=contract, promised_on=data["promised_on"]
                )
            else:
                previous = get_object_or_404(selectors.repeatable_orders(request.user), pk=data["repeat_of"])
                order = services.create_repeat_order(
                    acting_user=request.user, previous=previous, promised_on=data["promised_on"]
                )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
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
    return _act(
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


def _order_action(name: str, done: str, *, reason: bool = False):
    """A POST view for one order transition service."""

    @require_POST
    @permission("orders.view_orders")
    def view(request, pk: int):
        order = _order(request, pk)
        form = forms.ReasonForm(request.POST)
        service = getattr(services, name)

        def call():
            kwargs = {
                "acting_user": request.user,
                "order": order,
                "expected_version": form.cleaned_data["version"],
            }
            if reason:
                kwargs["reason"] = form.cleaned_data["reason"]
            return service(**kwargs)

        return _act(request, order, call, done, form=form)

    view.__name__ = name
    return view


order_start = _order_action("start_production", _("Production started."))
order_complete = _order_action("complete_order", _("The order is completed."))
order_pause = _order_action("pause_order", _("The order is paused."), reason=True)
order_resume = _order_action("resume_order", _("The order was resumed."))
order_cancel = _order_action("cancel_order", _("The order was cancelled."), reason=True)


@require_POST
@permission("orders.view_orders")
def order_progress(request, pk: int):
    order = _order(request, pk)
    form = forms.ProgressForm(request.POST)
    return _act(
        request,
        order,
        lambda: services.record_progress(
            acting_user=request.user,
            order=order,
            expected_version=form.cleaned_data["version"],
            percent=form.cleaned_data["percent"],
        ),
        _("Progress was recorded."),
        form=form,
    )


@require_POST
@permission("orders.view_orders")
def shipment_ship(request, pk: int, shipment_pk: int):
    order = _order(request, pk)
    shipment = get_object_or_404(order.shipments, pk=shipment_pk)
    form = forms.ShipForm(request.POST)
    return _act(
        request,
        order,
        lambda: services.ship_shipment(
            acting_user=request.user,
            shipment=shipment,
            expected_version=form.cleaned_data["version"],
            shipped_on=form.cleaned_data["shipped_on"],
        ),
        _("The shipment is recorded as shipped."),
        form=form,
    )


@require_POST
@permission("orders.view_orders")
def delivery_change_create(request, pk: int):
    order = _order(request, pk)
    form = forms.DeliveryChangeForm(
        request.POST, shipments=order.shipments.filter(status=ShipmentStatus.PLANNED)
    )
    if not form.is_valid():
        return _act(request, order, lambda: None, "", form=form)
    shipment = get_object_or_404(order.shipments, pk=form.cleaned_data["shipment"])
    return _act(
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


@require_POST
@permission("orders.decide_delivery_change")
def delivery_change_decide(request, pk: int):
    change = get_object_or_404(
        DeliveryChangeRequest.objects.visible_to(request.user).select_related("order", "shipment"), pk=pk
    )
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        return _act(request, change.order, lambda: None, "", form=form)
    data = form.cleaned_data
    return _act(
        request,
        change.order,
        lambda: services.decide_delivery_change(
            acting_user=request.user,
            change=change,
            expected_version=data["version"],
            approve=data["decision"] == "approve",
            note=data["comment"],
        ),
        _("The delivery change was decided."),
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


# Price policy


@permission("orders.manage_price_lists")
def price_list_list(request):
    form = forms.PriceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            price_list = services.create_price_list(
                acting_user=request.user, company=selectors.company_of(request.user), **form.cleaned_data
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Price list %(name)s was added.") % {"name": price_list})
            return redirect("orders:price_list_detail", pk=price_list.pk)
    return render(
        request,
        "orders/price_list_list.html",
        {"form": form, "price_lists": selectors.price_lists(request.user)},
    )


@permission("orders.manage_price_lists")
def price_list_detail(request, pk: int):
    price_list = get_object_or_404(selectors.price_lists(request.user), pk=pk)
    catalogue = products.product_list(request.user).filter(is_active=True)
    form = forms.PriceForm(request.POST or None, products=catalogue)
    if request.method == "POST" and form.is_valid():
        product = get_object_or_404(catalogue, pk=form.cleaned_data["product"])
        try:
            services.set_price(
                acting_user=request.user,
                price_list=price_list,
                product=product,
                price=form.cleaned_data["price"],
                floor_price=form.cleaned_data["floor_price"],
            )
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The price was saved."))
            return redirect("orders:price_list_detail", pk=price_list.pk)
    return render(
        request,
        "orders/price_list_detail.html",
        {"price_list": price_list, "items": selectors.price_list_items(price_list), "form": form},
    )


@permission("orders.configure_orders")
def discount_limits(request):
    company = selectors.company_of(request.user)
    limits = selectors.discount_limits(company.pk)
    form = forms.DiscountLimitsForm(request.POST or None, limits=limits)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_discount_limits(acting_user=request.user, company=company, limits=form.cleaned_data)
        except SERVICE_ERRORS as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The discount limits were saved."))
            return redirect("orders:discount_limits")
    services.ensure_review_steps(company)
    return render(
        request, "orders/discount_limits.html", {"form": form, "steps": selectors.review_steps(company.pk)}
    )
