"""Receivables over real HTTP with each persona's API token: invoices, payments and their
allocations, credit profiles, and order confirmation through the credit check. The confirm page
and the API confirm run the same check."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from salesdesk.orders.models import Order
from salesdesk.receivables import services
from salesdesk.receivables.models import CreditHold, Invoice
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.receivables import factories as f
from tests.receivables.factories import TODAY


@pytest.fixture
def org(transactional_db):
    return build_personas()


@pytest.fixture
def finance_api(org, live_server):
    return ApiClient.for_user(live_server, org.finance)


def test_finance_issues_invoices_on_contract_shipment_and_milestone(org, live_server, finance_api):
    contract = f.contract(org.rep, amount="1000.00", payment_days=45)
    response = finance_api.post(
        "/receivables/invoices",
        json={"basis": "contract", "target_id": contract.pk, "issued_on": str(TODAY), "amount": "400.00"},
    )
    assert response.status_code == 201, response.text
    invoice = response.json()
    assert (invoice["amount"], invoice["status"], invoice["due_on"]) == (
        "400.00",
        "open",
        str(TODAY + timedelta(days=45)),
    )
    assert invoice["number"].startswith(f"FP-{TODAY.year}-")

    order = f.order(org.rep, amount="3000.00", status="confirmed")
    shipment = f.shipment(order, amount="2000.00")
    response = finance_api.post(
        "/receivables/invoices", json={"basis": "shipment", "target_id": shipment.pk, "issued_on": str(TODAY)}
    )
    assert response.status_code == 201, response.text
    assert (response.json()["amount"], response.json()["order_id"]) == ("2000.00", order.pk)

    planned = ApiClient.for_user(live_server, org.rep).request(
        "PUT",
        f"/receivables/contracts/{contract.pk}/plan",
        json={"instalments": [{"due_on": str(TODAY), "amount": "300.00"}]},
    )
    assert planned.status_code == 200, planned.text
    instalment_id = planned.json()[0]["id"]
    response = finance_api.post(
        "/receivables/invoices",
        json={"basis": "milestone", "target_id": instalment_id, "issued_on": str(TODAY)},
    )
    assert response.status_code == 201 and response.json()["amount"] == "300.00", response.text
    # the contract's 1000 is billed 400 + 300: 300 is left, so another 400 is refused with the figure
    too_much = finance_api.post(
        "/receivables/invoices",
        json={"basis": "contract", "target_id": contract.pk, "issued_on": str(TODAY), "amount": "400.00"},
    )
    assert too_much.status_code == 422 and "300.00" in too_much.json()["message"]
    # another region's rep does not even learn the invoice exists
    other = ApiClient.for_user(live_server, org.other_rep).get(f"/receivables/invoices/{invoice['id']}")
    assert other.status_code == 404


def test_payment_is_posted_allocated_and_unallocated(org, live_server, finance_api):
    invoice = f.contract_invoice(org.finance, org.rep, amount="300.00")
    posted = finance_api.post(
        "/receivables/payments",
        json={
            "customer_id": invoice.customer_id,
            "received_on": str(TODAY),
            "amount": "500.00",
            "reference": "BANK-1",
        },
    )
    assert posted.status_code == 201, posted.text
    payment = posted.json()
    assert payment["number"].startswith("SK-") and payment["allocated"] == "0.00"

    allocated = finance_api.post(
        f"/receivables/payments/{payment['id']}/allocations",
        json={"applied_on": str(TODAY), "lines": [{"invoice_id": invoice.pk, "amount": "300.00"}]},
    )
    assert allocated.status_code == 201, allocated.text
    assert [row["amount"] for row in allocated.json()] == ["300.00"]
    settled = finance_api.get(f"/receivables/invoices/{invoice.pk}").json()
    assert (settled["status"], settled["allocated"], settled["paid_on"]) == ("paid", "300.00", str(TODAY))
    assert finance_api.get(f"/receivables/payments/{payment['id']}").json()["allocated"] == "300.00"

    reversed_ = finance_api.post(
        f"/receivables/payments/{payment['id']}/unallocate",
        json={"invoice_id": invoice.pk, "applied_on": str(TODAY), "amount": "100.00"},
    )
    assert reversed_.status_code == 201 and reversed_.json()["amount"] == "-100.00", reversed_.text
    reopened = finance_api.get(f"/receivables/invoices/{invoice.pk}").json()
    assert (reopened["status"], reopened["allocated"], reopened["paid_on"]) == ("open", "200.00", None)
    rows = finance_api.get(f"/receivables/invoices/{invoice.pk}/allocations").json()
    assert [row["amount"] for row in rows] == ["300.00", "-100.00"]
    # more than is allocated cannot be reversed
    refused = finance_api.post(
        f"/receivables/payments/{payment['id']}/unallocate",
        json={"invoice_id": invoice.pk, "applied_on": str(TODAY), "amount": "200.01"},
    )
    assert refused.status_code == 422 and "200.00" in refused.json()["message"]


def test_over_allocation_is_refused_with_422_and_a_clear_message(org, finance_api):
    invoice = f.contract_invoice(org.finance, org.rep, amount="300.00")
    payment = f.receipt(org.finance, invoice.customer, "1000.00")
    response = finance_api.post(
        f"/receivables/payments/{payment.pk}/allocations",
        json={"applied_on": str(TODAY), "lines": [{"invoice_id": invoice.pk, "amount": "300.01"}]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] and body["details"]["outstanding"] == "300.00"
    assert body["message"] == (f"Only 300.00 of invoice {invoice.number} is outstanding; 300.01 is too much.")
    small = f.receipt(org.finance, invoice.customer, "50.00")
    response = finance_api.post(
        f"/receivables/payments/{small.pk}/allocations",
        json={"applied_on": str(TODAY), "lines": [{"invoice_id": invoice.pk, "amount": "60.00"}]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert (
        response.json()["message"]
        == f"Only 50.00 of payment {small.number} is left to allocate; 60.00 is too much."
    )
    invoice.refresh_from_db()
    assert invoice.allocated == 0


def test_credit_profile_is_created_then_changed_with_its_version(org, live_server, finance_api):
    buyer = f.customer(org.rep)
    path = f"/receivables/credit-profiles/{buyer.pk}"
    created = finance_api.request("PUT", path, json={"credit_limit": "5000.00", "rating": "A"})
    assert created.status_code == 200, created.text
    profile = created.json()
    assert (profile["credit_limit"], profile["rating"], profile["exposure"], profile["headroom"]) == (
        "5000.00",
        "A",
        "0.00",
        "5000.00",
    )
    again = finance_api.request("PUT", path, json={"credit_limit": "6000.00"})
    assert again.status_code == 422, again.text
    changed = finance_api.request(
        "PUT", path, json={"credit_limit": "6000.00", "rating": "C", "version": profile["version"]}
    )
    assert changed.status_code == 200 and changed.json()["credit_limit"] == "6000.00", changed.text
    stale = finance_api.request("PUT", path, json={"credit_limit": "7000.00", "version": profile["version"]})
    assert stale.status_code == 409, stale.text
    negative = finance_api.request(
        "PUT", path, json={"credit_limit": "-1", "version": profile["version"] + 1}
    )
    assert negative.status_code == 422
    listed = finance_api.get("/receivables/credit-profiles", params={"q": buyer.name}).json()["items"]
    assert [(p["customer_id"], p["credit_limit"]) for p in listed] == [(buyer.pk, "6000.00")]
    assert (
        ApiClient.for_user(live_server, org.rep).request("PUT", path, json={"credit_limit": "1"}).status_code
        == 403
    )


def test_order_over_the_limit_goes_on_hold_and_finance_clears_it(org, live_server, finance_api):
    buyer = f.customer(org.rep)
    services.save_credit_profile(acting_user=org.finance, customer=buyer, credit_limit=Decimal("1000"))
    f.contract_invoice(org.finance, org.rep, amount="700.00", customer_for=buyer)  # exposure 700
    within = f.order(org.rep, customer_for=buyer, amount="300.00")
    over = f.order(org.rep, customer_for=buyer, amount="300.01")
    rep_api = ApiClient.for_user(live_server, org.rep)

    confirmed = rep_api.post(f"/receivables/orders/{within.pk}/confirm", json={"version": within.version})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json() | {"version": 0} == {
        "order_id": within.pk,
        "status": "confirmed",
        "confirmed": True,
        "credit_hold_id": None,
        "version": 0,
    }
    held = rep_api.post(f"/receivables/orders/{over.pk}/confirm", json={"version": over.version}).json()
    assert (held["status"], held["confirmed"]) == ("credit_hold", False)
    assert rep_api.get(f"/orders/{over.pk}").json()["status"] == "credit_hold"
    again = rep_api.post(
        f"/receivables/orders/{over.pk}/confirm",
        json={"version": held["version"]},
        headers={"Accept-Language": "en"},
    )
    assert again.status_code == 422 and "credit hold" in again.json()["message"]

    holds = finance_api.get("/receivables/credit-holds").json()["items"]
    [hold] = [h for h in holds if h["order_id"] == over.pk]
    assert (hold["exposure"], hold["credit_limit"], hold["order_amount"]) == ("1000.00", "1000.00", "300.01")
    # the rep cannot clear their own order (four eyes; and a rep is no credit controller)
    assert rep_api.post(
        f"/receivables/credit-holds/{hold['id']}/decide", json={"approve": True, "version": hold["version"]}
    ).status_code in (403, 404)
    decided = finance_api.post(
        f"/receivables/credit-holds/{hold['id']}/decide",
        json={"approve": True, "note": "paid on delivery", "version": hold["version"]},
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["decided_by_id"]) == ("approved", org.finance.pk)
    order = rep_api.get(f"/orders/{over.pk}").json()
    assert order["status"] == "confirmed" and order["credit_checked_at"]
    twice = finance_api.post(
        f"/receivables/credit-holds/{hold['id']}/decide",
        json={"approve": True, "version": decided.json()["version"]},
    )
    assert twice.status_code == 422


def test_the_confirm_page_and_the_api_run_the_same_credit_check(org, live_server):
    buyer = f.customer(org.rep)
    services.save_credit_profile(acting_user=org.finance, customer=buyer, credit_limit=Decimal("500"))
    by_page, by_api = (f.order(org.rep, customer_for=buyer, amount="600.00") for _ in range(2))

    browser = Client()
    browser.force_login(org.rep)
    response = browser.post(f"/receivables/orders/{by_page.pk}/confirm/", {"version": by_page.version})
    assert response.status_code == 302 and response["Location"] == by_page.get_absolute_url()
    response = ApiClient.for_user(live_server, org.rep).post(
        f"/receivables/orders/{by_api.pk}/confirm", json={"version": by_api.version}
    )
    assert response.status_code == 200, response.text

    for order in (by_page, by_api):
        order.refresh_from_db()
        assert (order.status, order.credit_checked_at) == ("credit_hold", None)
    holds = CreditHold.objects.filter(order__in=[by_page, by_api]).order_by("order_id")
    assert [(h.exposure, h.credit_limit, h.order_amount, h.status) for h in holds] == [
        (Decimal("0.00"), Decimal("500.00"), Decimal("600.00"), "pending")
    ] * 2
    page = browser.get(by_page.get_absolute_url())
    assert "credit hold" in page.content.decode().lower() or "信用" in page.content.decode()
    assert not Order.objects.filter(pk__in=[by_page.pk, by_api.pk], status="confirmed").exists()
    assert not Invoice.objects.filter(customer=buyer).exists()
