"""The collections workbench: what one collector chases today. Every list is one query (the
escalations of tomorrow too: one query over all the rungs of the ladder), whatever the number of
invoices or rungs. The lists answer plain value rows, never model instances, and their queries
are compiled once per process (prepared.py): the workbench costs about what its SQL costs."""

from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter

from django.db.models import (
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
)
from django.db.models.functions import Coalesce

from salesdesk.core import access
from salesdesk.customers.models import Customer
from salesdesk.receivables import dunning
from salesdesk.receivables.models import (
    Allocation,
    CollectionInstalment,
    ContactAttempt,
    ContactOutcome,
    DunningLevel,
    DunningNotice,
    DunningStep,
    Invoice,
    InvoiceStatus,
)
from salesdesk.receivables.prepared import Param, PreparedQuery

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
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


# The lists are plain value rows: the columns each list shows, read with values_list() and put in
# small frozen dataclasses. Building a model instance (every field converted, the customer's
# too) for each of ~300 rows took ten times as long as the SQL itself.


@dataclass(frozen=True, slots=True)
class OverdueRow:
    id: int
    number: str
    customer_name: str
    due_on: date
    open_amount: Decimal
    next_action_on: date | None
    last_outcome: str | None
    top_step_days: int | None  # the highest rung of the ladder the invoice has reached

    @property
    def pk(self) -> int:  # the contact-attempt form and the links take an invoice's pk
        return self.id

    def get_last_outcome_display(self) -> str:
        return ContactOutcome(self.last_outcome).label if self.last_outcome else ""


@dataclass(frozen=True, slots=True)
class PromiseRow:
    id: int
    invoice_id: int
    invoice_number: str
    customer_name: str
    promised_amount: Decimal | None
    promised_on: date | None


@dataclass(frozen=True, slots=True)
class InstalmentRow:
    id: int
    contract_id: int
    contract_number: str
    customer_name: str
    sequence: int
    due_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class EscalationRow:
    """An invoice the ladder escalates tomorrow, and the rung it reaches."""

    invoice_id: int
    invoice_number: str
    customer_name: str
    due_on: date
    step_id: int
    step_name: str
    notify: str

    def get_notify_display(self) -> str:
        return DunningLevel(self.notify).label


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """A dunning notice that told this user about someone else's invoice, still open."""

    id: int
    invoice_id: int
    invoice_number: str
    customer_name: str
    collector_name: str
    open_amount: Decimal
    due_on: date
    days_overdue: int
    level: str
    step_name: str
    run_on: date

    def get_level_display(self) -> str:
        return DunningLevel(self.level).label


@dataclass(frozen=True)
class Workbench:
    today: date
    overdue: list[OverdueRow]
    promises: list[PromiseRow]
    instalments: list[InstalmentRow]
    tomorrow: list[EscalationRow]
    escalated: list[NoticeRow]


# The lists, as ORM querysets with Param where the values go (see prepared.py): compiled once per
# process, run with the user's id and the day.

USER = Param("user", IntegerField())
COMPANY = Param("company", IntegerField())
TODAY = Param("today", DateField())


def _my_open_invoices() -> QuerySet:
    """The user's own open invoices. Every data scope includes one's own records, so the filter is
    the owner (whose invoices are all of their company). visible_to's OR, or a company filter,
    made SQLite pick the (company, status, due_on) index over (owner, status, due_on) and scan the
    company's invoices: seconds instead of milliseconds at 1,000,000 invoices."""
    return Invoice.objects.filter(owner_id=USER, status=InvoiceStatus.OPEN, allocated__lt=F("amount"))


def _overdue() -> QuerySet:
    """The user's invoices past their due date, oldest first, with the latest contact attempt's
    next action and outcome and the highest rung reached."""
    open_amount = ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY_FIELD)
    return (
        _my_open_invoices()
        .filter(due_on__lt=TODAY)
        .annotate(
            customer_name=F("customer__name"),
            open_amount=open_amount,
            next_action_on=dunning.latest_attempt_subquery("next_action_on"),
            last_outcome=dunning.latest_attempt_subquery("outcome"),
            top_step_days=dunning.last_notice_subquery(),
        )
        .order_by("due_on", "id")
        .values_list(*(f.name for f in fields(OverdueRow)))[:LIST_LIMIT]
    )


