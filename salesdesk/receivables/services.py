"""Every change to receivables: one transaction each, permission first, audit last.

Money invariants live in the database as well as here: ``allocated`` running sums move only by
``UPDATE … SET allocated = allocated + x`` inside the transaction, so the row lock and the CHECK
constraints (never above the amount, never below zero) decide when two postings race; the
IntegrityError becomes a BusinessRuleViolation a person can read."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.money import to_money
from salesdesk.core.versioning import claim_version
from salesdesk.customers.models import Customer
from salesdesk.orders import services as order_services
from salesdesk.orders.models import (
    Contract,
    ContractStatus,
    DocumentSequence,
    Order,
    OrderStatus,
    Shipment,
    ShipmentStatus,
)
from salesdesk.org.models import Company, User
from salesdesk.receivables import rules, selectors
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    CreditHold,
    CreditHoldStatus,
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
# What a new invoice or payment has allocated, with the column's two places so the answer of the
# creating request reads like every later one ("0.00", not "0").
NOTHING_ALLOCATED = Decimal("0.00")


def next_number(company: Company, kind: str, year: int) -> str:
    """Claim the next document number of ``company`` for ``kind`` and ``year`` (FP-2026-000001).
    The increment is one UPDATE, which takes the row lock: concurrent issuers queue on it and
    each gets its own number. Call inside the service's transaction."""
    DocumentSequence.objects.get_or_create(company=company, prefix=kind, year=year)
    sequence = DocumentSequence.objects.filter(company=company, prefix=kind, year=year)
    sequence.update(last=F("last") + 1)
    return rules.invoice_number(year, sequence.values_list("last", flat=True).get(), prefix=kind)


def _invoiced(**filters) -> Decimal:
    total = (
        Invoice.objects.filter(**filters)
        .exclude(status=InvoiceStatus.CANCELLED)
        .aggregate(total=Sum("amount"))
    )["total"]
    return total or ZERO


def _positive_money(amount: Decimal, field: str = "amount") -> Decimal:
    if amount is None or amount <= 0:
        raise BusinessRuleViolation(_("The amount must be greater than zero."), details={"field": field})
    if amount != amount.quantize(Decimal("0.01")):
        raise BusinessRuleViolation(_("Amounts have at most two decimal places."), details={"field": field})
    return amount


# Invoices


def _cap_messages() -> dict[str, str]:
    return {
        "shipment": _("Only %(headroom)s of the shipment is left to invoice; %(amount)s is too much."),
        "milestone": _("Only %(headroom)s of the milestone is left to invoice; %(amount)s is too much."),
        "contract": _("Only %(headroom)s of the contract value is left to invoice; %(amount)s is too much."),
        "order": _("Only %(headroom)s of the order value is left to invoice; %(amount)s is too much."),
    }


def _check_cap(value: Decimal, invoiced: Decimal, amount: Decimal, what: str) -> None:
    headroom = rules.invoice_headroom(value, invoiced)
    if amount > headroom:
        raise BusinessRuleViolation(
            _cap_messages()[what] % {"headroom": headroom, "amount": amount},
            details={"field": "amount", "headroom": str(headroom), "limited_by": what},
        )


def _payment_days(contract: Contract | None, customer: Customer) -> int | None:
    if contract is not None:
        return contract.payment_days
    profile = CreditProfile.objects.filter(customer=customer).first()
    return profile.payment_days if profile is not None else None


