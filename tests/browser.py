"""Browser tests: a real Chromium (Debian's, never a downloaded one) against pytest-django's live_server.

The fixtures (playwright, browser, personas, new_page, page) live in tests/conftest.py so that
every app's browser tests share one browser; this module holds the settings and the sign-in
helper. One browser for the whole run; every test gets fresh contexts, so cookies, sessions and the
language choice never leak from one test into the next. The browser sends Accept-Language zh-CN
like the sales team's own machines, so pages start in 简体中文 (zh-hans), the product default.
"""

from django.conf import settings
from playwright.sync_api import Page, expect

from tests.org.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}  # wide enough for Tabler's xl breakpoint (the user name shows)

expect.set_options(timeout=TIMEOUT_MS)


def login(
    page: Page, live_server, username: str, *, password: str = PASSWORD, language: str | None = None
) -> Page:
    """Sign in through the login form and wait for the home page.

    ``language`` presets the same cookie the language switch sets, for tests that read English
    text (the language switch itself is tested in test_language.py)."""
    if language:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_test_id("current-user")).to_be_attached()  # shown only from the xl breakpoint up
    return page
