"""Every read of receivables, scoped and set-based: lists, credit exposure for one or many
customers in one statement, planned vs collected per instalment, reminders and the customer's
lead-to-cash timeline."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.http import urlencode

from salesdesk.core import access
from salesdesk.core.money import to_money
from salesdesk.customers.models import Customer
from salesdesk.orders.models import COMMITTED_STATUSES, Contract, Order, Shipment, ShipmentStatus
from salesdesk.org.models import User
from salesdesk.pipeline.models import Opportunity
from salesdesk.receivables import rules
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    CreditHold,
    CreditHoldStatus,
    CreditProfile,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentKind,
)
from salesdesk.receivables.querysets import sees_all_receivables

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY_FIELD)


def _sum(queryset: QuerySet, expression, group_by: str) -> Subquery:
    """SUM(expression) of ``queryset`` grouped by ``group_by`` (one row per outer row), 0 when none."""
    total = (
        queryset.values(group_by).annotate(total=Sum(expression, output_field=MONEY_FIELD)).values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def invoiced_amount(**filters) -> Subquery:
    """Non-cancelled invoices of the outer row (``order=OuterRef("pk")`` …): what was billed."""
    key = next(iter(filters))
    return _sum(Invoice.objects.filter(**filters).exclude(status=InvoiceStatus.CANCELLED), F("amount"), key)


# Credit exposure


def with_exposure(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate ``exposure``: open invoices' unsettled amounts + committed orders not yet invoiced
    − unapplied cash (receipts and refunds: amount − allocated). One statement for any number of
    customers; write-offs and cancelled invoices no longer count."""
    open_invoices = _sum(
        Invoice.objects.filter(customer=OuterRef("pk"), status=InvoiceStatus.OPEN),
        F("amount") - F("allocated"),
        "customer",
    )
    uninvoiced_orders = _sum(
        Order.objects.filter(customer=OuterRef("pk"), status__in=COMMITTED_STATUSES).annotate(
            uninvoiced=Greatest(
                ExpressionWrapper(
                    F("amount") - invoiced_amount(order=OuterRef("pk")), output_field=MONEY_FIELD
                ),
                ZERO,
                output_field=MONEY_FIELD,
            )
        ),
        F("uninvoiced"),
        "customer",
    )
    unapplied = _sum(
        Payment.objects.filter(customer=OuterRef("pk"), kind__in=[PaymentKind.RECEIPT, PaymentKind.REFUND]),
        F("amount") - F("allocated"),
        "customer",
    )
    return customers.annotate(
        open_invoices=open_invoices, uninvoiced_orders=uninvoiced_orders, unapplied_cash=unapplied
    ).annotate(
        exposure=ExpressionWrapper(
            F("open_invoices") + F("uninvoiced_orders") - F("unapplied_cash"), output_field=MONEY_FIELD
        )
    )


def exposure_by_customer(customer_ids) -> dict[int, Decimal]:
    rows = with_exposure(Customer.objects.filter(pk__in=list(customer_ids))).values_list("pk", "exposure")
    # to_money: SQLite returns computed sums without their scale ("5000", not "5000.00").
    return {pk: to_money(exposure) for pk, exposure in rows}


def exposure_of(customer: Customer) -> Decimal:
    return exposure_by_customer([customer.pk]).get(customer.pk, Decimal("0"))


def unapplied_cash(customer: Customer) -> Decimal:
    """Money received from the customer and not yet applied or refunded."""
    total = Payment.objects.filter(
        customer=customer, kind__in=[PaymentKind.RECEIPT, PaymentKind.REFUND]
    ).aggregate(total=Sum(F("amount") - F("allocated"), output_field=MONEY_FIELD))["total"]
    return to_money(total or 0)


# Customers seen through receivables


def receivable_customers(user: User) -> QuerySet[Customer]:
    """Customers whose money the user may see: finance all of the company's, others their scope."""
    if sees_all_receivables(user):
        return Customer.objects.filter(access.company_q(user))
    return Customer.objects.visible_to(user).filter(owner__isnull=False)


@dataclass(frozen=True)
class CreditFilters:
    q: str = ""
    over_limit: bool = False


def credit_profile_list(user: User, filters: CreditFilters = CreditFilters()) -> QuerySet[CreditProfile]:
    """Credit profiles with the customer's exposure and headroom (limit − exposure)."""
    exposure = with_exposure(Customer.objects.filter(pk=OuterRef("customer_id"))).values("exposure")[:1]
    profiles = (
        CreditProfile.objects.visible_to(user)
        .select_related("customer", "customer__owner")
        .annotate(exposure=Coalesce(Subquery(exposure, output_field=MONEY_FIELD), ZERO))
        .annotate(headroom=ExpressionWrapper(F("credit_limit") - F("exposure"), output_field=MONEY_FIELD))
        .order_by("headroom", "pk")
    )
    if filters.q:
        profiles = profiles.filter(customer__name__icontains=filters.q)
    if filters.over_limit:
        profiles = profiles.filter(headroom__lt=0)
    return profiles


