import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True}


def test_phone_shows_collapsed_menu_that_opens_on_tap(new_page, live_server, personas):
    page = login(new_page(**PHONE), live_server, "rep", language="en")
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#navbar-menu")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    expect(page.get_by_test_id("my-position")).to_have_text("Sales rep")
    expect(page.get_by_test_id("current-user")).to_be_hidden()  # the avatar stands in for the name

    toggler.tap()

    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu.locator("a.dropdown-toggle", has_text="Organisation").tap()
    expect(menu.get_by_role("link", name="Employees")).to_be_visible()
    menu.get_by_role("link", name="Employees").tap()
    expect(page).to_have_url(f"{live_server.url}/org/employees/")
    expect(page.get_by_test_id("employee-table")).to_be_visible()
