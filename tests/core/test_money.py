from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesdesk.core.money import split_by_weights, split_evenly, to_money

amounts = st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2)
weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40).filter(any)


@given(total=amounts, weights=weights)
def test_parts_always_add_up_to_the_whole_and_are_never_negative(total, weights):
    parts = split_by_weights(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


@given(total=amounts, weights=weights)
def test_each_part_is_within_one_cent_of_its_exact_share(total, weights):
    parts = split_by_weights(total, weights)
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / weight_sum) < Decimal("0.01")


@given(total=st.integers(min_value=0, max_value=10**6), n=st.integers(min_value=1, max_value=50))
def test_counts_split_into_whole_numbers(total, n):
    parts = split_evenly(Decimal(total), n, unit=Decimal(1))
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),  # the odd cent goes to the first of equals
        ("1000000.00", [3, 3, 2, 2], ["300000.00", "300000.00", "200000.00", "200000.00"]),
        ("0.05", [1, 1, 1, 1, 1, 1], ["0.01", "0.01", "0.01", "0.01", "0.01", "0.00"]),
        ("10.00", [0, 1], ["0.00", "10.00"]),
        ("-100.00", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),  # a reduction splits like an amount
    ],
)
def test_largest_remainder_examples(total, weights, expected):
    assert split_by_weights(Decimal(total), weights) == [Decimal(e) for e in expected]


@pytest.mark.parametrize(
    ("weights", "total"), [([], "1.00"), ([0, 0], "1.00"), ([1, -1], "1.00"), ([1], "1.001")]
)
def test_impossible_splits_are_refused(weights, total):
    with pytest.raises(ValueError):
        split_by_weights(Decimal(total), weights)


def test_money_rounds_half_up_to_the_cent():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money("2.344") == Decimal("2.34")
