"""Personas (STYLE.md): one small company whose people cover every role and relation.

HQ ─ director, admin
├─ FIN ─ finance
├─ EAST (region) ─ manager
│   ├─ E1 (team) ─ supervisor; rep, teammate            (rep and teammate report to supervisor)
│   └─ E2 (team) ─ supervisor_e2; rep_e2                 (same region, other team)
└─ NORTH (region) ─ manager_n
    └─ N1 (team) ─ supervisor_n; other_rep               (another region's team)
outsider: can sign in, has no employee record
"""

import os
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _no_login_throttling(settings):
    settings.AXES_ENABLED = False


def build_personas():
    from salesdesk.org.services import ensure_positions
    from tests.org.factories import EmployeeFactory, OrgUnitFactory, UserFactory

    ensure_positions()
    hq = OrgUnitFactory(name="HQ", code="HQ", kind="company")
    company = hq.company
    fin = OrgUnitFactory(company=company, parent=hq, name="Finance", code="FIN", kind="department")
    east = OrgUnitFactory(company=company, parent=hq, name="East", code="EAST", kind="region")
    north = OrgUnitFactory(company=company, parent=hq, name="North", code="NORTH", kind="region")
    e1 = OrgUnitFactory(company=company, parent=east, name="E1", code="E1")
    e2 = OrgUnitFactory(company=company, parent=east, name="E2", code="E2")
    n1 = OrgUnitFactory(company=company, parent=north, name="N1", code="N1")

    def person(username, role, unit, manager=None):
        return EmployeeFactory.with_role(
            role, unit=unit, manager=manager, user=UserFactory(username=username, full_name=username.title())
        )

    director = person("director", "director", hq)
    admin = person("admin", "admin", hq, director)
    finance = person("finance", "finance", fin, director)
    manager = person("manager", "manager", east, director)
    supervisor = person("supervisor", "supervisor", e1, manager)
    rep = person("rep", "rep", e1, supervisor)
    teammate = person("teammate", "rep", e1, supervisor)
    supervisor_e2 = person("supervisor_e2", "supervisor", e2, manager)
    rep_e2 = person("rep_e2", "rep", e2, supervisor_e2)
    manager_n = person("manager_n", "manager", north, director)
    supervisor_n = person("supervisor_n", "supervisor", n1, manager_n)
    other_rep = person("other_rep", "rep", n1, supervisor_n)
    outsider = UserFactory(username="outsider", full_name="Outsider")
    employees = dict(
        director=director,
        admin=admin,
        finance=finance,
        manager=manager,
        supervisor=supervisor,
        rep=rep,
        teammate=teammate,
        supervisor_e2=supervisor_e2,
        rep_e2=rep_e2,
        manager_n=manager_n,
        supervisor_n=supervisor_n,
        other_rep=other_rep,
    )
    return SimpleNamespace(
        company=company,
        units=SimpleNamespace(hq=hq, fin=fin, east=east, north=north, e1=e1, e2=e2, n1=n1),
        employees=SimpleNamespace(**employees),
        outsider=outsider,
        **{name: employee.user for name, employee in employees.items()},
    )


@pytest.fixture
def org(db):
    return build_personas()


@pytest.fixture
def rep(org):
    return org.rep


@pytest.fixture
def other_rep(org):
    return org.other_rep


@pytest.fixture
def supervisor(org):
    return org.supervisor


@pytest.fixture
def manager(org):
    return org.manager


@pytest.fixture
def director(org):
    return org.director


@pytest.fixture
def finance(org):
    return org.finance


@pytest.fixture
def outsider(org):
    return org.outsider


# Browser fixtures, shared by tests/e2e and every app's test_browser.py (see tests/browser.py).


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def personas(transactional_db, settings):
    """The root conftest's personas, committed, so the live server's thread sees them.

    Their passwords are re-hashed with a fast hasher: a real PBKDF2 check costs ~0.5 s per sign-in,
    which over a few dozen sign-ins would be most of the run. The factories' cached PBKDF2 hash is
    left alone, so the other test suites are unaffected."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    from salesdesk.org.models import User
    from tests.org.factories import PASSWORD

    org = build_personas()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=MD5PasswordHasher().encode(PASSWORD, "e2e-salt"))
    return org


@pytest.fixture(scope="session")
def _urls_imported():
    """Import the URLconf (and with it the API's pydantic schemas) before a browser's first
    request: on a busy machine that import takes longer than the browser waits for a page."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture
def new_page(browser, live_server, _urls_imported):
    """Open a page in a new browser context (a second person at another desk)."""
    from tests.browser import DESKTOP, TIMEOUT_MS

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
