import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e

EVERYONE = ["/", "/org/chart/", "/org/employees/", "/org/delegations/"]
ADMIN_ONLY = ["/org/positions/", "/audit/"]


@pytest.mark.parametrize("username", ["director", "manager", "supervisor", "rep", "finance", "admin"])
def test_each_role_lands_on_home_with_its_name_and_only_its_menu(page, live_server, personas, username):
    login(page, live_server, username, language="en")

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text(username.title())
    links = page.locator("#navbar-menu a[href^='/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert set(EVERYONE) <= hrefs
    if username == "admin":
        assert set(ADMIN_ONLY) <= hrefs
    else:
        assert not set(ADMIN_ONLY) & hrefs
    # The menu's groups open on click and lead to their pages.
    page.locator("#navbar-menu").get_by_role("button", name="Organisation").or_(
        page.locator("#navbar-menu a.dropdown-toggle", has_text="Organisation")
    ).click()
    page.locator("#navbar-menu").get_by_role("link", name="Employees").click()
    expect(page).to_have_url(f"{live_server.url}/org/employees/")


def test_wrong_password_shows_error_and_stays_on_login(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("rep")
    page.locator("#id_password").fill("not-the-password")
    page.locator("form:has(#id_username) button[type=submit]").click()

    expect(page.get_by_test_id("login-error")).to_be_visible()
    assert page.url == f"{live_server.url}/login/"
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value("rep")