def _promises() -> QuerySet:
    """Promises to pay on the user's open invoices whose date has come, within the grace days."""
    # A join on the owner's open invoices: "invoice IN (the owner's open invoices)" made SQLite
    # probe the attempts of every one of them, several times slower at 1,000,000 invoices.
    return (
        ContactAttempt.objects.filter(
            invoice__owner_id=USER,
            invoice__status=InvoiceStatus.OPEN,
            invoice__allocated__lt=F("invoice__amount"),
            outcome=ContactOutcome.PROMISED,
            promised_on__lte=TODAY,
            promised_on__gte=Param("promises_since", DateField()),
        )
        # The name by a subquery, read for the promises found only: a join made SQLite look up
        # the customer of every open invoice before finding its promises.
        .annotate(
            invoice_number=F("invoice__number"),
            customer_name=Subquery(
                Customer.objects.filter(pk=OuterRef("invoice__customer_id")).values("name")[:1]
            ),
        )
        .order_by("promised_on", "id")
        .values_list(*(f.name for f in fields(PromiseRow)))[:LIST_LIMIT]
    )


def _instalments() -> QuerySet:
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
    return (
        CollectionInstalment.objects.filter(contract__owner_id=USER, contract__company_id=COMPANY)
        .annotate(
            remind_on=DateMinusDays(F("due_on"), F("remind_days_before")),
            planned_through=planned_through,
            collected=Coalesce(collected, Value(0, output_field=MONEY_FIELD)),
            contract_number=F("contract__number"),
            customer_name=F("contract__customer__name"),
        )
        .filter(remind_on__lte=TODAY, collected__lt=F("planned_through"))
        .order_by("due_on", "id")
        .values_list(*(f.name for f in fields(InstalmentRow)))[:LIST_LIMIT]
    )


@dataclass(frozen=True, slots=True)
class _Rung:
    id: int
    days_overdue: int
    notify: str
    name: str


@dataclass(frozen=True, slots=True)
class _Escalating:
    invoice_id: int
    invoice_number: str
    customer_name: str
    due_on: date
    rung: int  # the step's place on the ladder


def _ladder() -> QuerySet:
    return (
        DunningStep.objects.filter(company_id=COMPANY, is_active=True)
        .order_by("days_overdue")
        .values_list(*(f.name for f in fields(_Rung)))
    )


def _escalations(rungs: int) -> list[QuerySet]:
    """What a ladder of ``rungs`` steps escalates tomorrow, at most ``LIST_LIMIT`` per rung, in ONE
    statement: per rung, the invoices whose due date puts them on it tomorrow (due_on in
    (tomorrow − days[i + 1], tomorrow − days[i]], as in ``dunning.due_notices``) and that have
    no notice for it, oldest due first, the first ``LIST_LIMIT``; the rungs joined by UNION ALL.
    Each branch is a range scan of the (owner, status, due_on) index that stops at its limit
    (a CASE per row and ROW_NUMBER over all of them took twice as long). The parameters:
    ``step_<i>`` the steps' ids, ``upper_<i>`` = tomorrow − days[i], ``lower_<i>`` =
    tomorrow − days[i + 1] (the last rung has none). Each row says its rung by its place on the
    ladder (selecting the step's name and level instead cost more than the SQL of a rung)."""
    branches = []
    for i in range(rungs):
        notified = DunningNotice.objects.filter(
            invoice=OuterRef("pk"), step_id=Param(f"step_{i}", IntegerField())
        )
        rows = _my_open_invoices().filter(company_id=COMPANY, due_on__lte=Param(f"upper_{i}", DateField()))
        if i < rungs - 1:
            rows = rows.filter(due_on__gt=Param(f"lower_{i}", DateField()))
        branches.append(
            rows.exclude(Exists(notified))
            .annotate(
                invoice_id=F("id"),
                invoice_number=F("number"),
                customer_name=F("customer__name"),
                rung=Value(i, output_field=IntegerField()),
            )
            .order_by("due_on", "id")
            .values_list(*(f.name for f in fields(_Escalating)))[:LIST_LIMIT]
        )
    return branches