@transaction.atomic
def issue_invoice(
    *,
    acting_user: User,
    basis: str,
    issued_on: date,
    shipment: Shipment | None = None,
    instalment: CollectionInstalment | None = None,
    contract: Contract | None = None,
    amount: Decimal | None = None,
) -> Invoice:
    """Invoice a shipped shipment, a contract milestone (collection instalment) or a whole signed
    contract. The amount defaults to what is left of it; the invoices of a shipment, an
    instalment, an order and a contract never add up to more than its value. The rows billed
    against are locked first, so two issuers cannot both take the last headroom."""
    order = None
    if basis == InvoiceBasis.SHIPMENT:
        if shipment is None:
            raise BusinessRuleViolation(_("Choose the shipment to invoice."), details={"field": "shipment"})
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status != ShipmentStatus.SHIPPED:
            raise BusinessRuleViolation(_("Only a shipped delivery can be invoiced."))
        contract = order.contract
        customer, owner, value, what = order.customer, order.owner, shipment.amount, "shipment"
        already = _invoiced(shipment=shipment)
    elif basis == InvoiceBasis.MILESTONE:
        if instalment is None:
            raise BusinessRuleViolation(
                _("Choose the milestone to invoice."), details={"field": "instalment"}
            )
        contract = Contract.objects.select_for_update().get(pk=instalment.contract_id)
        instalment = CollectionInstalment.objects.get(pk=instalment.pk)
        customer, owner, value, what = contract.customer, contract.owner, instalment.amount, "milestone"
        already = _invoiced(instalment=instalment)
    elif basis == InvoiceBasis.CONTRACT:
        if contract is None:
            raise BusinessRuleViolation(_("Choose the contract to invoice."), details={"field": "contract"})
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        customer, owner, value, what = contract.customer, contract.owner, contract.amount, "contract"
        already = _invoiced(contract=contract)
    else:
        raise BusinessRuleViolation(_("Unknown invoicing basis."), details={"field": "basis"})

    access.require(acting_user, "receivables.issue_invoice", contract or order)
    if basis != InvoiceBasis.SHIPMENT and contract.status != ContractStatus.SIGNED:
        raise BusinessRuleViolation(_("Only a signed contract can be invoiced."))
    if amount is None:
        amount = rules.invoice_headroom(value, already)
    _positive_money(amount)
    _check_cap(value, already, amount, what)
    if order is not None:
        _check_cap(order.amount, _invoiced(order=order), amount, "order")
    if contract is not None and basis != InvoiceBasis.CONTRACT:
        if basis == InvoiceBasis.SHIPMENT:
            Contract.objects.select_for_update().filter(pk=contract.pk).exists()
        _check_cap(contract.amount, _invoiced(contract=contract), amount, "contract")

    invoice = Invoice.objects.create(
        company_id=customer.company_id,
        number=next_number(customer.company, "FP", issued_on.year),
        customer=customer,
        contract=contract,
        order=order,
        shipment=shipment,
        instalment=instalment,
        owner=owner,
        basis=basis,
        issued_on=issued_on,
        due_on=rules.due_date(issued_on, _payment_days(contract, customer)),
        amount=amount,
        allocated=NOTHING_ALLOCATED,
        updated_by=acting_user,
    )
    audit.record(acting_user, "invoice_issued", invoice, details={"amount": str(amount), "basis": basis})
    return invoice


