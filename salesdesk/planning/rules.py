"""Planning rules as pure functions: which metrics take targets, how a target splits into parts
that add up exactly, how far along a period is and whether an owner keeps pace.

Sources: the sales manager's job description ("decompose the total target to regions and
salespeople"), DESIGN.md (largest-remainder splits, Chinese working days).
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.translation import gettext_lazy as _

from salesdesk.core.money import CENT, split_by_weights

ONE = Decimal(1)


@dataclass(frozen=True)
class TargetMetric:
    name: str
    unit: Decimal  # the smallest part a split may produce: a cent, or one (customers, deals)
    additive: bool  # amounts and counts split; a rate (gross margin %) applies to every part as is
    # Per product series (line): "required" for quantities — units of different products (台, 套,
    # 吨) do not add up; "optional" for figures over order lines; "none" for the rest.
    series: str = "none"


TARGET_METRICS: dict[str, TargetMetric] = {
    m.name: m
    for m in (
        TargetMetric("signed_amount", CENT, True),
        TargetMetric("collected_amount", CENT, True),
        TargetMetric("invoiced_amount", CENT, True),
        TargetMetric("won_amount", CENT, True),
        TargetMetric("new_customers", ONE, True),
        TargetMetric("won_count", ONE, True),
        TargetMetric("visits_done", ONE, True),
        TargetMetric("gross_margin", CENT, False, series="optional"),
        TargetMetric("quantity_sold", ONE, True, series="required"),
    )
}


@dataclass(frozen=True)
class Levels:
    """保底 / 目标 / 冲刺."""

    floor: Decimal
    goal: Decimal
    stretch: Decimal

    def is_ordered(self) -> bool:
        return Decimal(0) <= self.floor <= self.goal <= self.stretch


class SplitError(ValueError):
    """A split that cannot be made; the message is shown to the planner."""


def check_levels(levels: Levels, metric: TargetMetric) -> None:
    if not levels.is_ordered():
        raise SplitError(_("Levels must satisfy 0 ≤ floor ≤ goal ≤ stretch."))
    for value in (levels.floor, levels.goal, levels.stretch):
        if value % metric.unit:
            raise SplitError(_("This metric counts whole numbers; levels cannot have decimals."))


def check_series(metric: TargetMetric, series: str, known: Collection[str]) -> str:
    """The product series a target of ``metric`` counts ("" = all products), checked against the
    company's series ``known``."""
    series = (series or "").strip()
    if not series:
        if metric.series == "required":
            raise SplitError(_("This metric counts one product series; choose the series."))
        return ""
    if metric.series == "none":
        raise SplitError(_("This metric is not set per product series; leave the series empty."))
    if series not in known:
        raise SplitError(_("No product of this company is in the series %(series)s.") % {"series": series})
    return series


def split_levels(levels: Levels, weights: Sequence[Decimal | int], metric: TargetMetric) -> list[Levels]:
    """Split all three levels by ``weights``; every level's parts add up to the whole exactly, no
    part is negative and every part keeps floor ≤ goal ≤ stretch.

    The floor, the goal's excess over it and the stretch's excess over the goal are split
    separately and stacked: splitting floor and goal independently could round a part's floor a
    cent above its goal."""
    if not weights:
        raise SplitError(_("There is nothing to split into."))
    if not metric.additive:  # a margin rate holds for every part
        return [levels] * len(weights)
    if any(Decimal(w) < 0 for w in weights):
        raise SplitError(_("Weights cannot be negative."))
    if sum(Decimal(w) for w in weights) == 0:
        raise SplitError(_("The weights are all zero: nothing tells how to split."))
    floors = split_by_weights(levels.floor, weights, unit=metric.unit)
    goal_excess = split_by_weights(levels.goal - levels.floor, weights, unit=metric.unit)
    stretch_excess = split_by_weights(levels.stretch - levels.goal, weights, unit=metric.unit)
    return [
        Levels(floor=f, goal=f + g, stretch=f + g + s)
        for f, g, s in zip(floors, goal_excess, stretch_excess, strict=True)
    ]


def resplit(children: Sequence[Levels], new_total: Levels, metric: TargetMetric) -> list[Levels]:
    """After the parent changes, the children keep their shares of the goal (the goal is what the
    split was made on); equal shares when they were all zero."""
    weights = [child.goal for child in children]
    if not any(weights):
        weights = [ONE] * len(children)
    return split_levels(new_total, weights, metric)


def levels_for_goal(goal: Decimal, like: Levels | None, metric: TargetMetric) -> Levels:
    """A new goal typed on its own (the grid): floor and stretch keep their ratio to the goal of
    ``like`` (the target's current levels, else its parent's), rounded to the metric's unit and
    kept ordered; with nothing to go by, floor = stretch = goal."""
    if like is None or like.goal <= 0:
        return Levels(goal, goal, goal)
    floor = min(goal, (goal * like.floor / like.goal).quantize(metric.unit, rounding=ROUND_FLOOR))
    stretch = max(goal, (goal * like.stretch / like.goal).quantize(metric.unit, rounding=ROUND_CEILING))
    return Levels(max(Decimal(0), floor), goal, stretch)


