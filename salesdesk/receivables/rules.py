"""Receivables rules as pure functions of values: due dates, invoice caps, instalment splits,
the credit decision and how collected money spreads over a collection plan."""

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from salesdesk.core.money import split_evenly

DEFAULT_PAYMENT_DAYS = 30


def due_date(issued_on: date, payment_days: int | None) -> date:
    """Net terms: due ``payment_days`` calendar days after the invoice date (30 when unknown)."""
    return issued_on + timedelta(days=DEFAULT_PAYMENT_DAYS if payment_days is None else payment_days)


def invoice_number(year: int, sequence: int, prefix: str = "FP") -> str:
    return f"{prefix}-{year}-{sequence:06d}"


def invoice_headroom(value: Decimal, invoiced: Decimal) -> Decimal:
    """What may still be invoiced against a contract, order, shipment or milestone worth ``value``
    after ``invoiced`` (its non-cancelled invoices)."""
    return max(value - invoiced, Decimal("0"))


def credit_allows(*, exposure: Decimal, order_amount: Decimal, credit_limit: Decimal | None) -> bool:
    """An order clears the credit check when the exposure it adds stays within the limit. No credit
    profile (``credit_limit`` None) grants no credit: the order clears only when prepayments
    already cover it (exposure + order ≤ 0)."""
    limit = Decimal("0") if credit_limit is None else credit_limit
    return exposure + order_amount <= limit


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlannedInstalment:
    sequence: int
    due_on: date
    amount: Decimal
    remind_days_before: int = 7


def equal_instalments(
    total: Decimal, parts: int, *, first_due_on: date, every_months: int = 1, remind_days_before: int = 7
) -> list[PlannedInstalment]:
    """Split ``total`` into ``parts`` instalments a month (or ``every_months``) apart; the cents
    go by largest remainder, so the parts add up to the total exactly."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    amounts = split_evenly(total, parts)
    return [
        PlannedInstalment(i + 1, _add_months(first_due_on, i * every_months), amount, remind_days_before)
        for i, amount in enumerate(amounts)
    ]


def collected_per_instalment(planned: Sequence[Decimal], collected: Decimal) -> list[Decimal]:
    """Money collected on a contract fills its instalments in plan order (the earliest one first),
    the usual reading of 回款 against a plan."""
    result, left = [], max(collected, Decimal("0"))
    for amount in planned:
        part = min(amount, left)
        result.append(part)
        left -= part
    return result


def auto_allocation(outstanding: Sequence[Decimal], available: Decimal) -> list[Decimal]:
    """Spread ``available`` over invoices given oldest due first: each is settled in full before
    the next one gets anything."""
    result, left = [], available
    for amount in outstanding:
        part = min(amount, left) if left > 0 else Decimal("0")
        result.append(part)
        left -= part
    return result
