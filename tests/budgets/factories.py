"""Budgets test data, made through the budgets services (their rules are what the tests check).
Dates sit in fiscal year 2026 (calendar year: FISCAL_YEAR_START_MONTH is 1 in tests); ``TODAY``
is passed wherever a service takes it."""

from datetime import date
from decimal import Decimal

from salesdesk.budgets import services
from salesdesk.budgets.models import Budget, Expense, ExpenseCategory
from salesdesk.planning.models import Distribution
from tests.pipeline import factories as pipeline

TODAY = date(2026, 11, 20)
MONTH = date(2026, 11, 5)  # a day of the month most tests charge


def category(company, code="TRAVEL", name="差旅", name_en="Travel", *, by=None) -> ExpenseCategory:
    existing = ExpenseCategory.objects.filter(company=company, code=code).first()
    if existing is not None:
        return existing
    return ExpenseCategory.objects.create(company=company, code=code, name=name, name_en=name_en)


def entertainment(company) -> ExpenseCategory:
    return category(company, "ENTERTAIN", "招待", "Entertainment")


def budget(unit, cat, amount="12000.00", *, mode="stop", year=2026, by, **kwargs) -> Budget:
    return services.create_budget(
        acting_user=by,
        unit=unit,
        category=cat,
        fiscal_year=year,
        amount=Decimal(amount),
        control_mode=mode,
        **kwargs,
    )


def distribution(company, weights=None, name="Seasonal") -> Distribution:
    weights = weights or ["1", "1", "2", "2", "2", "1", "1", "1", "2", "2", "2", "1"]
    return Distribution.objects.create(company=company, name=name, weights=weights)


def expense(spender, cat, amount="100.00", *, on=MONTH, submit=False, customer=None, text="Taxi") -> Expense:
    made = services.create_expense(
        acting_user=spender,
        category=cat,
        amount=Decimal(amount),
        incurred_on=on,
        description=text,
        customer=customer,
        today=max(TODAY, on),
    )
    if submit:
        made = services.submit_expense(
            acting_user=spender, expense=made, expected_version=made.version, today=max(TODAY, on)
        )
    return made


def approve(expense: Expense, *people) -> Expense:
    for person in people:
        expense = Expense.objects.get(pk=expense.pk)
        expense = services.approve_expense(
            acting_user=person, expense=expense, expected_version=expense.version
        )
    return expense


def customer(owner, name=None):
    return pipeline.customer(owner, name=name)