def credit_profile_detail_queryset(user: User) -> QuerySet[CreditProfile]:
    return credit_profile_list(user)


def credit_hold_list(user: User, status: str = CreditHoldStatus.PENDING) -> QuerySet[CreditHold]:
    """Holds of orders the user may see (finance and credit controllers see all of the company's)."""
    holds = CreditHold.objects.filter(access.company_q(user)).select_related(
        "order", "customer", "requested_by", "decided_by"
    )
    if not (sees_all_receivables(user) or access.can(user, "receivables.approve_credit")):
        holds = holds.filter(order__in=Order.objects.visible_to(user))
    if status:
        holds = holds.filter(status=status)
    return holds


# Invoices


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    customer: int | None = None
    collector: int | None = None
    overdue: bool = False
    q: str = ""


def invoice_list(user: User, filters: InvoiceFilters = InvoiceFilters(), *, today: date | None = None):
    invoices = Invoice.objects.visible_to(user).select_related("customer", "owner", "contract", "order")
    if filters.status:
        invoices = invoices.filter(status=filters.status)
    if filters.customer:
        invoices = invoices.filter(customer_id=filters.customer)
    if filters.collector:
        invoices = invoices.filter(owner_id=filters.collector)
    if filters.overdue:
        invoices = invoices.filter(status=InvoiceStatus.OPEN, due_on__lt=today or date.today())
    if filters.q:
        invoices = invoices.filter(Q(number__icontains=filters.q) | Q(customer__name__icontains=filters.q))
    return invoices.annotate(
        outstanding=ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD)
    )


def invoice_detail_queryset(user: User) -> QuerySet[Invoice]:
    return Invoice.objects.visible_to(user).select_related(
        "customer", "owner", "contract", "order", "shipment", "instalment"
    )


def allocations_of_invoice(invoice: Invoice) -> QuerySet[Allocation]:
    return invoice.allocations.select_related("payment", "created_by").order_by("applied_on", "id")


def open_invoices_of(user: User, customer_id: int) -> QuerySet[Invoice]:
    """Open invoices of one customer, oldest due first: what a payment may settle."""
    return (
        Invoice.objects.visible_to(user)
        .filter(customer_id=customer_id, status=InvoiceStatus.OPEN)
        .annotate(outstanding=ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD))
        .order_by("due_on", "id")
    )


def collectors(user: User) -> QuerySet[User]:
    return User.objects.filter(pk__in=Invoice.objects.visible_to(user).values("owner_id")).order_by(
        "full_name", "username"
    )


# Payments


@dataclass(frozen=True)
class PaymentFilters:
    kind: str = ""
    customer: int | None = None
    unallocated: bool = False


def payment_list(user: User, filters: PaymentFilters = PaymentFilters()) -> QuerySet[Payment]:
    payments = Payment.objects.visible_to(user).select_related("customer", "created_by")
    if filters.kind:
        payments = payments.filter(kind=filters.kind)
    if filters.customer:
        payments = payments.filter(customer_id=filters.customer)
    if filters.unallocated:
        payments = payments.filter(
            kind__in=[PaymentKind.RECEIPT, PaymentKind.CREDIT_NOTE], allocated__lt=F("amount")
        )
    return payments.annotate(
        unallocated=ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD)
    )


def payment_detail_queryset(user: User) -> QuerySet[Payment]:
    return payment_list(user)


def allocations_of_payment(payment: Payment) -> QuerySet[Allocation]:
    return payment.allocations.select_related("invoice", "created_by").order_by("applied_on", "id")


# Collection plans


@dataclass(frozen=True)
class InstalmentProgress:
    instalment: CollectionInstalment
    planned: Decimal
    invoiced: Decimal
    collected: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.planned - self.collected


def contract_detail_queryset(user: User) -> QuerySet[Contract]:
    """Contracts whose plan the user may open: finance all of the company's, others their scope."""
    if sees_all_receivables(user):
        return Contract.objects.filter(access.company_q(user)).select_related("customer", "owner")
    return Contract.objects.visible_to(user).select_related("customer", "owner")


def collected_on_contract(contract: Contract) -> Decimal:
    """Cash received against the contract's invoices (receipts only: credit notes are no cash)."""
    total = Allocation.objects.filter(
        invoice__contract=contract, payment__kind=PaymentKind.RECEIPT
    ).aggregate(total=Sum("amount"))["total"]
    return to_money(total or 0)


