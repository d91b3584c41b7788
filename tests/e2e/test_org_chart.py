import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e


def expect_open(details, is_open: bool = True) -> None:
    expect(details).to_have_js_property("open", is_open)


def test_rep_opens_and_closes_units_and_sees_only_themself(page, live_server, personas):
    login(page, live_server, "rep")
    page.goto(f"{live_server.url}/org/chart/")
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_be_visible()

    # The whole structure is there (how the company is organised is no secret) ...
    codes = ("HQ", "FIN", "EAST", "E1", "E2", "NORTH", "N1")
    unit = {code: tree.locator(f'details[data-unit="{code}"]') for code in codes}
    for details in unit.values():
        expect(details).to_have_count(1)
    hq, east, e1, north, n1 = unit["HQ"], unit["EAST"], unit["E1"], unit["NORTH"], unit["N1"]
    expect_open(hq)
    expect_open(east, False)
    expect_open(e1, False)

    east.locator(":scope > summary").click()
    expect_open(east)
    e1.locator(":scope > summary").click()
    expect_open(e1)
    own_link = e1.locator(":scope > div > a.member")
    expect(own_link).to_be_visible()
    expect(own_link).to_have_count(1)
    expect(own_link).to_contain_text("Rep")
    assert own_link.get_attribute("href") == f"/org/employees/{personas.employees.rep.pk}/"

    # ... but of its people the rep sees only themself, wherever they look.
    north.locator(":scope > summary").click()
    n1.locator(":scope > summary").click()
    expect_open(n1)
    expect(n1.locator("a.member")).to_have_count(0)
    expect(tree.locator("a.member")).to_have_count(1)

    east.locator(":scope > summary").click()
    expect_open(east, False)
    expect(own_link).to_be_hidden()


def test_director_expands_all_and_opens_another_regions_rep(page, live_server, personas):
    login(page, live_server, "director", language="en")
    page.goto(f"{live_server.url}/org/chart/")
    tree = page.get_by_test_id("org-tree")
    other_rep = tree.locator('details[data-unit="N1"] a.member', has_text="Other_Rep")
    expect(other_rep).to_be_hidden()

    page.get_by_role("button", name="Expand all").click()

    for details in tree.locator("details").all():
        expect_open(details)
    expect(other_rep).to_be_visible()
    expect(tree.locator("a.member")).to_have_count(12)  # the director sees everyone

    other_rep.click()

    expect(page).to_have_url(f"{live_server.url}/org/employees/{personas.employees.other_rep.pk}/")
    expect(page.locator(".page-title")).to_contain_text("Other_Rep")
    expect(page.get_by_test_id("history-panel")).to_be_visible()

    page.go_back()
    page.get_by_role("button", name="Collapse all").click()
    for details in page.get_by_test_id("org-tree").locator("details").all():
        expect_open(details, False)
