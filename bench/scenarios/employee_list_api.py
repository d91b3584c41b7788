"""employee_list_api: a regional sales manager pages through the active people of their region.

Scenario: ``GET /api/v1/org/employees?status=active&page_size=50&page=2`` through django.test.Client
with the manager signed in (force_login): the real middleware, URL routing, ninja auth, access
scope, selector, pagination and schema serialization.

Baseline: the same page written by hand as a plain function (``employee_list_baseline``), called
directly with a RequestFactory request. It filters with the same ``visible_q`` scope, so the rows
are the same by construction, reads them with ``.values()`` and answers with JsonResponse.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.test import Client, RequestFactory
from django.urls import path

from bench.datagen import org as org_data
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.core.access import DataScope, visible_q
from salesdesk.org.models import Employee, Role, User

API_PATH = "/api/v1/org/employees"
BASELINE_PATH = "/bench/baseline/org/employees"
PAGE = 2
PAGE_SIZE = 50
# The settings allow localhost, not the test client's default "testserver".
HOST = "localhost"

# The columns the API's EmployeeOut schema returns, in the same order.
COLUMNS = (
    "id",
    "employee_no",
    "user_id",
    "user__username",
    "user__full_name",
    "user__email",
    "unit_id",
    "unit__name",
    "position__role",
    "manager_id",
    "level",
    "career_track",
    "phone",
    "hire_date",
    "probation_end",
    "status",
    "left_on",
    "version",
    "updated_at",
)


def employee_list_baseline(request: HttpRequest) -> JsonResponse:
    """The page the API route returns, written by hand: same scope, filter, order, fields and shape."""
    page = int(request.GET.get("page", 1))
    page_size = int(request.GET.get("page_size", PAGE_SIZE))
    offset = (page - 1) * page_size
    rows = list(
        Employee.objects.filter(
            visible_q(request.user, owner="user", owner_unit="unit"), status=request.GET["status"]
        )
        .order_by("employee_no", "id")
        .values(*COLUMNS)[offset : offset + page_size + 1]
    )
    renamed = {
        "user__username": "username",
        "user__full_name": "full_name",
        "user__email": "email",
        "unit__name": "unit_name",
        "position__role": "role",
    }
    items = [{renamed.get(column, column): row[column] for column in COLUMNS} for row in rows[:page_size]]
    return JsonResponse(
        {"items": items, "page": page, "page_size": page_size, "has_next": len(rows) > page_size}
    )


# Mounted after the app's own URLs by bench/urls.py, to time the baseline through the same middleware.
urlpatterns = [path(BASELINE_PATH.lstrip("/"), employee_list_baseline)]


def _manager() -> User:
    manager = User.objects.get(username=org_data.MANAGER)
    profile = manager.access_profile
    if profile.role != Role.MANAGER or profile.scope != DataScope.SUBTREE:
        raise AssertionError(f"{manager.username} must be a manager with the subtree scope, not {profile}")
    return manager


def _items(response) -> list[dict]:
    return json.loads(response.content)["items"]


def prepare(scale: Scale) -> Case:
    manager = _manager()
    client = Client(SERVER_NAME=HOST)
    client.force_login(manager)
    factory = RequestFactory(SERVER_NAME=HOST)

    def query(page_size: int) -> dict:
        return {"status": "active", "page_size": page_size, "page": PAGE}

    def scenario(page_size: int):
        return client.get(API_PATH, query(page_size))

    def baseline(page_size: int):
        request = factory.get(BASELINE_PATH, query(page_size))
        # A fresh user per request, as AuthenticationMiddleware loads it, so the baseline pays for
        # the user row and for computing the access profile like the API does.
        request.user = User.objects.get(pk=manager.pk)
        return employee_list_baseline(request)

    def baseline_through_middleware(page_size: int):
        return client.get(BASELINE_PATH, query(page_size))

    # Not only the same ids: the very same JSON, so neither side does less work than the other.
    if _items(scenario(PAGE_SIZE)) != _items(baseline(PAGE_SIZE)):
        raise AssertionError("the API and the baseline return different items")
    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=lambda response: [item["id"] for item in _items(response)],
        request=f"GET {API_PATH}?status=active&page_size={PAGE_SIZE}&page={PAGE} as {manager.username}",
        page_size=PAGE_SIZE,
        extras={"baseline_through_middleware": baseline_through_middleware},
        notes=(
            "scenario: django.test.Client GET with a forced login (session in the database), through "
            "every middleware, ninja routing/auth and EmployeeOut serialization. baseline: "
            "employee_list_baseline() called directly with a RequestFactory request; per call it "
            "loads the user (as AuthenticationMiddleware does) and computes the access profile, then "
            "one .values() query filtered by the same visible_q(user, owner='user', owner_unit='unit') "
            "and JsonResponse. "
            "It skips middleware (session read/write, CSRF, locale, history, axes) and the test "
            "client's own overhead. Both return identical JSON items (checked before timing). "
            "baseline_through_middleware: the same baseline function mounted at "
            f"{BASELINE_PATH} and called through the same Client, for information: it splits the "
            "gap into middleware + client cost and API framework + ORM objects + schema cost."
        ),
    )


SCENARIO = register(
    Scenario(
        name="employee_list_api",
        description="A manager (subtree scope) reads page 2 of the active employees of their region, "
        "50 per page, over the JSON API.",
        prepare=prepare,
        min_ratio=0.8,
    )
)
