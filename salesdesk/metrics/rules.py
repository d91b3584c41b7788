"""How a metric's summed parts become its value: pure arithmetic on Decimals, no database.

Deal metrics sum *credit-weighted* parts: every deal row carries its credit share in percent
(0–100; 100 when the deal has no credit-split rows or is not grouped by person), so parts come
back multiplied by 100 and are divided here. Units add these parts up the org tree before they
are finished, which is why ratios are never averaged.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from salesdesk.core.money import to_money

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")
DAYS_PLACES = Decimal("0.1")
COUNT_PLACES = Decimal("0.01")


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def money(weighted_amount, *, scale: Decimal = HUNDRED) -> Decimal:
    """An amount summed with credit percents (or percent × probability: scale 10 000)."""
    return to_money(_decimal(weighted_amount) / scale)


def credited_count(weighted_count) -> int | Decimal:
    """Deals counted by credit share: a deal split 60/40 counts 0.6 and 0.4. Whole numbers stay
    ints; shares keep two places."""
    count = _decimal(weighted_count) / HUNDRED
    if count == count.to_integral_value():
        return int(count)
    return count.quantize(COUNT_PLACES, rounding=ROUND_HALF_UP)


def quantity(summed) -> int | Decimal:
    """A sum of line quantities: whole numbers as ints, otherwise two places (as stored)."""
    value = _decimal(summed)
    if value == value.to_integral_value():
        return int(value)
    return value.quantize(COUNT_PLACES, rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    """part / whole in percent, two places; None when there is nothing to divide by."""
    whole = _decimal(whole)
    if not whole:
        return None
    return (_decimal(part) * HUNDRED / whole).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def average_money(weighted_amount, weighted_count) -> Decimal | None:
    count = _decimal(weighted_count)
    return to_money(_decimal(weighted_amount) / count) if count else None


def days_of(duration: timedelta | None) -> Decimal:
    if duration is None:
        return Decimal(0)
    return (
        Decimal(duration.days) + (Decimal(duration.seconds) + Decimal(duration.microseconds) / 10**6) / 86400
    )


def average_days(weighted_days, weighted_count) -> Decimal | None:
    count = _decimal(weighted_count)
    if not count:
        return None
    return (_decimal(weighted_days) / count).quantize(DAYS_PLACES, rounding=ROUND_HALF_UP)
