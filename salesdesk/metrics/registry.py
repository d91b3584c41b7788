"""The registry of named metrics: every business figure defined once, set-based.

A ``Metric`` knows its name, a translatable label, its unit, the exact definition in words, the
groupings it supports, and two functions:

* ``parts(scope, by)`` builds ONE SQL aggregate (``values(key=…).annotate(…)``) that returns, for
  every group at once, the additive parts of the figure (sums and counts). Records outside the
  caller's scope are removed by the domain's ``visible_to(user)`` inside that same statement.
* ``finish(parts)`` turns one group's parts into the value (``rules.py``; pure arithmetic).

Grouping by unit groups the parts by the org-unit *path* of the credited person; ``selectors``
then adds each path's parts to every unit on the path (the ids in "/1/4/9/" are the ancestors),
so a unit includes its whole subtree. That loop runs over groups × tree depth, never over rows.
Ratios are finished after the roll-up, so a region's win rate is its own won / closed, not an
average of its teams' rates.

Adding a figure (signed, invoiced, collected amounts…) is one ``register(Metric(...))`` call in
this module or in the app that owns the data, next to the definitions it shares.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from salesdesk.core import access
from salesdesk.core.periods import Period
from salesdesk.customers.models import Customer, Visit
from salesdesk.metrics import rules
from salesdesk.pipeline.models import Lead, Opportunity, OpportunityLine, Stage, StageChange


class MetricUnit(models.TextChoices):
    MONEY = "money", _("Money")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    DAYS = "days", _("Days")


class By(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    UNIT = "unit", _("Org unit")
    CUSTOMER = "customer", _("Customer")
    PRODUCT = "product", _("Product")
    STAGE = "stage", _("Stage")


@dataclass(frozen=True)
class Scope:
    """What one computation covers: the period, whose view (None: the whole system), company, and
    for metrics over product lines (``Metric.by_series``) one product series ("" = all)."""

    period: Period
    user: Any = None
    company_id: int | None = None
    series: str = ""


Parts = Iterable[Mapping[str, Any]]  # each: {"key": …, <part>: …} and optionally "label"


@dataclass(frozen=True)
class Metric:
    name: str
    label: Promise
    unit: MetricUnit
    description: Promise
    groupings: tuple[By, ...]
    parts: Callable[[Scope, By], Parts]
    finish: Callable[[Mapping[str, Any]], Decimal | int | None]
    by_series: bool = False  # parts honour Scope.series (figures over order or deal lines)


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in _REGISTRY:
        raise ValueError(f"metric {metric.name!r} is registered twice")
    _REGISTRY[metric.name] = metric
    return metric


def get(name: str) -> Metric | None:
    return _REGISTRY.get(name)


def all_metrics() -> list[Metric]:
    return list(_REGISTRY.values())


# ---------------------------------------------------------------------------------------------
# Base rows, already scoped: the domain's visible_to(user) filters inside the aggregate itself.

# Amount × percent × probability has at most 4 decimal places; the sums keep them all.
EXACT = DecimalField(max_digits=30, decimal_places=4)


def _scoped(queryset: QuerySet, scope: Scope, company_path: str) -> QuerySet:
    if scope.user is not None:
        queryset = queryset.visible_to(scope.user)
    if scope.company_id is not None:
        queryset = queryset.filter(**{company_path: scope.company_id})
    return queryset


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _person_in_scope(scope: Scope, owner: str) -> Q:
    """Person rows (by employee / unit) only for people the caller's scope covers: a rep grouping
    by employee sees their own row even when their deal credits a colleague elsewhere."""
    return Q() if scope.user is None else access.visible_q(scope.user, owner=owner)


@dataclass(frozen=True)
class DealFrame:
    """Deal rows grouped one way. ``p`` prefixes opportunity fields ("" on Opportunity rows,
    "opportunity__" on line rows); ``weight`` is the credit share in percent; ``amount`` is the
    deal amount (by product: the line amount)."""

    rows: QuerySet
    p: str
    weight: Any
    amount: Any
    by_line: bool

    def count(self, condition: Q | None = None):
        """Deals, credit-weighted ×100 (by product: distinct deals ×100)."""
        if self.by_line:
            return Count("opportunity", distinct=True, filter=condition) * Value(100)
        return Sum(self.weight, filter=condition, output_field=EXACT)

    def weighted(self, expression) -> Sum:
        return Sum(ExpressionWrapper(expression * self.weight, output_field=EXACT))

    def q(self, **lookups) -> Q:
        return Q(**{f"{self.p}{name}": value for name, value in lookups.items()})


def _deals(scope: Scope, by: By, condition: Callable[[str], Q]) -> DealFrame:
    """Deals matching ``condition(prefix)``, one row per credited group.

    By employee and unit a deal with credit-split rows gives one row per split (the person and
    their percent), a deal without rows one row for its owner at 100% — a LEFT JOIN in the same
    statement, so nothing is merged in Python. By customer a deal counts fully for its customer;
    by product each line counts for its product."""
    deals = _scoped(Opportunity.objects.all(), scope, "company_id")
    hundred = Value(Decimal(100), output_field=EXACT)
    if by == By.PRODUCT:
        lines = OpportunityLine.objects.filter(opportunity__in=deals.filter(condition("")).values("pk"))
        rows = lines.values(key=F("product"))
        return DealFrame(rows, "opportunity__", hundred, F("amount"), by_line=True)
    deals = deals.filter(condition(""))
    if by == By.CUSTOMER:
        return DealFrame(deals.values(key=F("customer")), "", hundred, F("amount"), by_line=False)
    person = _person_in_scope(scope, "credit_splits__user")
    if person:  # Q() (scope "all") would turn the OR into "deals without splits" only
        deals = deals.filter(Q(credit_splits__isnull=True) | person)
    if by == By.EMPLOYEE:
        key = Coalesce("credit_splits__user", "owner")
    else:
        key = Case(
            When(credit_splits__isnull=True, then=F("owner__employee__unit__path")),
            default=F("credit_splits__user__employee__unit__path"),
        )
    weight = Coalesce("credit_splits__percent", hundred, output_field=EXACT)
    return DealFrame(deals.values(key=key), "", weight, F("amount"), by_line=False)


def _won_in(period: Period) -> Callable[[str], Q]:
    return lambda p: Q(**{f"{p}stage__outcome": "won"}) & _in_period(f"{p}closed_on", period)


def _closed_in(period: Period) -> Callable[[str], Q]:
    return lambda p: Q(**{f"{p}stage__outcome__in": ["won", "lost"]}) & _in_period(f"{p}closed_on", period)


def _lost_in(period: Period) -> Callable[[str], Q]:
    return lambda p: Q(**{f"{p}stage__outcome": "lost"}) & _in_period(f"{p}closed_on", period)


def _open_for(period: Period) -> Callable[[str], Q]:
    """Open deals expected to close in the period (no expected date: the day work started)."""
    return lambda p: (
        Q(**{f"{p}stage__outcome": "open"})
        & (
            _in_period(f"{p}expected_close_on", period)
            | (Q(**{f"{p}expected_close_on__isnull": True}) & _in_period(f"{p}engaged_on", period))
        )
    )


DEAL_GROUPINGS = (By.EMPLOYEE, By.UNIT, By.CUSTOMER, By.PRODUCT)
PEOPLE_GROUPINGS = (By.EMPLOYEE, By.UNIT)


def _won_amount_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _won_in(scope.period))
    return frame.rows.annotate(amount=frame.weighted(frame.amount)).order_by()


def _won_count_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _won_in(scope.period))
    return frame.rows.annotate(count=frame.count()).order_by()


def _lost_count_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _lost_in(scope.period))
    return frame.rows.annotate(count=frame.count()).order_by()


def _win_rate_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _closed_in(scope.period))
    return frame.rows.annotate(
        won=frame.count(frame.q(stage__outcome="won")), lost=frame.count(frame.q(stage__outcome="lost"))
    ).order_by()


def _open_amount_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _open_for(scope.period))
    return frame.rows.annotate(amount=frame.weighted(frame.amount)).order_by()


def _weighted_amount_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _open_for(scope.period))
    probability = F(f"{frame.p}probability")
    return frame.rows.annotate(amount=frame.weighted(frame.amount * probability)).order_by()


def _avg_deal_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _won_in(scope.period))
    return frame.rows.annotate(amount=frame.weighted(frame.amount), count=frame.count()).order_by()


def _cycle_parts(scope: Scope, by: By) -> Parts:
    frame = _deals(scope, by, _won_in(scope.period))
    cycle = ExpressionWrapper(F("closed_on") - F("engaged_on"), output_field=DurationField())
    return frame.rows.annotate(
        duration=Sum(ExpressionWrapper(cycle * frame.weight, output_field=DurationField())),
        count=frame.count(),
    ).order_by()


def _owner_key(by: By, owner: str, unit_path: str | None = None):
    """Group key for records owned by ``owner``: the person, or the path of their current unit."""
    if by == By.EMPLOYEE:
        return F(owner)
    if by == By.UNIT:
        path = F(f"{owner}__employee__unit__path")
        if unit_path:
            return Case(When(**{f"{owner}__isnull": True}, then=F(unit_path)), default=path)
        return path
    return F("customer")


def _new_customer_parts(scope: Scope, by: By) -> Parts:
    won = Opportunity.objects.filter(stage__outcome="won", customer__isnull=False)
    earlier = won.filter(customer=OuterRef("customer")).filter(
        Q(closed_on__lt=OuterRef("closed_on")) | Q(closed_on=OuterRef("closed_on"), pk__lt=OuterRef("pk"))
    )
    firsts = _scoped(Opportunity.objects.all(), scope, "company_id").filter(
        _won_in(scope.period)(""), ~Exists(earlier), customer__isnull=False
    )
    if scope.user is not None:
        firsts = firsts.filter(customer__in=Customer.objects.visible_to(scope.user).values("pk"))
        if by in PEOPLE_GROUPINGS:
            firsts = firsts.filter(_person_in_scope(scope, "owner"))
    return firsts.values(key=_owner_key(by, "owner")).annotate(count=Count("pk")).order_by()


def _lead_parts(scope: Scope, by: By) -> Parts:
    leads = _scoped(Lead.objects.all(), scope, "company_id").filter(
        created_at__date__gte=scope.period.start, created_at__date__lte=scope.period.end
    )
    return (
        leads.values(key=_owner_key(by, "owner", unit_path="team__path"))
        .annotate(created=Count("pk"), converted=Count("pk", filter=Q(status="converted")))
        .order_by()
    )


def _visit_parts(scope: Scope, by: By) -> Parts:
    visits = _scoped(Visit.objects.all(), scope, "customer__company_id").filter(
        _in_period("done_on", scope.period), status="done"
    )
    if by in PEOPLE_GROUPINGS:
        visits = visits.filter(_person_in_scope(scope, "owner"))
    return visits.values(key=_owner_key(by, "owner")).annotate(count=Count("pk")).order_by()


def _stage_parts(scope: Scope, by: By) -> Parts:
    """One row per pair of consecutive stages of the path (active open stages and the won stage,
    in position order; the lost stage is not a step forward). Two queries: the stages, then one
    aggregate with two conditional counts per pair."""
    stages = Stage.objects.filter(is_active=True).exclude(outcome="lost").order_by("company_id", "position")
    if scope.company_id is not None:
        stages = stages.filter(company_id=scope.company_id)
    english = (get_language() or "").startswith("en")
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    previous = None
    for stage in stages.values("company_id", "code", "name", "name_en"):
        if previous is not None and previous["company_id"] == stage["company_id"]:
            pair = pairs.setdefault(
                (previous["code"], stage["code"]),
                {"names": (previous, stage), "companies": set()},
            )
            pair["companies"].add(stage["company_id"])
        previous = stage
    if not pairs:
        return []

    def reached(code: str) -> Q:
        changed_to = StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage__code=code)
        return Q(Exists(changed_to)) | Q(stage__code=code)

    deals = _scoped(Opportunity.objects.all(), scope, "company_id").filter(
        _in_period("engaged_on", scope.period)
    )
    aggregates = {}
    for index, ((from_code, to_code), pair) in enumerate(pairs.items()):
        of_company = Q(company_id__in=sorted(pair["companies"]))
        aggregates[f"reached_{index}"] = Count("pk", filter=of_company & reached(from_code))
        aggregates[f"advanced_{index}"] = Count(
            "pk", filter=of_company & reached(from_code) & reached(to_code)
        )
    totals = deals.aggregate(**aggregates)
    from_codes = [from_code for from_code, _to in pairs]
    rows = []
    for index, ((from_code, to_code), pair) in enumerate(pairs.items()):
        first, second = (stage["name_en" if english else "name"] for stage in pair["names"])
        key = from_code if from_codes.count(from_code) == 1 else f"{from_code}>{to_code}"
        rows.append(
            {
                "key": key,
                "label": f"{first} → {second}",
                "reached": totals[f"reached_{index}"],
                "advanced": totals[f"advanced_{index}"],
            }
        )
    return rows


def _days_finish(parts: Mapping[str, Any]) -> Decimal | None:
    return rules.average_days(rules.days_of(parts["duration"]), parts["count"])


register(
    Metric(
        name="won_amount",
        label=_("Won amount"),
        unit=MetricUnit.MONEY,
        description=_(
            "Sum of the amount of deals in the won stage whose close date falls in the period. "
            "By employee each deal is split by its credit-split percentages (100% to the owner when "
            "it has none); by unit it counts for the credited person's current unit and every unit "
            "above it; by customer the whole amount counts for the deal's customer; by product the "
            "deal's line amounts count for each line's product."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_won_amount_parts,
        finish=lambda parts: rules.money(parts["amount"]),
    )
)
register(
    Metric(
        name="won_count",
        label=_("Deals won"),
        unit=MetricUnit.COUNT,
        description=_(
            "Number of deals in the won stage closed in the period. By employee and unit a split "
            "deal counts by credit share (a 60 percent credit counts 0.6), so people add up to their units; "
            "by product, the won deals that include the product."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_won_count_parts,
        finish=lambda parts: rules.credited_count(parts["count"]),
    )
)
register(
    Metric(
        name="lost_count",
        label=_("Deals lost"),
        unit=MetricUnit.COUNT,
        description=_("Number of deals in the lost stage closed in the period, credited like deals won."),
        groupings=DEAL_GROUPINGS,
        parts=_lost_count_parts,
        finish=lambda parts: rules.credited_count(parts["count"]),
    )
)
register(
    Metric(
        name="win_rate",
        label=_("Win rate"),
        unit=MetricUnit.PERCENT,
        description=_(
            "Deals won ÷ (deals won + deals lost), both closed in the period, in percent; empty "
            "when no deal closed. Credited like deals won."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_win_rate_parts,
        finish=lambda parts: rules.percent(parts["won"], (parts["won"] or 0) + (parts["lost"] or 0)),
    )
)
register(
    Metric(
        name="open_pipeline_amount",
        label=_("Open pipeline"),
        unit=MetricUnit.MONEY,
        description=_(
            "Sum of the amount of deals in an open stage whose expected close date (or, when it "
            "is empty, the engagement date) falls in the period. Credited like the won amount."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_open_amount_parts,
        finish=lambda parts: rules.money(parts["amount"]),
    )
)
register(
    Metric(
        name="weighted_pipeline_amount",
        label=_("Weighted pipeline"),
        unit=MetricUnit.MONEY,
        description=_(
            "The open pipeline with each deal's amount multiplied by the deal's probability ÷ 100."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_weighted_amount_parts,
        finish=lambda parts: rules.money(parts["amount"], scale=Decimal(10_000)),
    )
)
register(
    Metric(
        name="avg_deal_size",
        label=_("Average deal size"),
        unit=MetricUnit.MONEY,
        description=_(
            "Won amount ÷ deals won in the period (both credited the same way); empty when nothing was won."
        ),
        groupings=DEAL_GROUPINGS,
        parts=_avg_deal_parts,
        finish=lambda parts: rules.average_money(parts["amount"], parts["count"]),
    )
)
register(
    Metric(
        name="sales_cycle_days",
        label=_("Sales cycle (days)"),
        unit=MetricUnit.DAYS,
        description=_(
            "Average number of days from engagement to close of the deals won in the period, "
            "weighted by credit share; one decimal; empty when nothing was won."
        ),
        groupings=(By.EMPLOYEE, By.UNIT, By.CUSTOMER),
        parts=_cycle_parts,
        finish=_days_finish,
    )
)
register(
    Metric(
        name="new_customers",
        label=_("New customers"),
        unit=MetricUnit.COUNT,
        description=_(
            "Customers whose first won deal (earliest close date, ever) closed in the period, "
            "counted for the owner of that deal."
        ),
        groupings=(By.EMPLOYEE, By.UNIT, By.CUSTOMER),
        parts=_new_customer_parts,
        finish=lambda parts: parts["count"],
    )
)
register(
    Metric(
        name="lead_conversion_rate",
        label=_("Lead conversion rate"),
        unit=MetricUnit.PERCENT,
        description=_(
            "Leads created in the period that are now converted ÷ leads created in the period, in "
            "percent, by the lead's owner (unassigned leads: by their team); empty without leads."
        ),
        groupings=PEOPLE_GROUPINGS,
        parts=_lead_parts,
        finish=lambda parts: rules.percent(parts["converted"], parts["created"]),
    )
)
register(
    Metric(
        name="stage_conversion",
        label=_("Stage-to-stage conversion"),
        unit=MetricUnit.PERCENT,
        description=_(
            "For each pair of consecutive stages (open stages and the won stage, in order): of the "
            "deals engaged in the period that reached the first stage (a recorded move into it, or "
            "being in it now), the share that also reached the next one."
        ),
        groupings=(By.STAGE,),
        parts=_stage_parts,
        finish=lambda parts: rules.percent(parts["advanced"], parts["reached"]),
    )
)
register(
    Metric(
        name="visits_done",
        label=_("Visits done"),
        unit=MetricUnit.COUNT,
        description=_("Visits with status done whose done date falls in the period, by the visitor."),
        groupings=(By.EMPLOYEE, By.UNIT, By.CUSTOMER),
        parts=_visit_parts,
        finish=lambda parts: parts["count"],
    )
)


# The lead-to-cash figures live in their own module and register themselves on import.
from salesdesk.metrics import money  # noqa: E402, F401
