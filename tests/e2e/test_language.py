import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_language_switch_turns_the_pages_english_and_back(page, live_server, personas):
    login(page, live_server, "rep")
    html, switch = page.locator("html"), page.get_by_test_id("language-switch")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(switch).to_have_value("zh-hans")

    switch.select_option("en")

    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("language-switch")).to_have_value("en")
    assert page.url == f"{live_server.url}/"  # stays on the page it was switched on
    expect(page.locator("#navbar-menu .nav-link-title")).to_have_text(
        ["Home", "Org chart", "Employees", "Delegations"]
    )

    # The choice is a cookie: it holds on the next page too.
    page.locator("#navbar-menu").get_by_role("link", name="Employees").click()
    expect(page).to_have_url(f"{live_server.url}/org/employees/")
    expect(html).to_have_attribute("lang", "en")

    page.get_by_test_id("language-switch").select_option("zh-hans")

    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("language-switch")).to_have_value("zh-hans")
    expect(page).to_have_url(f"{live_server.url}/org/employees/")


def test_login_page_language_button_works_before_sign_in(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    html, button = page.locator("html"), page.get_by_test_id("login-language")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(button).to_have_text("English")

    button.click()

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_test_id("login-language")).to_have_text("简体中文")
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()

    # Signing in keeps the chosen language.
    login(page, live_server, "rep")
    expect(html).to_have_attribute("lang", "en")
