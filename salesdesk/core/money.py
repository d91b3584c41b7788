"""Money: Decimal amounts with two places, and splits whose parts add up to the whole exactly."""

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up (the rounding Chinese invoices use)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split_by_weights(
    total: Decimal, weights: Sequence[Decimal | int], *, unit: Decimal = CENT
) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` with the largest-remainder method.

    Every part is a multiple of ``unit`` and the parts add up to ``total`` exactly. Each part is
    first rounded down; the units still missing go one each to the parts with the largest
    remainders (ties to the earlier part), so no part is ever negative when total and weights
    are not. ``unit`` is 0.01 for money and 1 for counts such as new customers.
    """
    if not weights:
        raise ValueError("weights must not be empty")
    exact_weights = [Decimal(w) for w in weights]
    if any(w < 0 for w in exact_weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(exact_weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    total = Decimal(total)
    units_total = total / unit
    if units_total != units_total.to_integral_value():
        raise ValueError(f"total {total} is not a multiple of {unit}")

    sign = -1 if total < 0 else 1
    units_total = abs(int(units_total))
    exact = [Decimal(units_total) * w / weight_sum for w in exact_weights]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    missing = units_total - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:missing]:
        floors[index] += 1
    return [sign * part * unit for part in floors]


def split_evenly(total: Decimal, parts: int, *, unit: Decimal = CENT) -> list[Decimal]:
    return split_by_weights(total, [1] * parts, unit=unit)
