"""Reads of budgets and expenses: scoped, set-based (usage is a correlated sum per row, never a
loop), so a list costs the same queries for 3 rows as for 300."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from salesdesk.budgets import metrics, rules
from salesdesk.budgets.models import (
    Budget,
    BudgetLine,
    Expense,
    ExpenseApproval,
    ExpenseApprovalLimit,
    ExpenseAttachment,
    ExpenseCategory,
    ExpenseStatus,
    StepDecision,
)
from salesdesk.budgets.querysets import reads_company, unit_ids_on_path
from salesdesk.core import access, periods
from salesdesk.core.access import DataScope
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.customers import selectors as customers
from salesdesk.metrics.registry import By, Scope
from salesdesk.org import selectors as org
from salesdesk.org.models import OrgUnit, User
from salesdesk.org.selectors import company_of  # noqa: F401  (the one definition; callers use selectors.company_of)
from salesdesk.planning import selectors as planning

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY_FIELD)


def fiscal_start_month() -> int:
    return settings.FISCAL_YEAR_START_MONTH


def current_fiscal_year(today: date) -> int:
    return periods.fiscal_year_of(today, fiscal_start_month=fiscal_start_month())


def fiscal_months(fiscal_year: int) -> list[periods.Period]:
    year = periods.parse(str(fiscal_year), fiscal_start_month=fiscal_start_month())
    return periods.children(year, periods.Granularity.MONTH, fiscal_start_month=fiscal_start_month())


# Settings: categories and approval limits


def categories(user: User) -> QuerySet[ExpenseCategory]:
    return ExpenseCategory.objects.visible_to(user).order_by("code", "id")


def active_categories(user: User) -> QuerySet[ExpenseCategory]:
    return categories(user).active()


def category_choice(user: User, category_id: int) -> ExpenseCategory:
    """An active category of the user's company, or a refusal naming the field."""
    category = active_categories(user).filter(pk=category_id).first()
    if category is None:
        raise BusinessRuleViolation(_("Choose an active expense category."), details={"field": "category"})
    return category


def approval_limits(company_id: int) -> dict[str, Decimal]:
    """The company's limits per rung; a rung without a row keeps the default."""
    limits = dict(rules.DEFAULT_APPROVAL_LIMITS)
    limits.update(
        ExpenseApprovalLimit.objects.filter(company_id=company_id).values_list("role", "max_amount")
    )
    return limits


# Budgets


def _charged(statuses, **to) -> Coalesce:
    """Σ expense amounts of ``statuses`` charged to the row (``to`` names the correlation)."""
    rows = (
        Expense.objects.filter(status__in=sorted(statuses), **{k: OuterRef(v) for k, v in to.items()})
        .order_by()
        .values(next(iter(to)))
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY_FIELD), ZERO)


def with_budget_usage(budgets: QuerySet[Budget]) -> QuerySet[Budget]:
    """Each budget with ``approved`` (approved or paid) and ``pending`` (awaiting approval) sums of
    the expenses charged to its months; ``used`` is both, as the control counts them."""
    return budgets.annotate(
        approved=_charged(rules.APPROVED, budget_line__budget="pk"),
        pending=_charged({ExpenseStatus.SUBMITTED}, budget_line__budget="pk"),
    ).annotate(used=F("approved") + F("pending"), remaining=F("amount") - F("approved") - F("pending"))


