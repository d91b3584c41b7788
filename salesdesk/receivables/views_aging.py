"""Aging report, collections workbench, dunning and write-off pages: fetch-and-authorize, one
service or selector, render."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.exports import stream_csv, stream_xlsx
from salesdesk.core.forms import add_service_error
from salesdesk.core.paging import page_slice
from salesdesk.receivables import aging, baddebt, dunning, forms_aging
from salesdesk.receivables import workbench as workbench_selectors
from salesdesk.receivables.models import Invoice, WriteOffStatus


def _today() -> date:
    return timezone.localdate()


def _invoice(request, pk: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.visible_to(request.user).select_related("customer", "owner"), pk=pk
    )


def _filters(request) -> tuple[forms_aging.AgingFilterForm, dict]:
    form = forms_aging.AgingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "as_of": data.get("as_of") or _today(),
        "by": data.get("by") or "bucket",
        "bucket": data.get("bucket"),
        "customer": data.get("customer"),
        "collector": data.get("collector"),
    }


@permission("receivables.view_aging")
def aging_report(request):
    form, f = _filters(request)
    report = aging.aging_report(user=request.user, as_of=f["as_of"], by=f["by"], bucket=f["bucket"])
    return render(
        request,
        "receivables/aging_report.html",
        {
            "form": form,
            "report": report,
            "filters": f,
            "as_of": f["as_of"].isoformat(),
            "can_view_settings": access.can(request.user, "receivables.view_collection_settings"),
        },
    )


def _aging_invoices(request, f):
    return aging.aging_invoices(
        user=request.user,
        as_of=f["as_of"],
        bucket=f["bucket"],
        customer_id=f["customer"],
        collector_id=f["collector"],
    )


@permission("receivables.view_aging")
def aging_invoices(request):
    form, f = _filters(request)
    bucket_set = (
        aging.buckets(access.company_id_of(request.user)) if access.company_id_of(request.user) else []
    )
    page = page_slice(_aging_invoices(request, f), request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    return render(
        request,
        "receivables/aging_invoices.html",
        {
            "form": form,
            "page": page,
            "filters": f,
            "buckets": bucket_set,
            "bucket_label": bucket_set[f["bucket"]].label
            if f["bucket"] is not None and f["bucket"] < len(bucket_set)
            else "",
            "query": query,
            "as_of": f["as_of"],
        },
    )


@permission("receivables.view_aging")
def aging_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, f = _filters(request)
    company_id = access.company_id_of(request.user)
    labels = [b.label for b in aging.buckets(company_id)] if company_id else []
    headers = [
        _("Invoice number"),
        _("Customer"),
        _("Collector"),
        _("Issued on"),
        _("Due on"),
        _("Days overdue"),
        _("Bucket"),
        _("Amount"),
        _("Open amount"),
        _("Debt class"),
    ]
    as_of = f["as_of"]

    def row(invoice):
        return [
            invoice.number,
            invoice.customer.name,
            str(invoice.owner),
            invoice.issued_on,
            invoice.due_on,
            (as_of - invoice.due_on).days,
            labels[invoice.bucket] if invoice.bucket < len(labels) else invoice.bucket,
            invoice.amount,
            invoice.open_amount,
            invoice.get_debt_class_display(),
        ]

    stream = stream_csv if fmt == "csv" else stream_xlsx
    return stream(f"aging-{as_of.isoformat()}.{fmt}", headers, _aging_invoices(request, f), row)


@permission("receivables.view_aging")
def provision_report(request):
    form, f = _filters(request)
    rows = aging.provision_report(user=request.user, as_of=f["as_of"])
    total = sum((r["provision"] for r in rows), start=0)
    open_total = sum((r["open_amount"] for r in rows), start=0)
    return render(
        request,
        "receivables/aging_provision.html",
        {"form": form, "rows": rows, "total": total, "open_total": open_total, "as_of": f["as_of"]},
    )


# Workbench


@permission("receivables.work_collections")
def workbench(request):
    today = _today()
    bench = workbench_selectors.workbench(user=request.user, today=today)
    return render(
        request,
        "receivables/workbench.html",
        {
            "bench": bench,
            "today": today,
            "contact_form": forms_aging.ContactAttemptForm(),
            "can_view_settings": access.can(request.user, "receivables.view_collection_settings"),
        },
    )


@require_POST
@permission("receivables.work_collections")
def contact_attempt(request, pk: int):
    invoice = _invoice(request, pk)
    form = forms_aging.ContactAttemptForm(request.POST)
    if form.is_valid():
        try:
            attempt = dunning.log_contact_attempt(
                acting_user=request.user, invoice=invoice, **form.cleaned_data
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            if request.htmx:
                return render(
                    request,
                    "receivables/workbench_contact_done.html",
                    {"attempt": attempt, "invoice": invoice},
                )
            messages.success(request, _("Contact attempt logged."))
            return redirect("receivables:invoice_collections", pk=invoice.pk)
    template = (
        "receivables/workbench_contact_form.html" if request.htmx else "receivables/dunning_invoice.html"
    )
    context = (
        {"form": form, "invoice": invoice}
        if request.htmx
        else _invoice_context(request, invoice, contact_form=form)
    )
    return render(request, template, context, status=422)


# One invoice's collection record: notices, contact attempts, classification, write-off


def _invoice_context(request, invoice, **forms_given):
    user = request.user
    return {
        "invoice": invoice,
        "notices": list(dunning.notices_for(invoice)),
        "attempts": list(invoice.contact_attempts.select_related("by")),
        "classifications": list(invoice.debt_classifications.select_related("by")),
        "write_offs": list(invoice.write_off_requests.select_related("requested_by", "decided_by")),
        "open_amount": invoice.amount - invoice.allocated,
        "contact_form": forms_given.get("contact_form") or forms_aging.ContactAttemptForm(),
        "classify_form": forms_given.get("classify_form") or forms_aging.ClassifyForm(),
        "write_off_form": forms_given.get("write_off_form") or forms_aging.WriteOffRequestForm(),
        "can_contact": access.can(user, "receivables.work_collections", invoice),
        "can_classify": access.can(user, "receivables.classify_debt", invoice),
        "can_request_write_off": access.can(user, "receivables.request_write_off", invoice),
    }


@permission("receivables.view_aging")
def invoice_collections(request, pk: int):
    invoice = _invoice(request, pk)
    return render(request, "receivables/dunning_invoice.html", _invoice_context(request, invoice))


@require_POST
@permission("receivables.classify_debt")
def classify(request, pk: int):
    invoice = _invoice(request, pk)
    form = forms_aging.ClassifyForm(request.POST)
    if form.is_valid():
        try:
            baddebt.classify_invoice(acting_user=request.user, invoice=invoice, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Debt class changed."))
            return redirect("receivables:invoice_collections", pk=invoice.pk)
    return render(
        request,
        "receivables/dunning_invoice.html",
        _invoice_context(request, invoice, classify_form=form),
        status=422,
    )


@require_POST
@permission("receivables.request_write_off")
def write_off_request(request, pk: int):
    invoice = _invoice(request, pk)
    form = forms_aging.WriteOffRequestForm(request.POST)
    if form.is_valid():
        try:
            baddebt.request_write_off(
                acting_user=request.user, invoice=invoice, reason=form.cleaned_data["reason"]
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Write-off requested; the sales director approves it."))
            return redirect("receivables:invoice_collections", pk=invoice.pk)
    return render(
        request,
        "receivables/dunning_invoice.html",
        _invoice_context(request, invoice, write_off_form=form),
        status=422,
    )


@permission("receivables.view_aging")
def write_off_list(request):
    status = request.GET.get("status", WriteOffStatus.PENDING)
    if status not in WriteOffStatus.values:
        status = WriteOffStatus.PENDING
    requests = baddebt.write_off_requests(user=request.user, status=status).order_by("-requested_at", "-id")
    page = page_slice(requests, request.GET.get("page"))
    return render(
        request,
        "receivables/writeoff_list.html",
        {
            "page": page,
            "status": status,
            "statuses": WriteOffStatus.choices,
            "can_decide": access.can(request.user, "receivables.approve_write_off"),
            "query": urlencode({"status": status}),
        },
    )


@require_POST
@permission("receivables.approve_write_off")
def write_off_decide(request, pk: int, decision: str):
    if decision not in ("approve", "reject"):
        raise Http404
    write_off = get_object_or_404(baddebt.write_off_requests(user=request.user), pk=pk)
    form = forms_aging.DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    service = baddebt.approve_write_off if decision == "approve" else baddebt.reject_write_off
    try:
        service(acting_user=request.user, request=write_off, note=note)
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Write-off approved.") if decision == "approve" else _("Write-off rejected.")
        )
    return redirect(reverse("receivables:write_off_list"))
