"""The permission matrix of the organisation: role × object type × verb × relation → outcome.

Each table below reads like the rulebook. Every row is checked through the API (real HTTP with
the persona's token) and, where a page offers the same action, through the pages. Lists, searches
and exports must contain exactly the permitted records. Each domain has its own matrix module
(test_matrix_*.py) declaring COVERED_RULES; test_rule_coverage.py fails while a registered rule
appears in none of them.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.org.models import Delegation, Employee, Position
from tests.conftest import build_personas
from tests.http import ApiClient

ALL = {
    "director",
    "admin",
    "finance",
    "manager",
    "supervisor",
    "rep",
    "teammate",
    "supervisor_e2",
    "rep_e2",
    "manager_n",
    "supervisor_n",
    "other_rep",
}
EAST = {"manager", "supervisor", "rep", "teammate", "supervisor_e2", "rep_e2"}

# Who sees which employees (list, search, export, detail, org chart).
VISIBLE_EMPLOYEES = {
    "rep": {"rep"},
    "supervisor": {"supervisor", "rep", "teammate"},
    "manager": EAST,
    "manager_n": {"manager_n", "supervisor_n", "other_rep"},
    "director": ALL,
    "admin": ALL,
    "finance": {"finance"},
    "outsider": set(),
}

# actor, employee, expected HTTP status of an edit (PATCH via API; GET of the edit page).
CHANGE_EMPLOYEE = [
    ("rep", "rep", 403),  # visible, but a rep edits nobody's job record, not even their own
    ("rep", "other_rep", 404),  # another team's rep does not exist for them
    ("rep", "teammate", 404),
    ("supervisor", "rep", 403),
    ("manager", "rep", 200),
    ("manager", "rep_e2", 200),
    ("manager", "manager", 403),  # never one's own level, position or manager
    ("manager", "other_rep", 404),
    ("manager_n", "rep", 404),
    ("director", "other_rep", 200),
    ("admin", "rep", 200),
    ("finance", "rep", 404),
]

# actor, unit code, expected status of adding an employee there.
CREATE_EMPLOYEE = [
    ("manager", "E2", 201),
    ("manager", "N1", 403),
    ("supervisor", "E1", 403),
    ("rep", "E1", 403),
    ("finance", "FIN", 403),
    ("director", "N1", 201),
    ("admin", "FIN", 201),
]

# actor, delegator, delegate, expected status of handing the delegator's work over.
DELEGATE_WORK = [
    ("supervisor", "rep", "teammate", 201),
    ("supervisor", "rep", "rep_e2", 404),  # rep_e2 is outside the supervisor's view
    ("manager", "rep", "rep_e2", 201),
    ("manager_n", "rep", "teammate", 404),
    ("rep", "rep", "teammate", 403),
    ("finance", "rep", "teammate", 403),
    ("director", "other_rep", "supervisor_n", 201),
]

# actor, expected status of revoking a delegation supervisor gave (rep → teammate).
REVOKE_DELEGATION = [
    ("rep", 403),  # they see their own delegation but may not end it
    ("supervisor_e2", 404),
    ("manager_n", 404),
    ("manager", 200),
]

# actor → expected status: configuring a position's data scope / reading the audit log / adding a unit.
CONFIGURE_POSITIONS = {"admin": 200, "director": 403, "manager": 403, "rep": 403, "finance": 403}
READ_AUDIT = {"admin": 200, "director": 403, "manager": 403, "supervisor": 403, "rep": 403, "finance": 403}
MANAGE_UNITS = {"admin": 201, "director": 201, "manager": 403, "supervisor": 403, "rep": 403}

COVERED_RULES = {
    "core.signed_in",
    "core.view_audit",
    "org.view_org",
    "org.change_employee",
    "org.create_employee",
    "org.manage_units",
    "org.configure_positions",
    "org.delegate_work",
    "org.revoke_delegation",
    "org.manage_own_tokens",
    "org.edit_own_profile",
}


@pytest.fixture
def world(transactional_db, live_server):
    personas = build_personas()
    users = {name: getattr(personas, name) for name in [*ALL, "outsider"]}
    return personas, users, {name: ApiClient.for_user(live_server, user) for name, user in users.items()}


def _employee(personas, name) -> Employee:
    return getattr(personas.employees, name)


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _usernames_in_csv(content: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return {row[2] for row in rows[1:]}


def test_lists_searches_exports_and_details_show_exactly_the_permitted_employees(world):
    personas, users, api = world
    failures = []
    for actor, expected in VISIBLE_EMPLOYEES.items():
        listed = {item["username"] for item in api[actor].all_items("/org/employees")}
        searched = {item["username"] for item in api[actor].all_items("/org/employees", q="rep")}
        page = _page_client(users[actor])
        exported = _usernames_in_csv(b"".join(page.get(reverse("org:employee_export")).streaming_content))
        html = page.get(reverse("org:employee_list")).content.decode()
        on_page = {name for name in ALL if f">{name.title()}</a>" in html}
        checks = {
            "api list": (listed, expected),
            "api search 'rep'": (searched, {n for n in expected if "rep" in n}),
            "csv export": (exported, expected),
            "list page": (on_page, expected),
        }
        failures += [
            f"{actor} {what}: got {sorted(got)}, want {sorted(want)}"
            for what, (got, want) in checks.items()
            if got != want
        ]
        for target in ALL:
            employee_id = _employee(personas, target).pk
            want = 200 if target in expected else 404
            got_api = api[actor].get(f"/org/employees/{employee_id}").status_code
            got_page = page.get(reverse("org:employee_detail", args=[employee_id])).status_code
            if (got_api, got_page) != (want, want):
                failures.append(f"{actor} views {target}: api {got_api}, page {got_page}, want {want}")
    assert not failures, "\n".join(failures)


def test_org_chart_structure_is_public_to_staff_but_people_are_scoped(world):
    _personas, users, _api = world
    for actor in ("rep", "manager", "director"):
        html = _page_client(users[actor]).get(reverse("org:chart")).content.decode()
        shown = {name for name in ALL if f">{name.title()} ·" in html}
        assert shown == VISIBLE_EMPLOYEES[actor], actor
        assert all(f'data-unit="{code}"' in html for code in ("HQ", "EAST", "NORTH", "E1", "E2", "N1", "FIN"))


def test_changing_employees(world):
    personas, users, api = world
    failures = []
    for actor, target, want in CHANGE_EMPLOYEE:
        employee = Employee.objects.get(pk=_employee(personas, target).pk)
        got_page = (
            _page_client(users[actor]).get(reverse("org:employee_edit", args=[employee.pk])).status_code
        )
        response = api[actor].patch(
            f"/org/employees/{employee.pk}", json={"version": employee.version, "phone": "13800000000"}
        )
        if (response.status_code, got_page) != (want, want):
            failures.append(
                f"{actor} edits {target}: api {response.status_code}, page {got_page}, want {want}"
            )
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "details"}
    assert not failures, "\n".join(failures)


def test_adding_employees(world):
    personas, _users, api = world
    failures = []
    for number, (actor, unit_code, want) in enumerate(CREATE_EMPLOYEE):
        unit = getattr(personas.units, unit_code.lower())
        response = api[actor].post(
            "/org/employees",
            json={
                "username": f"hire{number}",
                "full_name": f"Hire {number}",
                "password": "Quite-long-pass-99",
                "employee_no": f"H{number:03d}",
                "unit_id": unit.pk,
                "role": "rep",
                "hire_date": "2026-11-02",
            },
        )
        if response.status_code != want:
            failures.append(
                f"{actor} adds to {unit_code}: {response.status_code} {response.text[:120]}, want {want}"
            )
    assert not failures, "\n".join(failures)


def test_delegating_and_revoking_work(world):
    personas, users, api = world
    today = timezone.localdate()
    failures = []
    for actor, delegator, delegate, want in DELEGATE_WORK:
        Delegation.objects.all().delete()
        payload = {
            "delegator_id": _employee(personas, delegator).pk,
            "delegate_id": _employee(personas, delegate).pk,
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=3)),
            "reason": "leave",
        }
        response = api[actor].post("/org/delegations", json=payload)
        if response.status_code != want:
            failures.append(f"{actor} delegates {delegator}→{delegate}: {response.status_code}, want {want}")
    for actor, want in REVOKE_DELEGATION:
        Delegation.objects.all().delete()
        delegation = Delegation.objects.create(
            delegator=personas.employees.rep,
            delegate=personas.employees.teammate,
            granted_by=personas.employees.supervisor,
            starts_on=today,
            ends_on=today + timedelta(days=3),
            reason="x",
        )
        response = api[actor].post(f"/org/delegations/{delegation.pk}/revoke")
        page = _page_client(users[actor]).post(reverse("org:delegation_revoke", args=[delegation.pk]))
        page_status = 200 if page.status_code == 302 else page.status_code
        if response.status_code != want or (want != 200 and page_status != want):
            failures.append(
                f"{actor} revokes: api {response.status_code}, page {page.status_code}, want {want}"
            )
    assert not failures, "\n".join(failures)


def test_admin_only_and_director_level_actions(world):
    personas, users, api = world
    failures = []
    position = Position.objects.get(role="finance")
    for actor, want in CONFIGURE_POSITIONS.items():
        response = api[actor].patch(f"/org/positions/{position.pk}", json={"data_scope": "all"})
        if response.status_code != want:
            failures.append(f"{actor} configures positions: {response.status_code}, want {want}")
    for actor, want in READ_AUDIT.items():
        got_api = api[actor].get("/audit-events").status_code
        got_page = _page_client(users[actor]).get(reverse("audit_log")).status_code
        if (got_api, got_page) != (want, want):
            failures.append(f"{actor} reads the audit log: api {got_api}, page {got_page}, want {want}")
    for number, (actor, want) in enumerate(MANAGE_UNITS.items()):
        response = api[actor].post(
            "/org/units",
            json={
                "parent_id": personas.units.east.pk,
                "name": f"New {number}",
                "code": f"NEW{number}",
                "kind": "team",
            },
        )
        if response.status_code != want:
            failures.append(f"{actor} adds a unit: {response.status_code}, want {want}")
    assert not failures, "\n".join(failures)


def test_tokens_are_private_and_anonymous_calls_are_refused(world):
    _personas, _users, api = world
    mine = api["rep"].post("/me/tokens", json={"name": "mine"}).json()
    assert api["director"].delete(f"/me/tokens/{mine['id']}").status_code == 404
    assert {t["id"] for t in api["director"].get("/me/tokens").json()}.isdisjoint({mine["id"]})
    anonymous = ApiClient(api["rep"].base_url)
    for path in ("/me", "/org/employees", "/org/units", "/audit-events"):
        response = anonymous.get(path)
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated", path
