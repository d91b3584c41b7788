"""The pipeline API over real HTTP."""

import pytest

from salesdesk.pipeline.models import LossReason
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.pipeline import factories


@pytest.fixture
def world(transactional_db, live_server):
    org = build_personas()
    return org, {
        name: ApiClient.for_user(live_server, getattr(org, name)) for name in ("rep", "other_rep", "director")
    }


def test_a_deal_from_lead_to_lost(world):
    org, api = world
    rep = api["rep"]
    lead = rep.post(
        "/pipeline/leads", json={"company_name": "杭州远景", "source": "website", "estimated_amount": "900"}
    )
    assert lead.status_code == 201, lead.text
    lead = lead.json()
    assert lead["owner_id"] == org.rep.pk
    deal = rep.post(f"/pipeline/leads/{lead['id']}/convert", json={"version": lead["version"]})
    assert deal.status_code == 201, deal.text
    deal = deal.json()
    assert (deal["stage_code"], deal["amount"], deal["probability"]) == ("lead", "900.00", 10)

    assert api["other_rep"].get(f"/pipeline/opportunities/{deal['id']}").status_code == 404

    stages = {s["code"]: s["id"] for s in rep.get("/pipeline/stages").json()}
    moved = rep.post(
        f"/pipeline/opportunities/{deal['id']}/move",
        json={"version": deal["version"], "stage_id": stages["lost"]},
    )
    assert moved.status_code == 422 and moved.json()["details"]["field"] == "loss_reason"
    reason = LossReason.objects.get(company=org.company, code="competitor")
    moved = rep.post(
        f"/pipeline/opportunities/{deal['id']}/move",
        json={"version": deal["version"], "stage_id": stages["lost"], "loss_reason_id": reason.pk},
    )
    assert moved.status_code == 200 and moved.json()["closed_on"] is not None
    stale = rep.patch(
        f"/pipeline/opportunities/{deal['id']}", json={"version": deal["version"], "amount": "1"}
    )
    assert stale.status_code == 409
    changes = rep.get(f"/pipeline/opportunities/{deal['id']}/stage-changes").json()
    assert [c["to_stage_id"] for c in changes] == [stages["lead"], stages["lost"]]


def test_lines_and_credit_splits(world):
    org, api = world
    from decimal import Decimal

    from salesdesk.products.models import Product

    deal = factories.deal(org.rep)
    product = Product.objects.create(company=org.company, code="A", name="A", list_price=Decimal(50))
    rep = api["rep"]
    response = rep.request(
        "PUT",
        f"/pipeline/opportunities/{deal.pk}/lines",
        json={"version": 1, "lines": [{"product_id": product.pk, "quantity": "3"}]},
    )
    assert response.status_code == 200 and response.json()["amount"] == "150.00"
    bad = rep.request(
        "PUT",
        f"/pipeline/opportunities/{deal.pk}/credit-splits",
        json={"version": 2, "splits": [{"user_id": org.rep.pk, "percent": "50"}]},
    )
    assert bad.status_code == 422
    good = rep.request(
        "PUT",
        f"/pipeline/opportunities/{deal.pk}/credit-splits",
        json={
            "version": 2,
            "splits": [
                {"user_id": org.rep.pk, "percent": "50"},
                {"user_id": org.teammate.pk, "percent": "50"},
            ],
        },
    )
    assert good.status_code == 200 and len(good.json()["credit_splits"]) == 2


def test_lists_filter_and_page_without_count(world):
    org, api = world
    for n in range(3):
        factories.deal(org.rep, name=f"Alpha {n}")
    factories.deal(org.rep_e2, name="Beta")
    body = api["director"].get("/pipeline/opportunities", params={"q": "alpha", "page_size": 2}).json()
    assert len(body["items"]) == 2 and body["has_next"] is True
    assert {d["name"] for d in api["director"].all_items("/pipeline/opportunities", owner=org.rep_e2.pk)} == {
        "Beta"
    }
