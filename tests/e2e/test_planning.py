"""Planning in a real browser: a year's target split down the tree in the grid with the keyboard,
a rep's own number reconciled in the supervisor's grid, an adjustment of the active plan
approved, and attainment moving when a deal is won."""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from salesdesk.planning import services
from salesdesk.planning.models import AdjustmentStatus, Target
from tests.browser import login
from tests.planning import factories

pytestmark = pytest.mark.e2e

SLOW_MS = 60_000  # a row of cells saved one after another on a busy machine


def _plan_with_year(org):
    plan = factories.plan(org.director, org.company)
    factories.company_target(org.director, plan, org.units.hq)  # 960k / 1.2M / 1.44M
    return plan


def _split_down(org, plan) -> dict[str, Target]:
    """Company → regions → teams → reps, equal shares (600k, 300k, 150k)."""
    top = Target.objects.get(plan=plan, owner_unit=org.units.hq)
    services.split_target(
        acting_user=org.director, target=top, expected_version=top.version, into="units", method="equal"
    )
    east = Target.objects.get(plan=plan, owner_unit=org.units.east)
    services.split_target(
        acting_user=org.manager, target=east, expected_version=east.version, into="units", method="equal"
    )
    e1 = Target.objects.get(plan=plan, owner_unit=org.units.e1)
    services.split_target(
        acting_user=org.supervisor, target=e1, expected_version=e1.version, into="units", method="equal"
    )
    return {
        "east": east,
        "e1": e1,
        "rep": Target.objects.get(plan=plan, owner_user=org.rep, period_key="2026"),
    }


def _open_grid_from_plan(page: Page, live_server, plan, owner: str) -> None:
    page.goto(f"{live_server.url}/planning/{plan.pk}/")
    page.get_by_test_id(f"top-{owner}").get_by_test_id("open-grid").click()
    expect(page.get_by_test_id("grid-node")).to_have_text(owner)


def _split(page: Page, into: str, method: str, parts: dict[str, str] | None = None) -> None:
    panel = page.get_by_test_id("split-panel")
    panel.get_by_test_id("split-into").select_option(into)
    panel.get_by_test_id("split-method").select_option(method)
    for owner, amount in (parts or {}).items():
        page.get_by_test_id(f"part-{owner}").fill(amount)
    panel.get_by_test_id("split").click()


def _type_cells(page: Page, values: list[str], last_key: str = "Tab") -> None:
    """Type into the focused cell and the ones after it: each value, then Tab (Enter at the end)."""
    for index, value in enumerate(values):
        page.keyboard.type(value)
        page.keyboard.press(last_key if index == len(values) - 1 else "Tab")


# Twelve months of a rep's 150,000: eleven of 12,000 and a December of 18,000.
REP_MONTHS = ["12000"] * 11 + ["18000"]
TEAMMATE_MONTHS = ["10000"] * 6 + ["15000"] * 6