def with_line_usage(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    return lines.annotate(
        approved=_charged(rules.APPROVED, budget_line="pk"),
        pending=_charged({ExpenseStatus.SUBMITTED}, budget_line="pk"),
    ).annotate(used=F("approved") + F("pending"), remaining=F("amount") - F("approved") - F("pending"))


@dataclass(frozen=True)
class BudgetFilters:
    fiscal_year: int | None = None
    unit: int | None = None
    include_subunits: bool = True
    category: int | None = None
    control_mode: str = ""


def budget_list(user: User, filters: BudgetFilters = BudgetFilters()) -> QuerySet[Budget]:
    budgets = Budget.objects.visible_to(user)
    if filters.fiscal_year:
        budgets = budgets.filter(fiscal_year=filters.fiscal_year)
    if filters.unit:
        if filters.include_subunits:
            path = OrgUnit.objects.filter(pk=filters.unit).values("path")[:1]
            budgets = budgets.filter(unit__path__startswith=Subquery(path))
        else:
            budgets = budgets.filter(unit_id=filters.unit)
    if filters.category:
        budgets = budgets.filter(category_id=filters.category)
    if filters.control_mode:
        budgets = budgets.filter(control_mode=filters.control_mode)
    return with_budget_usage(budgets.select_related("unit", "category")).order_by(
        "-fiscal_year", "unit__path", "category__code", "id"
    )


def budget_detail_queryset(user: User) -> QuerySet[Budget]:
    return with_budget_usage(
        Budget.objects.visible_to(user).select_related("unit", "category", "distribution", "updated_by")
    )


def budget_lines(budget: Budget) -> QuerySet[BudgetLine]:
    return with_line_usage(budget.lines.all()).order_by("month")


def line_detail_queryset(user: User) -> QuerySet[BudgetLine]:
    return with_line_usage(
        BudgetLine.objects.visible_to(user).select_related("budget__unit", "budget__category")
    )


def line_usage(
    user: User, *, period: periods.Period, unit: int | None = None, category: int | None = None
) -> QuerySet[BudgetLine]:
    """Every budget month the user sees that overlaps ``period``, with its usage."""
    lines = BudgetLine.objects.visible_to(user).filter(
        month__gte=period.start.replace(day=1), month__lte=period.end
    )
    if unit:
        lines = lines.filter(budget__unit_id=unit)
    if category:
        lines = lines.filter(budget__category_id=category)
    return with_line_usage(lines.select_related("budget__unit", "budget__category")).order_by(
        "month", "budget__unit__path", "budget__category__code", "id"
    )


def budget_units(user: User) -> QuerySet[OrgUnit]:
    """The units the user may set budgets for: the director and administrators every unit of the
    company, a manager the units below their own."""
    units = org.units(user)
    profile = access.profile_of(user)
    if profile is None:
        return units.none()
    if profile.is_admin or profile.role == "director":
        return units
    if profile.role == "manager" and profile.unit_path:
        return units.filter(path__startswith=profile.unit_path).exclude(pk=profile.unit_id)
    return units.none()


def unit_choice(user: User, unit_id: int) -> OrgUnit:
    unit = org.units(user).filter(pk=unit_id).first()
    if unit is None:
        raise BusinessRuleViolation(_("Choose an org unit of your company."), details={"field": "unit"})
    return unit


def visible_units(user: User) -> QuerySet[OrgUnit]:
    """The units whose budgets and costs the user may look at, for filters."""
    units = org.units(user)
    profile = access.profile_of(user)
    if profile is None:
        return units.none()
    if reads_company(user) or profile.scope == DataScope.ALL:
        return units
    if not profile.unit_path:
        return units.none()
    below = (
        Q(path__startswith=profile.unit_path) if profile.scope == DataScope.SUBTREE else Q(pk=profile.unit_id)
    )
    return units.filter(below | Q(pk__in=unit_ids_on_path(profile.unit_path)))


def distributions(user: User):
    return planning.visible_distributions(user)


def distribution_choice(user: User, distribution_id: int):
    distribution = distributions(user).filter(pk=distribution_id).first()
    if distribution is None:
        raise BusinessRuleViolation(
            _("Choose an active seasonality template."), details={"field": "distribution"}
        )
    return distribution


def month_weights(distribution) -> list[Decimal]:
    return planning.month_weights(distribution)


def charge_line_for(expense: Expense) -> QuerySet[BudgetLine]:
    """The budget month an expense is charged to: its category, the calendar month it was
    incurred in, at the spender's unit or the nearest unit above with such a budget."""
    return (
        BudgetLine.objects.filter(
            month=expense.incurred_on.replace(day=1),
            budget__company_id=expense.company_id,
            budget__category_id=expense.category_id,
            budget__unit_id__in=unit_ids_on_path(expense.unit.path),
        )
        .select_related("budget__unit", "budget__category")
        .order_by("-budget__unit__depth")
    )


def committed_on_line(line: BudgetLine, *, excluding: Expense | None = None) -> Decimal:
    """What a budget month has used: its submitted, approved and paid expenses (one aggregate)."""
    rows = Expense.objects.filter(budget_line=line, status__in=sorted(rules.COMMITTED))
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


# Expenses


@dataclass(frozen=True)
class ExpenseFilters:
    q: str = ""
    status: str = ""
    category: int | None = None
    unit: int | None = None
    spender: int | None = None
    incurred_from: date | None = None
    incurred_until: date | None = None


def expense_list(user: User, filters: ExpenseFilters = ExpenseFilters()) -> QuerySet[Expense]:
    expenses = Expense.objects.visible_to(user)
    if filters.q:
        expenses = expenses.filter(
            Q(number__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(spender__full_name__icontains=filters.q)
            | Q(customer__name__icontains=filters.q)
        )
    if filters.status:
        expenses = expenses.filter(status=filters.status)
    if filters.category:
        expenses = expenses.filter(category_id=filters.category)
    if filters.unit:
        path = OrgUnit.objects.filter(pk=filters.unit).values("path")[:1]
        expenses = expenses.filter(unit__path__startswith=Subquery(path))
    if filters.spender:
        expenses = expenses.filter(spender_id=filters.spender)
    if filters.incurred_from:
        expenses = expenses.filter(incurred_on__gte=filters.incurred_from)
    if filters.incurred_until:
        expenses = expenses.filter(incurred_on__lte=filters.incurred_until)
    return expenses.select_related("spender", "unit", "category", "customer").order_by("-incurred_on", "-id")


def expense_detail_queryset(user: User) -> QuerySet[Expense]:
    return Expense.objects.visible_to(user).select_related(
        "spender",
        "unit",
        "category",
        "customer",
        "budget_line__budget__unit",
        "budget_line__budget__category",
        "updated_by",
    )


def approvals(expense: Expense) -> QuerySet[ExpenseApproval]:
    return expense.approvals.select_related("approver", "decided_by").order_by("-round", "sequence")


def current_step(expense: Expense) -> ExpenseApproval | None:
    """The first undecided step of the expense's latest submission."""
    return (
        expense.approvals.filter(decision=StepDecision.PENDING)
        .select_related("approver")
        .order_by("round", "sequence")
        .first()
    )


def approval_inbox(user: User) -> QuerySet[Expense]:
    """Expenses whose current step waits for this user: routed to them (or to someone whose work
    they hold by delegation), or a finance step for finance. Leaders above the routed person may
    also stand in, from the expense's page; the inbox lists what is theirs to do."""
    profile = access.profile_of(user)
    if profile is None:
        return Expense.objects.none()
    first_pending = ExpenseApproval.objects.filter(
        expense=OuterRef("pk"), decision=StepDecision.PENDING
    ).order_by("round", "sequence")
    mine = Q(waiting_for__in=[profile.user_id, *profile.delegator_user_ids])
    if profile.role == rules.FINANCE:
        mine |= Q(waiting_role=rules.FINANCE)
    return (
        Expense.objects.filter(access.company_q(user), status=ExpenseStatus.SUBMITTED)
        .exclude(spender=user)
        .annotate(
            waiting_for=Subquery(first_pending.values("approver_id")[:1]),
            waiting_role=Subquery(first_pending.values("role")[:1]),
        )
        .filter(mine)
        .select_related("spender", "unit", "category", "customer")
        .order_by("submitted_at", "id")
    )


def attachments(expense: Expense) -> QuerySet[ExpenseAttachment]:
    return expense.attachments.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def attachment_for(user: User, pk: int) -> ExpenseAttachment:
    """An attachment of an expense the user sees; anything else does not exist for them."""
    return get_object_or_404(ExpenseAttachment.objects.visible_to(user).select_related("expense"), pk=pk)


def customer_choices(user: User) -> QuerySet:
    """The customers a salesperson may name on an expense: those they work."""
    return (
        customers.customer_list(user).filter(owner__isnull=False).order_by("name").values_list("pk", "name")
    )


def customer_choice(user: User, customer_id: int):
    customer = customers.customer_detail_queryset(user).filter(pk=customer_id, owner__isnull=False).first()
    if customer is None:
        raise BusinessRuleViolation(_("Choose one of your customers."), details={"field": "customer"})
    return customer


# Weekly cost analysis


MAX_WEEKS = 13


@dataclass(frozen=True)
class CostCell:
    expenses: Decimal
    revenue: Decimal

    @property
    def ratio(self) -> Decimal | None:
        from salesdesk.metrics import rules as metric_rules

        return metric_rules.percent(self.expenses, self.revenue)


@dataclass
class CostRow:
    unit: OrgUnit
    is_total: bool
    cells: list[CostCell] = field(default_factory=list)

    @property
    def total(self) -> CostCell:
        return CostCell(
            sum((c.expenses for c in self.cells), Decimal(0)),
            sum((c.revenue for c in self.cells), Decimal(0)),
        )


@dataclass(frozen=True)
class WeeklyCosts:
    unit: OrgUnit
    weeks: list[periods.Period]
    rows: list[CostRow]

    def chart(self) -> dict[str, Any]:
        """The ECharts data: one stacked bar series per unit below the chosen one (or the unit itself
        when it has none), and the expense ratio of the whole unit as a line."""
        bars = [row for row in self.rows if not row.is_total] or self.rows
        total = next(row for row in self.rows if row.is_total)
        return {
            "weeks": [week.key for week in self.weeks],
            "series": [
                {"name": row.unit.name, "values": [str(c.expenses) for c in row.cells]} for row in bars
            ],
            "ratio": [None if c.ratio is None else str(c.ratio) for c in total.cells],
        }


def week_periods(end_week: str, weeks: int) -> list[periods.Period]:
    last = periods.parse(end_week)
    if last.granularity is not periods.Granularity.WEEK:
        raise periods.InvalidPeriod(end_week)
    weeks = max(1, min(weeks, MAX_WEEKS))
    return [
        periods.period_of(last.start - timedelta(days=7 * n), periods.Granularity.WEEK) for n in range(weeks)
    ][::-1]


def weekly_costs(user: User, *, unit: OrgUnit, weeks: list[periods.Period]) -> WeeklyCosts:
    """Approved expenses and the expense ratio per ISO week for ``unit`` and each unit right
    below it. The figures are the metric layer's ``expense_ratio`` parts (approved expenses and
    signed revenue by unit): one statement per week — a fixed number, whatever the rows — plus
    one for the units. Each row adds up its unit's subtree (a loop over groups, not rows)."""
    company_id = unit.company_id
    units = list(org.units(user).filter(Q(pk=unit.pk) | Q(parent_id=unit.pk)).order_by("path"))
    rows = [CostRow(unit=u, is_total=u.pk == unit.pk) for u in units]
    rows.sort(key=lambda row: (not row.is_total, row.unit.path))
    for week in weeks:
        parts = metrics.expense_ratio_parts(Scope(period=week, user=user, company_id=company_id), By.UNIT)
        for row in rows:
            expenses = revenue = Decimal(0)
            for group in parts:
                if group["key"] and group["key"].startswith(row.unit.path):
                    expenses += group["expenses"]
                    revenue += group["revenue"]
            row.cells.append(CostCell(expenses=expenses, revenue=revenue))
    return WeeklyCosts(unit=unit, weeks=weeks, rows=rows)


def cost_units(user: User) -> QuerySet[OrgUnit]:
    """The units whose weekly costs the user may analyse: every unit for the company's readers,
    a manager's subtree, anyone else their own unit."""
    units = org.units(user)
    profile = access.profile_of(user)
    if profile is None:
        return units.none()
    if reads_company(user) or profile.scope == DataScope.ALL:
        return units
    if profile.scope == DataScope.SUBTREE and profile.unit_path:
        return units.filter(path__startswith=profile.unit_path)
    return units.filter(pk=profile.unit_id) if profile.unit_id else units.none()


def default_cost_unit(user: User) -> OrgUnit | None:
    """The top of what the user may analyse: the company, a manager's region, a supervisor's team."""
    return cost_units(user).order_by("depth", "path").first()
