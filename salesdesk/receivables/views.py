"""Receivables pages: fetch-and-authorize, one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.exports import stream_csv, stream_xlsx
from salesdesk.core.forms import add_service_error
from salesdesk.core.paging import page_slice
from salesdesk.orders.models import Order, Shipment
from salesdesk.receivables import forms, rules, selectors, services
from salesdesk.receivables.models import CollectionInstalment, InvoiceBasis, PaymentKind


def _today():
    return timezone.localdate()


# Order confirmation: the orders app's order page posts here.


@require_POST
@permission("orders.confirm_order")
def order_confirm(request, pk: int):
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=pk)
    form = forms.ConfirmOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The order's version is missing; reload the page."))
        return redirect(order.get_absolute_url())
    try:
        result = services.confirm_order(
            acting_user=request.user, order=order, expected_version=form.cleaned_data["version"]
        )
    except (BusinessRuleViolation, StaleVersion) as exc:
        messages.error(request, exc.message)
    else:
        if result.confirmed:
            messages.success(request, _("Order %(order)s is confirmed.") % {"order": order})
        else:
            messages.warning(
                request,
                _(
                    "Order %(order)s would take the customer over its credit limit; "
                    "it is on credit hold until a credit controller decides."
                )
                % {"order": order},
            )
    return redirect(order.get_absolute_url())


# Invoices


def _invoice_filters(request):
    form = forms.InvoiceFilterForm(
        request.GET or None,
        customers=selectors.receivable_customers(request.user).order_by("name")[:500],
        collectors=selectors.collectors(request.user),
    )
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.InvoiceFilters(
            status=data["status"],
            customer=data["customer"],
            collector=data["collector"],
            overdue=data["overdue"],
            q=data["q"],
        )
    return form, selectors.InvoiceFilters()


@permission("receivables.view_receivables")
def invoice_list(request):
    form, filters = _invoice_filters(request)
    page = page_slice(selectors.invoice_list(request.user, filters, today=_today()), request.GET.get("page"))
    context = {"form": form, "page": page, "query": request.GET.urlencode(), "today": _today()}
    template = "receivables/_invoice_rows.html" if request.htmx else "receivables/invoice_list.html"
    return render(request, template, context)


@permission("receivables.view_receivables")
def invoice_export(request, fmt: str):
    _form, filters = _invoice_filters(request)
    headers = [
        _("Invoice number"),
        _("Customer"),
        _("Contract"),
        _("Order"),
        _("Invoiced"),
        _("Issued on"),
        _("Due on"),
        _("Amount"),
        _("Settled"),
        _("Outstanding"),
        _("Status"),
        _("Collector"),
    ]
    invoices = selectors.invoice_list(request.user, filters, today=_today())

    def row(invoice):
        return [
            invoice.number,
            invoice.customer.name,
            invoice.contract.number if invoice.contract else "",
            invoice.order.number if invoice.order else "",
            invoice.get_basis_display(),
            invoice.issued_on,
            invoice.due_on,
            invoice.amount,
            invoice.allocated,
            invoice.outstanding,
            invoice.get_status_display(),
            str(invoice.owner),
        ]

    if fmt == "xlsx":
        return stream_xlsx("invoices.xlsx", headers, invoices, row)
    return stream_csv("invoices.csv", headers, invoices, row)


def _invoice(request, pk: int):
    return get_object_or_404(selectors.invoice_detail_queryset(request.user), pk=pk)


@permission("receivables.view_receivables")
def invoice_detail(request, pk: int, cancel_form=None):
    invoice = _invoice(request, pk)
    context = {
        "invoice": invoice,
        "allocations": selectors.allocations_of_invoice(invoice),
        "history": invoice.history.select_related("history_user").order_by("-history_date")[:20],
        "can_cancel": invoice.status == "open"
        and invoice.allocated == 0
        and access.can(request.user, "receivables.issue_invoice", invoice),
        "cancel_form": cancel_form or forms.CancelInvoiceForm(initial={"version": invoice.version}),
    }
    return render(request, "receivables/invoice_detail.html", context, status=422 if cancel_form else 200)


@require_POST
@permission("receivables.issue_invoice")
def invoice_cancel(request, pk: int):
    invoice = _invoice(request, pk)
    form = forms.CancelInvoiceForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_invoice(
                acting_user=request.user,
                invoice=invoice,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invoice %(number)s is cancelled.") % {"number": invoice.number})
            return redirect(invoice.get_absolute_url())
    return invoice_detail.__wrapped__(request, pk, cancel_form=form)


def _issue_target(request, basis: str, target: int) -> dict:
    contracts = selectors.contract_detail_queryset(request.user)
    if basis == InvoiceBasis.CONTRACT:
        return {"contract": get_object_or_404(contracts, pk=target)}
    if basis == InvoiceBasis.MILESTONE:
        return {
            "instalment": get_object_or_404(
                CollectionInstalment.objects.filter(contract__in=contracts), pk=target
            )
        }
    if basis == InvoiceBasis.SHIPMENT:
        orders = Order.objects.visible_to(request.user)
        if selectors.sees_all_receivables(request.user):
            orders = Order.objects.filter(access.company_q(request.user))
        return {"shipment": get_object_or_404(Shipment.objects.filter(order__in=orders), pk=target)}
    raise Http404


@permission("receivables.issue_invoice")
def invoice_issue(request):
    """GET ?basis=contract|milestone|shipment&target=<id> shows the form; POST issues."""
    data = request.POST if request.method == "POST" else None
    initial = {"basis": request.GET.get("basis"), "target": request.GET.get("target"), "issued_on": _today()}
    form = forms.IssueInvoiceForm(data, initial=initial)
    target = None
    if form.is_bound and form.is_valid():
        target = _issue_target(request, form.cleaned_data["basis"], form.cleaned_data["target"])
        try:
            invoice = services.issue_invoice(
                acting_user=request.user,
                basis=form.cleaned_data["basis"],
                issued_on=form.cleaned_data["issued_on"],
                amount=form.cleaned_data["amount"],
                **target,
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invoice %(number)s is issued.") % {"number": invoice.number})
            return redirect(invoice.get_absolute_url())
    elif not form.is_bound:
        try:
            target = _issue_target(request, initial["basis"], int(initial["target"] or 0))
        except ValueError:
            raise Http404 from None
    subject = next(iter(target.values())) if target else None
    return render(
        request,
        "receivables/invoice_issue.html",
        {"form": form, "subject": subject},
        status=422 if form.errors else 200,
    )


# Payments


@permission("receivables.view_receivables")
def payment_list(request, unallocated: bool = False):
    kind = request.GET.get("kind", "")
    filters = selectors.PaymentFilters(
        kind=kind if kind in PaymentKind.values else "", unallocated=unallocated
    )
    page = page_slice(selectors.payment_list(request.user, filters), request.GET.get("page"))
    context = {
        "page": page,
        "unallocated": unallocated,
        "kinds": PaymentKind.choices,
        "kind": filters.kind,
        "can_post": access.can(request.user, "receivables.post_payment"),
    }
    template = "receivables/_payment_rows.html" if request.htmx else "receivables/payment_list.html"
    return render(request, template, context)


@permission("receivables.post_payment")
def unallocated_payments(request):
    return payment_list.__wrapped__(request, unallocated=True)


@permission("receivables.post_payment")
def payment_create(request):
    customers = selectors.receivable_customers(request.user).order_by("name")[:1000]
    form = forms.PaymentForm(request.POST or None, customers=customers, initial={"received_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = get_object_or_404(selectors.receivable_customers(request.user), pk=data.pop("customer"))
        try:
            payment = services.post_payment(acting_user=request.user, customer=customer, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Payment %(number)s is posted.") % {"number": payment.number})
            return redirect("receivables:payment_detail", pk=payment.pk)
    return render(
        request, "receivables/payment_form.html", {"form": form}, status=422 if form.errors else 200
    )


@permission("receivables.view_receivables")
def open_invoices(request):
    """HTMX fragment: the open invoices of the customer picked in the payment form."""
    try:
        customer_id = int(request.GET.get("customer") or 0)
    except ValueError:
        customer_id = 0
    invoices = selectors.open_invoices_of(request.user, customer_id)[:200] if customer_id else []
    return render(request, "receivables/_open_invoices.html", {"invoices": invoices})


@permission("receivables.post_payment")
def payment_refund(request):
    customers = selectors.receivable_customers(request.user).order_by("name")[:1000]
    form = forms.RefundForm(request.POST or None, customers=customers, initial={"refunded_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = get_object_or_404(selectors.receivable_customers(request.user), pk=data.pop("customer"))
        try:
            refund = services.refund_payment(acting_user=request.user, customer=customer, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Refund %(number)s is recorded.") % {"number": refund.number})
            return redirect("receivables:payment_detail", pk=refund.pk)
    return render(request, "receivables/refund_form.html", {"form": form}, status=422 if form.errors else 200)


def _payment(request, pk: int):
    return get_object_or_404(selectors.payment_detail_queryset(request.user), pk=pk)


def _allocate_form(request, payment, data=None):
    invoices = selectors.open_invoices_of(request.user, payment.customer_id)[:200]
    return forms.AllocateForm(data, invoices=invoices, initial={"applied_on": _today()})


@permission("receivables.view_receivables")
def payment_detail(request, pk: int, allocate_form=None):
    payment = _payment(request, pk)
    can_allocate = payment.kind != PaymentKind.REFUND and access.can(
        request.user, "receivables.post_payment", payment
    )
    context = {
        "payment": payment,
        "allocations": selectors.allocations_of_payment(payment),
        "can_allocate": can_allocate,
        "allocate_form": allocate_form or (_allocate_form(request, payment) if can_allocate else None),
        "today": _today(),
    }
    return render(request, "receivables/payment_detail.html", context, status=422 if allocate_form else 200)


@require_POST
@permission("receivables.post_payment")
def payment_allocate(request, pk: int):
    payment = _payment(request, pk)
    form = _allocate_form(request, payment, request.POST)
    if form.is_valid():
        amounts = None if form.cleaned_data["auto"] else form.amounts()
        try:
            if amounts == []:
                raise BusinessRuleViolation(_("Enter an amount for at least one invoice."))
            services.allocate_payment(
                acting_user=request.user,
                payment=payment,
                applied_on=form.cleaned_data["applied_on"],
                amounts=amounts,
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The payment is allocated."))
            return redirect("receivables:payment_detail", pk=payment.pk)
    return payment_detail.__wrapped__(request, pk, allocate_form=form)


@require_POST
@permission("receivables.post_payment")
def payment_unallocate(request, pk: int):
    payment = _payment(request, pk)
    form = forms.UnallocateForm(request.POST)
    if form.is_valid():
        invoice = get_object_or_404(
            selectors.invoice_detail_queryset(request.user), pk=form.cleaned_data["invoice"]
        )
        try:
            services.unallocate_payment(
                acting_user=request.user,
                payment=payment,
                invoice=invoice,
                applied_on=form.cleaned_data["applied_on"],
            )
        except BusinessRuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The allocation is reversed."))
    return redirect("receivables:payment_detail", pk=payment.pk)


# Credit control


@permission("receivables.view_receivables")
def credit_list(request):
    filters = selectors.CreditFilters(
        q=request.GET.get("q", "")[:100], over_limit=bool(request.GET.get("over"))
    )
    page = page_slice(selectors.credit_profile_list(request.user, filters), request.GET.get("page"))
    context = {
        "page": page,
        "q": filters.q,
        "over": filters.over_limit,
        "can_manage": access.can(request.user, "receivables.manage_credit"),
        "customers": selectors.receivable_customers(request.user)
        .filter(credit_profile__isnull=True)
        .order_by("name")[:500]
        if access.can(request.user, "receivables.manage_credit")
        else [],
    }
    return render(request, "receivables/credit_list.html", context)


@permission("receivables.manage_credit")
def credit_edit(request, customer_pk: int):
    customer = get_object_or_404(selectors.receivable_customers(request.user), pk=customer_pk)
    profile = selectors.credit_profile_list(request.user).filter(customer=customer).first()
    initial = (
        {
            "version": profile.version,
            "rating": profile.rating,
            "credit_limit": profile.credit_limit,
            "payment_days": profile.payment_days,
            "note": profile.note,
        }
        if profile
        else {}
    )
    form = forms.CreditProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_credit_profile(
                acting_user=request.user,
                customer=customer,
                expected_version=form.cleaned_data.pop("version"),
                **form.cleaned_data,
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The credit profile of %(customer)s is saved.") % {"customer": customer}
            )
            return redirect("receivables:credit_list")
    context = {
        "form": form,
        "customer": customer,
        "profile": profile,
        "exposure": selectors.exposure_of(customer),
    }
    return render(request, "receivables/credit_form.html", context, status=422 if form.errors else 200)


@permission("receivables.view_receivables")
def credit_holds(request):
    status = request.GET.get("status", "pending")
    holds = selectors.credit_hold_list(
        request.user, status if status in {"pending", "approved", "rejected"} else ""
    )
    context = {
        "page": page_slice(holds, request.GET.get("page")),
        "status": status,
        "can_decide": access.can(request.user, "receivables.approve_credit"),
    }
    return render(request, "receivables/credit_holds.html", context)


@require_POST
@permission("receivables.approve_credit")
def credit_hold_decide(request, pk: int):
    hold = get_object_or_404(selectors.credit_hold_list(request.user, status=""), pk=pk)
    form = forms.CreditDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("receivables:credit_holds")
    try:
        services.decide_credit_hold(
            acting_user=request.user,
            hold=hold,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except (BusinessRuleViolation, StaleVersion) as exc:
        messages.error(request, exc.message)
    else:
        if form.cleaned_data["approve"]:
            messages.success(request, _("Order %(order)s is confirmed.") % {"order": hold.order})
        else:
            messages.success(request, _("Order %(order)s is back in draft.") % {"order": hold.order})
    return redirect("receivables:credit_holds")


# Collection plans


@permission("receivables.view_receivables")
def contract_plan(request, pk: int):
    contract = get_object_or_404(selectors.contract_detail_queryset(request.user), pk=pk)
    can_plan = access.can(request.user, "receivables.plan_collection", contract)
    progress = selectors.plan_progress(contract)
    split_form = forms.SplitForm(request.GET if "parts" in request.GET else None)
    if request.method == "POST":
        if not can_plan:
            raise access.AccessDenied("receivables.plan_collection", contract)
        formset = forms.InstalmentFormSet(request.POST, prefix="plan")
        if formset.is_valid():
            lines = [
                services.InstalmentInput(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.set_collection_plan(acting_user=request.user, contract=contract, instalments=lines)
            except BusinessRuleViolation as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The collection plan is saved."))
                return redirect("receivables:contract_plan", pk=contract.pk)
    elif split_form.is_bound and split_form.is_valid():
        planned = rules.equal_instalments(
            contract.amount,
            split_form.cleaned_data["parts"],
            first_due_on=split_form.cleaned_data["first_due_on"],
            every_months=split_form.cleaned_data["every_months"],
        )
        initial = [
            {"due_on": p.due_on, "amount": p.amount, "remind_days_before": p.remind_days_before}
            for p in planned
        ]
        formset = forms.InstalmentFormSet(prefix="plan", initial=initial)
    else:
        initial = [
            {
                "due_on": p.instalment.due_on,
                "amount": p.planned,
                "remind_days_before": p.instalment.remind_days_before,
                "note": p.instalment.note,
            }
            for p in progress
        ]
        formset = forms.InstalmentFormSet(prefix="plan", initial=initial or [{}])
    context = {
        "contract": contract,
        "progress": progress,
        "planned_total": sum((p.planned for p in progress), 0),
        "collected_total": selectors.collected_on_contract(contract),
        "formset": formset,
        "split_form": split_form if split_form.is_bound else forms.SplitForm(initial={"every_months": 1}),
        "can_plan": can_plan,
        "can_invoice": access.can(request.user, "receivables.issue_invoice", contract),
        "invoices": selectors.invoice_list(request.user).filter(contract=contract),
    }
    return render(
        request, "receivables/contract_plan.html", context, status=422 if request.method == "POST" else 200
    )


# The customer's lead-to-cash timeline


@permission("receivables.view_receivables")
def customer_timeline(request, pk: int):
    customer = get_object_or_404(selectors.receivable_customers(request.user), pk=pk)
    context = {
        "customer": customer,
        "entries": selectors.customer_timeline(request.user, customer),
        "exposure": selectors.exposure_of(customer),
    }
    return render(request, "receivables/customer_timeline.html", context)