@pytest.mark.parametrize(
    ("language", "number"),
    [("en", lambda n: f"{n:,}"), ("zh-hans", lambda n: f"{n}")],  # zh-Hans groups no digits
    ids=["en", "zh-hans"],
)
def test_the_year_is_split_down_the_tree_and_over_the_months_with_the_keyboard(
    new_page, live_server, personas, language, number
):
    org = personas
    plan = _plan_with_year(org)

    # The director splits the company's year equally between the selling regions.
    page = login(new_page(), live_server, "director", language=language)
    _open_grid_from_plan(page, live_server, plan, "HQ")
    _split(page, "units", "equal")
    expect(page.get_by_test_id("cell-East-2026")).to_have_value("600000")
    expect(page.get_by_test_id("cell-North-2026")).to_have_value("600000")
    expect(page.get_by_test_id("total-number")).to_have_text(number(1200000))
    expect(page.get_by_test_id("unallocated")).to_have_text("0")
    if language == "zh-hans":
        expect(page.get_by_role("heading", level=2)).to_contain_text("赢单金额")  # Won amount

    # East's manager splits the region by the amounts typed per team.
    page = login(new_page(), live_server, "manager", language=language)
    _open_grid_from_plan(page, live_server, plan, "East")
    expect(page.get_by_test_id("cell-East-2026")).to_have_text(number(600000))  # their own: read only
    page.get_by_test_id("split-method").select_option("manual")
    page.get_by_test_id("part-E1").click()
    page.keyboard.type("350000")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("part-E2")).to_be_focused()
    page.keyboard.type("250000")
    page.keyboard.press("Enter")  # submits the split form
    expect(page.get_by_test_id("cell-E1-2026")).to_have_value("350000")
    expect(page.get_by_test_id("cell-E2-2026")).to_have_value("250000")
    expect(page.get_by_test_id("unallocated")).to_have_text("0")

    # E1's supervisor splits the team equally to the reps, then types each rep's months.
    page = login(new_page(), live_server, "supervisor", language=language)
    _open_grid_from_plan(page, live_server, plan, "E1")
    _split(page, "units", "equal")
    expect(page.get_by_test_id("cell-Rep-2026")).to_have_value("175000")
    # Make it 150,000 / 200,000: the number cell, Enter saves and moves down to the teammate.
    page.get_by_test_id("cell-Rep-2026").click()
    page.keyboard.type("150000")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-Teammate-2026")).to_be_focused()
    page.keyboard.type("200000")
    page.keyboard.press("ArrowUp")  # leaving the cell saves it too
    expect(page.get_by_test_id("cell-Rep-2026")).to_be_focused()
    expect(page.get_by_test_id("total-number")).to_have_text(number(350000), timeout=SLOW_MS)
    expect(page.get_by_test_id("unallocated")).to_have_text("0")

    page.keyboard.press("ArrowRight")  # the whole number is selected: move to January
    expect(page.get_by_test_id("cell-Rep-2026-01")).to_be_focused()
    _type_cells(page, REP_MONTHS)  # Tab through the year; the last Tab lands on the teammate's row
    expect(page.get_by_test_id("cell-Teammate-2026")).to_be_focused()
    page.keyboard.press("ArrowRight")
    _type_cells(page, TEAMMATE_MONTHS, last_key="Enter")

    rep_row, teammate_row = page.get_by_test_id("row-Rep"), page.get_by_test_id("row-Teammate")
    expect(rep_row.get_by_test_id("months-total")).to_have_text(number(150000), timeout=SLOW_MS)
    expect(teammate_row.get_by_test_id("months-total")).to_have_text(number(150000), timeout=SLOW_MS)
    expect(rep_row.get_by_test_id("unsplit")).to_have_text("0")
    expect(teammate_row.get_by_test_id("unsplit")).to_have_text(number(50000))  # 200k − 150k typed
    expect(page.get_by_test_id("total-months")).to_have_text(number(300000), timeout=SLOW_MS)
    expect(page.get_by_test_id("total-12")).to_have_text(number(33000))  # 18,000 + 15,000
    expect(page.get_by_test_id("unallocated")).to_have_text("0")

    # After a reload the grid still adds up: every cell was saved.
    page.reload()
    expect(page.get_by_test_id("cell-Rep-2026-12")).to_have_value("18000")
    expect(page.get_by_test_id("total-months")).to_have_text(number(300000))
    rep_months = Target.objects.filter(plan=plan, owner_user=org.rep).exclude(period_key="2026")
    assert sum(t.goal for t in rep_months) == Decimal("150000")


def test_a_reps_number_shows_as_a_gap_in_the_supervisors_grid_and_is_accepted(
    new_page, live_server, personas
):
    org = personas
    plan = _plan_with_year(org)
    _split_down(org, plan)

    page = login(new_page(), live_server, "rep", language="en")
    page.goto(f"{live_server.url}/planning/my-numbers/")
    row = page.get_by_test_id("mine-2026-won_amount")
    expect(row).to_contain_text("150,000")
    row.get_by_test_id("amount").fill("120000")
    row.get_by_test_id("note").fill("Two renewals, one new dealer")
    row.get_by_test_id("propose").click()
    expect(page.get_by_role("alert").filter(has_text="Your number for 2026 was sent.")).to_be_visible()
    expect(page.get_by_test_id("mine-2026-won_amount").get_by_test_id("my-proposal")).to_have_text("120,000")

    page = login(new_page(), live_server, "supervisor", language="en")
    _open_grid_from_plan(page, live_server, plan, "E1")
    rep_row = page.get_by_test_id("row-Rep")
    expect(rep_row.get_by_test_id("bottom-up-amount")).to_have_text("120,000")
    expect(rep_row.get_by_test_id("gap")).to_have_text("30,000")
    expect(rep_row.get_by_test_id("gap")).to_have_class(re.compile("text-danger"))
    expect(rep_row).to_contain_text("Two renewals, one new dealer")
    # The team's own row sums the proposals below it.
    expect(page.get_by_test_id("row-E1").get_by_test_id("bottom-up-amount")).to_have_text("120,000")
    rep_row.get_by_test_id("accept-proposal").click()
    expect(page.get_by_role("alert").filter(has_text="The proposal of Rep was accepted.")).to_be_visible()
    expect(page.get_by_test_id("cell-Rep-2026")).to_have_value("120000")
    expect(page.get_by_test_id("row-Rep").get_by_test_id("gap")).to_have_text("0")
    expect(page.get_by_test_id("unallocated")).to_have_text("30,000")


