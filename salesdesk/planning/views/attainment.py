"""Attainment: actual against the target in force, drilled down the org tree."""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, periods
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, SalesDeskError
from salesdesk.org import selectors as org
from salesdesk.planning import forms, permissions, selectors
from salesdesk.planning.models import (
    SalesPlan,
)


def _period_choices(plan: SalesPlan | None) -> list[str]:
    if plan is None:
        return []
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    year = periods.parse(str(plan.fiscal_year), fiscal_start_month=fiscal_start)
    quarters = periods.children(year, periods.Granularity.QUARTER, fiscal_start_month=fiscal_start)
    months = periods.children(year, periods.Granularity.MONTH, fiscal_start_month=fiscal_start)
    return [year.key, *[q.key for q in quarters], *[m.key for m in months]]


def _chart(rows) -> list[dict]:
    """Each row as percentages of its goal: the bar (actual), the floor and stretch markers and
    the share of working time gone, so rows of different sizes share one axis."""

    def percent(value: Decimal, goal: Decimal) -> float | None:
        return float(round(value / goal * 100, 1)) if goal else None

    return [
        {
            "label": f"{row.owner_label} · {row.metric_label}",
            "done": float(row.done_percent) if row.done_percent is not None else 0,
            "floor": percent(row.levels.floor, row.levels.goal),
            "stretch": percent(row.levels.stretch, row.levels.goal),
            "elapsed": float(row.elapsed_percent),
            "pace": row.pace,
        }
        for row in rows
    ]


@permission("planning.view_plans")
def attainment(request):
    user = request.user
    plans = list(selectors.plans(user))
    form = forms.AttainmentFilterForm(
        request.GET or None, plans=plans, metric_choices=selectors.metric_choices()
    )
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    period_key = data.get("period") or f"{today.year}-{today.month:02d}"
    metric_names = [data["metric"]] if data.get("metric") else None
    unit_id = data.get("unit") or permissions.own_unit_id(user)
    unit = get_object_or_404(org.units(user), pk=unit_id) if unit_id else None
    context = {
        "form": form,
        "period_key": period_key,
        "metric": data.get("metric") or "",
        "unit": unit,
        "trail": list(org.units(user).filter(pk__in=_ancestor_ids(unit))) if unit else [],
        "rows": [],
        "node_row": None,
        "by": "unit",
        "plan": None,
        "error": None,
        "today": today,
    }
    try:
        plan = (
            next((p for p in plans if p.pk == data["plan"]), None)
            if data.get("plan")
            else selectors.active_plan_for(access.company_id_of(user), period_key)
        )
        if plan is None:
            raise BusinessRuleViolation(_("That plan does not exist."))
        context["plan"] = plan
        if unit is not None:
            context["node_row"], context["rows"], context["by"] = selectors.attainment_below(
                user=user, plan=plan, period_key=period_key, unit=unit, metric_names=metric_names, as_of=today
            )
        else:  # an administrator outside the org tree: every unit's row
            context["rows"] = selectors.attainment(
                user=user, plan=plan, period_key=period_key, metric_names=metric_names, as_of=today
            )
    except SalesDeskError as exc:  # no active plan, a period that is not one
        context["error"] = exc.message
    context["periods"] = _period_choices(context["plan"])
    context["chart"] = _chart([*(context["node_row"] or []), *context["rows"]])
    context["chart_height"] = 120 + 36 * len(context["chart"])
    context["chart_labels"] = {
        "done": _("Done"),
        "floor": _("Floor (保底)"),
        "stretch": _("Stretch (冲刺)"),
        "elapsed": _("Time elapsed"),
    }
    return render(request, "planning/attainment.html", context)


def _ancestor_ids(unit) -> list[int]:
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk]
