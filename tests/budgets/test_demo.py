"""The budgets demo on the demo organisation: budgets add up month by month, stop budgets are
never overspent, approvals follow the real reporting lines, and the pages have what they need to
show (expenses waiting for approval, a warning, a stop budget near its limit)."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F, Q, Sum

from salesdesk.budgets import demo, rules, selectors, services
from salesdesk.budgets.models import Budget, BudgetLine, Expense, ExpenseApproval
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.org.demo import build_demo_org
from salesdesk.org.models import Company, User

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


@pytest.fixture
def company():
    build_demo_org(7)
    company = Company.objects.get()
    demo.build(company, TODAY, random.Random(7))
    return company


def test_budgets_and_months_add_up(company):
    assert Budget.objects.filter(company=company).count() == 3 * 6 + 9 * 3
    assert not Budget.objects.annotate(total=Sum("lines__amount")).exclude(total=F("amount")).exists()
    assert set(Budget.objects.values_list("control_mode", flat=True)) == {"warn", "stop"}
    assert BudgetLine.objects.filter(budget__company=company).count() == 12 * Budget.objects.count()


def test_expenses_follow_the_rules(company):
    expenses = Expense.objects.filter(company=company)
    assert 300 <= expenses.count() <= 340
    statuses = set(expenses.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "approved", "rejected", "paid"}
    assert not expenses.filter(incurred_on__gt=TODAY).exists()
    committed = Q(expenses__status__in=sorted(rules.COMMITTED))
    stop_lines = BudgetLine.objects.filter(budget__control_mode="stop").annotate(
        used=Sum("expenses__amount", filter=committed)
    )
    assert not stop_lines.filter(used__gt=F("amount")).exists()
    # every region budgets every category, so whatever was submitted is charged somewhere, and a
    # warning budget went over now and then
    assert not expenses.exclude(status="draft").filter(budget_line__isnull=True).exists()
    assert expenses.exclude(budget_warning="").filter(budget_line__budget__control_mode="warn").exists()
    assert not expenses.filter(status="draft", budget_line__isnull=False).exists()
    assert not ExpenseApproval.objects.filter(decided_by=F("spender")).exists()
    waiting = expenses.filter(status="submitted")
    assert waiting.count() >= 10
    assert not waiting.exclude(approvals__decision="pending").exists()
    assert not expenses.filter(status__in=["approved", "paid"], approvals__decision="pending").exists()
    assert len(set(expenses.values_list("number", flat=True))) == expenses.count()


def test_the_demo_team_is_near_its_entertainment_limit(company):
    line = BudgetLine.objects.get(
        budget__unit__code="SH1", budget__category__code="ENTERTAIN", month=date(2026, 11, 1)
    )
    used = selectors.committed_on_line(line)
    assert Decimal("0.9") * line.amount <= used <= line.amount
    rep = User.objects.get(username="rep")
    dinner = line.budget.category
    expense = services.create_expense(
        acting_user=rep,
        category=dinner,
        amount=line.amount - used + 1,
        incurred_on=TODAY,
        description="x",
        today=TODAY,
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        services.submit_expense(acting_user=rep, expense=expense, expected_version=1, today=TODAY)
    assert refused.value.details["code"] == "budget_exceeded"


def test_building_twice_changes_nothing(company):
    count = Expense.objects.count()
    demo.build(company, TODAY, random.Random(7))
    assert Expense.objects.count() == count
