"""The customers API over real HTTP."""

import pytest
from django.utils import timezone

from salesdesk.customers.models import Customer
from tests.conftest import build_personas
from tests.customers.factories import CustomerFactory, pooled
from tests.http import ApiClient


@pytest.fixture
def world(transactional_db, live_server):
    personas = build_personas()
    return personas, lambda name: ApiClient.for_user(live_server, getattr(personas, name))


def test_create_duplicate_update_stale_and_detail(world):
    _personas, api = world
    rep = api("rep")
    created = rep.post("/customers", json={"name": "苏州精工", "tax_id": "91320500X", "tier": "key"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["owner"]["username"] == "rep" and body["service_plan"] == "Monthly visit"
    assert body["returns_to_pool_on"] is not None

    dup = api("other_rep").post("/customers", json={"name": "苏州 精工"})
    assert dup.status_code == 422
    assert dup.json()["details"]["duplicates"] == [
        {"id": body["id"], "name": "苏州精工", "owner": "Rep", "same": "name"}
    ]
    assert (
        api("other_rep")
        .post("/customers", json={"name": "苏州 精工", "confirm_not_duplicate": True})
        .status_code
        == 201
    )
    same_tax = api("other_rep").post(
        "/customers", json={"name": "X", "tax_id": "91320500x", "confirm_not_duplicate": True}
    )
    assert same_tax.status_code == 422

    url = f"/customers/{body['id']}"
    assert (
        rep.patch(url, json={"version": 1, "city": "苏州", "annual_revenue": "1200000.50"}).status_code == 200
    )
    stale = api("supervisor").patch(url, json={"version": 1, "city": "无锡"})
    assert stale.status_code == 409 and stale.json()["details"]["changed_by"] == "Rep"
    assert rep.get(url).json()["city"] == "苏州"
    assert api("other_rep").get(url).status_code == 404


def test_contacts_visits_and_report(world):
    personas, api = world
    rep = api("rep")
    customer = CustomerFactory(owner=personas.rep)
    notes = {"character": "direct", "hobbies": "golf", "is_decision_maker": True}
    contact = rep.post(
        f"/customers/{customer.pk}/contacts", json={"name": "李总", "department": "management", **notes}
    )
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    assert (
        rep.patch(f"/customers/contacts/{contact_id}", json={"version": 1, "title": "CEO"}).json()["title"]
        == "CEO"
    )

    today = timezone.localdate().isoformat()
    visit = rep.post(
        f"/customers/{customer.pk}/visits",
        json={"planned_on": today, "purpose": "Demo", "contact_id": contact_id},
    )
    assert visit.status_code == 201, visit.text
    done = rep.post(
        f"/customers/visits/{visit.json()['id']}/complete", json={"done_on": today, "outcome": "Interested"}
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = rep.post(f"/customers/visits/{visit.json()['id']}/cancel", json={})
    assert again.status_code == 422
    assert Customer.objects.get(pk=customer.pk).last_follow_up_on == timezone.localdate()
    assert [v["id"] for v in rep.all_items("/customers/visits")] == [visit.json()["id"]]

    report = api("supervisor").get("/customers/visit-report", params={"by": "week"})
    assert report.status_code == 200
    rows = report.json()["rows"]
    assert [(r["owner"]["username"], r["done"], r["customers_touched"]) for r in rows] == [("rep", 1, 1)]
    assert rows[0]["outcomes"] == [{"customer": customer.name, "outcome": "Interested"}]
    assert api("rep_e2").get("/customers/visit-report").json()["rows"] == []
    assert api("rep").get("/customers/visit-report", params={"period": "2026-W99"}).status_code == 422


def test_pool_claim_release_reassign_and_history(world):
    personas, api = world
    customer = pooled(personas.company)
    rep = api("rep")
    assert [c["id"] for c in rep.all_items("/customers/pool")] == [customer.pk]
    assert rep.post(f"/customers/{customer.pk}/claim").json()["owner"]["username"] == "rep"
    assert api("teammate").post(f"/customers/{customer.pk}/claim").status_code == 404  # no longer visible
    assert rep.post(f"/customers/{customer.pk}/release", json={"reason": "No budget"}).json()["owner"] is None
    moved = api("supervisor").post(
        f"/customers/{customer.pk}/reassign", json={"owner_id": personas.teammate.pk}
    )
    assert moved.status_code == 200 and moved.json()["owner"]["username"] == "teammate"
    reasons = [c["reason"] for c in api("teammate").get(f"/customers/{customer.pk}/ownership-changes").json()]
    assert reasons == ["reassigned", "released", "claimed"]


def test_due_visits_and_pool_warnings(world):
    personas, api = world
    from salesdesk.customers import services

    services.ensure_customer_policies(personas.company)
    customer = CustomerFactory(owner=personas.rep, tier="general")
    Customer.objects.filter(pk=customer.pk).update(activity_on=timezone.localdate() - timedelta_days(85))
    due = api("rep").get("/customers/visits/due").json()["items"]
    assert [(d["customer"]["id"], d["days_overdue"]) for d in due] == [(customer.pk, 25)]
    assert [c["id"] for c in api("rep").get("/customers/pool-warnings").json()["items"]] == [customer.pk]


def timedelta_days(days):
    from datetime import timedelta

    return timedelta(days=days)


def test_pool_search_refuses_nul_characters(transactional_db, live_server):
    from tests.conftest import build_personas
    from tests.http import ApiClient

    personas = build_personas()
    response = ApiClient.for_user(live_server, personas.rep).get("/customers/pool", params={"q": "a\x00b"})
    assert response.status_code == 422
