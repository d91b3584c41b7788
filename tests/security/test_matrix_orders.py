"""The permission matrix of quotes, contracts and orders: role × object × verb → outcome.

Visibility: rep own, supervisor team, manager subtree, director and admin all; finance reads every
contract and order of the company (credit control, invoicing, its review step) but no quotes and
changes none of them. Approvals go up the owner's reporting line only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from salesdesk.core import access
from salesdesk.orders import services
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.orders import factories

OWNERS = ["rep", "rep_e2", "other_rep"]
VISIBLE = {
    "rep": {"rep"},
    "teammate": set(),
    "supervisor": {"rep"},
    "supervisor_e2": {"rep_e2"},
    "manager": {"rep", "rep_e2"},
    "manager_n": {"other_rep"},
    "director": set(OWNERS),
    "admin": set(OWNERS),
}
FINANCE_SEES = {"contracts": set(OWNERS), "orders": set(OWNERS), "quotes": set()}

# rule → {actor: allowed} on the rep's record (the pending quote / in-review contract / confirmed order).
ON_REPS_RECORD = {
    "orders.work_quote": {
        "rep": True,
        "teammate": False,
        "supervisor": True,
        "manager": True,
        "finance": False,
    },
    "orders.approve_quote": {  # an 8 % discount: a supervisor's to approve
        "rep": False,
        "supervisor": True,
        "supervisor_e2": False,
        "manager": True,
        "manager_n": False,
        "director": True,
        "admin": False,
        "finance": False,
    },
    "orders.work_contract": {"rep": True, "supervisor": True, "other_rep": False, "finance": False},
    "orders.comment_contract": {"rep": True, "finance": True, "other_rep": False, "manager_n": False},
    "orders.review_contract": {  # the first step is the supervisor's
        "rep": False,
        "supervisor": True,
        "supervisor_e2": False,
        "finance": False,
        "director": True,
    },
    "orders.work_order": {
        "rep": True,
        "teammate": False,
        "supervisor": True,
        "finance": False,
        "manager_n": False,
    },
    "orders.confirm_order": {"rep": True, "supervisor": True, "teammate": False, "finance": False},
    "orders.pause_order": {
        "rep": False,
        "supervisor": True,
        "supervisor_e2": False,
        "manager": True,
        "finance": False,
    },
    "orders.decide_delivery_change": {
        "rep": False,
        "supervisor": False,
        "manager": True,
        "manager_n": False,
        "director": True,
    },
    "orders.terminate_contract": {  # the rep's signed contract: a manager's (or above) decision
        "rep": False,
        "supervisor": False,
        "manager": True,
        "manager_n": False,
        "director": True,
        "admin": True,
        "finance": False,
    },
}
# Rules without an object: who may at all.
GLOBAL = {
    "orders.view_orders": {"rep": True, "finance": True, "outsider": False},
    "orders.create_quote": {"rep": True, "supervisor": True, "finance": False, "outsider": False},
    "orders.create_contract": {"rep": True, "finance": False},
    "orders.create_order": {"rep": True, "director": True, "finance": False},
    "orders.manage_price_lists": {"director": True, "admin": True, "manager": False, "rep": False},
    "orders.configure_orders": {"admin": True, "director": False, "rep": False},
    "orders.configure_contract_review": {
        "director": True,
        "admin": True,
        "manager": False,
        "finance": False,
        "rep": False,
    },
}

COVERED_RULES = set(ON_REPS_RECORD) | set(GLOBAL)


@pytest.fixture
def world(transactional_db, live_server):
    org = build_personas()
    approvers = {"rep": [org.supervisor, org.finance], "rep_e2": [org.supervisor_e2, org.finance]}
    approvers["other_rep"] = [org.supervisor_n, org.finance]
    records = {}
    for owner in OWNERS:
        user = getattr(org, owner)
        order = factories.confirmed_order(user, org.company, approvers=approvers[owner])
        deal = factories.deal_with_lines(user, org.company)
        quote = services.create_quote(acting_user=user, opportunity=deal)
        records[owner] = {"order": order, "contract": order.contract, "quote": quote}
    return org, records


def test_lists_and_details_show_exactly_the_permitted_records(world, live_server):
    org, records = world
    failures = []
    actors = {**VISIBLE, "finance": None, "outsider": None}
    for actor in actors:
        api = ApiClient.for_user(live_server, getattr(org, actor))
        for kind, path in (("orders", ""), ("contracts", "/contracts"), ("quotes", "/quotes")):
            response = api.get(f"/orders{path}")
            if actor == "outsider":
                if response.status_code != 403:
                    failures.append(f"outsider lists {kind}: {response.status_code}")
                continue
            want_owners = FINANCE_SEES[kind] if actor == "finance" else VISIBLE[actor]
            want = {records[o][kind[:-1]].pk for o in want_owners}
            got = {item["id"] for item in api.all_items(f"/orders{path}")}
            if got != want:
                failures.append(f"{actor} lists {kind}: {sorted(got)}, want {sorted(want)}")
            for owner in OWNERS:
                status = api.get(f"/orders{path}/{records[owner][kind[:-1]].pk}").status_code
                expected = 200 if owner in want_owners else 404
                if status != expected:
                    failures.append(f"{actor} opens {owner}'s {kind[:-1]}: {status}, want {expected}")
    assert not failures, "\n".join(failures)


def test_who_may_act_on_the_reps_records(world):
    org, records = world
    rep = records["rep"]
    quote = services.submit_quote(
        acting_user=org.rep, quote=rep["quote"], expected_version=rep["quote"].version
    )
    line = quote.lines.get()
    deal = factories.deal_with_lines(org.rep, org.company)
    pending = services.create_quote(
        acting_user=org.rep,
        opportunity=deal,
        lines=[services.QuoteLineInput(product=line.product, quantity=line.quantity, discount_percent=8)],
    )
    pending = services.submit_quote(acting_user=org.rep, quote=pending, expected_version=pending.version)
    won = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=won)
    contract = services.submit_contract(
        acting_user=org.rep, contract=contract, expected_version=contract.version
    )
    objects = {
        "orders.work_quote": pending,
        "orders.approve_quote": pending,
        "orders.work_contract": contract,
        "orders.comment_contract": contract,
        "orders.review_contract": contract,
        "orders.work_order": rep["order"],
        "orders.confirm_order": rep["order"],
        "orders.pause_order": rep["order"],
        "orders.decide_delivery_change": rep["order"],
        "orders.terminate_contract": rep["contract"],
    }
    failures = []
    for rule, expectations in ON_REPS_RECORD.items():
        for actor, allowed in expectations.items():
            if access.can(getattr(org, actor), rule, objects[rule]) != allowed:
                failures.append(f"{actor} {rule}: want {allowed}")
    for rule, expectations in GLOBAL.items():
        for actor, allowed in expectations.items():
            if access.can(getattr(org, actor), rule) != allowed:
                failures.append(f"{actor} {rule}: want {allowed}")
    assert not failures, "\n".join(failures)


def test_repeat_orders_and_decisions_over_http(world, live_server):
    org, records = world
    order = records["rep"]["order"]
    rep = ApiClient.for_user(live_server, org.rep)
    promised = (timezone.localdate() + timedelta(days=9)).isoformat()
    assert (
        ApiClient.for_user(live_server, org.other_rep)
        .post("/orders/repeat", json={"previous_id": order.pk, "promised_on": promised})
        .status_code
        == 404
    )
    response = rep.post("/orders/repeat", json={"previous_id": order.pk, "promised_on": promised})
    assert response.status_code == 201, response.text
    shipment = order.shipments.get()
    response = rep.post(
        f"/orders/{order.pk}/delivery-changes",
        json={"shipment_id": shipment.pk, "new_date": promised, "reason": "parts"},
    )
    assert response.status_code == 201, response.text
    change = response.json()
    body = {"version": change["version"], "comment": ""}
    assert rep.post(f"/orders/delivery-changes/{change['id']}/approve", json=body).status_code == 403
    assert (
        ApiClient.for_user(live_server, org.manager_n)
        .post(f"/orders/delivery-changes/{change['id']}/approve", json=body)
        .status_code
        == 404
    )
    manager = ApiClient.for_user(live_server, org.manager)
    response = manager.post(f"/orders/delivery-changes/{change['id']}/approve", json=body)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    stale = manager.post(
        f"/orders/{order.pk}/pause", json={"version": order.version + 5, "reason": "customer"}
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert (
        rep.post(f"/orders/{order.pk}/pause", json={"version": order.version, "reason": "x"}).status_code
        == 403
    )


def test_termination_and_review_settings_over_http(world, live_server):
    org, records = world
    contract = records["rep"]["contract"]
    body = {"version": contract.version, "reason": "customer closed"}
    path = f"/orders/contracts/{contract.pk}/terminate"
    for actor, status in (("rep", 403), ("supervisor", 403), ("finance", 403), ("manager_n", 404)):
        response = ApiClient.for_user(live_server, getattr(org, actor)).post(path, json=body)
        assert response.status_code == status, f"{actor} terminates: {response.status_code}"
    response = ApiClient.for_user(live_server, org.manager).post(path, json=body)
    assert response.status_code == 200 and response.json()["status"] == "terminated"

    steps = "/orders/settings/review-steps"
    change = {"version": 1, "min_amount": "100"}
    for actor in ("rep", "manager", "finance", "outsider"):
        api = ApiClient.for_user(live_server, getattr(org, actor))
        assert api.patch(f"{steps}/10", json=change).status_code == 403, actor
        assert (
            api.request("PUT", f"{steps}/60", json={"name": "x", "reviewer_role": "admin"}).status_code == 403
        )
    director = ApiClient.for_user(live_server, org.director)
    assert director.get(steps).status_code == 200
    response = director.patch(f"{steps}/10", json=change)
    assert response.status_code == 200 and response.json()["version"] == 2
    response = ApiClient.for_user(live_server, org.admin).patch(f"{steps}/10", json=change)
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
