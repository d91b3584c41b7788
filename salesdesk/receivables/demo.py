"""Demo receivables for a company whose contracts and orders are built (salesdesk.orders.demo):
collection plans, invoices on shipment and on milestone, receipts with their allocations, a few
unallocated receipts and one refund, and credit profiles with some customers near their limit.

Set-based (bulk_create) and consistent with the services' rules: numbers come from the same
DocumentSequence rows ``services.next_number`` claims from; ``Invoice.allocated`` and
``Payment.allocated`` equal their allocation rows; an invoice is paid (with ``paid_on``, the date of
the allocation that settled it) exactly when fully allocated; the invoices of a shipment, an
instalment, an order and a contract never exceed its value; nothing is dated after ``today``.
"""

import math
import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from salesdesk.core.money import to_money
from salesdesk.orders.models import Contract, ContractStatus, DocumentSequence, Shipment, ShipmentStatus
from salesdesk.org.models import Company, Employee, EmployeeStatus
from salesdesk.receivables import rules, selectors
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    CreditProfile,
    CreditRating,
    Invoice,
    InvoiceBasis,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
)

ZERO = Decimal("0")
# Share of customers who pay 30–200 days after the due date (the rest pay by the due date).
LATE_PAYER_SHARE = 0.3
PARTIAL_SHARE = 0.12
NEAR_LIMIT_CUSTOMERS = 3


def _numbers(company: Company, kind: str, days: list[date]) -> list[str]:
    """Numbers for documents dated ``days`` (in that order), reserved from each year's
    DocumentSequence in one UPDATE, so later documents from the services continue after them."""
    first = {}
    for year, count in Counter(day.year for day in days).items():
        DocumentSequence.objects.get_or_create(company=company, prefix=kind, year=year)
        sequence = DocumentSequence.objects.filter(company=company, prefix=kind, year=year)
        sequence.update(last=F("last") + count)
        first[year] = sequence.values_list("last", flat=True).get() - count
    seen: Counter = Counter()
    numbers = []
    for day in days:
        seen[day.year] += 1
        numbers.append(rules.invoice_number(day.year, first[day.year] + seen[day.year], prefix=kind))
    return numbers


def _finance_user_id(company: Company, fallback: int) -> int:
    employee = (
        Employee.objects.filter(company=company, status=EmployeeStatus.ACTIVE, position__role="finance")
        .order_by("pk")
        .first()
    )
    return employee.user_id if employee else fallback


def _plans(contracts: list[Contract], today: date, rng: random.Random) -> list[CollectionInstalment]:
    """2–3 instalments for most signed contracts: a deposit soon after signing, the rest every one
    to three months."""
    rows = []
    for contract in contracts:
        if rng.random() > 0.85 or contract.amount <= 0:
            continue
        parts = rng.choice([2, 2, 3])
        planned = rules.equal_instalments(
            contract.amount,
            parts,
            first_due_on=contract.signed_on + timedelta(days=rng.choice([7, 15, 30])),
            every_months=rng.choice([1, 2, 3]),
        )
        rows += [
            CollectionInstalment(
                contract=contract,
                sequence=p.sequence,
                due_on=p.due_on,
                amount=p.amount,
                remind_days_before=p.remind_days_before,
                note="首付款 Deposit" if p.sequence == 1 else "",
                updated_by_id=contract.owner_id,
            )
            for p in planned
        ]
    return CollectionInstalment.objects.bulk_create(rows)


