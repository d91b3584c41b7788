"""Reading plans: targets in scope, the top-down / bottom-up gap at each node, and attainment.

Attainment reads actuals from the metric layer (one aggregate per metric and product series,
whatever the number of owners) and the target in force on the day asked about (one query over
the adjustments).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from salesdesk.core import access, periods, workdays
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import OrgUnit, User
from salesdesk.planning import rules
from salesdesk.planning.models import (
    ActionPlan,
    Adjustment,
    AdjustmentStatus,
    Distribution,
    PlanStatus,
    Proposal,
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import Levels


def visible_distributions(user) -> QuerySet[Distribution]:
    return Distribution.objects.visible_to(user).filter(is_active=True)


def month_weights(distribution: Distribution) -> list[Decimal]:
    """The twelve weights in fiscal-month order (index 0 = the fiscal year's first month)."""
    return [Decimal(str(w)) for w in distribution.weights]


def plans(user) -> QuerySet[SalesPlan]:
    return SalesPlan.objects.visible_to(user).select_related("created_by", "copied_from")


def targets(user, plan: SalesPlan) -> QuerySet[Target]:
    return (
        Target.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("owner_unit", "owner_user__employee", "parent")
        .order_by(
            "metric",
            "product_series",
            "owner_unit__path",
            "owner_user__employee__employee_no",
            "period_start",
            "period_end",
        )
    )


def top_targets(user, plan: SalesPlan) -> QuerySet[Target]:
    """The year targets the user sees that nothing they see was split from: the roots of their
    part of the plan."""
    mine = targets(user, plan)
    return mine.filter(period_key=str(plan.fiscal_year)).exclude(parent__in=mine.values("pk"))


def targets_to_propose(user, plan: SalesPlan) -> QuerySet[Target]:
    """The numbers a user may propose bottom-up: their own, and a leader's unit's."""
    from salesdesk.planning.permissions import LEADERS, own_unit_id, role_of

    mine = Q(owner_user=user)
    if role_of(user) in LEADERS and own_unit_id(user) is not None:
        mine |= Q(owner_unit_id=own_unit_id(user))
    return targets(user, plan).filter(mine)


def metric_choices() -> list[tuple[str, str]]:
    return [(name, str(metrics.metric_named(name).label)) for name in rules.TARGET_METRICS]


def measure_label(metric: str, product_series: str = "") -> str:
    """What a target counts, as people read it: "Quantity sold · 离心泵" or "Signed amount"."""
    label = str(metrics.metric_named(metric).label)
    return f"{label} · {product_series}" if product_series else label


def active_plan_for(company_id: int | None, period_key: str) -> SalesPlan:
    """The active plan of the fiscal year that holds ``period_key``."""
    period = metrics.period_for(period_key)
    year = periods.fiscal_year_of(period.start, fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    plans = SalesPlan.objects.filter(fiscal_year=year, status=PlanStatus.ACTIVE)
    if company_id is not None:
        plans = plans.filter(company_id=company_id)
    plan = plans.order_by("company_id").first()
    if plan is None:
        raise BusinessRuleViolation(_("No active sales plan for fiscal year %(year)s.") % {"year": year})
    return plan


# --- who may set which numbers


@dataclass(frozen=True)
class Reach:
    """Whose numbers a user may set; ``None`` means every unit / employee of their company."""

    unit_ids: frozenset[int] | None
    user_ids: frozenset[int] | None

    def covers(self, node) -> bool:
        if node.owner_unit_id is not None:
            return self.unit_ids is None or node.owner_unit_id in self.unit_ids
        return self.user_ids is None or node.owner_user_id in self.user_ids


def settable_owners(user) -> Reach:
    """The set-targets rule for many owners at once (two queries): the director and admin reach
    everyone; a leader the units and people below them in their subtree, never themselves or
    their own unit; nobody else anyone. ``planning.set_target`` and the target import use it."""
    from salesdesk.planning.permissions import LEADERS, TOP, role_of

    role = role_of(user)
    if role in TOP:
        return Reach(None, None)
    profile = access.profile_of(user)
    if role not in LEADERS or not profile.unit_path:
        return Reach(frozenset(), frozenset())
    units = OrgUnit.objects.filter(path__startswith=profile.unit_path).exclude(pk=profile.unit_id)
    people = User.objects.filter(
        access.visible_q(user, owner="pk", owner_unit="employee__unit"),
        employee__unit__path__startswith=profile.unit_path,
    ).exclude(pk=user.pk)
    return Reach(
        frozenset(units.values_list("pk", flat=True)), frozenset(people.values_list("pk", flat=True))
    )


# --- the target in force -----------------------------------------------------------------------


def levels_in_force(target_ids: Iterable[int], as_of: date) -> dict[int, Levels]:
    """For targets changed by adjustments effective after ``as_of``: the levels they had on that
    day (the earlier levels of the first such adjustment). Targets not listed are unchanged."""
    later = (
        Adjustment.objects.filter(
            target_id__in=list(target_ids), status=AdjustmentStatus.APPROVED, effective_from__gt=as_of
        )
        .order_by("target_id", "effective_from", "pk")
        .values_list("target_id", "old_floor", "old_goal", "old_stretch")
    )
    in_force: dict[int, Levels] = {}
    for target_id, floor, goal, stretch in later:
        in_force.setdefault(target_id, Levels(floor, goal, stretch))
    return in_force


# --- attainment --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    target_id: int
    metric: str
    product_series: str
    metric_label: str
    owner_kind: str  # "unit" or "employee"
    owner_id: int
    owner_label: str
    drill_unit_id: int | None  # the unit to drill into (a unit with sub-units or reps)
    period_key: str
    levels: Levels
    actual: Decimal
    done: Decimal | None  # share of the goal done (0.42 = 42%)
    elapsed: Decimal  # share of the period's working days gone
    pace: str
    pace_label: str
    projection: Decimal | None
    gap: Decimal

    @property
    def done_percent(self) -> Decimal | None:
        return None if self.done is None else (self.done * 100).quantize(Decimal("0.1"))

    @property
    def elapsed_percent(self) -> Decimal:
        return (self.elapsed * 100).quantize(Decimal("0.1"))

    @property
    def floor_reached(self) -> bool:
        return self.actual >= self.levels.floor

    @property
    def stretch_reached(self) -> bool:
        return self.actual >= self.levels.stretch


def period_progress(period: periods.Period, as_of: date) -> tuple[Decimal, bool]:
    """Share of the period's working days elapsed by the end of ``as_of``, and whether it ended."""
    total = workdays.working_days_between(period.start, period.end)
    gone = workdays.working_days_between(period.start, min(as_of, period.end))
    return rules.elapsed_fraction(gone, total), as_of >= period.end


def attainment(
    *,
    user,
    plan: SalesPlan,
    period_key: str,
    by: str = "unit",
    metric_names: Sequence[str] | None = None,
    parent_unit: OrgUnit | None = None,
    owner_unit: OrgUnit | None = None,
    as_of: date,
) -> list[Attainment]:
    """Actual against the target in force for every owner of ``period_key`` the user sees.

    ``by`` "unit" lists unit targets (the units directly below ``parent_unit``, or all); "employee"
    lists people's targets (those working in ``parent_unit``'s subtree, or all); ``owner_unit``
    keeps only that unit's own targets. ``user=None`` is a
    system run (the CLI) over the whole plan."""
    period = metrics.period_for(period_key)
    rows = Target.objects.visible_to(user) if user is not None else Target.objects.all()
    rows = rows.filter(plan=plan, period_key=period.key)
    if metric_names:
        rows = rows.filter(metric__in=metric_names)
    if by == "unit":
        rows = rows.filter(owner_unit__isnull=False)
        if parent_unit is not None:
            rows = rows.filter(owner_unit__parent=parent_unit)
        if owner_unit is not None:
            rows = rows.filter(owner_unit=owner_unit)
    else:
        rows = rows.filter(owner_user__isnull=False)
        if parent_unit is not None:
            rows = rows.filter(owner_user__employee__unit__path__startswith=parent_unit.path)
    targets = list(
        rows.annotate(
            owner_id=Coalesce("owner_unit_id", "owner_user_id"),
            owner_label=Coalesce("owner_unit__name", "owner_user__full_name", "owner_user__username"),
            sort_key=Coalesce("owner_unit__path", "owner_user__employee__employee_no"),
        )
        .order_by("metric", "product_series", "sort_key")
        .values(
            "pk",
            "metric",
            "product_series",
            "owner_id",
            "owner_label",
            "owner_user_id",
            "floor",
            "goal",
            "stretch",
        )
    )
    if not targets:
        return []
    adjusted = _adjusted_after(rows, as_of)
    in_force = levels_in_force(adjusted, as_of) if adjusted else {}
    measures = {(t["metric"], t["product_series"]) for t in targets}
    actuals = {
        (name, series): metrics.values(name, by=by, period=period.key, company=plan.company_id, series=series)
        for name, series in measures
    }
    drillable = _drillable_units([t["owner_id"] for t in targets]) if by == "unit" else set()
    elapsed, ended = period_progress(period, as_of)
    labels = {measure: measure_label(*measure) for measure in measures}
    # Translated once per call, not once per row (gettext costs ~15 µs; a year of monthly targets
    # for 1,000 reps is 36,000 rows).
    pace_labels = {status: str(label) for status, label in rules.PACE_LABELS.items()}
    result = []
    for t in targets:
        definition = rules.TARGET_METRICS[t["metric"]]
        levels = in_force.get(t["pk"], Levels(t["floor"], t["goal"], t["stretch"]))
        measure = (t["metric"], t["product_series"])
        actual = Decimal(actuals[measure].get(t["owner_id"]) or 0)
        status = rules.pace(actual, levels.goal, elapsed, ended=ended)
        result.append(
            Attainment(
                target_id=t["pk"],
                metric=t["metric"],
                product_series=t["product_series"],
                metric_label=labels[measure],
                owner_kind=by,
                owner_id=t["owner_id"],
                owner_label=t["owner_label"] or "",
                drill_unit_id=t["owner_id"] if t["owner_id"] in drillable else None,
                period_key=period.key,
                levels=levels,
                actual=actual,
                done=rules.done_fraction(actual, levels.goal),
                elapsed=elapsed,
                pace=status,
                pace_label=pace_labels[status],
                projection=rules.projection(actual, elapsed, definition),
                gap=rules.gap(actual, levels.goal),
            )
        )
    return result


def _adjusted_after(targets: QuerySet[Target], as_of: date) -> list[int]:
    """The targets among ``targets`` changed by an approved adjustment effective after ``as_of``:
    the only ones ``levels_in_force`` has an answer for. The targets go in as a subquery: passed
    as a list, a month of 3,000 targets became 3,000 query parameters for nothing when, as
    usual, none was adjusted since."""
    later = Adjustment.objects.filter(
        target__in=targets.values("pk"), status=AdjustmentStatus.APPROVED, effective_from__gt=as_of
    )
    return list(later.values_list("target_id", flat=True).distinct().order_by())


def attainment_below(
    *,
    user,
    plan: SalesPlan,
    period_key: str,
    unit: OrgUnit,
    metric_names: Sequence[str] | None = None,
    as_of: date,
) -> tuple[list[Attainment], list[Attainment], str]:
    """One drill step: the unit's own rows, and its parts' rows — its sub-units, or the people
    of a unit without sub-unit targets — with the grouping the parts use."""
    common = {
        "user": user,
        "plan": plan,
        "period_key": period_key,
        "metric_names": metric_names,
        "as_of": as_of,
    }
    own = attainment(by="unit", owner_unit=unit, **common)
    below = attainment(by="unit", parent_unit=unit, **common)
    if below:
        return own, below, "unit"
    return own, attainment(by="employee", parent_unit=unit, **common), "employee"


def _drillable_units(unit_ids: Iterable[int]) -> set[int]:
    """Units with something below them to drill into: sub-units or employees."""
    unit_ids = list(unit_ids)
    with_units = OrgUnit.objects.filter(parent_id__in=unit_ids).values_list("parent_id", flat=True)
    with_people = OrgUnit.objects.filter(pk__in=unit_ids, employees__isnull=False).values_list(
        "pk", flat=True
    )
    return set(with_units) | set(with_people)


# --- the planning grid -------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    target: Target | None
    period: periods.Period


@dataclass(frozen=True)
class GridRow:
    owner: OrgUnit | User
    owner_label: str
    owner_key: str  # "unit:4" / "user:17"
    can_set: bool  # may the viewer set this row's numbers
    target: Target | None  # the row owner's number for the node's period
    cells: list[GridCell]  # the row owner's numbers per sub-period
    cells_total: Decimal
    proposal: Proposal | None  # their own bottom-up number
    proposed_below: Decimal | None  # sum of the proposals of everyone below them
    drill_target_id: int | None

    @property
    def bottom_up(self) -> Decimal | None:
        return self.proposal.amount if self.proposal is not None else self.proposed_below

    @property
    def gap(self) -> Decimal | None:
        """Top-down minus bottom-up: positive = the plan asks more than the owner commits to."""
        if self.target is None or self.bottom_up is None:
            return None
        return self.target.goal - self.bottom_up

    @property
    def unsplit(self) -> Decimal | None:
        """What the sub-period numbers leave of the row's number (0 when fully split)."""
        if self.target is None or not any(cell.target for cell in self.cells):
            return None
        return self.target.goal - self.cells_total


@dataclass(frozen=True)
class Grid:
    node: Target
    columns: list[periods.Period]
    rows: list[GridRow]
    node_row: GridRow
    can_split: bool  # may the viewer split the node

    @property
    def children_total(self) -> Decimal:
        return sum((row.target.goal for row in self.rows if row.target), Decimal(0))

    @property
    def unallocated(self) -> Decimal:
        return self.node.goal - self.children_total

    def column_totals(self) -> list[Decimal]:
        return [
            sum((row.cells[i].target.goal for row in self.rows if row.cells[i].target), Decimal(0))
            for i in range(len(self.columns))
        ]


def grid(user, node: Target) -> Grid:
    """The node's parts by owner (rows) and by sub-period (columns), with each row's proposal and
    the sum of the proposals below it. A constant number of queries: the owners, their targets,
    the proposals."""
    from salesdesk.planning import services  # the split shape is the services' definition

    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    period = periods.parse(node.period_key, fiscal_start_month=fiscal_start)
    columns = (
        periods.children(period, periods.Granularity.MONTH, fiscal_start_month=fiscal_start)
        if period.granularity != periods.Granularity.MONTH
        else []
    )
    try:
        parts = services.split_parts(node, services.SplitInto.UNITS) if node.owner_unit_id else []
    except BusinessRuleViolation:
        parts = []
    owners = [("unit", p.owner.unit) if p.owner.unit else ("user", p.owner.user) for p in parts]
    node_owner = ("unit", node.owner_unit) if node.owner_unit_id else ("user", node.owner_user)
    keys = [period.key, *[c.key for c in columns]]
    units = [o.pk for kind, o in [*owners, node_owner] if kind == "unit"]
    users = [o.pk for kind, o in [*owners, node_owner] if kind == "user"]
    owner_q = Q(owner_unit__in=units) | Q(owner_user__in=users)
    found = {
        (t.owner_unit_id, t.owner_user_id, t.period_key): t
        for t in Target.objects.visible_to(user).filter(
            owner_q,
            plan=node.plan,
            metric=node.metric,
            product_series=node.product_series,
            period_key__in=keys,
        )
    }
    proposals = list(
        Proposal.objects.visible_to(user)
        .filter(plan=node.plan, metric=node.metric, product_series=node.product_series, period_key=period.key)
        .annotate(path=Coalesce("owner_unit__path", "owner_user__employee__unit__path"))
        .select_related("owner_user", "owner_unit")
    )
    own = {(p.owner_unit_id, p.owner_user_id): p for p in proposals}
    user_proposals = [p for p in proposals if p.owner_user_id is not None]
    reach = settable_owners(user)

    def row(kind: str, owner) -> GridRow:
        key = (owner.pk, None) if kind == "unit" else (None, owner.pk)
        cells = [GridCell(found.get((*key, c.key)), c) for c in columns]
        below = None
        if kind == "unit":
            mine = [p.amount for p in user_proposals if (p.path or "").startswith(owner.path)]
            below = sum(mine, Decimal(0)) if mine else None
        target = found.get((*key, period.key))
        return GridRow(
            owner=owner,
            owner_label=str(owner),
            owner_key=f"{kind}:{owner.pk}",
            can_set=reach.covers(_Node(*key)),
            target=target,
            cells=cells,
            cells_total=sum((c.target.goal for c in cells if c.target), Decimal(0)),
            proposal=own.get(key),
            proposed_below=below,
            drill_target_id=target.pk if target is not None and kind == "unit" else None,
        )

    return Grid(
        node=node,
        columns=columns,
        rows=[row(*o) for o in owners],
        node_row=row(*node_owner),
        can_split=access.can(user, "planning.split_target", node),
    )


@dataclass(frozen=True)
class _Node:
    """An owner as the permission rules see a target: its unit id or its user id."""

    owner_unit_id: int | None
    owner_user_id: int | None


# --- lists -------------------------------------------------------------------------------------


def adjustments(user) -> QuerySet[Adjustment]:
    return Adjustment.objects.visible_to(user).select_related(
        "target", "target__owner_unit", "target__owner_user", "target__plan", "requested_by", "decided_by"
    )


def adjustments_to_decide(user) -> QuerySet[Adjustment]:
    """Pending changes the user may approve: in scope, not their own number, not their request."""
    from salesdesk.planning import permissions

    pending = adjustments(user).filter(status=AdjustmentStatus.PENDING).exclude(requested_by=user)
    return pending.exclude(
        Q(target__owner_user=user) | Q(target__owner_unit_id=permissions.own_unit_id(user))
    )


def proposals(user, plan: SalesPlan) -> QuerySet[Proposal]:
    return (
        Proposal.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("owner_unit", "owner_user", "proposed_by", "decided_by")
        .order_by(
            "metric",
            "product_series",
            "period_key",
            F("owner_unit__path").asc(nulls_last=True),
            "owner_user__username",
        )
    )


def action_plans(user) -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.visible_to(user)
        .select_related("owner", "target", "target__plan", "checked_by")
        .prefetch_related("items")
    )