# Seniority (新人 / 成长 / 资深): new reps get more of the new-customer targets and less of the
# money, senior reps carry the large accounts. Weights per level; a planner may pass their own.
SENIORITY_WEIGHTS: dict[str, Mapping[str, Decimal]] = {
    "new_customers": {"new": Decimal("1.3"), "growing": Decimal("1.0"), "senior": Decimal("0.7")},
    "visits_done": {"new": Decimal("1.2"), "growing": Decimal("1.0"), "senior": Decimal("0.8")},
    "default": {"new": Decimal("0.6"), "growing": Decimal("1.0"), "senior": Decimal("1.4")},
}


def seniority_weights(
    metric: str, levels: Sequence[str], table: Mapping[str, Decimal] | None = None
) -> list[Decimal]:
    table = table or SENIORITY_WEIGHTS.get(metric, SENIORITY_WEIGHTS["default"])
    return [Decimal(table.get(level, ONE)) for level in levels]


def manual_weights(amounts: Sequence[Decimal], whole: Decimal) -> list[Decimal]:
    """Manual parts must add up to the whole: a split never leaves money unassigned."""
    if any(amount < 0 for amount in amounts):
        raise SplitError(_("Parts cannot be negative."))
    if sum(amounts) != whole:
        raise SplitError(
            _("The parts add up to %(sum)s, not %(whole)s.") % {"sum": sum(amounts), "whole": whole}
        )
    return list(amounts)


def distribution_weights(
    month_weights: Sequence[Decimal], month_indexes: Sequence[Sequence[int]]
) -> list[Decimal]:
    """Weights of periods made of fiscal months (0 = the fiscal year's first month): a month's own
    weight, a quarter's three months summed."""
    return [sum((Decimal(month_weights[i]) for i in months), Decimal(0)) for months in month_indexes]


def check_distribution(weights: Sequence) -> list[Decimal]:
    try:
        values = [Decimal(str(w)) for w in weights]
    except (ArithmeticError, ValueError, TypeError):
        raise SplitError(_("Weights must be numbers.")) from None
    if len(values) != 12:
        raise SplitError(_("A distribution has twelve monthly weights."))
    if any(v < 0 for v in values) or not any(values):
        raise SplitError(_("Weights cannot be negative, and at least one must be above zero."))
    return values


# --- pacing ------------------------------------------------------------------------------------


class Pace:
    NOT_STARTED = "not_started"
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"


PACE_LABELS = {
    Pace.NOT_STARTED: _("Not started"),
    Pace.AHEAD: _("Ahead"),
    Pace.ON_TRACK: _("On track"),
    Pace.BEHIND: _("Behind"),
    Pace.ACHIEVED: _("Achieved"),
    Pace.MISSED: _("Missed"),
}

# Within ±10% of the time elapsed counts as on track.
PACE_TOLERANCE = Decimal("0.10")


def elapsed_fraction(working_days_elapsed: int, working_days_total: int) -> Decimal:
    if working_days_total <= 0:
        return ONE
    return min(ONE, Decimal(working_days_elapsed) / Decimal(working_days_total))


def done_fraction(actual: Decimal | None, goal: Decimal) -> Decimal | None:
    if goal <= 0:
        return None
    return Decimal(actual or 0) / goal


def pace(actual: Decimal | None, goal: Decimal, elapsed: Decimal, *, ended: bool) -> str:
    actual = Decimal(actual or 0)
    if ended:
        return Pace.ACHIEVED if actual >= goal else Pace.MISSED
    if elapsed <= 0:
        return Pace.NOT_STARTED
    if goal <= 0:
        return Pace.AHEAD
    done = actual / goal
    if done >= elapsed * (ONE + PACE_TOLERANCE):
        return Pace.AHEAD
    if done >= elapsed * (ONE - PACE_TOLERANCE):
        return Pace.ON_TRACK
    return Pace.BEHIND


def projection(actual: Decimal | None, elapsed: Decimal, metric: TargetMetric) -> Decimal | None:
    """Period-end projection at the current run rate (actual ÷ share of working time elapsed);
    a rate (margin %) projects as itself."""
    if actual is None:
        return None
    if not metric.additive or elapsed >= ONE:
        return Decimal(actual)
    if elapsed <= 0:
        return None
    return (Decimal(actual) / elapsed).quantize(metric.unit)


def gap(actual: Decimal | None, goal: Decimal) -> Decimal:
    """How much is still missing to the goal (never negative)."""
    return max(Decimal(0), goal - Decimal(actual or 0))