def _escalated_to_me() -> QuerySet:
    """Dunning notices that told the user about a colleague's invoice still open, newest first:
    what the ladder escalated to a supervisor, manager, director or legal. Through the
    (notified, run_on) index, whatever the number of invoices."""
    return (
        DunningNotice.objects.filter(
            notified_id=USER, invoice__status=InvoiceStatus.OPEN, invoice__allocated__lt=F("invoice__amount")
        )
        .exclude(invoice__owner_id=USER)
        .annotate(
            invoice_number=F("invoice__number"),
            customer_name=F("invoice__customer__name"),
            collector_name=F("invoice__owner__full_name"),
            open_amount=ExpressionWrapper(
                F("invoice__amount") - F("invoice__allocated"), output_field=MONEY_FIELD
            ),
            due_on=F("invoice__due_on"),
            step_name=F("step__name"),
        )
        .order_by("-run_on", "-id")
        .values_list(*(f.name for f in fields(NoticeRow)))[:LIST_LIMIT]
    )


OVERDUE = PreparedQuery(OverdueRow, _overdue)
PROMISES = PreparedQuery(PromiseRow, _promises)
INSTALMENTS = PreparedQuery(InstalmentRow, _instalments)
LADDER = PreparedQuery(_Rung, _ladder)
ESCALATIONS = PreparedQuery(_Escalating, _escalations)
ESCALATED = PreparedQuery(NoticeRow, _escalated_to_me)


def ladder(company_id: int) -> list[_Rung]:
    """The company's active steps, lowest day first (the default ladder the first time)."""
    rungs = LADDER.rows(company=company_id)
    if not rungs:
        dunning.ensure_steps(company_id)
        rungs = LADDER.rows(company=company_id)
    return rungs


def escalations_tomorrow(*, user_id: int, company_id: int, today: date) -> list[EscalationRow]:
    rungs = ladder(company_id)
    if not rungs:
        return []
    tomorrow = today + timedelta(days=1)
    values = {}
    for i, rung in enumerate(rungs):
        values[f"step_{i}"] = rung.id
        values[f"upper_{i}"] = tomorrow - timedelta(days=rung.days_overdue)
        if i < len(rungs) - 1:
            values[f"lower_{i}"] = tomorrow - timedelta(days=rungs[i + 1].days_overdue)
    rows = ESCALATIONS.tuples((len(rungs),), user=user_id, company=company_id, **values)
    # UNION ALL answers the branches in turn, each in order; sorting says so rather than trusting it.
    rows.sort(key=itemgetter(4, 3, 0))  # rung, due_on, invoice id
    steps = [(rung.id, rung.name, rung.notify) for rung in rungs]
    return [
        EscalationRow(pk, number, customer, due_on, *steps[rung])
        for pk, number, customer, due_on, rung in rows
    ]


def workbench(*, user, today: date) -> Workbench:
    """One collector's day: six queries whatever the number of invoices (the ladder's steps, then
    one per list)."""
    company_id = access.company_id_of(user)
    if access.profile_of(user) is None or company_id is None:
        return Workbench(today=today, overdue=[], promises=[], instalments=[], tomorrow=[], escalated=[])
    who = {"user": user.pk}
    return Workbench(
        today=today,
        overdue=OVERDUE.rows(**who, today=today),
        promises=PROMISES.rows(**who, today=today, promises_since=today - timedelta(days=PROMISE_GRACE_DAYS)),
        instalments=INSTALMENTS.rows(**who, company=company_id, today=today),
        tomorrow=escalations_tomorrow(user_id=user.pk, company_id=company_id, today=today),
        escalated=ESCALATED.rows(**who),
    )
