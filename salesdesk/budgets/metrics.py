"""Expense figures in the metric layer: expense amount, expense ratio and budget usage.

Registered with ``salesdesk.metrics.registry`` from ``BudgetsConfig.ready()``. Like every metric,
each is ONE grouped SQL statement over the rows the caller sees (``Expense.objects.visible_to``:
the spender's data scope; finance the whole company). Expenses count once approved (approved or
paid) and in the period of the day they were incurred. By employee they are the spender's; by
unit they count for the unit they were charged to when filed (and every unit above it); by
customer for the customer they were spent on.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from salesdesk.budgets import rules
from salesdesk.budgets.models import BudgetLine, Expense
from salesdesk.core.money import to_money
from salesdesk.metrics import rules as metric_rules
from salesdesk.metrics.registry import EXACT, By, Metric, MetricUnit, Parts, Scope, get, register

EXPENSE_GROUPINGS = (By.EMPLOYEE, By.UNIT, By.CUSTOMER)
ZERO = Value(Decimal(0), output_field=EXACT)


def approved_expenses(scope: Scope) -> QuerySet[Expense]:
    """Approved (or paid) expenses incurred in the period, as the caller sees them."""
    rows = Expense.objects.filter(
        status__in=sorted(rules.APPROVED),
        incurred_on__gte=scope.period.start,
        incurred_on__lte=scope.period.end,
    )
    if scope.user is not None:
        rows = rows.visible_to(scope.user)
    if scope.company_id is not None:
        rows = rows.filter(company_id=scope.company_id)
    return rows


def _expense_key(by: By):
    return {By.EMPLOYEE: F("spender"), By.UNIT: F("unit__path"), By.CUSTOMER: F("customer")}[by]


def expense_amount_parts(scope: Scope, by: By) -> Parts:
    return approved_expenses(scope).values(key=_expense_key(by)).annotate(amount=Sum("amount")).order_by()


def expense_ratio_parts(scope: Scope, by: By) -> Parts:
    """Approved expenses and signed revenue per group, from ONE statement: the signed-amount
    metric's own aggregate UNION ALL the expense aggregate, so revenue is defined exactly once.
    A group may come back from both halves; they are added here (a loop over groups, not rows)."""
    revenue = get("signed_amount").parts(scope, by).annotate(expenses=ZERO)
    expenses = (
        approved_expenses(scope)
        .alias(spent=F("amount"))  # "amount" is the revenue column's name in the union
        .values(key=_expense_key(by))
        .annotate(amount=ZERO, expenses=Sum("spent"))
        .order_by()
    )
    merged: dict[Any, dict[str, Any]] = {}
    for row in revenue.union(expenses, all=True):
        group = merged.setdefault(
            row["key"], {"key": row["key"], "revenue": Decimal(0), "expenses": Decimal(0)}
        )
        group["revenue"] += Decimal(str(row["amount"] or 0))
        group["expenses"] += Decimal(str(row["expenses"] or 0))
    return list(merged.values())


def budget_usage_parts(scope: Scope, by: By) -> Parts:
    """Per budget-holding unit: the budget of every month that overlaps the period and the
    approved expenses charged to those months. One statement: the lines, each with a correlated
    sum of its expenses, summed per unit."""
    lines = BudgetLine.objects.filter(
        month__gte=scope.period.start.replace(day=1), month__lte=scope.period.end
    )
    if scope.user is not None:
        lines = lines.visible_to(scope.user)
    if scope.company_id is not None:
        lines = lines.filter(budget__company_id=scope.company_id)
    charged = (
        Expense.objects.filter(budget_line=OuterRef("pk"), status__in=sorted(rules.APPROVED))
        .order_by()
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        lines.annotate(charged=Coalesce(Subquery(charged, output_field=EXACT), ZERO))
        .values(key=F("budget__unit__path"))
        .annotate(budget=Sum("amount"), used=Sum("charged", output_field=EXACT))
        .order_by()
    )


def _money(parts: Mapping[str, Any], name: str = "amount") -> Decimal:
    return to_money(Decimal(str(parts[name] or 0)))


EXPENSE_AMOUNT = Metric(
    name="expense_amount",
    label=_("Expenses"),
    unit=MetricUnit.MONEY,
    description=_(
        "Sum of approved (or paid) expenses incurred in the period, for the spender; by unit for the "
        "unit the expense was charged to when filed and every unit above it; by customer for the "
        "customer it was spent on."
    ),
    groupings=EXPENSE_GROUPINGS,
    parts=expense_amount_parts,
    finish=_money,
)
EXPENSE_RATIO = Metric(
    name="expense_ratio",
    label=_("Expense ratio"),
    unit=MetricUnit.PERCENT,
    description=_(
        "Approved expenses ÷ signed amount, both in the period, in percent; empty when nothing was "
        "signed. Revenue is the signed amount (contracts signed in the period) because it is credited "
        "to the same person in the same period as the effort it cost and is known at once; invoiced "
        "and collected money lag the spending by months. Expenses count for the spender and their "
        "unit at filing, revenue for the contract's owner and their current unit."
    ),
    groupings=EXPENSE_GROUPINGS,
    parts=expense_ratio_parts,
    finish=lambda parts: metric_rules.percent(parts["expenses"], parts["revenue"]),
)
BUDGET_USAGE = Metric(
    name="budget_usage",
    label=_("Budget usage"),
    unit=MetricUnit.PERCENT,
    description=_(
        "Approved (or paid) expenses charged to a unit's budgets ÷ those budgets, over every budget "
        "month that overlaps the period (a week counts its whole month), in percent; a unit includes "
        "the budgets of the units below it. Every expense charged to a budget you see counts, also "
        "those of people outside your scope: a budget belongs to its unit."
    ),
    groupings=(By.UNIT,),
    parts=budget_usage_parts,
    finish=lambda parts: metric_rules.percent(parts["used"], parts["budget"]),
)


def register_metrics() -> None:
    for metric in (EXPENSE_AMOUNT, EXPENSE_RATIO, BUDGET_USAGE):
        register(metric)
