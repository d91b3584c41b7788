"""Eight submissions race for the last of a stop budget on real database threads: the lock on the
budget month lets exactly as many through as the month can take, on SQLite (serialised writers)
and PostgreSQL (SELECT … FOR UPDATE) alike."""

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest
from django.db import OperationalError, connection

from salesdesk.budgets import services
from salesdesk.budgets.models import Expense, ExpenseStatus
from salesdesk.core.errors import BusinessRuleViolation
from tests.budgets import factories as f
from tests.budgets.factories import TODAY
from tests.conftest import build_personas


def _retrying_locks(call):
    """SQLite's in-memory test database answers a writer that finds the shared cache locked with
    "table is locked" at once instead of waiting; wait and retry, as a busy timeout would. Only
    the budget's refusal (a BusinessRuleViolation) counts as a refused submission."""
    for _attempt in range(400):
        try:
            return call()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


@pytest.mark.django_db(transaction=True)
def test_racing_submissions_never_overspend_a_stop_budget():
    org = build_personas()
    travel = f.category(org.company)
    f.budget(org.units.e1, travel, "12000.00", mode="stop", by=org.director)  # ¥1,000 in November
    people = [org.rep, org.teammate] * 4
    drafts = [f.expense(person, travel, "300.00") for person in people]

    def submit(expense):
        try:
            _retrying_locks(
                lambda: services.submit_expense(
                    acting_user=expense.spender,
                    expense=Expense.objects.select_related("spender", "unit", "category").get(pk=expense.pk),
                    expected_version=expense.version,
                    today=TODAY,
                )
            )
            return True
        except BusinessRuleViolation as refused:
            assert refused.details["code"] == "budget_exceeded"
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        passed = sum(pool.map(submit, drafts))

    submitted = Expense.objects.filter(status=ExpenseStatus.SUBMITTED)
    assert passed == 3 == submitted.count()  # 3 × 300 = 900; a fourth would make 1,200 > 1,000
    assert sum(e.amount for e in submitted) == D("900.00")
    assert Expense.objects.filter(status=ExpenseStatus.DRAFT).count() == 5
