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
