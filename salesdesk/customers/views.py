"""Customer pages: fetch-and-authorize, one service or selector, render."""

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core import access, periods
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.exports import stream_csv, stream_xlsx
from salesdesk.core.forms import add_service_error
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.customers import forms, selectors, services
from salesdesk.customers.models import VisitStatus


def _customer_filters(request) -> tuple[forms.CustomerFilterForm, selectors.CustomerFilters]:
    form = forms.CustomerFilterForm(request.GET or None, owners=selectors.owner_candidates(request.user))
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.CustomerFilters(
            q=data["q"],
            tier=data["tier"],
            nature=data["nature"],
            lifecycle=data["lifecycle"],
            value_class=data["value_class"],
            holder=data["holder"],
            owner=data["owner"].user_id if data["owner"] else None,
        )
    return form, selectors.CustomerFilters()


@permission("customers.view_customers")
def customer_list(request):
    form, filters = _customer_filters(request)
    page = page_slice(selectors.customer_list(request.user, filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_create": access.can(request.user, "customers.create_customer"),
        "can_configure": access.can(request.user, "customers.configure_customers"),
    }
    template = "customers/_customer_rows.html" if request.htmx else "customers/customer_list.html"
    return render(request, template, context)


EXPORT_HEADERS = [
    (gettext_lazy("ID"), lambda c: c.pk),
    (gettext_lazy("Name"), lambda c: c.name),
    (gettext_lazy("Tax id"), lambda c: c.tax_id),
    (gettext_lazy("Tier"), lambda c: c.get_tier_display()),
    (gettext_lazy("Nature"), lambda c: c.get_nature_display()),
    (gettext_lazy("Lifecycle"), lambda c: c.get_lifecycle_display()),
    (gettext_lazy("ABC class"), lambda c: c.value_class),
    (gettext_lazy("Owner"), lambda c: str(c.owner) if c.owner else gettext_lazy("Public pool")),
    (gettext_lazy("City"), lambda c: c.city),
    (gettext_lazy("Phone"), lambda c: c.phone),
    (gettext_lazy("Last follow-up"), lambda c: c.last_follow_up_on or ""),
]


def _export(request, writer, filename: str):
    _form, filters = _customer_filters(request)
    headers = [str(title) for title, _value in EXPORT_HEADERS]
    return writer(
        filename,
        headers,
        selectors.customer_list(request.user, filters),
        lambda c: [value(c) for _title, value in EXPORT_HEADERS],
    )


@permission("customers.view_customers")
def customer_export_csv(request):
    return _export(request, stream_csv, "customers.csv")


@permission("customers.view_customers")
def customer_export_xlsx(request):
    return _export(request, stream_xlsx, "customers.xlsx")


@permission("customers.create_customer")
def customer_create(request):
    form = forms.CustomerForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        data = {k: ("" if v is None and k not in NULLABLE else v) for k, v in data.items()}
        try:
            customer = services.create_customer(acting_user=request.user, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
            duplicates = (exc.details or {}).get("duplicates", [])
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect(customer.get_absolute_url())
    return render(
        request, "customers/customer_form.html", {"form": form, "customer": None, "duplicates": duplicates}
    )


NULLABLE = {"year_established", "staff_count", "annual_revenue"}


@permission("customers.change_customer")
def customer_edit(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.change_customer", customer)
    initial = {**model_to_dict(customer, fields=forms.CARD_FIELDS), "version": customer.version}
    form = forms.CustomerForm(request.POST or None, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        confirm = data.pop("confirm_not_duplicate")
        changes = {
            k: ("" if v is None and k not in NULLABLE else v)
            for k, v in data.items()
            if k in form.changed_data
        }
        try:
            services.update_customer(
                acting_user=request.user,
                customer=customer,
                expected_version=version,
                changes=changes,
                confirm_not_duplicate=confirm,
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
            duplicates = (exc.details or {}).get("duplicates", []) if isinstance(exc.details, dict) else []
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": customer.name})
            return redirect(customer.get_absolute_url())
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "duplicates": duplicates},
    )


@permission("customers.view_customers")
def customer_detail(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    user = request.user
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "sections": forms.CustomerForm(initial=model_to_dict(customer)).sections(),
            "contacts": selectors.contacts(user, customer),
            "visits": selectors.visit_list(user, selectors.VisitFilters(customer=customer.pk))[:50],
            "ownership_changes": selectors.ownership_changes(customer)[:50],
            "history": record_history(customer),
            "today": timezone.localdate(),
            "can_edit": access.can(user, "customers.change_customer", customer),
            "can_log_visit": access.can(user, "customers.log_visit", customer),
            "can_claim": access.can(user, "customers.claim_customer", customer),
            "can_release": access.can(user, "customers.release_customer", customer),
            "can_reassign": access.can(user, "customers.change_owner", customer),
        },
    )


@permission("customers.change_customer")
def contact_create(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.change_customer", customer)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.add_contact(acting_user=request.user, customer=customer, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact %(name)s added.") % {"name": data["name"]})
            return redirect(customer.get_absolute_url())
    return render(
        request, "customers/contact_form.html", {"form": form, "customer": customer, "contact": None}
    )


@permission("customers.change_customer")
def contact_edit(request, pk: int):
    contact = get_object_or_404(selectors.contact_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.change_customer", contact.customer)
    initial = {**model_to_dict(contact), "version": contact.version}
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        try:
            services.update_contact(
                acting_user=request.user,
                contact=contact,
                expected_version=version,
                changes={k: v for k, v in data.items() if k in form.changed_data},
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            return redirect(contact.customer.get_absolute_url())
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "customer": contact.customer, "contact": contact},
    )


@permission("customers.log_visit")
def visit_plan(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.log_visit", customer)
    form = forms.VisitPlanForm(
        request.POST or None,
        contacts=selectors.contacts(request.user, customer),
        initial={"planned_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_visit(acting_user=request.user, customer=customer, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit is planned."))
            return redirect(customer.get_absolute_url())
    return render(request, "customers/visit_form.html", {"form": form, "customer": customer, "visit": None})


@permission("customers.log_visit")
def visit_complete(request, pk: int):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.log_visit", visit.customer)
    form = forms.VisitCompleteForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_visit(acting_user=request.user, visit=visit, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit is logged."))
            return redirect(visit.customer.get_absolute_url())
    return render(
        request, "customers/visit_form.html", {"form": form, "customer": visit.customer, "visit": visit}
    )


@require_POST
@permission("customers.log_visit")
def visit_cancel(request, pk: int):
    visit = get_object_or_404(selectors.visit_detail_queryset(request.user), pk=pk)
    form = forms.VisitCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_visit(acting_user=request.user, visit=visit, reason=reason)
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The visit is cancelled."))
    return redirect(visit.customer.get_absolute_url())


@permission("customers.view_customers")
def visit_list(request):
    form = forms.VisitFilterForm(request.GET or None)
    filters = selectors.VisitFilters()
    if form.is_valid():
        filters = selectors.VisitFilters(**form.cleaned_data)
    today = timezone.localdate()
    page = page_slice(selectors.visit_list(request.user, filters), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/visit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "due": selectors.visits_due(request.user, today)[:50],
            "warnings": selectors.pool_warnings(today=today, user=request.user)[:50],
            "today": today,
            "planned": VisitStatus.PLANNED,
        },
    )


@permission("customers.view_customers")
def visit_report(request):
    form = forms.VisitReportForm(request.GET or None)
    today = timezone.localdate()
    key, by = "", "day"
    if form.is_valid():
        key, by = form.cleaned_data["period"], form.cleaned_data["by"] or "day"
    try:
        period = periods.parse(key) if key else periods.period_of(today, periods.Granularity.WEEK)
    except periods.InvalidPeriod:
        form.add_error("period", _("This is not a period."))
        period = periods.period_of(today, periods.Granularity.WEEK)
    return render(
        request,
        "customers/visit_report.html",
        {
            "form": form,
            "period": period,
            "by": by,
            "rows": selectors.visit_report(request.user, period=period, by=by),
        },
    )


@permission("customers.view_customers")
def pool(request):
    q = request.GET.get("q", "")[:100]
    page = page_slice(selectors.pool(request.user, q), request.GET.get("page"))
    return render(
        request,
        "customers/pool.html",
        {
            "page": page,
            "q": q,
            "query": f"q={q}" if q else "",
            "can_claim": access.can(request.user, "customers.claim_customer"),
        },
    )


@require_POST
@permission("customers.claim_customer")
def customer_claim(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    try:
        services.claim_customer(acting_user=request.user, customer=customer)
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
        return redirect("customers:pool")
    messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    return redirect(customer.get_absolute_url())


@permission("customers.release_customer")
def customer_release(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.release_customer", customer)
    form = forms.ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.release_customer(
                acting_user=request.user, customer=customer, reason=form.cleaned_data["reason"]
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is back in the public pool.") % {"name": customer.name})
            return redirect("customers:customer_list")
    return render(
        request, "customers/ownership_form.html", {"form": form, "customer": customer, "release": True}
    )


@permission("customers.change_owner")
def customer_reassign(request, pk: int):
    customer = get_object_or_404(selectors.customer_detail_queryset(request.user), pk=pk)
    access.require(request.user, "customers.change_owner", customer)
    form = forms.ReassignForm(request.POST or None, candidates=selectors.owner_candidates(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_owner(
                acting_user=request.user,
                customer=customer,
                new_owner=form.cleaned_data["owner"].user,
                note=form.cleaned_data["note"],
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s has a new owner.") % {"name": customer.name})
            return redirect(customer.get_absolute_url())
    return render(
        request, "customers/ownership_form.html", {"form": form, "customer": customer, "release": False}
    )


# Settings (directors and administrators)


def _settings_context(request, *, tier_forms=None, policy_form=None):
    """Every tier's policy and the company policy, each with its form; a form that failed replaces
    the fresh one, so it shows its errors."""
    company = request.user.employee.company
    services.ensure_customer_policies(company)
    tier_forms = tier_forms or {}
    policy = selectors.customer_policy(company.pk)
    return {
        "tier_rows": [
            (p, tier_forms.get(p.tier) or forms.TierPolicyForm(initial=model_to_dict(p)))
            for p in selectors.tier_policies(company.pk)
        ],
        "tier_labels": forms.TierPolicyForm(),
        "policy_form": policy_form or forms.CustomerPolicyForm(initial=model_to_dict(policy)),
    }


def _settings_page(request, status=200, **context):
    return render(request, "customers/settings.html", _settings_context(request, **context), status=status)


@permission("customers.configure_customers")
def customer_settings(request):
    return _settings_page(request)


@require_POST
@permission("customers.configure_customers")
def tier_policy_update(request, tier: str):
    policy = next(
        (p for p in selectors.tier_policies(request.user.employee.company_id) if p.tier == tier), None
    )
    if policy is None:
        raise Http404
    form = forms.TierPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.update_tier_policy(acting_user=request.user, policy=policy, changes=form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The policy of tier %(tier)s was saved.") % {"tier": policy})
            return redirect("customers:settings")
    return _settings_page(request, status=422, tier_forms={policy.tier: form})


@require_POST
@permission("customers.configure_customers")
def customer_policy_update(request):
    company = request.user.employee.company
    services.ensure_customer_policies(company)
    form = forms.CustomerPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.update_customer_policy(
                acting_user=request.user,
                policy=selectors.customer_policy(company.pk),
                changes=form.cleaned_data,
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The customer policy was saved."))
            return redirect("customers:settings")
    return _settings_page(request, status=422, policy_form=form)
