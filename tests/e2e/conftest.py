"""Browser tests: a real Chromium (Debian's, never a downloaded one) against pytest-django's live_server.

One browser for the whole run; every test gets fresh contexts, so cookies, sessions and the
language choice never leak from one test into the next. The browser sends Accept-Language zh-CN
like the sales team's own machines, so pages start in 简体中文 (zh-hans), the product default.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from playwright.sync_api import Page, expect, sync_playwright

from salesdesk.org.models import User
from tests.conftest import build_personas
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


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def personas(transactional_db, settings):
    """The root conftest's personas, committed, so the live server's thread sees them.

    Their passwords are re-hashed with a fast hasher: a real PBKDF2 check costs ~0.5 s per sign-in,
    which over a few dozen sign-ins would be most of the run. The factories' cached PBKDF2 hash is
    left alone, so the other test suites are unaffected."""
    org = build_personas()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=MD5PasswordHasher().encode(PASSWORD, "e2e-salt"))
    return org


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a new browser context (a second person at another desk)."""
    contexts = []

    def open_page(**context_options) -> Page:
        options = {"base_url": live_server.url, "locale": "zh-CN", "viewport": DESKTOP, **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


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
