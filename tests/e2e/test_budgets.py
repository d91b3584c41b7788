"""Budgets and expenses in the browser: a rep's expense that a stop budget would overspend is
refused with the figures; under a warning budget it goes through and the warning stays on it;
the supervisor approves from the inbox; the weekly cost page draws its chart and table."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from salesdesk.budgets.models import Expense
from tests.browser import login
from tests.budgets import factories as f

pytestmark = pytest.mark.e2e


def _file_expense(page, base, *, category: str, amount: str, description: str) -> None:
    page.goto(f"{base}/budgets/expenses/new/")
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("What for").fill(description)
    page.get_by_test_id("save-submit").click()


def test_a_stop_budget_blocks_and_a_warning_budget_warns(page, live_server, personas):
    org = personas
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    dinner, travel = f.entertainment(org.company), f.category(org.company)
    f.budget(
        org.units.e1, dinner, "12000.00", mode="stop", year=today.year, by=org.director
    )  # ¥1,000 a month
    f.budget(org.units.e1, travel, "12000.00", mode="warn", year=today.year, by=org.director)
    base = live_server.url

    rep = login(page, live_server, "rep", language="en")
    _file_expense(
        rep, base, category="Entertainment (ENTERTAIN)", amount="1200", description="Dinner with 华东电力"
    )
    error = rep.get_by_test_id("form-error")
    expect(error).to_contain_text(f"This expense of ¥1,200.00 would bring Entertainment of E1 in {month}")
    expect(error).to_contain_text("to ¥1,200.00 of ¥1,000.00")
    expect(error).to_contain_text("The budget is on stop")
    expect(rep.get_by_label("Amount")).to_have_value("1200")  # the form keeps what was typed
    assert not Expense.objects.exists()

    _file_expense(rep, base, category="Travel (TRAVEL)", amount="1300", description="Flights to Nanjing")
    expect(rep.get_by_role("alert").filter(has_text="was submitted for approval")).to_be_visible()
    warning = rep.get_by_test_id("budget-warning")
    expect(warning).to_contain_text("to ¥1,300.00 of ¥1,000.00")
    expect(warning).to_contain_text("The budget only warns: the expense goes ahead ¥300.00 over budget.")
    expect(rep.get_by_test_id("expense-status")).to_have_text("Awaiting approval")
    assert Expense.objects.get().budget_warning


def test_the_supervisor_approves_from_the_inbox(new_page, live_server, personas):
    org = personas
    travel = f.category(org.company)
    expense = f.expense(
        org.rep, travel, "300.00", on=timezone.localdate(), submit=True, text="Taxi to the fair"
    )
    base = live_server.url

    supervisor = login(new_page(), live_server, "supervisor", language="en")
    supervisor.goto(f"{base}/budgets/approvals/")
    row = supervisor.get_by_test_id("inbox-row").filter(has_text=expense.number)
    expect(row).to_contain_text("Taxi to the fair")
    row.get_by_role("link", name=expense.number).click()
    supervisor.get_by_label("Comment").fill("OK")
    supervisor.get_by_test_id("approve-expense").click()
    expect(supervisor.get_by_role("alert").filter(has_text="You approved the expense.")).to_be_visible()
    expect(supervisor.get_by_test_id("expense-status")).to_have_text("Approved")
    expect(supervisor.get_by_test_id("approval-steps")).to_contain_text("OK")

    rep = login(new_page(), live_server, "rep", language="en")
    rep.goto(f"{base}/budgets/expenses/{expense.pk}/")
    expect(rep.get_by_test_id("expense-status")).to_have_text("Approved")
    expect(rep.get_by_test_id("decision-card")).to_have_count(0)


def test_the_weekly_cost_page_shows_the_chart_and_the_table(page, live_server, personas):
    org = personas
    travel = f.category(org.company)
    today = timezone.localdate()
    f.approve(f.expense(org.rep, travel, "480.00", on=today, submit=True), org.supervisor)
    f.approve(f.expense(org.rep_e2, travel, "120.00", on=today, submit=True), org.supervisor_e2)

    manager = login(page, live_server, "manager", language="en")
    manager.goto(f"{live_server.url}/budgets/costs/weekly/")
    chart = manager.get_by_test_id("cost-chart")
    expect(chart.locator("canvas")).to_be_visible()
    expect(chart).to_have_attribute("data-ready", "1")
    table = manager.get_by_test_id("cost-table")
    expect(table.get_by_test_id("cost-row")).to_have_count(3)  # East (all), E1, E2
    expect(table.get_by_test_id("cost-row").first).to_contain_text("600.00")
    expect(table.get_by_test_id("cost-row").nth(1)).to_contain_text("480.00")

    # Narrowing to one team redraws through HTMX.
    manager.get_by_label("Org unit").select_option(value=str(org.units.e2.pk))
    expect(table.get_by_test_id("cost-row")).to_have_count(1)
    expect(manager.get_by_test_id("cost-table")).to_contain_text("120.00")
    expect(manager.get_by_test_id("cost-chart").locator("canvas")).to_be_visible()
    assert Decimal("600.00") == sum(e.amount for e in Expense.objects.filter(status="approved"))
