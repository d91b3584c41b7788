"""Planning rules: splits add up exactly and are never negative; pacing reads like the rulebook."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.planning import rules
from salesdesk.planning.rules import Levels, Pace, SplitError

MONEY = rules.TARGET_METRICS["signed_amount"]
COUNT = rules.TARGET_METRICS["new_customers"]
RATE = rules.TARGET_METRICS["gross_margin"]

cents = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any)


@st.composite
def ordered_levels(draw, unit=Decimal("0.01")):
    a, b, c = sorted(draw(st.lists(cents, min_size=3, max_size=3)))
    if unit == 1:
        a, b, c = (v.to_integral_value(rounding="ROUND_FLOOR") for v in (a, b, c))
    return Levels(a, b, c)


@given(levels=ordered_levels(), parts=weights)
def test_any_money_split_sums_exactly_is_never_negative_and_stays_ordered(levels, parts):
    shares = rules.split_levels(levels, parts, MONEY)
    assert sum(s.floor for s in shares) == levels.floor
    assert sum(s.goal for s in shares) == levels.goal
    assert sum(s.stretch for s in shares) == levels.stretch
    assert all(s.is_ordered() for s in shares)
    assert all(s.goal == s.goal.quantize(Decimal("0.01")) for s in shares)


@given(levels=ordered_levels(unit=1), parts=weights)
def test_count_splits_are_whole_numbers(levels, parts):
    shares = rules.split_levels(levels, parts, COUNT)
    assert sum(s.goal for s in shares) == levels.goal
    assert all(s.goal == s.goal.to_integral_value() and s.is_ordered() for s in shares)


@given(levels=ordered_levels(), first=weights, new_total=ordered_levels())
def test_resplitting_after_an_adjustment_keeps_totals(levels, first, new_total):
    children = rules.split_levels(levels, first, MONEY)
    again = rules.resplit(children, new_total, MONEY)
    assert sum(s.goal for s in again) == new_total.goal
    assert sum(s.floor for s in again) == new_total.floor
    assert sum(s.stretch for s in again) == new_total.stretch
    assert all(s.is_ordered() for s in again)


def test_parts_with_equal_weights_differ_by_at_most_a_cent():
    shares = rules.split_levels(Levels(Decimal("100"), Decimal("100"), Decimal("100")), [1, 1, 1], MONEY)
    assert [s.goal for s in shares] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_a_rate_target_holds_for_every_part():
    levels = Levels(Decimal("25"), Decimal("30"), Decimal("35"))
    assert rules.split_levels(levels, [1, 5, 9], RATE) == [levels] * 3


@pytest.mark.parametrize(
    "parts, message",
    [([], "nothing to split"), ([0, 0], "all zero"), ([1, -1], "negative")],
)
def test_impossible_splits_say_why(parts, message):
    with pytest.raises(SplitError, match=message):
        rules.split_levels(Levels(Decimal(1), Decimal(1), Decimal(1)), parts, MONEY)


def test_manual_parts_must_add_up_to_the_whole():
    assert rules.manual_weights([Decimal(60), Decimal(40)], Decimal(100)) == [Decimal(60), Decimal(40)]
    with pytest.raises(SplitError, match="add up to 90"):
        rules.manual_weights([Decimal(50), Decimal(40)], Decimal(100))


def test_seniority_weights_favour_new_reps_for_new_customers_and_seniors_for_money():
    assert rules.seniority_weights("new_customers", ["new", "senior"]) == [Decimal("1.3"), Decimal("0.7")]
    assert rules.seniority_weights("signed_amount", ["new", "senior"]) == [Decimal("0.6"), Decimal("1.4")]


def test_a_quarter_weighs_its_three_months():
    months = [Decimal(m) for m in range(1, 13)]
    assert rules.distribution_weights(months, [[0, 1, 2], [11]]) == [Decimal(6), Decimal(12)]


@pytest.mark.parametrize(
    "weights, message",
    [([1] * 11, "twelve"), ([0] * 12, "above zero"), ([-1] + [1] * 11, "negative"), (["x"] * 12, "numbers")],
)
def test_a_distribution_has_twelve_usable_weights(weights, message):
    with pytest.raises(SplitError, match=message):
        rules.check_distribution(weights)


@pytest.mark.parametrize(
    "actual, goal, elapsed, ended, expected",
    [
        (0, 100, Decimal("0"), False, Pace.NOT_STARTED),
        (50, 100, Decimal("0.40"), False, Pace.AHEAD),  # 50% done with 40% of the time gone
        (40, 100, Decimal("0.42"), False, Pace.ON_TRACK),  # within ±10% of the time
        (20, 100, Decimal("0.50"), False, Pace.BEHIND),
        (100, 100, Decimal("1"), True, Pace.ACHIEVED),
        (99, 100, Decimal("1"), True, Pace.MISSED),
    ],
)
def test_pace(actual, goal, elapsed, ended, expected):
    assert rules.pace(Decimal(actual), Decimal(goal), elapsed, ended=ended) == expected


def test_projection_runs_the_current_rate_to_the_period_end():
    assert rules.projection(Decimal(30), Decimal("0.25"), MONEY) == Decimal("120.00")
    assert rules.projection(Decimal(30), Decimal("1"), MONEY) == Decimal(30)
    assert rules.projection(Decimal(32), Decimal("0.5"), RATE) == Decimal(32)  # a margin stays a margin
    assert rules.projection(Decimal(30), Decimal(0), MONEY) is None


def test_elapsed_share_counts_working_days():
    assert rules.elapsed_fraction(11, 22) == Decimal("0.5")
    assert rules.elapsed_fraction(30, 22) == Decimal(1)


def test_targets_per_product_series_are_only_on_figures_the_metric_layer_counts_per_series():
    from salesdesk.metrics import selectors as metrics

    per_series = {name for name, m in rules.TARGET_METRICS.items() if m.series != "none"}
    assert per_series == {"gross_margin", "quantity_sold"}
    assert all(metrics.metric_named(name).by_series for name in per_series)


@pytest.mark.parametrize(
    "metric, series, answer",
    [
        ("quantity_sold", " 机床 ", "机床"),
        ("quantity_sold", "", SplitError),  # quantities of different lines do not add up
        ("quantity_sold", "飞机", SplitError),  # not a series of the company
        ("gross_margin", "", ""),
        ("signed_amount", "机床", SplitError),
    ],
)
def test_which_series_a_target_may_name(metric, series, answer):
    check = lambda: rules.check_series(rules.TARGET_METRICS[metric], series, {"机床", "机器人"})  # noqa: E731
    if answer is SplitError:
        with pytest.raises(SplitError):
            check()
    else:
        assert check() == answer
