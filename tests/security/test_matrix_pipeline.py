"""The permission matrix of leads, opportunities and products: role × object × verb → outcome,
checked over real HTTP with each persona's token and through the pages. Lists, searches and
exports contain exactly the permitted records; another team's rep gets 404."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.pipeline.models import Lead, LossReason, Opportunity
from salesdesk.products.models import Product
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.pipeline import factories

OWNERS = ["rep", "teammate", "rep_e2", "other_rep"]
ACTORS = [
    "rep",
    "teammate",
    "supervisor",
    "supervisor_e2",
    "manager",
    "manager_n",
    "director",
    "admin",
    "finance",
]

# Whose deals and leads each role sees (list, search, export, detail).
VISIBLE = {
    "rep": {"rep"},
    "teammate": {"teammate"},
    "supervisor": {"rep", "teammate"},
    "supervisor_e2": {"rep_e2"},
    "manager": {"rep", "teammate", "rep_e2"},
    "manager_n": {"other_rep"},
    "director": set(OWNERS),
    "admin": set(OWNERS),
    "finance": set(),
    "outsider": set(),
}

# actor, owner of the deal, expected status of editing it (PATCH) and of moving it.
CHANGE_DEAL = [
    ("rep", "rep", 200),
    ("rep", "teammate", 404),
    ("rep", "other_rep", 404),
    ("supervisor", "rep", 200),
    ("supervisor", "rep_e2", 404),
    ("manager", "rep_e2", 200),
    ("manager_n", "rep", 404),
    ("director", "other_rep", 200),
    ("finance", "rep", 404),
]

# actor, owner of the lead, new owner, expected status of assigning it.
ASSIGN_LEAD = [
    ("rep", "rep", "teammate", 403),  # reps do not hand out leads
    ("supervisor", "rep", "teammate", 200),
    ("supervisor", "rep", "rep_e2", 404),  # the new owner is outside the supervisor's team
    ("supervisor_e2", "rep", "rep_e2", 404),
    ("manager", "rep", "rep_e2", 200),
    ("director", "rep", "other_rep", 200),
]

# actor → status of creating a lead / a product.
CREATE_LEAD = {"rep": 201, "supervisor": 201, "director": 201, "finance": 403, "outsider": 403}
MANAGE_PRODUCTS = {
    "admin": 201,
    "director": 201,
    "manager": 403,
    "supervisor": 403,
    "rep": 403,
    "finance": 403,
}
READ_PRODUCTS = {"rep": 200, "finance": 200, "director": 200, "outsider": 403}

# actor → may configure the pipeline's stages and loss reasons (API and page)?
CONFIGURE_PIPELINE = {
    "admin": True,
    "director": False,
    "manager": False,
    "supervisor": False,
    "rep": False,
    "finance": False,
    "outsider": False,
}

COVERED_RULES = {
    "pipeline.view_pipeline",
    "pipeline.create_lead",
    "pipeline.work_lead",
    "pipeline.assign_lead",
    "pipeline.create_opportunity",
    "pipeline.work_opportunity",
    "pipeline.configure_pipeline",
    "products.view_products",
    "products.manage_products",
}


@pytest.fixture
def world(transactional_db, live_server):
    personas = build_personas()
    users = {name: getattr(personas, name) for name in [*ACTORS, "rep_e2", "other_rep", "outsider"]}
    deals = {name: factories.deal(users[name], name=f"deal {name}") for name in OWNERS}
    leads = {
        name: factories.lead(users[name], personas.company, company_name=f"lead {name}") for name in OWNERS
    }
    api = {name: ApiClient.for_user(live_server, user) for name, user in users.items()}
    return personas, users, deals, leads, api


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_column(response, column: int) -> set[str]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {row[column] for row in rows[1:]}


def test_lists_searches_exports_and_details_show_exactly_the_permitted_deals_and_leads(world):
    _personas, users, deals, leads, api = world
    failures = []
    outsider = api["outsider"]
    for path in ("/pipeline/opportunities", "/pipeline/leads", f"/pipeline/opportunities/{deals['rep'].pk}"):
        if outsider.get(path).status_code != 403:
            failures.append(f"outsider reads {path}: {outsider.get(path).status_code}, want 403")
    for actor, owners in VISIBLE.items():
        if actor == "outsider":
            continue
        want_deals = {deals[o].pk for o in owners}
        want_leads = {leads[o].pk for o in owners}
        page = _page(users[actor])
        got = {
            "api deals": {d["id"] for d in api[actor].all_items("/pipeline/opportunities")},
            "api deal search": {d["id"] for d in api[actor].all_items("/pipeline/opportunities", q="deal")},
            "deal export": {int(i) for i in _csv_column(page.get(reverse("pipeline:opportunity_export")), 0)},
            "api leads": {d["id"] for d in api[actor].all_items("/pipeline/leads")},
            "api lead search": {d["id"] for d in api[actor].all_items("/pipeline/leads", q="lead")},
            "lead export": {int(i) for i in _csv_column(page.get(reverse("pipeline:lead_export")), 0)},
        }
        for what, ids in got.items():
            want = want_deals if "deal" in what else want_leads
            if ids != want:
                failures.append(f"{actor} {what}: got {sorted(ids)}, want {sorted(want)}")
        for owner in OWNERS:
            want = 200 if owner in owners else 404
            statuses = (
                api[actor].get(f"/pipeline/opportunities/{deals[owner].pk}").status_code,
                api[actor].get(f"/pipeline/leads/{leads[owner].pk}").status_code,
            )
            if statuses != (want, want):
                failures.append(f"{actor} opens {owner}'s deal and lead: {statuses}, want {want}")
            code = page.get(reverse("pipeline:opportunity_detail", args=[deals[owner].pk])).status_code
            if code != want:
                failures.append(f"{actor} opens {owner}'s deal page: {code}, want {want}")
    assert not failures, "\n".join(failures)


def test_editing_and_moving_deals(world):
    personas, _users, deals, _leads, api = world
    needs = factories.stage(personas.company, "needs")
    failures = []
    for actor, owner, want in CHANGE_DEAL:
        deal = Opportunity.objects.get(pk=deals[owner].pk)
        edit = api[actor].patch(
            f"/pipeline/opportunities/{deal.pk}", json={"version": deal.version, "competitor": "X"}
        )
        deal.refresh_from_db()
        target = needs.pk if deal.stage_id != needs.pk else factories.stage(personas.company, "proposal").pk
        move = api[actor].post(
            f"/pipeline/opportunities/{deal.pk}/move", json={"version": deal.version, "stage_id": target}
        )
        if (edit.status_code, move.status_code) != (want, want):
            failures.append(
                f"{actor} edits/moves {owner}'s deal: {edit.status_code}/{move.status_code}, want {want}"
            )
    assert not failures, "\n".join(failures)


def test_assigning_leads(world):
    _personas, users, _deals, leads, api = world
    failures = []
    for actor, owner, new_owner, want in ASSIGN_LEAD:
        lead = Lead.objects.get(pk=leads[owner].pk)
        response = api[actor].post(
            f"/pipeline/leads/{lead.pk}/assign",
            json={"version": lead.version, "owner_id": users[new_owner].pk},
        )
        if response.status_code != want:
            failures.append(
                f"{actor} assigns {owner}'s lead to {new_owner}: {response.status_code}, want {want}"
            )
        if response.status_code == 200:
            Lead.objects.filter(pk=lead.pk).update(owner=users[owner])
    assert not failures, "\n".join(failures)


def test_creating_leads_and_products_and_reading_the_catalogue(world):
    personas, _users, _deals, _leads, api = world
    Product.objects.create(company=personas.company, code="P0", name="Pump", list_price=Decimal(10))
    failures = []
    for actor, want in CREATE_LEAD.items():
        got = api[actor].post("/pipeline/leads", json={"company_name": f"new {actor}"}).status_code
        if got != want:
            failures.append(f"{actor} creates a lead: {got}, want {want}")
    for number, (actor, want) in enumerate(MANAGE_PRODUCTS.items()):
        got = (
            api[actor]
            .post("/products", json={"code": f"C{number}", "name": f"Product {number}", "list_price": "9.90"})
            .status_code
        )
        if got != want:
            failures.append(f"{actor} adds a product: {got}, want {want}")
    for actor, want in READ_PRODUCTS.items():
        response = api[actor].get("/products")
        if response.status_code != want or (want == 200 and "Pump" not in response.text):
            failures.append(f"{actor} reads the catalogue: {response.status_code}, want {want}")
    assert not failures, "\n".join(failures)


def test_qualifying_and_converting_is_for_whoever_works_the_lead(world):
    _personas, _users, _deals, leads, api = world
    lead = leads["rep"]
    assert (
        api["other_rep"]
        .post(f"/pipeline/leads/{lead.pk}/qualify", json={"version": 1, "status": "qualified"})
        .status_code
        == 404
    )
    assert api["finance"].post(f"/pipeline/leads/{lead.pk}/convert", json={"version": 1}).status_code == 404
    assert (
        api["rep"]
        .post(f"/pipeline/leads/{lead.pk}/qualify", json={"version": 1, "status": "qualified"})
        .status_code
        == 200
    )
    response = api["supervisor"].post(f"/pipeline/leads/{lead.pk}/convert", json={"version": 2})
    assert response.status_code == 201, response.text
    assert response.json()["owner_id"] == lead.owner_id


def test_only_admins_configure_stages_and_loss_reasons(world):
    personas, users, _deals, _leads, api = world
    needs = factories.stage(personas.company, "needs")
    reason = LossReason.objects.filter(company=personas.company).first()
    stage_body = {"name": needs.name, "name_en": needs.name_en, "probability": 25,
                  "forecast_category": needs.forecast_category, "is_active": True}  # fmt: skip
    stages, reasons = "/pipeline/settings/stages", "/pipeline/settings/loss-reasons"
    failures = []
    for number, (actor, allowed) in enumerate(CONFIGURE_PIPELINE.items()):
        calls = [
            ("GET", stages, None, 200),
            ("GET", f"{stages}/{needs.pk}", None, 200),
            ("PUT", f"{stages}/{needs.pk}", stage_body, 200),
            ("POST", f"{stages}/{needs.pk}/move", {"direction": "down"}, 200),
            ("POST", stages, {"name": f"阶段{number}", "name_en": f"Step {number}", "probability": 5}, 201),
            ("GET", reasons, None, 200),
            ("POST", reasons, {"name": f"原因{number}"}, 201),
            ("PUT", f"{reasons}/{reason.pk}", {"name": reason.name, "is_active": True}, 200),
        ]
        for method, path, body, ok in calls:
            got = api[actor].request(method, path, json=body).status_code
            if got != (ok if allowed else 403):
                failures.append(f"{actor} {method} {path}: {got}, want {ok if allowed else 403}")
        page = _page(users[actor])
        got = (
            page.get(reverse("pipeline:settings")).status_code,
            page.post(reverse("pipeline:stage_update", args=[needs.pk]), stage_body).status_code,
        )
        if got != ((200, 302) if allowed else (403, 403)):
            failures.append(f"{actor} opens the settings page and saves a stage: {got}")
    assert not failures, "\n".join(failures)
