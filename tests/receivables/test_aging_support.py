"""Ledger rows for the aging, dunning, bad-debt and metric tests, written with the ORM directly:
what is tested is how they are read, not how the receivables services write them."""

from datetime import date
from decimal import Decimal
from itertools import count

from salesdesk.receivables.models import Allocation, Invoice, Payment
from tests.pipeline import factories as pipeline

_numbers = count(1)


def customer(owner, name: str | None = None):
    return pipeline.customer(owner, name=name)


def invoice(
    owner,
    *,
    customer_for=None,
    amount="1000.00",
    issued_on=date(2026, 1, 1),
    due_on=None,
    allocations=(),
    status=None,
    created_by=None,
) -> Invoice:
    """An invoice of ``owner`` with ``allocations``: (amount, applied_on[, payment kind]) tuples,
    the running sum and status kept as the services keep them."""
    buyer = customer_for or customer(owner)
    n = next(_numbers)
    total = sum((Decimal(a[0]) for a in allocations), Decimal(0))
    amount = Decimal(amount)
    record = Invoice.objects.create(
        company_id=buyer.company_id,
        number=f"FP-T{n:06d}",
        customer=buyer,
        owner=owner,
        basis="contract",
        issued_on=issued_on,
        due_on=due_on or issued_on,
        amount=amount,
        allocated=total,
        status=status or ("paid" if total == amount else "open"),
    )
    for allocation in allocations:
        value, applied_on = Decimal(allocation[0]), allocation[1]
        kind = allocation[2] if len(allocation) > 2 else "receipt"
        payment = Payment.objects.create(
            company_id=buyer.company_id,
            number=f"SK-T{next(_numbers):06d}",
            customer=buyer,
            kind=kind,
            received_on=applied_on,
            amount=abs(value),
            allocated=max(value, Decimal(0)),
            created_by=created_by or owner,
        )
        Allocation.objects.create(
            payment=payment,
            invoice=record,
            amount=value,
            applied_on=applied_on,
            created_by=created_by or owner,
        )
    return record
