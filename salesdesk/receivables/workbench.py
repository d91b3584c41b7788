"""The collections workbench: what one collector chases today. Every list is one query (the
escalations of tomorrow too: one query over all the rungs of the ladder), whatever the number of
invoices or rungs."""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from salesdesk.core import access
from salesdesk.receivables import dunning
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    ContactAttempt,
    ContactOutcome,
    DunningNotice,
    Invoice,
    InvoiceStatus,
)

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
# The lists show the customer's name only: loading the other ~40 customer columns (and converting
# their dates) was most of the workbench's time. Every invoice field stays loaded.
INVOICE_FIELDS = tuple(f.name for f in Invoice._meta.concrete_fields)
LIST_LIMIT = 100
# A promise to pay stays on the list this many days after its date, until money comes or it is
# followed up.
PROMISE_GRACE_DAYS = 14


class DateMinusDays(Func):
    """``date − integer days`` in SQL (the reminder date of an instalment)."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return f"date({date_sql}, '-' || {days_sql} || ' days')", [*date_params, *days_params]

    def as_postgresql(self, compiler, connection, **extra):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return f"({date_sql} - {days_sql})", [*date_params, *days_params]

    def as_sql(self, compiler, connection, **extra):
        return self.as_postgresql(compiler, connection, **extra)


@dataclass
class Workbench:
    today: date
    overdue: list
    promises: list
    instalments: list
    tomorrow: list  # (step, invoice)


def my_open_invoices(user) -> QuerySet:
    """The user's own open invoices. Every data scope includes one's own records, so the filter is
    the owner (whose invoices are all of their company). visible_to's OR, or a company filter,
    made SQLite pick the (company, status, due_on) index over (owner, status, due_on) and scan the
    company's invoices: seconds instead of milliseconds at 1,000,000 invoices."""
    if access.profile_of(user) is None:
        return Invoice.objects.none()
    return Invoice.objects.filter(owner=user, status=InvoiceStatus.OPEN, allocated__lt=F("amount"))


def overdue_invoices(user, today: date) -> QuerySet:
    open_amount = ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD)
    return (
        my_open_invoices(user)
        .filter(due_on__lt=today)
        .annotate(
            open_amount=open_amount,
            next_action_on=dunning.latest_attempt_subquery("next_action_on"),
            last_outcome=dunning.latest_attempt_subquery("outcome"),
            top_step_days=dunning.last_notice_subquery(),
        )
        .select_related("customer")
        .only(*INVOICE_FIELDS, "customer__name")
        .order_by("due_on", "id")
    )


def promises_due(user, today: date) -> QuerySet:
    return (
        ContactAttempt.objects.filter(
            invoice__in=my_open_invoices(user).values("pk"),
            outcome=ContactOutcome.PROMISED,
            promised_on__lte=today,
            promised_on__gte=today - timedelta(days=PROMISE_GRACE_DAYS),
        )
        .select_related("invoice", "invoice__customer")
        .only(
            *(f.name for f in ContactAttempt._meta.concrete_fields),
            *(f"invoice__{name}" for name in INVOICE_FIELDS),
            "invoice__customer__name",
        )
        .order_by("promised_on", "id")
    )


def instalments_due(user, today: date) -> QuerySet:
    """Instalments of the user's contracts whose reminder date has come and that the money
    applied to the contract's invoices does not yet cover (the plan is paid in sequence)."""
    planned_through = Subquery(
        CollectionInstalment.objects.filter(contract=OuterRef("contract"), sequence__lte=OuterRef("sequence"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MONEY_FIELD,
    )
    collected = Subquery(
        Allocation.objects.filter(invoice__contract=OuterRef("contract"))
        .order_by()
        .values("invoice__contract")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=MONEY_FIELD,
    )
    company_id = access.company_id_of(user)
    return (
        CollectionInstalment.objects.filter(contract__owner=user, contract__company_id=company_id)
        .annotate(
            remind_on=DateMinusDays(F("due_on"), F("remind_days_before")),
            planned_through=planned_through,
            collected=Coalesce(collected, Value(0, output_field=MONEY_FIELD)),
        )
        .filter(remind_on__lte=today, collected__lt=F("planned_through"))
        .select_related("contract", "contract__customer")
        .order_by("due_on", "id")
    )


def escalations_tomorrow(user, today: date) -> list:
    """(step, invoice) for what the ladder escalates tomorrow, at most ``LIST_LIMIT`` per rung, in
    ONE query: a CASE over the due date gives the rung an invoice stands on tomorrow (the ladder's
    ranges, as in ``dunning.due_notices``), an anti-join drops those already notified on that
    rung, and ROW_NUMBER per rung keeps the first ``LIST_LIMIT`` of each, oldest due first."""
    company_id = access.company_id_of(user)
    if company_id is None:
        return []
    steps = dunning.ensure_steps(company_id)
    if not steps:
        return []
    tomorrow = today + timedelta(days=1)
    # Rung i holds due dates in (tomorrow − days[i + 1], tomorrow − days[i]]: with the invoices
    # past the first rung only, the first "due_on > tomorrow − days[i + 1]" that holds is the rung.
    whens = [
        When(due_on__gt=tomorrow - timedelta(days=following.days_overdue), then=Value(step.pk))
        for step, following in itertools.pairwise(steps)
    ]
    notified = DunningNotice.objects.filter(invoice=OuterRef("pk"), step_id=OuterRef("step_pk"))
    rung = Case(*whens, default=Value(steps[-1].pk), output_field=IntegerField())
    rows = (
        my_open_invoices(user)
        .filter(company_id=company_id, due_on__lte=tomorrow - timedelta(days=steps[0].days_overdue))
        .annotate(step_pk=rung)
        .exclude(Exists(notified))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("step_pk")], order_by=[F("due_on").asc(), F("id").asc()])
        )
        .filter(rank__lte=LIST_LIMIT)
        .select_related("customer")
        .only(*INVOICE_FIELDS, "customer__name")
        .order_by()
    )
    by_pk = {step.pk: step for step in steps}
    order = {step.pk: index for index, step in enumerate(steps)}
    invoices = sorted(rows, key=lambda i: (order[i.step_pk], i.due_on, i.pk))
    return [(by_pk[invoice.step_pk], invoice) for invoice in invoices]


def workbench(*, user, today: date) -> Workbench:
    return Workbench(
        today=today,
        overdue=list(overdue_invoices(user, today)[:LIST_LIMIT]),
        promises=list(promises_due(user, today)[:LIST_LIMIT]),
        instalments=list(instalments_due(user, today)[:LIST_LIMIT]),
        tomorrow=escalations_tomorrow(user, today),
    )
