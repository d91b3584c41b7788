import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

EVERYONE = ["/", "/org/chart/", "/org/employees/", "/org/delegations/"]
ADMIN_ONLY = ["/org/positions/", "/audit/"]


@pytest.mark.parametrize(
    ("username", "menu"),
    [
        ("director", EVERYONE),
        ("manager", EVERYONE),
        ("supervisor", EVERYONE),
        ("rep", EVERYONE),
        ("finance", EVERYONE),
        ("admin", EVERYONE + ADMIN_ONLY),
    ],
)
def test_each_role_lands_on_home_with_its_name_and_only_its_menu(page, live_server, personas, username, menu):
    login(page, live_server, username)

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_test_id("current-user")).to_have_text(username.title())
    links = page.locator("#navbar-menu a.nav-link")
    expect(links).to_have_count(len(menu))
    assert [links.nth(i).get_attribute("href") for i in range(len(menu))] == menu


def test_admin_menu_names_positions_and_audit_log(page, live_server, personas):
    login(page, live_server, "admin", language="en")

    menu = page.locator("#navbar-menu")
    expect(menu.get_by_role("link", name="Positions & scopes")).to_have_attribute("href", "/org/positions/")
    expect(menu.get_by_role("link", name="Audit log")).to_have_attribute("href", "/audit/")


def test_rep_menu_has_no_positions_or_audit_log(page, live_server, personas):
    login(page, live_server, "rep", language="en")

    menu = page.locator("#navbar-menu")
    expect(menu.get_by_role("link", name="Employees")).to_be_visible()
    expect(menu.get_by_role("link", name="Positions & scopes")).to_have_count(0)
    expect(menu.get_by_role("link", name="Audit log")).to_have_count(0)


def test_wrong_password_shows_error_and_stays_on_login(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("rep")
    page.locator("#id_password").fill("not-the-password")
    page.locator("form:has(#id_username) button[type=submit]").click()

    expect(page.get_by_test_id("login-error")).to_be_visible()
    assert page.url == f"{live_server.url}/login/"
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value("rep")
