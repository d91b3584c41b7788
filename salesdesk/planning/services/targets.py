"""Setting and splitting targets: top-down decomposition with parts that add up exactly."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from salesdesk.core import access, audit, periods
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.periods import Granularity
from salesdesk.core.versioning import claim_version
from salesdesk.metrics import selectors as metrics
from salesdesk.org.models import Employee, EmployeeStatus, OrgUnit, Role, User
from salesdesk.planning import rules
from salesdesk.planning.models import (
    Adjustment,
    AdjustmentStatus,
    Distribution,
    SalesPlan,
    SplitMethod,
    Target,
)
from salesdesk.planning.rules import Levels, SplitError
from salesdesk.planning.services.common import (
    Owner,
    check_levels,
    check_series,
    levels_of,
    period_for,
    require_planning,
    shift_key,
    target_metric,
    violation,
)

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
    product_series: str = "",
) -> Target:
    """Create or change one number of a plan in planning. Changing an existing target names the
    version it was read at (stale → 409). ``product_series`` names the line a per-line metric
    (quantity sold) counts."""
    definition = target_metric(metric)
    series = check_series(definition, product_series, plan)
    period = period_for(period_key, plan)
    require_planning(plan)
    check_levels(levels, definition)
    target = Target.objects.filter(
        plan=plan, metric=metric, product_series=series, period_key=period.key, **owner.lookup()
    ).first()
    if target is None:
        target = Target(
            plan=plan,
            metric=metric,
            product_series=series,
            period_key=period.key,
            period_start=period.start,
            period_end=period.end,
            updated_by=acting_user,
            **owner.lookup(),
        )
        _check_owner_in_company(target)
        access.require(acting_user, "planning.set_target", target)  # judged by its owner
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
    product_series: str = "",
) -> Target:
    """Change only the goal (a grid cell): floor and stretch follow at the ratios the target had,
    or, for a new target, the ratios of ``like`` (the grid's node)."""
    definition = target_metric(metric)
    period = period_for(period_key, plan)
    current = Target.objects.filter(
        plan=plan, metric=metric, product_series=product_series, period_key=period.key, **owner.lookup()
    ).first()
    basis = current or like
    levels = rules.levels_for_goal(goal, levels_of(basis) if basis else None, definition)
    return set_target(
        acting_user=acting_user,
        plan=plan,
        metric=metric,
        owner=owner,
        period_key=period_key,
        levels=levels,
        expected_version=expected_version,
        product_series=product_series,
    )


def _check_owner_in_company(target: Target) -> None:
    """A new target's owner works in the plan's company (the rules then judge the setter's reach)."""
    if (
        target.owner_user_id is not None
        and not Employee.objects.filter(
            user_id=target.owner_user_id, company_id=target.plan.company_id
        ).exists()
    ):
        raise BusinessRuleViolation(_("That employee is not in this plan's company."))
    if target.owner_unit_id is not None and target.owner_unit.company_id != target.plan.company_id:
        raise BusinessRuleViolation(_("That org unit is not in this plan's company."))


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
                raise violation(error) from None
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

    def last_year(by: str, period_key: str) -> dict:
        return metrics.values(
            target.metric,
            by=by,
            period=shift_key(period_key, -1),
            company=target.plan.company_id,
            series=target.product_series,
        )

    if by_time:
        by = "unit" if target.owner_unit_id else "employee"
        key = target.owner_unit_id or target.owner_user_id
        values = [Decimal(last_year(by, part.period.key).get(key) or 0) for part in parts]
    else:
        actual = last_year("unit" if parts[0].owner.unit is not None else "employee", target.period_key)
        values = [Decimal(actual.get((p.owner.unit or p.owner.user).pk) or 0) for p in parts]
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
    require_planning(target.plan)
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
        shares = rules.split_levels(levels_of(target), part_weights, definition)
    except SplitError as error:
        raise violation(error) from None
    existing = {
        (t.owner_unit_id, t.owner_user_id, t.period_key): t
        for t in Target.objects.filter(
            plan=target.plan, metric=target.metric, product_series=target.product_series
        ).filter(_parts_q(parts))
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
                product_series=target.product_series,
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
        rescale_descendants(child, acting_user)
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


def rescale_descendants(target: Target, acting_user: User, adjustment: Adjustment | None = None) -> None:
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
        new_levels = rules.resplit([levels_of(c) for c in group], levels_of(target), definition)
        for child, levels in zip(group, new_levels, strict=True):
            if levels == levels_of(child):
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
            rescale_descendants(child, acting_user, adjustment)
