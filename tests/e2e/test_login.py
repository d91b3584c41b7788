import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

EVERYONE = [
    ("Home", "/"),
    ("Org chart", "/org/chart/"),
    ("Employees", "/org/employees/"),
    ("Delegations", "/org/delegations/"),
]
ADMIN_ONLY = [("Positions & scopes", "/org/positions/"), ("Audit log", "/audit/")]


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
    login(page, live_server, username, language="en")

    assert page.url == f"{live_server.url}/"
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text(username.title())
    links = page.locator("#navbar-menu a.nav-link")
    expect(links).to_have_text([label for label, _url in menu])
    assert [links.nth(i).get_attribute("href") for i in range(len(menu))] == [url for _label, url in menu]


def test_wrong_password_shows_error_and_stays_on_login(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("rep")
    page.locator("#id_password").fill("not-the-password")
    page.locator("form:has(#id_username) button[type=submit]").click()

    expect(page.get_by_test_id("login-error")).to_be_visible()
    assert page.url == f"{live_server.url}/login/"
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value("rep")
