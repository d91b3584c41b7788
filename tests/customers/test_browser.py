"""In the browser: create a customer, log a visit, claim from the pool, export the list."""

import csv

import pytest
from playwright.sync_api import expect

from salesdesk.customers.models import Customer, Visit

# The browser fixtures live in tests/e2e/conftest.py; importing them makes them available here.
from tests.browser import login
from tests.customers.factories import pooled

pytestmark = pytest.mark.e2e


def test_a_rep_creates_a_customer_logs_a_visit_claims_from_the_pool_and_exports(
    page,
    live_server,
    personas,
):
    pooled(personas.company, name="Pool Trading Co")
    login(page, live_server, "rep", language="en")

    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("new-customer").click()
    page.get_by_label("Name", exact=True).fill("Jiangnan Instruments")
    page.get_by_label("Tier").select_option("key")
    page.get_by_label("Legal representative").fill("Zhang Wei")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("heading", name="Jiangnan Instruments")).to_be_visible()
    expect(page.get_by_test_id("customer-owner")).to_have_text("Rep")

    page.get_by_test_id("plan-visit").click()
    page.get_by_label("Purpose").fill("Product demo")
    page.get_by_test_id("save").click()
    page.get_by_test_id("complete-visit").click()
    page.get_by_label("Outcome").fill("Asked for a quote")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("visit-table")).to_contain_text("Asked for a quote")
    assert Visit.objects.get(customer__name="Jiangnan Instruments").status == "done"

    page.goto(f"{live_server.url}/customers/pool/")
    page.get_by_test_id("claim").click()
    expect(page.get_by_role("heading", name="Pool Trading Co")).to_be_visible()
    assert Customer.objects.get(name="Pool Trading Co").owner == personas.rep

    page.goto(f"{live_server.url}/customers/")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        names = sorted(row[1] for row in list(csv.reader(f))[1:])
    assert names == ["Jiangnan Instruments", "Pool Trading Co"]