@transaction.atomic
def cancel_invoice(
    *, acting_user: User, invoice: Invoice, expected_version: int, reason: str = ""
) -> Invoice:
    """Cancel an invoice issued in error: only while nothing is allocated to it."""
    access.require(acting_user, "receivables.issue_invoice", invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    claim_version(invoice, expected_version=expected_version, acting_user=acting_user)
    if invoice.status != InvoiceStatus.OPEN:
        raise BusinessRuleViolation(_("Only an open invoice can be cancelled."))
    if invoice.allocated != 0:
        raise BusinessRuleViolation(
            _("Money is allocated to this invoice; unallocate it before cancelling the invoice.")
        )
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status", "version", "updated_by", "updated_at"])
    audit.record(acting_user, "invoice_cancelled", invoice, details={"reason": reason})
    return invoice


# Collection plans


@dataclass(frozen=True)
class InstalmentInput:
    due_on: date
    amount: Decimal
    remind_days_before: int = 7
    note: str = ""


@transaction.atomic
def set_collection_plan(
    *, acting_user: User, contract: Contract, instalments: Sequence[InstalmentInput]
) -> list[CollectionInstalment]:
    """Replace a contract's collection plan (回款计划). The contract row is locked so two editors
    apply one after the other; the plan never exceeds the contract value, and an instalment
    already invoiced keeps at least its invoiced amount."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    access.require(acting_user, "receivables.plan_collection", contract)
    problems = {}
    for index, line in enumerate(instalments, start=1):
        if line.amount is None or line.amount <= 0:
            problems[f"amount_{index}"] = _("Instalment %(n)s needs an amount above zero.") % {"n": index}
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})
    total = sum((line.amount for line in instalments), ZERO)
    if total > contract.amount:
        raise BusinessRuleViolation(
            _("The plan adds up to %(total)s, more than the contract value %(value)s.")
            % {"total": total, "value": contract.amount},
            details={"field": "instalments", "total": str(total)},
        )
    existing = {
        i.sequence: i
        for i in contract.collection_plan.annotate(
            invoiced=selectors.invoiced_amount(instalment=OuterRef("pk"))
        )
    }
    kept = []
    for sequence, line in enumerate(instalments, start=1):
        instalment = existing.pop(sequence, None)
        if instalment is not None and line.amount < instalment.invoiced:
            raise BusinessRuleViolation(
                _("Instalment %(n)s is already invoiced for %(invoiced)s; it cannot be planned lower.")
                % {"n": sequence, "invoiced": instalment.invoiced}
            )
        if instalment is None:
            instalment = CollectionInstalment(contract=contract, sequence=sequence)
        else:
            instalment.version += 1
        instalment.due_on = line.due_on
        instalment.amount = line.amount
        instalment.remind_days_before = line.remind_days_before
        instalment.note = line.note
        instalment.updated_by = acting_user
        instalment.save()
        kept.append(instalment)
    for removed in existing.values():
        if removed.invoiced:
            raise BusinessRuleViolation(
                _("Instalment %(n)s is already invoiced and cannot be removed.") % {"n": removed.sequence}
            )
        removed.delete()
    audit.record(
        acting_user, "collection_plan_set", contract, details={"instalments": len(kept), "total": str(total)}
    )
    return kept


# Payments and allocations


@transaction.atomic
def post_payment(
    *,
    acting_user: User,
    customer: Customer,
    received_on: date,
    amount: Decimal,
    method: str = PaymentMethod.BANK,
    reference: str = "",
    note: str = "",
    kind: str = PaymentKind.RECEIPT,
) -> Payment:
    """Record money received (a receipt) or a credit note; allocate it with allocate_payment."""
    access.require(acting_user, "receivables.post_payment", customer)
    if kind not in (PaymentKind.RECEIPT, PaymentKind.CREDIT_NOTE):
        raise BusinessRuleViolation(_("Post refunds with a refund."), details={"field": "kind"})
    _positive_money(amount)
    prefix = "SK" if kind == PaymentKind.RECEIPT else "HZ"
    payment = Payment.objects.create(
        company_id=customer.company_id,
        number=next_number(customer.company, prefix, received_on.year),
        customer=customer,
        kind=kind,
        method=method,
        received_on=received_on,
        amount=amount,
        allocated=NOTHING_ALLOCATED,
        reference=reference,
        note=note,
        created_by=acting_user,
        updated_by=acting_user,
    )
    audit.record(acting_user, "payment_posted", payment, details={"amount": str(amount), "kind": kind})
    return payment


@transaction.atomic
def refund_payment(
    *,
    acting_user: User,
    customer: Customer,
    refunded_on: date,
    amount: Decimal,
    method: str = PaymentMethod.BANK,
    reference: str = "",
    note: str = "",
) -> Payment:
    """Pay money back out of the customer's unapplied balance (never more than that balance).
    The customer row is locked so two refunds cannot both spend the same balance."""
    access.require(acting_user, "receivables.post_payment", customer)
    _positive_money(amount)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    balance = selectors.unapplied_cash(customer)
    if amount > balance:
        raise BusinessRuleViolation(
            _("Only %(balance)s of the customer's money is unapplied; a refund of %(amount)s is too much.")
            % {"balance": balance, "amount": amount},
            details={"field": "amount", "unapplied": str(balance)},
        )
    refund = Payment.objects.create(
        company_id=customer.company_id,
        number=next_number(customer.company, "TK", refunded_on.year),
        customer=customer,
        kind=PaymentKind.REFUND,
        method=method,
        received_on=refunded_on,
        amount=-amount,
        allocated=NOTHING_ALLOCATED,
        reference=reference,
        note=note,
        created_by=acting_user,
        updated_by=acting_user,
    )
    audit.record(acting_user, "payment_refunded", refund, details={"amount": str(amount)})
    return refund


def _move_allocated(payment: Payment, invoice: Invoice, amount: Decimal) -> None:
    """Add ``amount`` (negative to reverse) to both running sums. The UPDATEs lock the rows; the
    CHECK constraints refuse a sum above the amount or below zero. A savepoint keeps the caller's
    transaction usable when the database says no."""
    try:
        with transaction.atomic():
            Invoice.objects.filter(pk=invoice.pk).update(
                allocated=F("allocated") + amount, version=F("version") + 1, updated_at=timezone.now()
            )
            Payment.objects.filter(pk=payment.pk).update(allocated=F("allocated") + amount)
    except IntegrityError:
        raise BusinessRuleViolation(
            _(
                "Invoice %(invoice)s or payment %(payment)s would be over-allocated: someone else may "
                "have allocated to it in the meantime. Reload and try again."
            )
            % {"invoice": invoice.number, "payment": payment.number},
            details={"field": "amount"},
        ) from None


def _settle_status(invoice: Invoice, applied_on: date) -> None:
    """Paid in full when allocated reaches the amount (on the date of the allocation that did it),
    open again when a reversal takes it below."""
    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.OPEN, allocated=F("amount")).update(
        status=InvoiceStatus.PAID, paid_on=applied_on
    )
    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.PAID, allocated__lt=F("amount")).update(
        status=InvoiceStatus.OPEN, paid_on=None
    )


@transaction.atomic
def allocate_payment(
    *,
    acting_user: User,
    payment: Payment,
    applied_on: date,
    amounts: Sequence[tuple[Invoice, Decimal]] | None = None,
) -> list[Allocation]:
    """Apply a receipt or credit note to open invoices of the same customer: the given amounts, or
    (``amounts`` None) automatically, oldest due first, until the payment or the invoices run out."""
    access.require(acting_user, "receivables.post_payment", payment)
    if payment.kind == PaymentKind.REFUND:
        raise BusinessRuleViolation(_("A refund cannot be allocated to invoices."))
    if amounts is None:
        payment_left = (
            Payment.objects.filter(pk=payment.pk).values_list(F("amount") - F("allocated"), flat=True).get()
        )
        # Lock the candidate invoices so the outstanding amounts read are the ones updated.
        open_invoices = list(
            Invoice.objects.select_for_update()
            .filter(customer_id=payment.customer_id, status=InvoiceStatus.OPEN)
            .order_by("due_on", "id")
        )
        parts = rules.auto_allocation([i.amount - i.allocated for i in open_invoices], payment_left)
        amounts = [(i, part) for i, part in zip(open_invoices, parts, strict=True) if part > 0]
        if not amounts:
            raise BusinessRuleViolation(_("Nothing to allocate: no open invoices or no money left."))
    rows = []
    for invoice, amount in amounts:
        _positive_money(amount)
        # Read both rows fresh (the invoice locked) so the refusal names the real figures; the
        # CHECK constraints stay the last word should a concurrent posting slip in between.
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.customer_id != payment.customer_id:
            raise BusinessRuleViolation(_("A payment settles only its own customer's invoices."))
        if invoice.status != InvoiceStatus.OPEN:
            raise BusinessRuleViolation(_("Invoice %(invoice)s is not open.") % {"invoice": invoice.number})
        outstanding = invoice.amount - invoice.allocated
        if amount > outstanding:
            raise BusinessRuleViolation(
                _("Only %(outstanding)s of invoice %(invoice)s is outstanding; %(amount)s is too much.")
                % {"outstanding": outstanding, "invoice": invoice.number, "amount": amount},
                details={"field": "amount", "invoice": invoice.pk, "outstanding": str(outstanding)},
            )
        payment_left = to_money(
            Payment.objects.filter(pk=payment.pk).values_list(F("amount") - F("allocated"), flat=True).get()
        )
        if amount > payment_left:
            raise BusinessRuleViolation(
                _("Only %(left)s of payment %(payment)s is left to allocate; %(amount)s is too much.")
                % {"left": payment_left, "payment": payment.number, "amount": amount},
                details={"field": "amount", "unallocated": str(payment_left)},
            )
        _move_allocated(payment, invoice, amount)
        rows.append(
            Allocation.objects.create(
                payment=payment, invoice=invoice, amount=amount, applied_on=applied_on, created_by=acting_user
            )
        )
        _settle_status(invoice, applied_on)
    payment.refresh_from_db(fields=["allocated"])
    audit.record(
        acting_user,
        "payment_allocated",
        payment,
        details={
            "invoices": [row.invoice.number for row in rows],
            "amount": str(sum(r.amount for r in rows)),
        },
    )
    return rows


@transaction.atomic
def unallocate_payment(
    *,
    acting_user: User,
    payment: Payment,
    invoice: Invoice,
    applied_on: date,
    amount: Decimal | None = None,
) -> Allocation:
    """Reverse (part of) what ``payment`` settled on ``invoice``: a negative allocation row; the
    invoice is open again if it was paid."""
    access.require(acting_user, "receivables.post_payment", payment)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PAID):
        raise BusinessRuleViolation(_("Only allocations of open or paid invoices can be reversed."))
    net = to_money(
        Allocation.objects.filter(payment=payment, invoice=invoice).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    amount = net if amount is None else _positive_money(amount)
    if net <= 0 or amount > net:
        raise BusinessRuleViolation(
            _("Only %(net)s of this payment is allocated to the invoice.") % {"net": net},
            details={"field": "amount"},
        )
    _move_allocated(payment, invoice, -amount)
    row = Allocation.objects.create(
        payment=payment, invoice=invoice, amount=-amount, applied_on=applied_on, created_by=acting_user
    )
    _settle_status(invoice, applied_on)
    audit.record(
        acting_user,
        "payment_unallocated",
        payment,
        details={"invoice": invoice.number, "amount": str(amount)},
    )
    return row


# Credit control


@transaction.atomic
def save_credit_profile(
    *,
    acting_user: User,
    customer: Customer,
    credit_limit: Decimal,
    rating: str = CreditRating.B,
    payment_days: int = 30,
    note: str = "",
    expected_version: int | None = None,
) -> CreditProfile:
    """Create the customer's credit profile, or change it (``expected_version`` of the one loaded)."""
    access.require(acting_user, "receivables.manage_credit", customer)
    if credit_limit is None or credit_limit < 0:
        raise BusinessRuleViolation(
            _("The credit limit cannot be negative."), details={"field": "credit_limit"}
        )
    profile = CreditProfile.objects.select_for_update().filter(customer=customer).first()
    if profile is None:
        if expected_version not in (None, 0):
            raise BusinessRuleViolation(_("This customer has no credit profile yet."))
        profile = CreditProfile(company_id=customer.company_id, customer=customer)
        action = "credit_profile_created"
    else:
        if expected_version is None:
            raise BusinessRuleViolation(
                _("This customer already has a credit profile; edit that one."), details={"field": "customer"}
            )
        claim_version(profile, expected_version=expected_version, acting_user=acting_user)
        action = "credit_profile_updated"
    profile.credit_limit = credit_limit
    profile.rating = rating
    profile.payment_days = payment_days
    profile.note = note
    profile.updated_by = acting_user
    profile.save()
    audit.record(acting_user, action, profile, details={"credit_limit": str(credit_limit), "rating": rating})
    return profile


def _mark_confirmed(order: Order, checked_by: User) -> None:
    now = timezone.now()
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at = now
    order.credit_checked_at = now
    order.credit_checked_by = checked_by
    order.save(
        update_fields=[
            "status",
            "confirmed_at",
            "credit_checked_at",
            "credit_checked_by",
            "version",
            "updated_by",
            "updated_at",
        ]
    )


def _check_contract_still_open(order: Order) -> None:
    """A draft (or held) order whose contract was terminated or ran out since it was placed is not
    confirmed: the customer's commitment it rests on is gone."""
    if order.contract_id is not None:
        order_services.check_open_for_orders(order.contract, timezone.localdate(), field="contract")


@dataclass(frozen=True)
class ConfirmResult:
    order: Order
    confirmed: bool
    hold: CreditHold | None = None


@transaction.atomic
def confirm_order(*, acting_user: User, order: Order, expected_version: int) -> ConfirmResult:
    """Confirm a draft order through the credit check: exposure + this order within the customer's
    limit → confirmed; otherwise the order goes on credit hold for a credit controller. The
    customer's credit profile row (or, without one, the customer row) is locked first, so two
    confirmations for one customer are checked one after the other and cannot both take the
    last headroom. No credit profile grants no credit (limit 0): only prepaid orders pass."""
    access.require(acting_user, "orders.confirm_order", order)
    profile = CreditProfile.objects.select_for_update().filter(customer_id=order.customer_id).first()
    if profile is None:
        Customer.objects.select_for_update().filter(pk=order.customer_id).exists()
    order = Order.objects.select_for_update().get(pk=order.pk)
    claim_version(order, expected_version=expected_version, acting_user=acting_user)
    if order.status == OrderStatus.CREDIT_HOLD:
        raise BusinessRuleViolation(_("This order is on credit hold and waits for a credit controller."))
    if order.status != OrderStatus.DRAFT:
        raise BusinessRuleViolation(
            _("Only a draft order can be confirmed; this one is %(status)s.")
            % {"status": order.get_status_display()}
        )
    _check_contract_still_open(order)
    exposure = selectors.exposure_of(order.customer)
    limit = profile.credit_limit if profile is not None else None
    if rules.credit_allows(exposure=exposure, order_amount=order.amount, credit_limit=limit):
        _mark_confirmed(order, acting_user)
        audit.record(
            acting_user,
            "order_credit_confirmed",
            order,
            details={"exposure": str(exposure), "limit": str(limit)},
        )
        return ConfirmResult(order, True)
    order.status = OrderStatus.CREDIT_HOLD
    order.save(update_fields=["status", "version", "updated_by", "updated_at"])
    hold = CreditHold.objects.create(
        company_id=order.company_id,
        order=order,
        customer_id=order.customer_id,
        order_amount=order.amount,
        exposure=exposure,
        credit_limit=limit or ZERO,
        requested_by=acting_user,
        updated_by=acting_user,
    )
    audit.record(
        acting_user, "order_credit_hold", order, details={"exposure": str(exposure), "limit": str(limit)}
    )
    return ConfirmResult(order, False, hold)


@transaction.atomic
def decide_credit_hold(
    *, acting_user: User, hold: CreditHold, approve: bool, note: str = "", expected_version: int
) -> CreditHold:
    """A credit controller clears (the order is confirmed, checked by the controller) or refuses
    (the order goes back to draft) an order on credit hold."""
    access.require(acting_user, "receivables.approve_credit", hold)
    hold = CreditHold.objects.select_for_update().get(pk=hold.pk)
    claim_version(hold, expected_version=expected_version, acting_user=acting_user)
    if hold.status != CreditHoldStatus.PENDING:
        raise BusinessRuleViolation(_("This credit hold has already been decided."))
    order = Order.objects.select_for_update().get(pk=hold.order_id)
    if order.status != OrderStatus.CREDIT_HOLD:
        raise BusinessRuleViolation(_("The order is no longer on credit hold."))
    order.version += 1
    order.updated_by = acting_user
    if approve:
        _check_contract_still_open(order)
        _mark_confirmed(order, acting_user)
    else:
        order.status = OrderStatus.DRAFT
        order.save(update_fields=["status", "version", "updated_by", "updated_at"])
    hold.status = CreditHoldStatus.APPROVED if approve else CreditHoldStatus.REJECTED
    hold.decided_by = acting_user
    hold.decided_at = timezone.now()
    hold.note = note
    hold.save()
    audit.record(
        acting_user,
        "credit_hold_approved" if approve else "credit_hold_rejected",
        hold,
        details={"note": note},
    )
    return hold
