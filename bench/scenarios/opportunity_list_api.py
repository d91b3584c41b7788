"""opportunity_list_api: a regional sales manager pages through the deals of their region that sit
in the proposal stage and are expected to close in the next quarter.

Scenario: ``GET /api/v1/pipeline/opportunities?stage=<proposal>&close_from=…&close_to=…&page=2``
through django.test.Client, the manager signed in: middleware, routing, ninja auth, the access
scope, ``selectors.opportunity_list``, COUNT-free paging and ``OpportunityOut``.

Baseline: ``opportunity_list_baseline``, the same page by hand, called directly with a
RequestFactory request: the same ``visible_q`` scope and company, the same filters and order, one
``.values()`` query and JsonResponse, returning the identical JSON items.
"""

import json
from datetime import timedelta

from django.http import HttpRequest, JsonResponse
from django.test import Client, RequestFactory
from django.urls import path

from bench.datagen import org as org_data
from bench.datagen import sales as sales_data
from bench.env import BenchSetupError
from bench.harness import Case, Scenario, register
from bench.scale import Scale
from salesdesk.core.access import DataScope, visible_q
from salesdesk.org.models import Role, User
from salesdesk.pipeline.models import Opportunity, Stage

API_PATH = "/api/v1/pipeline/opportunities"
BASELINE_PATH = "/bench/baseline/pipeline/opportunities"
PAGE = 2
PAGE_SIZE = 50
HOST = "localhost"
STAGE_CODE = "proposal"
CLOSE_FROM = sales_data.ANCHOR
CLOSE_TO = sales_data.ANCHOR + timedelta(days=91)

# OpportunityOut's fields, in its order: output name → column.
COLUMNS = {
    "id": "id",
    "name": "name",
    "customer_id": "customer_id",
    "customer_name": "customer__name",
    "owner_id": "owner_id",
    "lead_id": "lead_id",
    "stage_id": "stage_id",
    "stage_code": "stage__code",
    "amount": "amount",
    "probability": "probability",
    "expected_close_on": "expected_close_on",
    "engaged_on": "engaged_on",
    "closed_on": "closed_on",
    "competitor": "competitor",
    "loss_reason_id": "loss_reason_id",
    "loss_note": "loss_note",
    "version": "version",
    "updated_at": "updated_at",
}


def opportunity_list_baseline(request: HttpRequest) -> JsonResponse:
    """The page the API returns, by hand: same scope, company, filters, order, fields and shape."""
    page = int(request.GET.get("page", 1))
    page_size = int(request.GET.get("page_size", PAGE_SIZE))
    offset = (page - 1) * page_size
    user = request.user
    rows = list(
        Opportunity.objects.filter(
            visible_q(user, owner="owner"),
            company_id=user.employee.company_id,
            stage_id=int(request.GET["stage"]),
            expected_close_on__gte=request.GET["close_from"],
            expected_close_on__lte=request.GET["close_to"],
        )
        .order_by("-engaged_on", "-id")
        .values(*COLUMNS.values())[offset : offset + page_size + 1]
    )
    items = [{name: row[column] for name, column in COLUMNS.items()} for row in rows[:page_size]]
    return JsonResponse(
        {"items": items, "page": page, "page_size": page_size, "has_next": len(rows) > page_size}
    )


urlpatterns = [path(BASELINE_PATH.lstrip("/"), opportunity_list_baseline)]


def _manager() -> User:
    manager = User.objects.get(username=org_data.MANAGER)
    profile = manager.access_profile
    if profile.role != Role.MANAGER or profile.scope != DataScope.SUBTREE:
        raise AssertionError(f"{manager.username} must be a manager with the subtree scope, not {profile}")
    return manager


def _items(response) -> list[dict]:
    return json.loads(response.content)["items"]


def prepare(scale: Scale) -> Case:
    if not scale.opportunities:
        raise BenchSetupError("opportunity_list_api needs deals: pass --customers N --opportunities N")
    manager = _manager()
    stage = Stage.objects.get(company_id=manager.employee.company_id, code=STAGE_CODE)
    client = Client(SERVER_NAME=HOST)
    client.force_login(manager)
    factory = RequestFactory(SERVER_NAME=HOST)

    def query(page_size: int) -> dict:
        return {
            "stage": stage.pk,
            "close_from": CLOSE_FROM.isoformat(),
            "close_to": CLOSE_TO.isoformat(),
            "page_size": page_size,
            "page": PAGE,
        }

    def scenario(page_size: int):
        return client.get(API_PATH, query(page_size))

    def baseline(page_size: int):
        request = factory.get(BASELINE_PATH, query(page_size))
        # A fresh user per request, as AuthenticationMiddleware loads it (and its access profile).
        request.user = User.objects.select_related("employee").get(pk=manager.pk)
        return opportunity_list_baseline(request)

    def baseline_through_middleware(page_size: int):
        return client.get(BASELINE_PATH, query(page_size))

    scenario_items, baseline_items = _items(scenario(PAGE_SIZE)), _items(baseline(PAGE_SIZE))
    if scenario_items != baseline_items:
        diff = next((a, b) for a, b in zip(scenario_items, baseline_items, strict=False) if a != b)
        raise AssertionError(f"the API and the baseline return different items, e.g.\n{diff[0]}\n{diff[1]}")
    return Case(
        scenario=scenario,
        baseline=baseline,
        ids=lambda response: [item["id"] for item in _items(response)],
        request=(
            f"GET {API_PATH}?stage={stage.pk}&close_from={CLOSE_FROM}&close_to={CLOSE_TO}"
            f"&page_size={PAGE_SIZE}&page={PAGE} as {manager.username}"
        ),
        page_size=PAGE_SIZE,
        extras={"baseline_through_middleware": baseline_through_middleware},
        notes=(
            "scenario: django.test.Client GET with a forced login, through every middleware, ninja "
            "routing/auth, selectors.opportunity_list (select_related owner, customer, stage, "
            "loss_reason: model objects) and OpportunityOut (ninja Schema, attribute resolution). "
            "baseline: opportunity_list_baseline() called directly with a RequestFactory request; it "
            "loads the user, computes the access profile, runs one .values() query with the same "
            "visible_q(user, owner='owner'), company, stage and expected-close filters and order, and "
            "answers with JsonResponse; the JSON items are identical (checked before timing). "
            f"baseline_through_middleware: the same function at {BASELINE_PATH} through the same "
            "Client, for information: it splits the gap into middleware + client cost and API "
            "framework + ORM objects + schema cost."
        ),
    )


SCENARIO = register(
    Scenario(
        name="opportunity_list_api",
        description="A manager (subtree scope) reads page 2 of their region's deals in the proposal stage "
        "expected to close in the next quarter, 50 per page, over the JSON API.",
        prepare=prepare,
        min_ratio=0.8,
    )
)
