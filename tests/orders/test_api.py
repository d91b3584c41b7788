"""The order routes that the package split and the transition table touch, over the API: every
transition route still answers at its path with the record as it is now, termination and the
review-step settings, and the error answers (403, 404, 409, 422) a client acts on."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from salesdesk.orders import services
from salesdesk.orders.models import ContractReviewStep
from tests.orders import factories

TODAY = timezone.localdate


class Api:
    def __init__(self, user):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="en")
        self.client.force_login(user)

    def __call__(self, method: str, path: str, body=None):
        response = self.client.generic(
            method, f"/api/v1/orders{path}", json.dumps(body or {}), content_type="application/json"
        )
        is_json = response.get("Content-Type", "").startswith("application/json")
        return response.status_code, response.json() if is_json else None


@pytest.fixture
def order(org):
    return factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])


def test_quote_transitions_answer_with_the_quote(org):
    deal = factories.deal_with_lines(org.rep, org.company)
    line = deal.lines.get()
    quote = services.create_quote(
        acting_user=org.rep,
        opportunity=deal,
        lines=[
            services.QuoteLineInput(product=line.product, quantity=Decimal(1), discount_percent=Decimal(8))
        ],
    )
    status, body = Api(org.rep)("POST", f"/quotes/{quote.pk}/submit", {"version": quote.version})
    assert status == 200 and body["status"] == "pending_approval" and body["approver_role"] == "supervisor"
    assert Api(org.rep)("POST", f"/quotes/{quote.pk}/approve", {"version": body["version"]})[0] == 403
    status, error = Api(org.supervisor)("POST", f"/quotes/{quote.pk}/reject", {"version": body["version"]})
    assert status == 422 and error["details"] == {"field": "comment"}
    status, body = Api(org.supervisor)(
        "POST", f"/quotes/{quote.pk}/reject", {"version": body["version"], "comment": "too deep"}
    )
    assert status == 200 and body["status"] == "rejected" and body["approvals"][0]["comment"] == "too deep"
    assert Api(org.other_rep)("POST", f"/quotes/{quote.pk}/submit", {"version": body["version"]})[0] == 404


def test_order_transitions_run_from_their_paths(org, order):
    rep, supervisor = Api(org.rep), Api(org.supervisor)
    status, body = rep("POST", f"/{order.pk}/start-production", {"version": order.version})
    assert status == 200 and body["status"] == "in_production"
    status, body = rep("POST", f"/{order.pk}/progress", {"version": body["version"], "percent": 40})
    assert status == 200 and body["production_progress"] == 40
    status, body = supervisor("POST", f"/{order.pk}/pause", {"version": body["version"], "reason": "site"})
    assert status == 200 and (body["status"], body["pause_reason"]) == ("paused", "site")
    status, body = supervisor("POST", f"/{order.pk}/resume", {"version": body["version"], "note": "ready"})
    assert status == 200 and body["status"] == "in_production"
    stale = {"version": body["version"] - 1, "reason": "again"}
    status, error = supervisor("POST", f"/{order.pk}/pause", stale)
    assert status == 409 and error["code"] == "stale_version"
    assert rep("POST", f"/{order.pk}/complete", {"version": body["version"]})[0] == 422
    for fixed in ("/delivery-changes", "/price-lists", "/on-time/customers", "/settings/review-steps"):
        assert rep("GET", fixed)[0] == 200, fixed  # "/{int:order_id}" takes none of them


def test_a_delivery_change_is_rejected_with_a_reason(org, order):
    shipment = order.shipments.get()
    status, change = Api(org.rep)(
        "POST",
        f"/{order.pk}/delivery-changes",
        {"shipment_id": shipment.pk, "new_date": str(shipment.planned_on + timedelta(days=3)), "reason": "x"},
    )
    assert status == 201
    manager = Api(org.manager)
    status, error = manager(
        "POST", f"/delivery-changes/{change['id']}/reject", {"version": change["version"]}
    )
    assert status == 422 and error["details"] == {"field": "comment"}
    status, body = manager(
        "POST", f"/delivery-changes/{change['id']}/reject", {"version": change["version"], "comment": "no"}
    )
    assert status == 200 and (body["status"], body["decision_note"]) == ("rejected", "no")


def test_a_manager_terminates_a_contract_and_orders_under_it_are_refused(org, order):
    contract = order.contract
    body = {"version": contract.version, "reason": "Customer went bankrupt"}
    assert Api(org.rep)("POST", f"/contracts/{contract.pk}/terminate", body)[0] == 403
    assert Api(org.manager_n)("POST", f"/contracts/{contract.pk}/terminate", body)[0] == 404
    status, error = Api(org.manager)("POST", f"/contracts/{contract.pk}/terminate", body | {"reason": " "})
    assert status == 422 and error["details"] == {"field": "reason"}
    stale = body | {"version": contract.version + 1}
    assert Api(org.manager)("POST", f"/contracts/{contract.pk}/terminate", stale)[0] == 409
    status, terminated = Api(org.manager)("POST", f"/contracts/{contract.pk}/terminate", body)
    assert status == 200
    assert (terminated["status"], terminated["terminated_on"], terminated["termination_reason"]) == (
        "terminated",
        str(TODAY()),
        "Customer went bankrupt",
    )
    assert terminated["terminated_by_id"] == org.manager.pk
    again = body | {"version": terminated["version"]}
    status, error = Api(org.director)("POST", f"/contracts/{contract.pk}/terminate", again)
    assert status == 422 and error["details"]["code"] == "invalid_transition"
    status, error = Api(org.rep)("POST", "", {"contract_id": contract.pk, "promised_on": str(TODAY())})
    assert status == 422 and error["details"]["code"] == "contract_terminated"
    assert error["message"].startswith(f"Contract {contract.number} was terminated on")


def test_shipments_show_their_original_promise(org, order):
    status, body = Api(org.rep)("GET", f"/{order.pk}")
    shipment = order.shipments.get()
    assert status == 200 and body["shipments"][0]["original_planned_on"] == str(shipment.original_planned_on)


def test_review_steps_are_versioned_over_the_api(org):
    director = Api(org.director)
    status, steps = director("GET", "/settings/review-steps")
    assert status == 200 and [s["sequence"] for s in steps] == [10, 20, 30, 40, 50]
    legal = steps[-1]
    assert (legal["only_non_standard"], legal["version"]) == (True, 1)

    status, changed = director(
        "PATCH",
        "/settings/review-steps/50",
        {"version": 1, "reviewer_id": org.finance.pk, "min_amount": "1000"},
    )
    assert status == 200 and (changed["reviewer_id"], changed["min_amount"], changed["version"]) == (
        org.finance.pk,
        "1000.00",
        2,
    )
    status, error = Api(org.admin)("PATCH", "/settings/review-steps/50", {"version": 1, "is_active": False})
    assert status == 409 and error["details"]["changed_by"] == str(org.director)

    full = {"name": "Legal", "reviewer_role": "director", "only_non_standard": True}
    status, error = director("PUT", "/settings/review-steps/50", full)
    assert status == 422 and error["details"]["code"] == "version_required"
    status, added = director("PUT", "/settings/review-steps/60", full | {"min_amount": "0"})
    assert status == 200 and (added["sequence"], added["version"], added["reviewer_id"]) == (60, 1, None)
    assert director("PATCH", "/settings/review-steps/99", {"version": 1})[0] == 404
    assert director("PATCH", "/settings/review-steps/60", {"version": 1, "reviewer_id": 10**6})[0] == 404
    assert Api(org.manager)("PATCH", "/settings/review-steps/60", {"version": 1, "name": "x"})[0] == 403
    assert Api(org.rep)("GET", "/settings/review-steps")[0] == 200  # everyone may read the policy
    assert ContractReviewStep.objects.filter(company=org.company).count() == 6
