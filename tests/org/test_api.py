"""The organisation API over real HTTP: shapes, errors, versions, pagination."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salesdesk.org.models import Employee
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.org.factories import EmployeeFactory


@pytest.fixture
def personas(transactional_db):
    return build_personas()


@pytest.fixture
def manager_api(personas, live_server):
    return ApiClient.for_user(live_server, personas.manager)


def test_employee_list_pages_without_a_total(personas, manager_api):
    first = manager_api.get("/org/employees", params={"page_size": 4}).json()
    second = manager_api.get("/org/employees", params={"page_size": 4, "page": 2}).json()
    assert (len(first["items"]), first["has_next"]) == (4, True)
    assert (len(second["items"]), second["has_next"]) == (2, False)
    assert "count" not in first and "total" not in first
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert len(set(ids)) == 6


def test_employee_list_filters(personas, manager_api):
    by_role = manager_api.get("/org/employees", params={"role": "supervisor"}).json()["items"]
    assert {e["username"] for e in by_role} == {"supervisor", "supervisor_e2"}
    by_unit = manager_api.get("/org/employees", params={"unit": personas.units.e2.pk}).json()["items"]
    assert {e["username"] for e in by_unit} == {"supervisor_e2", "rep_e2"}


def test_invalid_input_answers_422_with_the_fields_named(personas, manager_api):
    rep = personas.employees.rep
    response = manager_api.patch(
        f"/org/employees/{rep.pk}", json={"version": 1, "level": "guru", "hire_date": "soon"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {d["field"] for d in body["details"]} >= {"payload.level", "payload.hire_date"}
    assert "Traceback" not in response.text


def test_business_rule_violations_answer_422_in_the_error_schema(personas, manager_api):
    rep = personas.employees.rep
    response = manager_api.patch(f"/org/employees/{rep.pk}", json={"version": 1, "status": "left"})
    assert response.status_code == 422
    assert response.json()["code"] == "business_rule"
    assert response.json()["details"]["fields"].keys() == {"left_on"}


def test_a_stale_version_answers_409_and_says_who_changed_it(personas, manager_api, live_server):
    rep = personas.employees.rep
    director_api = ApiClient.for_user(live_server, personas.director)
    assert (
        director_api.patch(f"/org/employees/{rep.pk}", json={"version": 1, "level": "growing"}).status_code
        == 200
    )
    response = manager_api.patch(f"/org/employees/{rep.pk}", json={"version": 1, "level": "senior"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and body["details"]["changed_by"] == "Director"
    assert "Director" in body["message"]
    assert Employee.objects.get(pk=rep.pk).level == "growing"


def test_the_api_speaks_the_callers_language(personas, manager_api):
    response = manager_api.get("/org/employees/999999", headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_session_callers_need_the_csrf_token_for_writes(personas, live_server):
    import requests

    session = requests.Session()
    session.get(f"{live_server.url}/login/")
    session.post(
        f"{live_server.url}/login/",
        data={
            "username": "manager",
            "password": "Persona-pass-2026",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{live_server.url}/login/"},
    )
    assert session.get(f"{live_server.url}/api/v1/me").json()["user"]["username"] == "manager"
    rep = personas.employees.rep
    without = session.patch(
        f"{live_server.url}/api/v1/org/employees/{rep.pk}", json={"version": 1, "phone": "1"}
    )
    assert without.status_code in (401, 403)
    with_token = session.patch(
        f"{live_server.url}/api/v1/org/employees/{rep.pk}",
        json={"version": 1, "phone": "1"},
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": live_server.url},
    )
    assert with_token.status_code == 200


@pytest.mark.django_db
def test_list_query_counts_do_not_grow_with_rows_or_page_size(org):
    client = Client()
    client.force_login(org.director)
    client.get("/")  # the first request of a session records when it was last seen

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = (queries("/api/v1/org/employees?page_size=5"), queries("/org/employees/"), queries("/org/chart/"))
    for _ in range(30):
        EmployeeFactory(unit=org.units.n1, manager=org.employees.supervisor_n)
    large = (
        queries("/api/v1/org/employees?page_size=50"),
        queries("/org/employees/"),
        queries("/org/chart/"),
    )
    assert small == large
    assert not any("COUNT(" in q["sql"].upper() for q in _captured_api_queries(client))


def _captured_api_queries(client):
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/org/employees?page_size=50")
    return captured.captured_queries


def test_text_with_nul_characters_is_refused_with_422_not_stored(personas, manager_api):
    response = manager_api.post("/me/tokens", json={"name": "bad\x00name"})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    response = manager_api.get("/org/employees", params={"q": "a\x00b"})
    assert response.status_code == 422
