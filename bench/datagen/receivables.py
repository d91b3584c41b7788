"""Invoices, receipts and their allocations for the bench company (``--invoices N``).

Invoices: issued over the two years before ANCHOR (recent ones more often), due 30 / 60 / 90 days
later, ¥10,000–¥500,000, one per random customer, collected by the customer's owner (a pooled
customer's previous owner). Allocations: exactly 3 per invoice on average (paired counts 3 ± d,
so N invoices give 3·N rows), applied between issue and ANCHOR; old invoices are mostly settled
in full (status ``paid``), recent ones partly or not at all. Each invoice with allocations has
one payment of their sum (5 % credit notes, the rest receipts). That mix leaves a realistic
ledger for aging "as of" any date: the open amount of an invoice depends on which allocations
were applied by then.

Rows go in through salesdesk.core.bulk (COPY / executemany) in chunks of 50,000 invoices, so
memory stays flat whatever N; deterministic for the seed. No history rows (no scenario reads them).
"""

import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from bench.datagen import org as org_data
from bench.datagen.sales import _constants
from bench.env import BenchSetupError
from bench.scale import Scale
from salesdesk.core import bulk
from salesdesk.customers.models import Customer
from salesdesk.org.models import Company
from salesdesk.receivables.models import Allocation, Invoice, Payment

ANCHOR = org_data.ANCHOR
SEED = org_data.SEED + 7
HISTORY_DAYS = 2 * 365
CHUNK = 50_000
TERMS = (30, 60, 90)
CREDIT_NOTE_SHARE = 0.05


def existing_invoices(scale: Scale) -> int:
    return Invoice.objects.filter(company__name=org_data.COMPANY_NAME).count()


def _split_cents(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` cents in ``parts`` positive pieces that add up exactly."""
    parts = min(parts, total)
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges)]


@transaction.atomic
def build_invoices(scale: Scale) -> None:
    try:
        company = Company.objects.get(name=org_data.COMPANY_NAME)
    except Company.DoesNotExist:
        raise BenchSetupError("generate the bench company (--employees) before invoices") from None
    customers = list(
        Customer.objects.filter(company=company)
        .order_by("pk")
        .values_list("pk", "owner_id", "previous_owner_id")
    )
    if not customers:
        raise BenchSetupError("generate customers (--customers) before invoices")
    fallback = customers[0][1] or customers[0][2]
    rng = random.Random(SEED)
    now = bulk.timestamp(datetime.combine(ANCHOR, datetime.min.time(), tzinfo=UTC))
    invoice_varying = [
        "id", "company_id", "number", "customer_id", "owner_id", "basis", "issued_on", "due_on",
        "amount", "allocated", "status", "paid_on",
    ]  # fmt: skip
    invoice_const = _constants(Invoice, invoice_varying, now)
    payment_varying = [
        "id", "company_id", "number", "customer_id", "kind", "received_on", "amount", "allocated",
        "created_by_id",
    ]  # fmt: skip
    payment_const = _constants(Payment, payment_varying, now)
    allocation_columns = [
        "id",
        "payment_id",
        "invoice_id",
        "amount",
        "applied_on",
        "created_at",
        "created_by_id",
    ]
    first_invoice, first_payment, first_allocation = (
        bulk.next_id(Invoice),
        bulk.next_id(Payment),
        bulk.next_id(Allocation),
    )
    payment_id, allocation_id = first_payment, first_allocation
    last_day = ANCHOR - timedelta(days=1)
    delta = 0
    for start in range(0, scale.invoices, CHUNK):
        invoices, payments, allocations = [], [], []
        for i in range(start, min(start + CHUNK, scale.invoices)):
            customer_id, owner, previous = customers[rng.randrange(len(customers))]
            owner = owner or previous or fallback
            issued = ANCHOR - timedelta(days=int(rng.triangular(0, HISTORY_DAYS, 0)))
            due = issued + timedelta(days=TERMS[i % len(TERMS)])
            amount_cents = int(rng.triangular(10_000, 500_000, 10_000)) * 100
            # Paired counts 3 + d, 3 − d: exactly three allocations per invoice on average.
            if i % 2 == 0:
                delta = rng.randrange(4)
                count = 3 + delta
            else:
                count = 3 - delta
            overdue_days = (ANCHOR - due).days
            if count == 0 or issued >= last_day:
                settled = 0
            elif (overdue_days > 60 and rng.random() < 0.9) or rng.random() < 0.4:
                settled = amount_cents
            else:
                settled = int(amount_cents * rng.uniform(0.1, 0.9))
            invoice_id = first_invoice + i
            paid_on = None
            if settled:
                pieces = _split_cents(rng, settled, count)
                span = max(0, (min(last_day, due + timedelta(days=120)) - issued).days)
                days = sorted(rng.randrange(span + 1) for _ in pieces)
                dates = [issued + timedelta(days=d) for d in days]
                kind = "credit_note" if rng.random() < CREDIT_NOTE_SHARE else "receipt"
                payments.append(
                    (
                        payment_id, company.pk, f"P{i + 1:08d}", customer_id, kind, dates[0],
                        Decimal(settled) / 100, Decimal(settled) / 100, owner, *payment_const[1],
                    )
                )  # fmt: skip
                for piece, applied in zip(pieces, dates, strict=True):
                    allocations.append(
                        (allocation_id, payment_id, invoice_id, Decimal(piece) / 100, applied, now, owner)
                    )
                    allocation_id += 1
                payment_id += 1
                if settled == amount_cents:
                    paid_on = dates[-1]
            invoices.append(
                (
                    invoice_id, company.pk, f"INV{i + 1:08d}", customer_id, owner, "contract", issued, due,
                    Decimal(amount_cents) / 100, Decimal(settled) / 100,
                    "paid" if paid_on else "open", paid_on, *invoice_const[1],
                )
            )  # fmt: skip
        bulk.insert(Invoice, invoice_varying + invoice_const[0], invoices)
        bulk.insert(Payment, payment_varying + payment_const[0], payments)
        bulk.insert(Allocation, allocation_columns, allocations)
