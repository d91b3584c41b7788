"""Targets of a plan in planning, as the planning grid exports them: one row per metric (and
product series, for quantities), owner (an org unit code or an employee number) and period,
with the three levels; the period names the fiscal year, whose latest version in planning takes
the rows. A row matching an existing target changes it (the same file imported twice changes
nothing the second time)."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.core import bulk, periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.imports import rules
from salesdesk.imports.kinds.base import BATCH, Context, Field, Kind, People, Row, RowError
from salesdesk.org.models import OrgUnit
from salesdesk.planning import rules as planning_rules
from salesdesk.planning import selectors as planning
from salesdesk.planning import services as planning_services
from salesdesk.planning.models import PlanStatus, SalesPlan, Target
from salesdesk.products.selectors import series_names

NOT_A_PERIOD = gettext_noop("not a period: use a year (2026), quarter (2026Q3) or month (2026-07)")
NO_PLAN = gettext_noop("no plan in planning for this fiscal year: create one, or adjust the active plan")
ONE_OWNER = gettext_noop("give an org unit code or an employee, not both")
UNKNOWN_UNIT = gettext_noop("unknown org unit code")
UNKNOWN_EMPLOYEE = gettext_noop("unknown employee")
NOT_YOURS = gettext_noop("you may not set this owner's target")
NOT_A_METRIC = gettext_noop("not a target metric; use one of: %(choices)s")


class TargetKind(Kind):
    name = "targets"
    model = Target
    fields = (
        Field("metric", _("metric"), rules.text(max_length=40, required=True), required=True),
        Field("product_series", _("product series"), rules.text(max_length=100)),
        Field("unit_code", _("org unit code"), rules.text(max_length=30)),
        Field("employee_no", _("employee"), rules.text(max_length=150)),
        Field("period", _("period"), rules.text(max_length=10, required=True), required=True),
        Field("floor", _("floor (保底)"), rules.decimal()),
        Field("goal", _("goal (目标)"), rules.required(rules.decimal()), required=True),
        Field("stretch", _("stretch (冲刺)"), rules.decimal()),
    )
    update_fields = ("floor", "goal", "stretch")
    key_field = "period"  # a repeated row is reported at its period

    def key(self, values: dict) -> str | None:
        names = ("metric", "product_series", "unit_code", "employee_no", "period")
        return "|".join(str(values.get(name) or "").lower() for name in names)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        years = {y for y in (_fiscal_year(r.values["period"]) for r in rows) if y is not None}
        self.plans: dict[int, SalesPlan] = {}
        for plan in SalesPlan.objects.filter(
            company=ctx.company, fiscal_year__in=years, status=PlanStatus.PLANNING
        ).order_by("number"):
            self.plans[plan.fiscal_year] = plan  # the latest version in planning wins
        self.units = {u.code.lower(): u for u in OrgUnit.objects.filter(company=ctx.company)}
        self.people = People(ctx)
        self.reach = planning.settable_owners(ctx.acting_user)
        self.series = set(series_names(ctx.company.pk))
        self.existing = {
            (t.plan_id, t.metric, t.product_series, t.owner_unit_id, t.owner_user_id, t.period_key): t
            for t in Target.objects.filter(plan__in=self.plans.values())
        }

    def build(self, ctx: Context, row: Row) -> tuple[Target, bool]:
        values = row.values
        year = _fiscal_year(values["period"])
        if year is None:
            raise RowError("period", NOT_A_PERIOD)
        plan = self.plans.get(year)
        if plan is None:
            raise RowError("period", NO_PLAN)
        metric = planning_rules.TARGET_METRICS.get(values["metric"])
        if metric is None:
            raise RowError("metric", NOT_A_METRIC, choices=", ".join(planning_rules.TARGET_METRICS))
        try:
            series = planning_rules.check_series(metric, values.get("product_series") or "", self.series)
        except planning_rules.SplitError as exc:
            raise RowError("product_series", "%(error)s", error=str(exc)) from None
        owner = self._owner(values)
        try:
            period = planning_services.period_for(values["period"], plan)
        except BusinessRuleViolation as exc:
            raise RowError("period", "%(error)s", error=exc.message) from None
        goal = values["goal"]
        levels = planning_rules.Levels(
            values["floor"] if values["floor"] is not None else goal,
            goal,
            values["stretch"] if values["stretch"] is not None else goal,
        )
        try:
            planning_rules.check_levels(levels, metric)
        except planning_rules.SplitError as exc:
            raise RowError("goal", "%(error)s", error=str(exc)) from None
        key = (
            plan.pk,
            metric.name,
            series,
            owner.unit.pk if owner.unit else None,
            owner.user.pk if owner.user else None,
        )
        target = self.existing.get((*key, period.key))
        is_new = target is None
        if is_new:
            target = Target(
                plan=plan,
                metric=metric.name,
                product_series=series,
                period_key=period.key,
                period_start=period.start,
                period_end=period.end,
                updated_by=ctx.acting_user,
                **owner.lookup(),
            )
        if not self.reach.covers(target):
            raise RowError("unit_code" if owner.unit else "employee_no", NOT_YOURS)
        target.floor, target.goal, target.stretch = (
            Decimal(v) for v in (levels.floor, levels.goal, levels.stretch)
        )
        return target, is_new

    def _owner(self, values: dict) -> planning_services.Owner:
        if bool(values.get("unit_code")) == bool(values.get("employee_no")):
            raise RowError("unit_code", ONE_OWNER)
        if values.get("unit_code"):
            unit = self.units.get(values["unit_code"].lower())
            if unit is None:
                raise RowError("unit_code", UNKNOWN_UNIT)
            return planning_services.Owner(unit=unit)
        try:
            employee = self.people.find(values["employee_no"])
        except rules.Invalid as exc:
            raise RowError("employee_no", exc.reason.message) from None
        if employee is None:
            raise RowError("employee_no", UNKNOWN_EMPLOYEE)
        return planning_services.Owner(user=employee.user)

    def write(self, ctx: Context, created: list, updated: list) -> None:
        if created:
            Target.objects.bulk_create(created, batch_size=BATCH)
            history = {"user_id": ctx.acting_user.pk, "reason": ctx.change_reason, "when": ctx.now}
            bulk.write_history(Target, [t.pk for t in created], kind="+", **history)
        super().write(ctx, [], updated)


def _fiscal_year(key: str) -> int | None:
    """The fiscal year a period key belongs to (the plan a row goes to)."""
    try:
        period = periods.parse(key, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    except periods.InvalidPeriod:
        return None
    return periods.fiscal_year_of(period.start, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