def _draft_invoices(
    contracts: list[Contract], instalments: list[CollectionInstalment], today: date, rng: random.Random
) -> list[Invoice]:
    """Unsaved invoices. A contract is billed one way only, so its invoices stay within its value:
    on milestone (one invoice per instalment whose date has come, most of them) when it has a plan
    and nothing shipped yet, or for about a quarter of the planned ones (project business); on
    shipment (one invoice per shipped shipment) otherwise."""
    by_id = {c.pk: c for c in contracts}
    shipped = list(
        Shipment.objects.filter(
            order__contract__in=contracts, status=ShipmentStatus.SHIPPED, shipped_on__lte=today
        )
        .select_related("order")
        .order_by("shipped_on", "pk")
    )
    has_shipped = {s.order.contract_id for s in shipped}
    planned = {i.contract_id for i in instalments}
    by_milestone = {pk for pk in sorted(planned) if pk not in has_shipped or rng.random() < 0.25}
    invoices = []
    for shipment in shipped:
        contract = by_id[shipment.order.contract_id]
        if contract.pk in by_milestone or shipment.amount <= 0:
            continue
        invoices.append(
            Invoice(
                customer_id=contract.customer_id,
                contract=contract,
                order=shipment.order,
                shipment=shipment,
                owner_id=shipment.order.owner_id,
                basis=InvoiceBasis.SHIPMENT,
                issued_on=shipment.shipped_on,
                due_on=rules.due_date(shipment.shipped_on, contract.payment_days),
                amount=shipment.amount,
            )
        )
    for instalment in instalments:
        contract = by_id[instalment.contract_id]
        issued_on = max(instalment.due_on - timedelta(days=instalment.remind_days_before), contract.signed_on)
        if contract.pk not in by_milestone or issued_on > today or rng.random() > 0.85:
            continue
        invoices.append(
            Invoice(
                customer_id=contract.customer_id,
                contract=contract,
                instalment=instalment,
                owner_id=contract.owner_id,
                basis=InvoiceBasis.MILESTONE,
                issued_on=issued_on,
                due_on=rules.due_date(issued_on, contract.payment_days),
                amount=instalment.amount,
            )
        )
    return sorted(invoices, key=lambda i: (i.issued_on, i.basis, i.amount))


@transaction.atomic
def build(company: Company, today: date, rng: random.Random) -> None:
    contracts = list(
        Contract.objects.filter(
            company=company, status=ContractStatus.SIGNED, signed_on__isnull=False, signed_on__lte=today
        ).order_by("signed_on", "pk")
    )
    if not contracts:
        return
    finance_id = _finance_user_id(company, fallback=contracts[0].owner_id)

    instalments = _plans(contracts, today, rng)
    invoices = _draft_invoices(contracts, instalments, today, rng)
    for invoice, number in zip(
        invoices, _numbers(company, "FP", [i.issued_on for i in invoices]), strict=True
    ):
        invoice.company = company
        invoice.number = number
        invoice.updated_by_id = finance_id

    # Who pays late: a set of customers (30–200 days after the due date); the rest on time.
    customers = sorted({c.customer_id for c in contracts})
    late_payers = {pk for pk in customers if rng.random() < LATE_PAYER_SHARE}

    # Receipts: one per invoice paid (in full or, sometimes, in part) by today.
    receipts: list[tuple[Payment, Invoice]] = []
    for invoice in invoices:
        if invoice.customer_id in late_payers:
            pay_on = invoice.due_on + timedelta(days=rng.randint(30, 200))
        else:
            pay_on = invoice.due_on - timedelta(days=rng.randint(0, 15))
        pay_on = max(pay_on, invoice.issued_on)
        if pay_on > today:
            continue
        amount = invoice.amount
        if rng.random() < PARTIAL_SHARE:
            amount = to_money(invoice.amount * Decimal(rng.randint(30, 70)) / 100)
        invoice.allocated = amount
        if amount == invoice.amount:
            invoice.status, invoice.paid_on = InvoiceStatus.PAID, pay_on
        receipts.append(
            (
                Payment(
                    company=company,
                    customer_id=invoice.customer_id,
                    kind=PaymentKind.RECEIPT,
                    method=PaymentMethod.ACCEPTANCE if rng.random() < 0.2 else PaymentMethod.BANK,
                    received_on=pay_on,
                    amount=amount,
                    allocated=amount,
                    created_by_id=finance_id,
                    updated_by_id=finance_id,
                ),
                invoice,
            )
        )
    invoices = Invoice.objects.bulk_create(invoices)

    # A few customers paid in advance (unallocated receipts); one of them got part of it back.
    punctual = [pk for pk in customers if pk not in late_payers] or customers
    prepayers = rng.sample(punctual, k=min(3, len(punctual)))
    unallocated = [
        Payment(
            company=company,
            customer_id=pk,
            kind=PaymentKind.RECEIPT,
            method=PaymentMethod.BANK,
            received_on=today - timedelta(days=rng.randint(10, 60)),
            amount=to_money(rng.randint(5, 50) * 1000),
            allocated=ZERO,
            note="预付款 Prepayment",
            created_by_id=finance_id,
            updated_by_id=finance_id,
        )
        for pk in prepayers
    ]
    payments = [p for p, _invoice in receipts] + unallocated
    payments.sort(key=lambda p: p.received_on)
    numbers = _numbers(company, "SK", [p.received_on for p in payments])
    for payment, number in zip(payments, numbers, strict=True):
        payment.number = number
    payments = Payment.objects.bulk_create(payments)
    Allocation.objects.bulk_create(
        [
            Allocation(
                payment=payment,
                invoice=invoice,
                amount=payment.amount,
                applied_on=payment.received_on,
                created_by_id=finance_id,
            )
            for payment, invoice in receipts
        ]
    )
    if unallocated:
        source = unallocated[0]
        refunded_on = min(source.received_on + timedelta(days=5), today)
        [number] = _numbers(company, "TK", [refunded_on])
        Payment.objects.create(
            company=company,
            number=number,
            customer_id=source.customer_id,
            kind=PaymentKind.REFUND,
            method=PaymentMethod.BANK,
            received_on=refunded_on,
            amount=-to_money(source.amount * Decimal("0.3")),
            note="退还部分预付款 Part of the prepayment returned",
            created_by_id=finance_id,
            updated_by_id=finance_id,
        )

    _credit_profiles(company, customers, late_payers, finance_id, rng)


