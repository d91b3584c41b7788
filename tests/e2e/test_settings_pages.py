"""The pipeline and customer settings pages in a real browser: an admin changes a stage, adds one
and sees it on the board, is told why a stage with deals stays active, and changes a tier's pool
days; a rep is refused."""

import pytest
from playwright.sync_api import expect

from salesdesk.customers.models import TierPolicy
from salesdesk.pipeline.models import Stage
from tests.browser import login
from tests.pipeline import factories

pytestmark = pytest.mark.e2e


def test_admin_configures_the_pipeline_and_sees_it_on_the_board(page, live_server, personas):
    factories.deal(personas.rep, name="Pumps for Wuxi")  # one open deal at the first stage
    login(page, live_server, "admin", language="en")
    page.goto(f"{live_server.url}/pipeline/board/")
    page.get_by_test_id("pipeline-settings").click()
    expect(page).to_have_url(f"{live_server.url}/pipeline/settings/")

    # Change a stage's probability.
    needs = page.get_by_test_id("stage-needs")
    needs.get_by_label("Probability of Needs analysis").fill("35")
    needs.get_by_test_id("save-stage").click()
    expect(page.get_by_role("alert").filter(has_text="Stage Needs analysis was saved.")).to_be_visible()
    expect(page.get_by_test_id("stage-needs").get_by_label("Probability of Needs analysis")).to_have_value(
        "35"
    )

    # Add a stage after the second one; it appears on the board as a column in its place.
    form = page.get_by_test_id("new-stage-form")
    form.get_by_label("Name (Chinese)").fill("技术评审")
    form.get_by_label("English name").fill("Technical review")
    form.get_by_label("Probability (%)").fill("30")
    form.get_by_label("Forecast category").select_option("best_case")
    form.get_by_label("Place").select_option(label="Before Proposal")
    page.get_by_test_id("add-stage").click()
    expect(page.get_by_role("alert").filter(has_text="Stage Technical review was added.")).to_be_visible()
    expect(page.get_by_test_id("stage-technical_review")).to_be_visible()

    page.goto(f"{live_server.url}/pipeline/board/")
    column = page.get_by_test_id("column-technical_review")
    expect(column).to_be_visible()
    expect(column).to_contain_text("Technical review")
    expect(column).to_contain_text("30%")
    columns = page.get_by_test_id("board").locator("section[data-testid^=column-]")
    expect(columns).to_have_count(7)
    assert columns.nth(2).get_attribute("data-testid") == "column-technical_review"

    # A stage holding an open deal cannot be deactivated, and the page says how many sit there.
    page.goto(f"{live_server.url}/pipeline/settings/")
    page.get_by_test_id("stage-lead").get_by_test_id("deactivate-stage").click()
    alert = page.get_by_role("alert").filter(has_text="Open deals at Lead: 1.")
    expect(alert).to_be_visible()
    expect(page.get_by_test_id("stage-lead").get_by_test_id("stage-status")).to_have_text("Active")
    assert Stage.objects.get(company=personas.company, code="lead").is_active


def test_admin_changes_a_tiers_pool_days(page, live_server, personas):
    login(page, live_server, "admin", language="en")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("customer-settings").click()
    expect(page).to_have_url(f"{live_server.url}/customers/settings/")

    key = page.get_by_test_id("tier-key")
    key.get_by_test_id("pool_after_days").fill("45")
    key.get_by_test_id("save-tier").click()
    expect(
        page.get_by_role("alert").filter(has_text="The policy of tier Key (重点) was saved.")
    ).to_be_visible()
    expect(page.get_by_test_id("tier-key").get_by_test_id("pool_after_days")).to_have_value("45")
    assert TierPolicy.objects.get(company=personas.company, tier="key").pool_after_days == 45

    # Warning on the day it returns (or later) is refused with the reason next to the field.
    key = page.get_by_test_id("tier-key")
    key.get_by_test_id("warn_days_before").fill("45")
    key.get_by_test_id("save-tier").click()
    expect(page.get_by_test_id("tier-key")).to_contain_text(
        "warn fewer days before than the 45 days it takes"
    )
    assert TierPolicy.objects.get(company=personas.company, tier="key").warn_days_before == 7


def test_a_rep_is_refused_the_settings_pages(page, live_server, personas):
    login(page, live_server, "rep", language="en")
    for path in ("/pipeline/settings/", "/customers/settings/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 403
        expect(page.locator(".empty-header")).to_have_text("403")
    page.goto(f"{live_server.url}/pipeline/board/")
    expect(page.get_by_test_id("pipeline-settings")).to_have_count(0)
    page.goto(f"{live_server.url}/customers/")
    expect(page.get_by_test_id("customer-settings")).to_have_count(0)
