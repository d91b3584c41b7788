from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e


def employee_names(page):
    return page.get_by_test_id("employee-table").locator("tbody td:nth-child(2) a")


def test_supervisor_hands_reps_work_to_teammate_and_revokes_it(page, new_page, live_server, personas):
    today = timezone.localdate()  # the server's calendar day (Asia/Shanghai)
    supervisor = login(page, live_server, "supervisor", language="en")
    supervisor.goto(f"{live_server.url}/org/delegations/")
    supervisor.get_by_label("Work of", exact=True).select_option(label="Rep")
    supervisor.get_by_label("Hand to", exact=True).select_option(label="Teammate")
    supervisor.get_by_label("From", exact=True).fill(today.isoformat())
    supervisor.get_by_label("Until", exact=True).fill((today + timedelta(days=5)).isoformat())
    supervisor.get_by_label("Reason", exact=True).fill("Annual leave")
    supervisor.get_by_test_id("create-delegation").click()

    expect(supervisor).to_have_url(f"{live_server.url}/org/delegations/")
    row = supervisor.get_by_test_id("delegation-table").locator("tbody tr", has_text="Annual leave")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("Rep")
    expect(row.locator("td").nth(1)).to_have_text("Teammate")
    expect(row.locator("td").nth(4)).to_have_text("active")

    # The teammate now sees the rep's records, starting with the rep.
    teammate = login(new_page(), live_server, "teammate", language="en")
    teammate.goto(f"{live_server.url}/org/employees/")
    expect(employee_names(teammate)).to_have_text(["Rep", "Teammate"])

    # The rep is told where their work is.
    rep = login(new_page(), live_server, "rep", language="en")
    handed_over = rep.locator(".card", has=rep.get_by_role("heading", name="Work handed over"))
    expect(handed_over.locator("li")).to_have_count(1)
    expect(handed_over.locator("li")).to_contain_text("Rep's work is with Teammate")
    expect(handed_over.locator("li")).to_contain_text("Annual leave")

    row.get_by_role("button", name="Revoke").click()

    expect(supervisor.get_by_role("alert").filter(has_text="The delegation was revoked")).to_be_visible()
    row = supervisor.get_by_test_id("delegation-table").locator("tbody tr", has_text="Annual leave")
    expect(row.locator("td").nth(4)).to_have_text("revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)

    teammate.reload()
    expect(employee_names(teammate)).to_have_text(["Teammate"])
    rep.reload()
    expect(handed_over.locator("li")).to_have_count(0)