def plan_progress(contract: Contract) -> list[InstalmentProgress]:
    """Planned vs collected per instalment: the contract's collected cash fills the instalments in
    plan order (rules.collected_per_instalment). Three queries whatever the plan's length."""
    instalments = list(
        contract.collection_plan.annotate(invoiced=invoiced_amount(instalment=OuterRef("pk"))).order_by(
            "sequence"
        )
    )
    collected = rules.collected_per_instalment(
        [i.amount for i in instalments], collected_on_contract(contract)
    )
    return [
        InstalmentProgress(i, i.amount, i.invoiced, part)
        for i, part in zip(instalments, collected, strict=True)
    ]


class DaysBefore(Func):
    """``date`` minus ``days`` (an integer column) as a date, on SQLite and PostgreSQL."""

    arity = 2
    output_field = DateField()

    def _parts(self, compiler):
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        n_sql, n_params = compiler.compile(self.source_expressions[1])
        return day_sql, n_sql, (*day_params, *n_params)

    def as_sql(self, compiler, connection, **extra):
        day_sql, n_sql, params = self._parts(compiler)
        return f"({day_sql} - {n_sql})", params

    def as_sqlite(self, compiler, connection, **extra):
        day_sql, n_sql, params = self._parts(compiler)
        return f"date({day_sql}, '-' || {n_sql} || ' days')", params


def reminders_due(user: User, today: date) -> QuerySet[CollectionInstalment]:
    """Instalments whose reminder day has come (due_on − remind_days_before ≤ today) and that are
    not yet due-passed by more than 30 days, of contracts the user may see, still not fully
    invoiced. The workbench lists them; a collected one drops out once fully invoiced and paid."""
    contracts = contract_detail_queryset(user)
    remind_on = DaysBefore(F("due_on"), F("remind_days_before"))
    return (
        CollectionInstalment.objects.filter(contract__in=contracts, due_on__gte=today - timedelta(days=30))
        .annotate(invoiced=invoiced_amount(instalment=OuterRef("pk")))
        .filter(invoiced__lt=F("amount"))
        .alias(remind_on=remind_on)
        .filter(remind_on__lte=today)
        .select_related("contract", "contract__customer", "contract__owner")
        .order_by("due_on", "pk")
    )


# The lead-to-cash timeline


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str
    label: str
    amount: Decimal | None
    status: str
    url: str = ""


def customer_timeline(user: User, customer: Customer) -> list[TimelineEntry]:
    """Won deals → contracts → orders → shipments → invoices → payments of one customer, in date
    order. Each stream is scoped as its own list is; finance sees the whole money trail. Six
    queries whatever the history's length."""
    finance = sees_all_receivables(user)

    def scoped(queryset):
        return queryset.filter(access.company_q(user)) if finance else queryset.visible_to(user)

    entries: list[TimelineEntry] = []
    won = scoped(Opportunity.objects).filter(customer=customer, closed_on__isnull=False, stage__outcome="won")
    for deal in won:
        entries.append(TimelineEntry(deal.closed_on, "opportunity", str(deal), deal.amount, "won"))
    for contract in scoped(Contract.objects).filter(customer=customer):
        on = contract.signed_on or contract.created_at.date()
        plan = reverse("receivables:contract_plan", args=[contract.pk])
        entries.append(
            TimelineEntry(on, "contract", str(contract), contract.amount, contract.get_status_display(), plan)
        )
    for order in scoped(Order.objects).filter(customer=customer):
        entries.append(
            TimelineEntry(order.ordered_on, "order", str(order), order.amount, order.get_status_display())
        )
    shipments = Shipment.objects.filter(
        order__in=scoped(Order.objects).filter(customer=customer), status=ShipmentStatus.SHIPPED
    ).select_related("order")
    # Finance invoices a shipment from here; the form says when nothing is left to invoice.
    invoicing = access.can(user, "receivables.issue_invoice")
    issue = reverse("receivables:invoice_issue")
    for shipment in shipments:
        url = f"{issue}?{urlencode({'basis': 'shipment', 'target': shipment.pk})}" if invoicing else ""
        label = str(shipment)
        entries.append(TimelineEntry(shipment.shipped_on, "shipment", label, shipment.amount, "", url))
    for invoice in Invoice.objects.visible_to(user).filter(customer=customer):
        entries.append(
            TimelineEntry(
                invoice.issued_on,
                "invoice",
                invoice.number,
                invoice.amount,
                invoice.get_status_display(),
                invoice.get_absolute_url(),
            )
        )
    for payment in Payment.objects.visible_to(user).filter(customer=customer):
        entries.append(
            TimelineEntry(
                payment.received_on, "payment", payment.number, payment.amount, payment.get_kind_display()
            )
        )
    order = {"opportunity": 0, "contract": 1, "order": 2, "shipment": 3, "invoice": 4, "payment": 5}
    return sorted(entries, key=lambda e: (e.on, order[e.kind]))
