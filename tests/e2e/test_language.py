import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser import login

pytestmark = pytest.mark.e2e

REP_MENU = [
    "Home",
    "Customers",
    "Pipeline",
    "Orders",
    "Receivables",
    "Planning",
    "Budgets",
    "Organisation",
]  # the menu's top level


def in_chinese(texts: list[str]) -> list[str]:
    """What the zh-hans catalogue makes of ``texts``; each must really be translated."""
    with translation.override("zh-hans"):
        translated = [translation.gettext(text) for text in texts]
    assert not set(translated) & set(texts), "the zh-hans catalogue is not compiled"
    return translated


def test_language_switch_turns_the_pages_english_and_back(page, live_server, personas):
    login(page, live_server, "rep")
    html, switch = page.locator("html"), page.get_by_test_id("language-switch")
    menu = page.locator("#navbar-menu")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(switch).to_have_value("zh-hans")
    expect(menu.locator(".nav-link-title")).to_have_text(in_chinese(REP_MENU))

    switch.select_option("en")

    expect(html).to_have_attribute("lang", "en")
    expect(switch).to_have_value("en")
    expect(page).to_have_url(f"{live_server.url}/")  # stays on the page it was switched on
    expect(menu.locator(".nav-link-title")).to_have_text(REP_MENU)

    # The choice is remembered: it holds on the next page too.
    menu.locator("a.dropdown-toggle", has_text="Organisation").click()
    menu.get_by_role("link", name="Employees").click()
    expect(page).to_have_url(f"{live_server.url}/org/employees/")
    expect(html).to_have_attribute("lang", "en")

    switch.select_option("zh-hans")

    expect(html).to_have_attribute("lang", "zh-hans")
    expect(switch).to_have_value("zh-hans")
    expect(page).to_have_url(f"{live_server.url}/org/employees/")
    expect(menu.locator(".nav-link-title")).to_have_text(in_chinese(REP_MENU))


def test_login_page_language_button_works_before_sign_in(page, live_server, personas):
    page.goto(f"{live_server.url}/login/")
    html, button = page.locator("html"), page.get_by_test_id("login-language")
    sign_in = page.locator("form:has(#id_username) button[type=submit]")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(button).to_have_text("English")
    expect(sign_in).to_have_text(in_chinese(["Sign in"]))

    button.click()

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(button).to_have_text("简体中文")
    expect(sign_in).to_have_text("Sign in")

    # Signing in keeps the chosen language.
    login(page, live_server, "rep")
    expect(html).to_have_attribute("lang", "en")
