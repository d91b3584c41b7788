"""The metrics permission matrix: who may ask (every employee), and what each answer contains
(only figures inside the asker's data scope), checked over real HTTP with each persona's token."""

import pytest

from tests.conftest import build_personas
from tests.http import ApiClient
from tests.metrics import factories

COVERED_RULES = {"metrics.view"}

ROLES = [
    "director",
    "admin",
    "finance",
    "manager",
    "supervisor",
    "rep",
    "teammate",
    "rep_e2",
    "manager_n",
    "other_rep",
    "outsider",
]

# Who may query metrics at all (API and page).
MAY_QUERY = {role: 200 for role in ROLES} | {"outsider": 403}

# Employee rows each role gets for won_amount by employee over 2026 (people they may see who
# have won or been credited with deals).
EMPLOYEE_ROWS = {
    "rep": {"rep"},
    "teammate": {"teammate"},
    "rep_e2": {"rep_e2"},
    "other_rep": {"other_rep"},
    "supervisor": {"rep", "teammate"},
    "manager": {"rep", "teammate", "rep_e2"},
    "manager_n": {"other_rep"},
    "director": {"rep", "teammate", "rep_e2", "other_rep"},
    "admin": {"rep", "teammate", "rep_e2", "other_rep"},
    "finance": set(),
}

NORTH_CUSTOMER = "Northwind"


@pytest.fixture
def world(transactional_db, live_server):
    personas = build_personas()
    factories.sales_year(personas)
    return personas, {name: ApiClient.for_user(live_server, getattr(personas, name)) for name in ROLES}


def test_every_employee_may_query_metrics_and_outsiders_may_not(world):
    _personas, api = world
    for role, expected in MAY_QUERY.items():
        response = api[role].get("/metrics", params={"metric": "visits_done", "by": "unit", "period": "2026"})
        assert response.status_code == expected, (role, response.text)
        assert api[role].get("/metrics/definitions").status_code == expected, role


def test_employee_rows_are_exactly_the_people_in_scope(world):
    personas, api = world
    names = {getattr(personas, name).pk: name for name in EMPLOYEE_ROWS if hasattr(personas, name)}
    for role, expected in EMPLOYEE_ROWS.items():
        body = (
            api[role]
            .get("/metrics", params={"metric": "won_amount", "by": "employee", "period": "2026"})
            .json()
        )
        assert {names.get(row["key"], row["key"]) for row in body["rows"]} == expected, role


def test_another_regions_data_never_appears(world):
    personas, api = world
    north_people = {personas.other_rep.pk, personas.supervisor_n.pk, personas.manager_n.pk}
    north_units = {personas.units.north.pk, personas.units.n1.pk}
    for role in ["rep", "teammate", "supervisor", "manager", "rep_e2"]:
        for definition in api[role].get("/metrics/definitions").json():
            for by in definition["groupings"]:
                response = api[role].get(
                    "/metrics", params={"metric": definition["name"], "by": by, "period": "2026"}
                )
                assert response.status_code == 200, response.text
                rows = response.json()["rows"]
                keys = {row["key"] for row in rows}
                assert not keys & {"employee": north_people, "unit": north_units}.get(by, set()), (role, by)
                assert NORTH_CUSTOMER not in {row["label"] for row in rows}, (role, definition["name"], by)
    # and the North sees none of the East
    body = (
        api["manager_n"]
        .get("/metrics", params={"metric": "won_amount", "by": "unit", "period": "2026"})
        .json()
    )
    assert {row["key"] for row in body["rows"]} == {personas.units.hq.pk, *north_units}