def test_an_adjustment_of_the_active_plan_is_requested_and_approved(new_page, live_server, personas):
    org = personas
    plan = _plan_with_year(org)
    targets = _split_down(org, plan)
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)

    page = login(new_page(), live_server, "manager", language="en")
    page.goto(f"{live_server.url}/planning/{plan.pk}/")
    page.get_by_test_id("top-East").get_by_role("link", name="East").click()
    expect(page.get_by_test_id("goal")).to_have_text("600,000")
    form = page.get_by_test_id("adjustment-form")
    form.get_by_test_id("level-goal").fill("700000")
    form.get_by_test_id("level-stretch").fill("840000")
    form.get_by_test_id("reason").fill("Two new distributors signed in June")
    form.get_by_test_id("effective-from").fill("2026-07-01")
    form.get_by_test_id("request-adjustment").click()
    expect(page.get_by_role("alert").filter(has_text="Your change was sent for approval.")).to_be_visible()
    expect(page.get_by_test_id("adjustment-table")).to_contain_text("Awaiting approval")

    page = login(new_page(), live_server, "director", language="en")
    page.goto(f"{live_server.url}/planning/adjustments/inbox/")
    row = page.get_by_test_id("inbox-table").locator("tr", has_text="Two new distributors signed in June")
    row.get_by_test_id("note").fill("Agreed at the June review")
    row.get_by_test_id("approve").click()
    expect(page.get_by_role("alert").filter(has_text="was approved")).to_be_visible()
    expect(page.get_by_test_id("inbox-table")).to_contain_text("Nothing waits for your approval.")

    page.goto(f"{live_server.url}/planning/targets/{targets['east'].pk}/")
    expect(page.get_by_test_id("goal")).to_have_text("700,000")
    adjustments = page.get_by_test_id("adjustment-table")
    expect(adjustments).to_contain_text("Approved")
    expect(adjustments).to_contain_text("Agreed at the June review")
    history = page.get_by_test_id("history-panel")
    expect(history).to_contain_text("600000.00 → 700000.00")
    east = Target.objects.get(pk=targets["east"].pk)
    assert east.adjustments.get(cascaded_from=None).status == AdjustmentStatus.APPROVED
    assert sum(t.goal for t in Target.objects.filter(parent=east)) == Decimal("700000")


def test_attainment_moves_when_a_deal_is_won(new_page, live_server, personas):
    from tests.metrics import factories as deals

    org = personas
    plan = _plan_with_year(org)
    _split_down(org, plan)
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)

    page = login(new_page(), live_server, "supervisor", language="en")
    page.goto(f"{live_server.url}/planning/attainment/")
    page.get_by_test_id("period-select").select_option("2026")
    rep_row = page.get_by_test_id("attainment-Rep")
    expect(rep_row.get_by_test_id("actual")).to_have_text("0")
    expect(rep_row.get_by_test_id("done-percent")).to_have_text("0.0%")
    expect(rep_row.get_by_test_id("pace")).to_have_text("Behind")
    expect(rep_row.get_by_test_id("write-action-plan")).to_be_visible()
    expect(page.get_by_test_id("attainment-chart").locator("canvas")).to_have_count(1)

    deals.deal(org.rep, deals.stages(org.company)["won"], amount=60000, closed_on=date(2026, 11, 10))
    page.reload()
    rep_row = page.get_by_test_id("attainment-Rep")
    expect(rep_row.get_by_test_id("actual")).to_have_text("60,000")
    expect(rep_row.get_by_test_id("done-percent")).to_have_text("40.0%")
    expect(rep_row.get_by_test_id("gap")).to_have_text("90,000")
    expect(page.get_by_test_id("attainment-Teammate").get_by_test_id("actual")).to_have_text("0")


def test_a_product_lines_unit_target_is_set_and_split_from_the_plan_page(new_page, live_server, personas):
    from tests.metrics.factories import product

    org = personas
    product(org.company, series="机床")
    product(org.company, series="机器人")
    plan = factories.plan(org.director, org.company)

    page = login(new_page(), live_server, "director", language="en")
    page.goto(f"{live_server.url}/planning/{plan.pk}/")
    page.locator("#id_owner").select_option(f"unit:{org.units.hq.pk}")
    page.locator("#id_metric").select_option("quantity_sold")
    for level, value in (("floor", "80"), ("goal", "100"), ("stretch", "120")):
        page.locator(f"#id_{level}").fill(value)
    page.get_by_test_id("add-target").click()
    # Units of every line do not add up: the page asks for the series.
    expect(page.locator("#id_product_series ~ .invalid-feedback")).to_contain_text("one product series")
    assert not Target.objects.filter(plan=plan).exists()

    page.locator("#id_product_series").select_option("机床")
    page.get_by_test_id("add-target").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Quantity sold · 机床")
    _split(page, "units", "equal")
    expect(page.get_by_test_id("cell-East-2026")).to_have_value("50")
    expect(page.get_by_test_id("cell-North-2026")).to_have_value("50")
    expect(page.get_by_test_id("unallocated")).to_have_text("0")
    assert set(Target.objects.filter(plan=plan).values_list("product_series", flat=True)) == {"机床"}
