"""Reading metrics: the one entry point every figure in SalesDesk goes through.

``compute()`` costs a constant number of queries whatever the number of rows or groups: the
metric's one aggregate, plus one query for the group labels (stage conversion: the stages, then
its aggregate); ``values()`` the aggregate alone.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from salesdesk.core import periods
from salesdesk.core.errors import SalesDeskError
from salesdesk.customers.models import Customer
from salesdesk.metrics.registry import By, Metric, Scope, all_metrics, get
from salesdesk.org.models import OrgUnit, User
from salesdesk.products.models import Product


@dataclass(frozen=True)
class MetricRow:
    key: int | str | None  # employee = user id, unit = org unit id, customer id, product id, stage code
    label: str
    value: Decimal | int | None


class InvalidMetricQuery(SalesDeskError):
    """An unknown metric, a grouping the metric does not support, or a bad period key (422)."""

    status = 422
    code = "invalid_metric_query"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, details=[{"field": field, "reason": message}])
        self.field = field


def definitions() -> list[Metric]:
    """Every registered metric, in registration order (name, label, unit, description, groupings)."""
    return all_metrics()


def metric_named(name: str) -> Metric:
    metric = get(name)
    if metric is None:
        known = ", ".join(m.name for m in all_metrics())
        raise InvalidMetricQuery(
            "metric", _("Unknown metric %(name)s. Known metrics: %(known)s.") % {"name": name, "known": known}
        )
    return metric


def period_for(key: str) -> periods.Period:
    try:
        return periods.parse(key, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    except ValueError:  # InvalidPeriod, or a year no calendar has (0000, 9999 + a fiscal offset)
        raise InvalidMetricQuery(
            "period",
            _(
                "%(key)s is not a period. "
                "Use a year (2026), quarter (2026Q3), month (2026-07) or week (2026-W31)."
            )
            % {"key": key},
        ) from None


def compute(
    metric: str, *, by: str, period: str, user=None, company=None, series: str = ""
) -> list[MetricRow]:
    """``metric`` for every group of ``by`` in ``period``.

    ``user=None`` is an unscoped system run (the CLI's default, commission, targets); otherwise
    only records ``visible_to(user)`` count, and person rows only for people in the user's scope.
    ``company`` (a Company or its id) limits the run to one company; a user's run defaults to the
    user's own company. ``series`` limits a metric over product lines to one product series."""
    definition, by, groups = _groups(metric, by, period, user, company, series)
    labels = _labels(by, [g["key"] for g in groups if "label" not in g and g["key"] is not None])
    rows = [
        MetricRow(
            key=group["key"],
            label=str(group.get("label") or labels.get(group["key"]) or _none_label(by)),
            value=definition.finish(group),
        )
        for group in groups
    ]
    return _ordered(rows, by, labels)


def values(
    metric: str, *, by: str, period: str, user=None, company=None, series: str = ""
) -> dict[Any, Decimal | int | None]:
    """``compute()``'s values by group key, without labels or order: for callers that put the
    figures on rows of their own (attainment joins them onto targets). One query."""
    definition, _by, groups = _groups(metric, by, period, user, company, series)
    return {group["key"]: definition.finish(group) for group in groups}


def _groups(metric: str, by: str, period: str, user, company, series: str):
    definition = metric_named(metric)
    if series and not definition.by_series:
        raise InvalidMetricQuery(
            "series", _("%(metric)s is not counted per product series.") % {"metric": metric}
        )
    if by not in definition.groupings:
        raise InvalidMetricQuery(
            "by",
            _("%(metric)s cannot be grouped by %(by)s; choose one of: %(choices)s.")
            % {"metric": metric, "by": by, "choices": ", ".join(definition.groupings)},
        )
    by = By(by)
    scope = Scope(period=period_for(period), user=user, company_id=_company_id(company, user), series=series)
    groups = list(definition.parts(scope, by))
    if by == By.UNIT:
        groups = _roll_up(groups)
    return definition, by, groups


def _company_id(company, user) -> int | None:
    if company is not None:
        return getattr(company, "pk", company)
    if user is None:
        return None
    employee = getattr(user, "employee", None)
    return employee.company_id if employee is not None else None


def _add(totals: dict[str, Any], parts: Mapping[str, Any]) -> None:
    for name, value in parts.items():
        if name == "key":
            continue
        if totals.get(name) is None:
            totals[name] = value
        elif value is not None:
            totals[name] += value


def _roll_up(groups: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Groups keyed by unit path → groups keyed by unit id, each unit including its subtree: a
    path's parts are added to every id on the path (a loop over groups × depth, not rows)."""
    units: dict[int | None, dict[str, Any]] = defaultdict(dict)
    for group in groups:
        path = group["key"]
        ids = [int(part) for part in path.strip("/").split("/")] if path else [None]
        for unit_id in ids:
            _add(units[unit_id], group)
    return [{"key": unit_id, **parts} for unit_id, parts in units.items()]


def _labels(by: By, keys: list) -> dict[Any, str]:
    if not keys:
        return {}
    if by == By.EMPLOYEE:
        people = User.objects.filter(pk__in=keys).values_list("pk", "full_name", "username")
        return {pk: full_name or username for pk, full_name, username in people}
    if by == By.UNIT:
        return dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == By.CUSTOMER:
        return dict(Customer.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == By.PRODUCT:
        return dict(Product.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {}


def _none_label(by: By) -> str:
    return {
        By.EMPLOYEE: _("Unassigned"),
        By.UNIT: _("No org unit"),
        By.CUSTOMER: _("No customer"),
    }.get(by, "—")


def _ordered(rows: list[MetricRow], by: By, labels: Mapping) -> list[MetricRow]:
    """Stages in path order, units in tree order (as the label query returned them: by path),
    everything else largest first."""
    if by == By.STAGE:
        return rows
    if by == By.UNIT:
        position = {key: index for index, key in enumerate(labels)}
        return sorted(rows, key=lambda row: position.get(row.key, len(position)))
    return sorted(rows, key=lambda row: (row.value is None, -(row.value or 0), row.label))
