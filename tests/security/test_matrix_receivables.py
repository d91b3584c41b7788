"""The permission matrix of receivables: who sees which invoices and payments, who posts money,
sets credit limits, decides credit holds and plans collections. Over real HTTP with each
persona's token; another team's rep gets 404."""

from decimal import Decimal

import pytest

from salesdesk.receivables import services
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.receivables import factories as f
from tests.receivables.factories import TODAY

COVERED_RULES = [
    "receivables.view_receivables",
    "receivables.issue_invoice",
    "receivables.post_payment",
    "receivables.manage_credit",
    "receivables.approve_credit",
    "receivables.plan_collection",
]

OWNERS = ["rep", "teammate", "rep_e2", "other_rep"]
# Whose invoices each role sees: finance sees every receivable of the company.
VISIBLE = {
    "rep": {"rep"},
    "supervisor": {"rep", "teammate"},
    "manager": {"rep", "teammate", "rep_e2"},
    "manager_n": {"other_rep"},
    "director": set(OWNERS),
    "finance": set(OWNERS),
    "admin": set(OWNERS),
}


@pytest.fixture
def world(transactional_db):
    org = build_personas()
    invoices = {name: f.contract_invoice(org.finance, getattr(org, name), amount="100.00") for name in OWNERS}
    return org, invoices


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_invoice_list_and_detail_follow_the_scope(world, live_server, actor):
    org, invoices = world
    api = ApiClient.for_user(live_server, getattr(org, actor))
    seen = {item["id"] for item in api.all_items("/receivables/invoices")}
    assert seen == {invoices[name].pk for name in VISIBLE[actor]}
    for name, invoice in invoices.items():
        expected = 200 if name in VISIBLE[actor] else 404
        assert api.get(f"/receivables/invoices/{invoice.pk}").status_code == expected


@pytest.mark.parametrize(
    ("actor", "status"), [("finance", 201), ("admin", 201), ("rep", 403), ("director", 403), ("manager", 403)]
)
def test_only_finance_posts_payments_and_issues_invoices(world, live_server, actor, status):
    org, invoices = world
    api = ApiClient.for_user(live_server, getattr(org, actor))
    response = api.post(
        "/receivables/payments",
        json={"customer_id": invoices["rep"].customer_id, "received_on": str(TODAY), "amount": "10.00"},
    )
    assert response.status_code == status, response.text
    contract = f.contract(org.rep, amount="50.00")
    response = api.post(
        "/receivables/invoices", json={"basis": "contract", "target_id": contract.pk, "issued_on": str(TODAY)}
    )
    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("finance", 200),
        ("director", 200),
        ("admin", 200),
        ("manager", 403),
        ("supervisor", 403),
        ("rep", 403),
    ],
)
def test_credit_limits_and_holds_are_decided_by_credit_controllers(world, live_server, actor, status):
    org, invoices = world
    buyer = invoices["rep"].customer
    api = ApiClient.for_user(live_server, getattr(org, actor))
    response = (
        api.put(f"/receivables/credit-profiles/{buyer.pk}", json={"credit_limit": "10.00"})
        if hasattr(api, "put")
        else api.request("PUT", f"/receivables/credit-profiles/{buyer.pk}", json={"credit_limit": "10.00"})
    )
    assert response.status_code == status, response.text
    order = f.order(org.rep, customer_for=buyer, amount="1000.00")
    hold = services.confirm_order(acting_user=org.rep, order=order, expected_version=order.version).hold
    response = api.post(
        f"/receivables/credit-holds/{hold.pk}/decide", json={"approve": True, "version": hold.version}
    )
    assert response.status_code in ({200} if status == 200 else {403, 404}), response.text


@pytest.mark.parametrize(
    ("actor", "status"), [("rep", 200), ("supervisor", 200), ("other_rep", 404), ("finance", 200)]
)
def test_collection_plans_by_the_contracts_people_and_finance(world, live_server, actor, status):
    org, _invoices = world
    contract = f.contract(org.rep, amount="100.00")
    api = ApiClient.for_user(live_server, getattr(org, actor))
    response = api.request(
        "PUT",
        f"/receivables/contracts/{contract.pk}/plan",
        json={"instalments": [{"due_on": str(TODAY), "amount": "100.00"}]},
    )
    assert response.status_code == status, response.text


def test_order_confirm_api_runs_the_credit_check_and_out_of_scope_is_404(world, live_server):
    org, invoices = world
    buyer = invoices["rep"].customer
    services.save_credit_profile(acting_user=org.finance, customer=buyer, credit_limit=Decimal("150"))
    order = f.order(org.rep, customer_for=buyer, amount="100.00")  # exposure 100 + 100 > 150
    assert (
        ApiClient.for_user(live_server, org.other_rep)
        .post(f"/receivables/orders/{order.pk}/confirm", json={"version": order.version})
        .status_code
        == 404
    )
    body = (
        ApiClient.for_user(live_server, org.rep)
        .post(f"/receivables/orders/{order.pk}/confirm", json={"version": order.version})
        .json()
    )
    assert body["status"] == "credit_hold" and body["credit_hold_id"]
