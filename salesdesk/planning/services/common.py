"""What every planning service shares: owners, target metrics, periods within a plan, guards."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from salesdesk.core import periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.periods import Granularity
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import OrgUnit, User
from salesdesk.planning import rules
from salesdesk.planning.models import (
    PlanStatus,
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import Levels, SplitError, TargetMetric
from salesdesk.products.selectors import series_names


@dataclass(frozen=True)
class Owner:
    """Whose number: an org unit or an employee (exactly one)."""

    unit: OrgUnit | None = None
    user: User | None = None

    def __post_init__(self) -> None:
        if (self.unit is None) == (self.user is None):
            raise ValueError("an owner is a unit or a user")

    def lookup(self) -> dict:
        return (
            {"owner_unit": self.unit, "owner_user": None}
            if self.unit
            else {"owner_unit": None, "owner_user": self.user}
        )


def violation(error: SplitError | str) -> BusinessRuleViolation:
    return BusinessRuleViolation(str(error))


def target_metric(name: str) -> TargetMetric:
    metric = rules.TARGET_METRICS.get(name)
    if metric is None:
        raise BusinessRuleViolation(
            _("%(name)s cannot be a target. Choose one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(rules.TARGET_METRICS)},
            details={"fields": {"metric": _("Not a target metric.")}},
        )
    return metric


def check_series(definition: TargetMetric, series: str, plan: SalesPlan) -> str:
    try:
        return rules.check_series(definition, series, series_names(plan.company_id))
    except SplitError as error:
        raise BusinessRuleViolation(str(error), details={"fields": {"product_series": str(error)}}) from None


def period_for(key: str, plan: SalesPlan) -> periods.Period:
    period = metrics.period_for(key)
    if period.granularity == Granularity.WEEK:
        raise BusinessRuleViolation(_("Targets are set per year, quarter or month, not per week."))
    year = periods.parse(str(plan.fiscal_year), fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    if period.start < year.start or period.end > year.end:
        raise BusinessRuleViolation(
            _("%(key)s is outside fiscal year %(year)s of this plan.")
            % {"key": key, "year": plan.fiscal_year}
        )
    return period


def require_planning(plan: SalesPlan) -> None:
    if plan.status != PlanStatus.PLANNING:
        raise BusinessRuleViolation(
            _("Plan %(plan)s is %(status)s: change its numbers through an adjustment.")
            % {"plan": plan, "status": plan.get_status_display()}
        )


def check_levels(levels: Levels, metric: TargetMetric) -> None:
    try:
        rules.check_levels(levels, metric)
    except SplitError as error:
        raise violation(error) from None


def shift_key(key: str, years: int) -> str:
    return f"{int(key[:4]) + years}{key[4:]}"


def levels_of(target: Target) -> Levels:
    return Levels(floor=target.floor, goal=target.goal, stretch=target.stretch)
