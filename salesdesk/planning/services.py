"""Every change to plans and targets: one transaction each, permission first, audit last.

A plan in *planning* is edited freely (set, split, accept proposals). Once *active*, a number
changes only through an approved adjustment that names its reason and the day it takes effect,
so attainment can always use the target in force at the time.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit, periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.periods import Granularity
from salesdesk.core.versioning import claim_version
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Company, Employee, EmployeeStatus, OrgUnit, Role, User
from salesdesk.planning import rules
from salesdesk.planning.models import (
    ActionItem,
    ActionPlan,
    ActionPlanStatus,
    Adjustment,
    AdjustmentStatus,
    Distribution,
    PlanStatus,
    Proposal,
    SalesPlan,
    SplitMethod,
    Target,
)
from salesdesk.planning.rules import Levels, SplitError, TargetMetric


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


def _violation(error: SplitError | str) -> BusinessRuleViolation:
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


def _require_planning(plan: SalesPlan) -> None:
    if plan.status != PlanStatus.PLANNING:
        raise BusinessRuleViolation(
            _("Plan %(plan)s is %(status)s: change its numbers through an adjustment.")
            % {"plan": plan, "status": plan.get_status_display()}
        )


def _check_levels(levels: Levels, metric: TargetMetric) -> None:
    try:
        rules.check_levels(levels, metric)
    except SplitError as error:
        raise _violation(error) from None


# --- plans -------------------------------------------------------------------------------------


def _shift_key(key: str, years: int) -> str:
    return f"{int(key[:4]) + years}{key[4:]}"


@transaction.atomic
def create_plan(
    *,
    acting_user: User,
    company: Company,
    fiscal_year: int,
    name: str,
    copy_from: SalesPlan | None = None,
    from_actuals_growth_percent: Decimal | None = None,
    metrics_from_actuals: Sequence[str] = ("signed_amount",),
) -> SalesPlan:
    """A new plan version for ``fiscal_year``: empty, a copy of another version (last year's
    targets move one year on), or a company target for each metric from last year's actuals
    grown by a percentage, ready to be split down."""
    access.require(acting_user, "planning.manage_plans")
    if copy_from is not None and from_actuals_growth_percent is not None:
        raise BusinessRuleViolation(_("Start from a copy or from last year's actuals, not both."))
    number = (SalesPlan.objects.filter(company=company, fiscal_year=fiscal_year).count() or 0) + 1
    plan = SalesPlan.objects.create(
        company=company,
        fiscal_year=fiscal_year,
        number=number,
        name=name,
        copied_from=copy_from,
        created_by=acting_user,
        updated_by=acting_user,
    )
    if copy_from is not None:
        if copy_from.company_id != company.pk:
            raise BusinessRuleViolation(_("A plan can only be copied within its company."))
        _copy_targets(copy_from, plan)
    elif from_actuals_growth_percent is not None:
        _targets_from_actuals(plan, from_actuals_growth_percent, metrics_from_actuals)
    audit.record(
        acting_user, "plan_created", plan, details={"copied_from": copy_from.pk if copy_from else None}
    )
    return plan


def _copy_targets(source: SalesPlan, plan: SalesPlan) -> None:
    """Copy every target, shifted by the difference in years, keeping the split tree: parents
    are created before children (ordered by depth of the tree, one bulk insert per level)."""
    years = plan.fiscal_year - source.fiscal_year
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    rows = list(source.targets.values())
    new_id_of: dict[int, int] = {}
    level = [row for row in rows if row["parent_id"] is None]
    while level:
        created = []
        for row in level:
            period = periods.parse(_shift_key(row["period_key"], years), fiscal_start_month=fiscal_start)
            created.append(
                Target(
                    plan=plan,
                    metric=row["metric"],
                    owner_unit_id=row["owner_unit_id"],
                    owner_user_id=row["owner_user_id"],
                    period_key=period.key,
                    period_start=period.start,
                    period_end=period.end,
                    floor=row["floor"],
                    goal=row["goal"],
                    stretch=row["stretch"],
                    parent_id=new_id_of.get(row["parent_id"]),
                    split_method=row["split_method"],
                    updated_by=plan.created_by,
                )
            )
        # Read back ids per object (bulk_create sets pk on SQLite ≥ 3.35 and PostgreSQL).
        for row, target in zip(level, Target.objects.bulk_create(created), strict=True):
            new_id_of[row["id"]] = target.pk
        ids = {row["id"] for row in level}
        level = [row for row in rows if row["parent_id"] in ids]


def _targets_from_actuals(plan: SalesPlan, growth_percent: Decimal, metric_names: Sequence[str]) -> None:
    root = OrgUnit.objects.filter(company=plan.company, parent__isnull=True).order_by("pk").first()
    if root is None:
        raise BusinessRuleViolation(_("The company has no org units yet."))
    last_year = str(plan.fiscal_year - 1)
    year = periods.parse(str(plan.fiscal_year), fiscal_start_month=settings.FISCAL_YEAR_START_MONTH)
    growth = Decimal(1) + Decimal(growth_percent) / 100
    for name in metric_names:
        metric = target_metric(name)
        actual = next(
            (
                row.value
                for row in metrics.compute(name, by="unit", period=last_year, company=plan.company_id)
                if row.key == root.pk
            ),
            None,
        ) or Decimal(0)
        goal = (
            (Decimal(actual) * growth).quantize(metric.unit)
            if metric.additive
            else Decimal(actual).quantize(metric.unit)
        )
        floor = min(goal, Decimal(actual).quantize(metric.unit))
        stretch = (goal * Decimal("1.2")).quantize(metric.unit) if metric.additive else goal
        Target.objects.create(
            plan=plan,
            metric=name,
            owner_unit=root,
            period_key=year.key,
            period_start=year.start,
            period_end=year.end,
            floor=floor,
            goal=goal,
            stretch=stretch,
            updated_by=plan.created_by,
        )


@transaction.atomic
def activate_plan(*, acting_user: User, plan: SalesPlan, expected_version: int) -> SalesPlan:
    """Make this version the year's plan; the version active until now is archived."""
    access.require(acting_user, "planning.manage_plans", plan)
    if plan.status != PlanStatus.PLANNING:
        raise BusinessRuleViolation(_("Only a plan in planning can be activated."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    previous = SalesPlan.objects.select_for_update().filter(
        company_id=plan.company_id, fiscal_year=plan.fiscal_year, status=PlanStatus.ACTIVE
    )
    for old in previous:
        old.status = PlanStatus.ARCHIVED
        old.save(update_fields=["status", "updated_at"])
        audit.record(acting_user, "plan_archived", old, details={"replaced_by": plan.pk})
    plan.status = PlanStatus.ACTIVE
    plan.activated_at = timezone.now()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another activation of the same year won the race
        raise BusinessRuleViolation(
            _("Another version of this year was activated at the same time.")
        ) from None
    audit.record(acting_user, "plan_activated", plan)
    return plan


@transaction.atomic
def archive_plan(*, acting_user: User, plan: SalesPlan, expected_version: int) -> SalesPlan:
    access.require(acting_user, "planning.manage_plans", plan)
    if plan.status == PlanStatus.ARCHIVED:
        raise BusinessRuleViolation(_("This plan is archived already."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = PlanStatus.ARCHIVED
    plan.save()
    audit.record(acting_user, "plan_archived", plan)
    return plan


# --- distributions -----------------------------------------------------------------------------


@transaction.atomic
def save_distribution(
    *,
    acting_user: User,
    company: Company,
    name: str,
    weights: Sequence,
    description: str = "",
    distribution: Distribution | None = None,
    expected_version: int | None = None,
    is_active: bool = True,
) -> Distribution:
    access.require(acting_user, "planning.manage_plans", distribution)
    try:
        values = rules.check_distribution(weights)
    except SplitError as error:
        raise BusinessRuleViolation(str(error), details={"fields": {"weights": str(error)}}) from None
    others = Distribution.objects.filter(company=company, name=name)
    if distribution is not None:
        others = others.exclude(pk=distribution.pk)
    if others.exists():
        message = _("A distribution named %(name)s exists.") % {"name": name}
        raise BusinessRuleViolation(message, details={"fields": {"name": message}})
    if distribution is None:
        distribution = Distribution(company=company, updated_by=acting_user)
    else:
        claim_version(distribution, expected_version=expected_version or 0, acting_user=acting_user)
    distribution.name = name
    distribution.description = description
    distribution.weights = [str(v) for v in values]
    distribution.is_active = is_active
    distribution.save()
    audit.record(acting_user, "distribution_saved", distribution)
    return distribution


# --- targets -----------------------------------------------------------------------------------


@transaction.atomic
def set_target(
    *,
    acting_user: User,
    plan: SalesPlan,
    metric: str,
    owner: Owner,
    period_key: str,
    levels: Levels,
    expected_version: int | None = None,
) -> Target:
    """Create or change one number of a plan in planning. Changing an existing target names the
    version it was read at (stale → 409)."""
    definition = target_metric(metric)
    period = period_for(period_key, plan)
    _require_planning(plan)
    _check_levels(levels, definition)
    target = Target.objects.filter(plan=plan, metric=metric, period_key=period.key, **owner.lookup()).first()
    if target is None:
        target = Target(
            plan=plan,
            metric=metric,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            updated_by=acting_user,
            **owner.lookup(),
        )
        access.require(acting_user, "planning.set_target", _placement(acting_user, target))
    else:
        access.require(acting_user, "planning.set_target", target)
        claim_version(target, expected_version=expected_version or 0, acting_user=acting_user)
    target.floor, target.goal, target.stretch = levels.floor, levels.goal, levels.stretch
    target.save()
    audit.record(acting_user, "target_set", target, details={"goal": str(levels.goal)})
    return target


@transaction.atomic
def set_target_goal(
    *,
    acting_user: User,
    plan: SalesPlan,
    metric: str,
    owner: Owner,
    period_key: str,
    goal: Decimal,
    expected_version: int | None = None,
    like: Target | None = None,
) -> Target:
    """Change only the goal (a grid cell): floor and stretch follow at the ratios the target had,
    or, for a new target, the ratios of ``like`` (the grid's node)."""
    definition = target_metric(metric)
    period = period_for(period_key, plan)
    current = Target.objects.filter(plan=plan, metric=metric, period_key=period.key, **owner.lookup()).first()
    basis = current or like
    levels = rules.levels_for_goal(goal, _levels(basis) if basis else None, definition)
    return set_target(
        acting_user=acting_user,
        plan=plan,
        metric=metric,
        owner=owner,
        period_key=period_key,
        levels=levels,
        expected_version=expected_version,
    )


def _placement(acting_user: User, target: Target) -> Target:
    """A new target is judged where it would sit: its owner must be in the setter's reach."""
    if (
        target.owner_user_id is not None
        and not Employee.objects.filter(
            user_id=target.owner_user_id, company_id=target.plan.company_id
        ).exists()
    ):
        raise BusinessRuleViolation(_("That employee is not in this plan's company."))
    if target.owner_unit_id is not None and target.owner_unit.company_id != target.plan.company_id:
        raise BusinessRuleViolation(_("That org unit is not in this plan's company."))
    return _Unsaved(target)


class _Unsaved:
    """A target not yet saved, seen by the permission rules through its owner only."""

    def __init__(self, target: Target) -> None:
        self.owner_unit_id = target.owner_unit_id
        self.owner_unit = target.owner_unit
        self.owner_user_id = target.owner_user_id
        self.owner_user = target.owner_user
        self.pk = None


def _levels(target: Target) -> Levels:
    return Levels(floor=target.floor, goal=target.goal, stretch=target.stretch)


class SplitInto:
    UNITS = "units"  # the org units directly below, or the reps of a team
    QUARTERS = "quarters"
    MONTHS = "months"


@dataclass(frozen=True)
class Part:
    """One child of a split before it is saved: its owner and period."""

    owner: Owner
    period: periods.Period
    key: str  # "unit:4", "user:17", "2026-03": how callers name parts in weights and amounts


def split_parts(target: Target, into: str) -> list[Part]:
    """What ``target`` splits into: the units directly below its unit (or, for a unit without
    sub-units, its active reps), or the quarters / months of its period."""
    fiscal_start = settings.FISCAL_YEAR_START_MONTH
    period = periods.parse(target.period_key, fiscal_start_month=fiscal_start)
    if into == SplitInto.UNITS:
        if target.owner_unit_id is None:
            raise BusinessRuleViolation(_("An employee's target splits into periods, not into people."))
        # Units with nobody selling below them (finance, an empty team) carry no sales target.
        selling = Employee.objects.filter(
            unit__path__startswith=OuterRef("path"), status=EmployeeStatus.ACTIVE, position__role=Role.REP
        )
        units = list(OrgUnit.objects.filter(Exists(selling), parent_id=target.owner_unit_id).order_by("code"))
        if units:
            return [Part(Owner(unit=u), period, f"unit:{u.pk}") for u in units]
        reps = list(
            User.objects.filter(
                employee__unit_id=target.owner_unit_id,
                employee__status=EmployeeStatus.ACTIVE,
                employee__position__role=Role.REP,
            ).order_by("employee__employee_no")
        )
        if not reps:
            raise BusinessRuleViolation(
                _("%(unit)s has neither sub-units nor reps to split into.") % {"unit": target.owner_unit}
            )
        return [Part(Owner(user=u), period, f"user:{u.pk}") for u in reps]
    granularity = {SplitInto.QUARTERS: Granularity.QUARTER, SplitInto.MONTHS: Granularity.MONTH}.get(into)
    if granularity is None:
        raise BusinessRuleViolation(_("Split into units, quarters or months."))
    try:
        children = periods.children(period, granularity, fiscal_start_month=fiscal_start)
    except periods.InvalidPeriod:
        raise BusinessRuleViolation(
            _("A %(period)s target does not split into %(into)s.") % {"period": period.key, "into": into}
        ) from None
    owner = Owner(unit=target.owner_unit) if target.owner_unit_id else Owner(user=target.owner_user)
    return [Part(owner, child, child.key) for child in children]


def _fiscal_month_index(period: periods.Period, fiscal_year: int) -> int:
    return (period.start.year * 12 + period.start.month) - (
        fiscal_year * 12 + settings.FISCAL_YEAR_START_MONTH
    )


def split_weights(
    target: Target,
    parts: Sequence[Part],
    method: str,
    *,
    distribution: Distribution | None = None,
    weights: Mapping[str, Decimal] | None = None,
    amounts: Mapping[str, Decimal] | None = None,
    seniority: Mapping[str, Decimal] | None = None,
) -> list[Decimal]:
    """The weight of every part under ``method`` (see SplitMethod)."""
    by_time = parts[0].period.key != target.period_key
    if method == SplitMethod.EQUAL:
        return [Decimal(1)] * len(parts)
    if method == SplitMethod.DISTRIBUTION:
        if not by_time or distribution is None:
            raise BusinessRuleViolation(_("A seasonality template splits a target into periods; choose one."))
        months = []
        for part in parts:
            sub = (
                [part.period]
                if part.period.granularity == Granularity.MONTH
                else periods.children(part.period, Granularity.MONTH)
            )
            months.append([_fiscal_month_index(p, target.plan.fiscal_year) for p in sub])
        return rules.distribution_weights([Decimal(str(w)) for w in distribution.weights], months)
    if method == SplitMethod.LAST_YEAR:
        return _last_year_weights(target, parts, by_time)
    if method in (SplitMethod.POTENTIAL, SplitMethod.MANUAL):
        given = amounts if method == SplitMethod.MANUAL else weights
        missing = [part.key for part in parts if part.key not in (given or {})]
        if missing:
            raise BusinessRuleViolation(
                _("Give a number for every part; missing: %(keys)s.") % {"keys": ", ".join(missing)}
            )
        values = [Decimal(given[part.key]) for part in parts]
        if method == SplitMethod.MANUAL:
            try:
                return rules.manual_weights(values, target.goal)
            except SplitError as error:
                raise _violation(error) from None
        return values
    if method == SplitMethod.SENIORITY:
        if by_time or parts[0].owner.user is None:
            raise BusinessRuleViolation(_("Seniority weights split a team's target among its reps."))
        levels = dict(
            Employee.objects.filter(user__in=[p.owner.user for p in parts]).values_list("user_id", "level")
        )
        return rules.seniority_weights(
            target.metric, [levels.get(p.owner.user.pk, "growing") for p in parts], seniority
        )
    raise BusinessRuleViolation(_("Unknown split method %(method)s.") % {"method": method})


def _last_year_weights(target: Target, parts: Sequence[Part], by_time: bool) -> list[Decimal]:
    """Each part's actual of the same period a year earlier (one metric query per period)."""
    if by_time:
        values = []
        by = "unit" if target.owner_unit_id else "employee"
        key = target.owner_unit_id or target.owner_user_id
        for part in parts:
            rows = metrics.compute(
                target.metric, by=by, period=_shift_key(part.period.key, -1), company=target.plan.company_id
            )
            values.append(next((Decimal(r.value or 0) for r in rows if r.key == key), Decimal(0)))
    else:
        by = "unit" if parts[0].owner.unit is not None else "employee"
        rows = metrics.compute(
            target.metric, by=by, period=_shift_key(target.period_key, -1), company=target.plan.company_id
        )
        actual = {r.key: Decimal(r.value or 0) for r in rows}
        values = [actual.get((p.owner.unit or p.owner.user).pk, Decimal(0)) for p in parts]
    if not any(values):
        raise BusinessRuleViolation(
            _("There are no actuals last year to take shares from; choose another method.")
        )
    return values


@transaction.atomic
def split_target(
    *,
    acting_user: User,
    target: Target,
    expected_version: int,
    into: str,
    method: str,
    distribution: Distribution | None = None,
    weights: Mapping[str, Decimal] | None = None,
    amounts: Mapping[str, Decimal] | None = None,
    seniority: Mapping[str, Decimal] | None = None,
) -> list[Target]:
    """Split ``target`` into parts that add up to it exactly at all three levels. Parts that
    exist already are overwritten (and their own parts re-split keeping their shares); the
    target's version is claimed so two planners cannot split it at once."""
    access.require(acting_user, "planning.split_target", target)
    _require_planning(target.plan)
    claim_version(target, expected_version=expected_version, acting_user=acting_user)
    target.save(update_fields=["version", "updated_by", "updated_at"])
    definition = target_metric(target.metric)
    parts = split_parts(target, into)
    part_weights = split_weights(
        target,
        parts,
        method,
        distribution=distribution,
        weights=weights,
        amounts=amounts,
        seniority=seniority,
    )
    try:
        shares = rules.split_levels(_levels(target), part_weights, definition)
    except SplitError as error:
        raise _violation(error) from None
    existing = {
        (t.owner_unit_id, t.owner_user_id, t.period_key): t
        for t in Target.objects.filter(plan=target.plan, metric=target.metric).filter(_parts_q(parts))
    }
    children = []
    for part, levels in zip(parts, shares, strict=True):
        owner_key = (
            part.owner.unit.pk if part.owner.unit else None,
            part.owner.user.pk if part.owner.user else None,
        )
        child = existing.get((*owner_key, part.period.key))
        if child is None:
            child = Target(
                plan=target.plan,
                metric=target.metric,
                period_key=part.period.key,
                period_start=part.period.start,
                period_end=part.period.end,
                **part.owner.lookup(),
            )
        else:
            child.version += 1
        child.parent = target
        child.split_method = method
        child.updated_by = acting_user
        child.floor, child.goal, child.stretch = levels.floor, levels.goal, levels.stretch
        child.save()
        _rescale_descendants(child, acting_user)
        children.append(child)
    audit.record(
        acting_user, "target_split", target, details={"into": into, "method": method, "parts": len(children)}
    )
    return children


def _parts_q(parts: Sequence[Part]) -> Q:
    units = {p.owner.unit.pk for p in parts if p.owner.unit}
    users = {p.owner.user.pk for p in parts if p.owner.user}
    keys = {p.period.key for p in parts}
    return Q(period_key__in=keys) & (Q(owner_unit__in=units) | Q(owner_user__in=users))


def _rescale_descendants(target: Target, acting_user: User, adjustment: Adjustment | None = None) -> None:
    """Re-split ``target``'s existing parts to its new levels, keeping their shares; parts split
    by org and by time are re-split separately (each set adds up to the target). In an active
    plan every changed part gets an approved adjustment pointing at the one that caused it."""
    children = list(target.children.all())
    if not children:
        return
    definition = target_metric(target.metric)
    groups = [
        [c for c in children if c.period_key == target.period_key],
        [c for c in children if c.period_key != target.period_key],
    ]
    for group in groups:
        if not group:
            continue
        new_levels = rules.resplit([_levels(c) for c in group], _levels(target), definition)
        for child, levels in zip(group, new_levels, strict=True):
            if levels == _levels(child):
                continue
            if adjustment is not None:
                Adjustment.objects.create(
                    target=child,
                    reason=adjustment.reason,
                    effective_from=adjustment.effective_from,
                    old_floor=child.floor,
                    old_goal=child.goal,
                    old_stretch=child.stretch,
                    new_floor=levels.floor,
                    new_goal=levels.goal,
                    new_stretch=levels.stretch,
                    status=AdjustmentStatus.APPROVED,
                    requested_by=adjustment.requested_by,
                    decided_by=adjustment.decided_by,
                    decided_at=adjustment.decided_at,
                    cascaded_from=adjustment,
                )
            child.floor, child.goal, child.stretch = levels.floor, levels.goal, levels.stretch
            child.version += 1
            child.updated_by = acting_user
            child.save()
            _rescale_descendants(child, acting_user, adjustment)


# --- bottom-up ---------------------------------------------------------------------------------


@transaction.atomic
def propose(
    *,
    acting_user: User,
    plan: SalesPlan,
    metric: str,
    owner: Owner,
    period_key: str,
    amount: Decimal,
    note: str = "",
    expected_version: int | None = None,
) -> Proposal:
    """A rep's (or a leader's, for their unit) own number for a plan in planning."""
    definition = target_metric(metric)
    period = period_for(period_key, plan)
    _require_planning(plan)
    if amount < 0 or amount % definition.unit:
        raise BusinessRuleViolation(
            _("Propose a number of at least zero (whole numbers for counts)."),
            details={"fields": {"amount": _("Not a valid amount.")}},
        )
    proposal = Proposal.objects.filter(
        plan=plan, metric=metric, period_key=period.key, **owner.lookup()
    ).first()
    if proposal is None:
        proposal = Proposal(
            plan=plan, metric=metric, period_key=period.key, updated_by=acting_user, **owner.lookup()
        )
    access.require(acting_user, "planning.propose", proposal)
    if proposal.pk is not None:
        claim_version(proposal, expected_version=expected_version or 0, acting_user=acting_user)
    proposal.amount = amount
    proposal.note = note
    proposal.proposed_by = acting_user
    proposal.status = Proposal.Status.OPEN
    proposal.decided_by = None
    proposal.decision_note = ""
    proposal.save()
    audit.record(acting_user, "proposal_saved", proposal, details={"amount": str(amount)})
    return proposal


@transaction.atomic
def decide_proposal(
    *, acting_user: User, proposal: Proposal, expected_version: int, accept: bool, note: str = ""
) -> Proposal:
    """Reconcile one node: accepting makes the proposal the goal (floor and stretch move only as
    far as they must to stay ordered); declining keeps the top-down number, with a note why."""
    access.require(acting_user, "planning.decide_proposal", proposal)
    _require_planning(proposal.plan)
    if proposal.status != Proposal.Status.OPEN:
        raise BusinessRuleViolation(_("This proposal was decided already."))
    claim_version(proposal, expected_version=expected_version, acting_user=acting_user)
    if accept:
        owner = Owner(unit=proposal.owner_unit) if proposal.owner_unit_id else Owner(user=proposal.owner_user)
        target = Target.objects.filter(
            plan=proposal.plan, metric=proposal.metric, period_key=proposal.period_key, **owner.lookup()
        ).first()
        amount = proposal.amount
        current = _levels(target) if target else Levels(amount, amount, amount)
        levels = Levels(floor=min(current.floor, amount), goal=amount, stretch=max(current.stretch, amount))
        set_target(
            acting_user=acting_user,
            plan=proposal.plan,
            metric=proposal.metric,
            owner=owner,
            period_key=proposal.period_key,
            levels=levels,
            expected_version=target.version if target else None,
        )
    proposal.status = Proposal.Status.ACCEPTED if accept else Proposal.Status.DECLINED
    proposal.decided_by = acting_user
    proposal.decision_note = note
    proposal.save()
    audit.record(acting_user, "proposal_decided", proposal, details={"accepted": accept})
    return proposal


# --- adjustments -------------------------------------------------------------------------------


@transaction.atomic
def request_adjustment(
    *, acting_user: User, target: Target, levels: Levels, reason: str, effective_from: date
) -> Adjustment:
    access.require(acting_user, "planning.request_adjustment", target)
    if target.plan.status != PlanStatus.ACTIVE:
        raise BusinessRuleViolation(
            _("Only targets of the active plan are adjusted; edit a plan in planning directly.")
        )
    if not reason.strip():
        raise BusinessRuleViolation(
            _("Say why the target changes."), details={"fields": {"reason": _("A reason is required.")}}
        )
    _check_levels(levels, target_metric(target.metric))
    if levels == _levels(target):
        raise BusinessRuleViolation(_("The new levels are the same as the current ones."))
    if not target.period_start <= effective_from <= target.period_end:
        raise BusinessRuleViolation(
            _("The change must take effect within the target's period (%(start)s – %(end)s).")
            % {"start": target.period_start, "end": target.period_end},
            details={"fields": {"effective_from": _("Outside the target's period.")}},
        )
    Target.objects.select_for_update().filter(pk=target.pk).first()  # one pending request at a time
    if target.adjustments.filter(status=AdjustmentStatus.PENDING).exists():
        raise BusinessRuleViolation(_("A change to this target is awaiting approval already."))
    adjustment = Adjustment.objects.create(
        target=target,
        reason=reason.strip(),
        effective_from=effective_from,
        old_floor=target.floor,
        old_goal=target.goal,
        old_stretch=target.stretch,
        new_floor=levels.floor,
        new_goal=levels.goal,
        new_stretch=levels.stretch,
        requested_by=acting_user,
    )
    audit.record(acting_user, "adjustment_requested", adjustment, details={"new_goal": str(levels.goal)})
    return adjustment


@transaction.atomic
def decide_adjustment(
    *, acting_user: User, adjustment: Adjustment, approve: bool, note: str = ""
) -> Adjustment:
    """Approving applies the new levels to the target and re-splits its parts (each part's change
    recorded as an adjustment that follows from this one); the old levels stay on the row."""
    access.require(acting_user, "planning.approve_adjustment", adjustment)
    claimed = Adjustment.objects.filter(pk=adjustment.pk, status=AdjustmentStatus.PENDING).update(
        status=AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED,
        decided_by=acting_user,
        decided_at=timezone.now(),
        decision_note=note,
    )
    if not claimed:
        raise BusinessRuleViolation(_("This change was decided or withdrawn already."))
    adjustment.refresh_from_db()
    if approve:
        target = Target.objects.select_for_update().get(pk=adjustment.target_id)
        if _levels(target) != Levels(adjustment.old_floor, adjustment.old_goal, adjustment.old_stretch):
            raise BusinessRuleViolation(
                _("The target changed since this request was made; ask for a new one.")
            )
        target.floor, target.goal, target.stretch = (
            adjustment.new_floor,
            adjustment.new_goal,
            adjustment.new_stretch,
        )
        target.version += 1
        target.updated_by = acting_user
        target.save()
        _rescale_descendants(target, acting_user, adjustment)
    audit.record(acting_user, "adjustment_decided", adjustment, details={"approved": approve})
    return adjustment


@transaction.atomic
def withdraw_adjustment(*, acting_user: User, adjustment: Adjustment) -> Adjustment:
    if adjustment.requested_by_id != acting_user.pk:
        raise access.AccessDenied("planning.request_adjustment", adjustment)
    if not Adjustment.objects.filter(pk=adjustment.pk, status=AdjustmentStatus.PENDING).update(
        status=AdjustmentStatus.WITHDRAWN
    ):
        raise BusinessRuleViolation(_("This change was decided already."))
    adjustment.refresh_from_db()
    audit.record(acting_user, "adjustment_decided", adjustment, details={"withdrawn": True})
    return adjustment


# --- action plans ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: date
    expected_amount: Decimal = Decimal(0)


@transaction.atomic
def create_action_plan(
    *,
    acting_user: User,
    target: Target,
    summary: str,
    next_follow_up_on: date,
    actions: Sequence[ActionInput],
    gap_amount: Decimal,
) -> ActionPlan:
    """A plan for an employee's gap to their target: what they will do and by when."""
    if target.owner_user_id is None:
        raise BusinessRuleViolation(_("Action plans are for a person's target."))
    plan = ActionPlan(
        target=target,
        owner_id=target.owner_user_id,
        gap_amount=max(Decimal(0), gap_amount),
        summary=summary,
        next_follow_up_on=next_follow_up_on,
        updated_by=acting_user,
    )
    access.require(acting_user, "planning.work_action_plan", plan)
    if not Target.objects.visible_to(acting_user).filter(pk=target.pk).exists():
        raise access.AccessDenied("planning.work_action_plan", target)
    if not actions:
        raise BusinessRuleViolation(
            _("Name at least one action."), details={"fields": {"actions": _("Required.")}}
        )
    plan.save()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, description=a.description, due_on=a.due_on, expected_amount=a.expected_amount)
        for a in actions
    )
    audit.record(acting_user, "action_plan_saved", plan)
    return plan


@transaction.atomic
def submit_action_plan(*, acting_user: User, plan: ActionPlan, expected_version: int) -> ActionPlan:
    access.require(acting_user, "planning.work_action_plan", plan)
    if plan.status not in (ActionPlanStatus.OPEN, ActionPlanStatus.CHECKED):
        raise BusinessRuleViolation(
            _("This action plan is %(status)s.") % {"status": plan.get_status_display()}
        )
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = ActionPlanStatus.SUBMITTED
    plan.save()
    audit.record(acting_user, "action_plan_saved", plan, details={"submitted": True})
    return plan


@transaction.atomic
def check_action_plan(
    *,
    acting_user: User,
    plan: ActionPlan,
    expected_version: int,
    comment: str,
    next_follow_up_on: date,
    close: bool = False,
) -> ActionPlan:
    """The supervisor reads the plan, comments and sets the next follow-up (or closes it)."""
    access.require(acting_user, "planning.check_action_plan", plan)
    if plan.status == ActionPlanStatus.CLOSED:
        raise BusinessRuleViolation(_("This action plan is closed."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = ActionPlanStatus.CLOSED if close else ActionPlanStatus.CHECKED
    plan.supervisor_comment = comment
    plan.next_follow_up_on = next_follow_up_on
    plan.checked_by = acting_user
    plan.checked_at = timezone.now()
    plan.save()
    audit.record(acting_user, "action_plan_checked", plan, details={"closed": close})
    return plan


@transaction.atomic
def mark_action_done(*, acting_user: User, item: ActionItem, done_on: date | None) -> ActionItem:
    access.require(acting_user, "planning.work_action_plan", item.plan)
    if item.plan.status == ActionPlanStatus.CLOSED:
        raise BusinessRuleViolation(_("This action plan is closed."))
    item.done_on = done_on
    item.save(update_fields=["done_on"])
    audit.record(
        acting_user, "action_plan_saved", item.plan, details={"action": item.pk, "done_on": str(done_on)}
    )
    return item
