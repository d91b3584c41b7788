import csv

import pytest
from playwright.sync_api import expect

from salesdesk.org.models import Employee
from tests.browser import login

pytestmark = pytest.mark.e2e

# Everyone in the manager's region EAST (E1 and E2), in employee-number order; nobody from HQ,
# Finance or the North region.
EAST = ["Manager", "Supervisor", "Rep", "Teammate", "Supervisor_E2", "Rep_E2"]


def shown_names(page):
    return page.locator("#employee-rows").get_by_test_id("employee-table").locator("tbody td:nth-child(2) a")


def filter_by(page, live_server, action):
    """Change a filter and wait for HTMX to swap in the new rows."""
    with page.expect_response(
        lambda r: (
            r.url.startswith(f"{live_server.url}/org/employees/?") and r.request.headers.get("hx-request")
        )
    ) as response:
        action()
    assert response.value.status == 200


def csv_names(download) -> list[str]:
    with open(download.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return [row[header.index("Full name")] for row in body]


def test_manager_filters_within_their_region_only(page, live_server, personas):
    Employee.objects.filter(pk=personas.employees.rep.pk).update(level="senior")
    login(page, live_server, "manager", language="en")
    page.goto(f"{live_server.url}/org/employees/")
    expect(shown_names(page)).to_have_text(EAST)

    filter_by(page, live_server, lambda: page.get_by_label("Level").select_option("senior"))
    expect(shown_names(page)).to_have_text(["Rep"])
    expect(page).to_have_url(f"{live_server.url}/org/employees/?q=&unit=&role=&level=senior&status=")

    filter_by(page, live_server, lambda: page.get_by_label("Level").select_option(""))
    filter_by(page, live_server, lambda: page.get_by_label("Org unit").select_option(label="E2"))
    expect(shown_names(page)).to_have_text(["Supervisor_E2", "Rep_E2"])

    # A unit outside the region is offered (the structure is public) but shows none of its people.
    filter_by(page, live_server, lambda: page.get_by_label("Org unit").select_option(label="North"))
    expect(page.get_by_test_id("employee-table").locator("tbody")).to_contain_text("No employees match.")

    filter_by(page, live_server, lambda: page.get_by_label("Org unit").select_option(""))
    # "rep" also matches other_rep's user name: the search never reaches beyond the scope.
    filter_by(page, live_server, lambda: page.get_by_label("Search").press_sequentially("rep"))
    expect(shown_names(page)).to_have_text(["Rep", "Rep_E2"])
    expect(page.get_by_text("Other_Rep")).to_have_count(0)


def test_export_csv_holds_exactly_the_managers_people_and_respects_the_filter(page, live_server, personas):
    login(page, live_server, "manager", language="en")
    page.goto(f"{live_server.url}/org/employees/")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()

    assert download.value.suggested_filename == "employees.csv"
    assert csv_names(download.value) == EAST

    # Opened with a filter in the address, the page and its export agree.
    page.goto(f"{live_server.url}/org/employees/?q=rep")
    expect(shown_names(page)).to_have_text(["Rep", "Rep_E2"])
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()

    assert csv_names(download.value) == ["Rep", "Rep_E2"]


def test_export_csv_after_filtering_holds_the_rows_on_screen(page, live_server, personas):
    login(page, live_server, "manager", language="en")
    page.goto(f"{live_server.url}/org/employees/")
    filter_by(page, live_server, lambda: page.get_by_label("Search").press_sequentially("rep"))
    expect(shown_names(page)).to_have_text(["Rep", "Rep_E2"])

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()

    assert csv_names(download.value) == ["Rep", "Rep_E2"]
