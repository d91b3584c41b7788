"""No route of the orders app commits an order without the credit check: every order transition,
over the API and through the pages, for everyone from the owner to the administrator, leaves a
draft a draft and an order on credit hold on hold. A repeat order starts as a draft again."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from salesdesk.orders import services as orders
from salesdesk.orders.models import COMMITTED_STATUSES, Order
from salesdesk.receivables import services
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.orders import factories

ACTORS = ["rep", "supervisor", "manager", "director", "admin", "finance"]


@pytest.fixture
def world(transactional_db):
    org = build_personas()
    approvers = [org.supervisor, org.finance, org.manager, org.director]
    promised = timezone.localdate() + timedelta(days=30)

    def draft():
        contract = factories.signed_contract(org.rep, org.company, approvers=approvers)
        return orders.create_order(acting_user=org.rep, contract=contract, promised_on=promised)

    held = draft()
    # No credit profile grants no credit: the confirmation puts the order on hold.
    assert not services.confirm_order(
        acting_user=org.rep, order=held, expected_version=held.version
    ).confirmed
    earlier = factories.confirmed_order(org.rep, org.company, approvers=approvers)
    return org, {"draft": draft(), "held": Order.objects.get(pk=held.pk)}, earlier


def _unchecked_commitments():
    return Order.objects.filter(status__in=COMMITTED_STATUSES, credit_checked_at__isnull=True)


def _api_attempts(api: ApiClient, order: Order) -> list:
    order.refresh_from_db()
    v, today = order.version, str(timezone.localdate())
    shipment = order.shipments.first()
    return [
        api.post(f"/orders/{order.pk}/start-production", json={"version": v}),
        api.post(f"/orders/{order.pk}/progress", json={"version": v, "percent": 50}),
        api.post(
            f"/orders/{order.pk}/shipments/{shipment.pk}/ship", json={"version": v, "shipped_on": today}
        ),
        api.post(f"/orders/{order.pk}/complete", json={"version": v}),
        api.post(f"/orders/{order.pk}/pause", json={"version": v, "reason": "customer asked"}),
        api.post(f"/orders/{order.pk}/resume", json={"version": v}),
        api.request(
            "PUT",
            f"/orders/{order.pk}/shipments",
            json={"version": v, "shipments": [{"planned_on": today, "amount": str(order.amount)}]},
        ),
        api.post(
            f"/orders/{order.pk}/delivery-changes",
            json={"shipment_id": shipment.pk, "new_date": today, "reason": "sooner"},
        ),
    ]


def _page_attempts(client: Client, order: Order) -> list:
    order.refresh_from_db()
    v, today = order.version, str(timezone.localdate())
    shipment = order.shipments.first()
    base = f"/orders/{order.pk}"
    return [
        client.post(f"{base}/start/", {"version": v}),
        client.post(f"{base}/progress/", {"version": v, "percent": 50}),
        client.post(f"{base}/shipments/{shipment.pk}/ship/", {"version": v, "shipped_on": today}),
        client.post(f"{base}/complete/", {"version": v}),
        client.post(f"{base}/pause/", {"version": v, "reason": "customer asked"}),
        client.post(f"{base}/resume/", {"version": v}),
        client.post(f"{base}/shipments/", {"version": v, "schedule": f"{today} {order.amount}"}),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_no_order_route_commits_without_the_credit_check(world, live_server, actor):
    org, subjects, earlier = world
    user = getattr(org, actor)
    api = ApiClient.for_user(live_server, user)
    client = Client()
    client.force_login(user)

    # Repeat (copy) an order: over the API and through the order form; the copy is a draft.
    repeat = api.post(
        "/orders/repeat",
        json={"previous_id": earlier.pk, "promised_on": str(timezone.localdate() + timedelta(days=9))},
    )
    assert repeat.status_code in (201, 403, 404, 422), repeat.text
    assert repeat.status_code == 201 or actor != "rep", "the owner may repeat the order"
    if repeat.status_code == 201:
        assert (repeat.json()["status"], repeat.json()["credit_checked_at"]) == ("draft", None)
        subjects["repeat"] = Order.objects.get(pk=repeat.json()["id"])
    client.post(
        "/orders/new/",
        {"repeat_of": earlier.pk, "promised_on": str(timezone.localdate() + timedelta(days=9))},
    )
    for source in (subjects["draft"], subjects["held"]):  # only a committed order is repeated
        refused = api.post("/orders/repeat", json={"previous_id": source.pk, "promised_on": "2030-01-01"})
        assert refused.status_code in (403, 404, 422), refused.text

    for name, order in subjects.items():
        before = order.status
        for response in _api_attempts(api, order):
            assert response.status_code < 500, (name, response.request.url, response.text)
        for response in _page_attempts(client, order):
            assert response.status_code < 500, (name, response.request["PATH_INFO"])
        order.refresh_from_db()
        assert (order.status, order.credit_checked_at) == (before, None), name

    assert not _unchecked_commitments().exists()
    copies = Order.objects.filter(repeat_of=earlier)
    assert all(o.status == "draft" and o.credit_checked_at is None for o in copies)


def test_cancelled_is_final_and_a_decided_hold_cannot_be_replayed(world, live_server):
    org, subjects, _earlier = world
    held = subjects["held"]
    hold = held.credit_holds.get()
    rep_api = ApiClient.for_user(live_server, org.rep)
    cancelled = rep_api.post(f"/orders/{held.pk}/cancel", json={"version": held.version, "reason": "lost"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text
    # the hold outlives its order's cancellation, but clearing it does not revive the order
    response = ApiClient.for_user(live_server, org.finance).post(
        f"/receivables/credit-holds/{hold.pk}/decide", json={"approve": True, "version": hold.version}
    )
    assert response.status_code == 422, response.text
    resume = ApiClient.for_user(live_server, org.supervisor).post(
        f"/orders/{held.pk}/resume", json={"version": cancelled.json()["version"]}
    )
    assert resume.status_code == 422
    confirm = rep_api.post(
        f"/receivables/orders/{held.pk}/confirm", json={"version": cancelled.json()["version"]}
    )
    assert confirm.status_code == 422
    held.refresh_from_db()
    assert (held.status, held.credit_checked_at) == ("cancelled", None)
    assert not _unchecked_commitments().exists()