def _round_up(amount: Decimal, step: int) -> Decimal:
    return Decimal(math.ceil(amount / step) * step)


def _credit_profiles(
    company: Company, customers: list[int], late_payers: set[int], finance_id: int, rng: random.Random
) -> None:
    """Profiles for most customers with contracts, sized on today's exposure: most with room to
    spare, a few near their limit (exposure 85–100 % of it), late payers rated lower."""
    exposure = selectors.exposure_by_customer(customers)
    with_profile = [pk for pk in customers if rng.random() < 0.85] or customers[:1]
    exposed = [pk for pk in with_profile if exposure.get(pk, ZERO) > 10_000]
    near = set(rng.sample(exposed, k=min(NEAR_LIMIT_CUSTOMERS, len(exposed))))
    rows = []
    for pk in with_profile:
        current = max(exposure.get(pk, ZERO), ZERO)
        if pk in near:
            # Rounded up to ¥100, which for exposures above ¥10,000 keeps exposure / limit within
            # [87 %, 98 %]: inside the 85–100 % band the credit list flags.
            limit = _round_up(current / Decimal(str(rng.uniform(0.88, 0.98))), 100)
        else:
            limit = max(_round_up(current * Decimal(str(rng.uniform(1.5, 3))), 10_000), Decimal(50_000))
        if pk in late_payers:
            rating = rng.choice([CreditRating.C, CreditRating.C, CreditRating.D])
        else:
            rating = rng.choice([CreditRating.A, CreditRating.B, CreditRating.B])
        rows.append(
            CreditProfile(
                company=company,
                customer_id=pk,
                rating=rating,
                credit_limit=limit,
                payment_days=rng.choice([30, 30, 45, 60]),
                note="临近额度 Near the limit" if pk in near else "",
                updated_by_id=finance_id,
            )
        )
    CreditProfile.objects.bulk_create(rows, ignore_conflicts=True)
