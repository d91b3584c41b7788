"""Plan versions: the list, a new version, a plan's page, its top targets and the export."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access, periods
from salesdesk.core.access import permission
from salesdesk.core.exports import stream_csv, stream_xlsx
from salesdesk.core.paging import page_slice
from salesdesk.org import selectors as org
from salesdesk.planning import forms, selectors, services
from salesdesk.planning.models import (
    PlanStatus,
    SalesPlan,
    Target,
)
from salesdesk.planning.views.common import (
    SERVICE_ERRORS,
    levels_from,
    owner_named,
    plan_in_scope,
    show_error,
)
from salesdesk.products.selectors import series_names


@permission("planning.view_plans")
def plan_list(request):
    page = page_slice(selectors.plans(request.user), request.GET.get("page"), size=100)
    return render(
        request,
        "planning/plan_list.html",
        {"page": page, "can_manage": access.can(request.user, "planning.manage_plans")},
    )


@permission("planning.manage_plans")
def plan_create(request):
    today = timezone.localdate()
    form = forms.PlanCreateForm(
        request.POST or None,
        initial={
            "fiscal_year": periods.fiscal_year_of(today, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
        },
        plans=selectors.plans(request.user),
        metric_choices=selectors.metric_choices(),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy_from = (
            plan_in_scope(request, data["copy_from"]) if data["start"] == forms.PlanStart.COPY else None
        )
        from_actuals = data["start"] == forms.PlanStart.ACTUALS
        try:
            plan = services.create_plan(
                acting_user=request.user,
                company=org.company_of(request.user),
                fiscal_year=data["fiscal_year"],
                name=data["name"],
                copy_from=copy_from,
                from_actuals_growth_percent=data["growth_percent"] if from_actuals else None,
                metrics_from_actuals=tuple(data["metrics"]) if from_actuals else (),
            )
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, _("Sales plan %(plan)s was added.") % {"plan": plan})
            return redirect(plan.get_absolute_url())
    elif request.method == "POST":
        status = 422
    return render(request, "planning/plan_form.html", {"form": form}, status=status)


def _target_owners(request) -> list[tuple[str, str]]:
    units = [(forms.owner_key("unit", u.pk), f"{u.name} · {u.code}") for u in org.units(request.user)]
    people = [
        (forms.owner_key("user", e.user_id), f"{e.user} · {e.employee_no}")
        for e in org.employee_list(request.user).filter(status="active")
    ]
    return [(_("Org units"), units), (_("Employees"), people)]


def _plan_context(request, plan: SalesPlan, **extra) -> dict:
    user = request.user
    in_planning = plan.status == PlanStatus.PLANNING
    can_set = in_planning and access.can(user, "planning.set_target")
    context = {
        "plan": plan,
        "top_targets": selectors.top_targets(user, plan),
        "can_manage": access.can(user, "planning.manage_plans", plan),
        "in_planning": in_planning,
        "version_form": forms.VersionForm(initial={"version": plan.version}),
        "target_form": None,
    }
    if can_set:
        context["target_form"] = forms.TargetForm(
            initial={"period": str(plan.fiscal_year)},
            owners=_target_owners(request),
            metric_choices=selectors.metric_choices(),
            series_choices=series_names(plan.company_id),
        )
    return context | extra


@permission("planning.view_plans")
def plan_detail(request, pk: int):
    plan = plan_in_scope(request, pk)
    return render(request, "planning/plan_detail.html", _plan_context(request, plan))


def _plan_transition(request, pk: int, service, done_message: str):
    plan = plan_in_scope(request, pk)
    form = forms.VersionForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            service(acting_user=request.user, plan=plan, expected_version=form.cleaned_data["version"])
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, done_message % {"plan": plan})
            return redirect(plan.get_absolute_url())
    plan.refresh_from_db()
    return render(
        request, "planning/plan_detail.html", _plan_context(request, plan, status_form=form), status=status
    )


@require_POST
@permission("planning.manage_plans")
def plan_activate(request, pk: int):
    return _plan_transition(request, pk, services.activate_plan, _("%(plan)s is now the active plan."))


@require_POST
@permission("planning.manage_plans")
def plan_archive(request, pk: int):
    return _plan_transition(request, pk, services.archive_plan, _("%(plan)s was archived."))


@require_POST
@permission("planning.set_target")
def target_create(request, pk: int):
    plan = plan_in_scope(request, pk)
    form = forms.TargetForm(
        request.POST,
        owners=_target_owners(request),
        metric_choices=selectors.metric_choices(),
        series_choices=series_names(plan.company_id),
    )
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = services.set_target(
                acting_user=request.user,
                plan=plan,
                metric=data["metric"],
                owner=owner_named(request, data["owner"]),
                period_key=data["period"],
                levels=levels_from(data),
                product_series=data["product_series"],
            )
        except SERVICE_ERRORS as exc:
            status = show_error(request, form, exc)
        else:
            messages.success(request, _("The target %(target)s was set.") % {"target": target})
            return redirect("planning:grid", target.pk)
    return render(
        request, "planning/plan_detail.html", _plan_context(request, plan, target_form=form), status=status
    )


# The columns the "targets" import reads: a file exported here can be edited and imported back.
EXPORT_COLUMNS = [
    "metric",
    "product_series",
    "unit_code",
    "employee_no",
    "period",
    "floor",
    "goal",
    "stretch",
]


def _export_row(target: Target) -> list:
    employee = getattr(target.owner_user, "employee", None) if target.owner_user_id else None
    return [
        target.metric,
        target.product_series,
        target.owner_unit.code if target.owner_unit_id else "",
        employee.employee_no if employee is not None else "",
        target.period_key,
        target.floor,
        target.goal,
        target.stretch,
    ]


@permission("planning.view_plans")
def plan_export(request, pk: int):
    plan = plan_in_scope(request, pk)
    rows = selectors.targets(request.user, plan)
    name = f"targets-{plan.fiscal_year}-v{plan.number}"
    if request.GET.get("format") == "csv":
        return stream_csv(f"{name}.csv", EXPORT_COLUMNS, rows, _export_row)
    return stream_xlsx(f"{name}.xlsx", EXPORT_COLUMNS, rows, _export_row)
