"""The budgets API over real HTTP (the live server, personal API tokens): categories, budgets and
their months, the expense workflow with receipts, usage and the weekly cost analysis. Another
team's rep gets 404; errors come in the shared error schema."""

from decimal import Decimal as D

import pytest

from salesdesk.budgets.models import Expense
from tests.budgets import factories as f
from tests.conftest import build_personas
from tests.http import ApiClient


@pytest.fixture
def world(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = build_personas()
    travel = f.category(org.company)

    def api(name):
        return ApiClient.for_user(live_server, getattr(org, name))

    return org, travel, api


def test_categories_and_limits(world):
    _org, _travel, api = world
    assert [c["code"] for c in api("rep").get("/budgets/categories").json()] == ["TRAVEL"]
    body = {"code": "GIFT", "name": "礼品", "name_en": "Gifts"}
    assert api("rep").post("/budgets/categories", json=body).status_code == 403
    created = api("admin").post("/budgets/categories", json=body)
    assert created.status_code == 201 and created.json()["version"] == 1
    again = api("admin").post("/budgets/categories", json=body)
    assert again.status_code == 422 and "code" in again.json()["details"]["fields"]
    cid = created.json()["id"]
    changed = api("director").patch(f"/budgets/categories/{cid}", json={"version": 1, "is_active": False})
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    stale = api("director").patch(f"/budgets/categories/{cid}", json={"version": 1, "name": "x"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert api("rep").get("/budgets/approval-limits").json() == {
        "supervisor": "5000.00",
        "manager": "20000.00",
    }
    put = api("admin").request("PUT", "/budgets/approval-limits", json={"supervisor": "3000"})
    assert put.status_code == 200 and put.json()["supervisor"] == "3000.00"
    assert api("manager").request("PUT", "/budgets/approval-limits", json={"manager": "1"}).status_code == 403


def test_budgets_and_their_months(world):
    org, travel, api = world
    body = {"unit_id": org.units.e1.pk, "category_id": travel.pk, "fiscal_year": 2026, "amount": "12000"}
    assert api("rep").post("/budgets", json=body).status_code == 403
    assert api("manager").post("/budgets", json={**body, "unit_id": org.units.east.pk}).status_code == 403
    created = api("manager").post("/budgets", json={**body, "control_mode": "stop"})
    assert created.status_code == 201, created.text
    budget = created.json()
    assert len(budget["lines"]) == 12 and sum(D(line["amount"]) for line in budget["lines"]) == D("12000")
    assert budget["lines"][10]["month"] == "2026-11" and budget["remaining"] == "12000.00"
    bad = api("director").post("/budgets", json={**body, "category_id": 999999})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "category"

    listed = api("rep").get("/budgets", params={"fiscal_year": 2026})
    assert [b["id"] for b in listed.json()["items"]] == [budget["id"]]
    assert api("other_rep").get("/budgets").json()["items"] == []
    assert api("other_rep").get(f"/budgets/{budget['id']}").status_code == 404

    november = budget["lines"][10]
    changed = api("manager").patch(f"/budgets/lines/{november['id']}", json={"version": 1, "amount": "2500"})
    assert changed.status_code == 200 and changed.json()["amount"] == "2500.00"
    assert api("director").get(f"/budgets/{budget['id']}").json()["amount"] == "13500.00"
    stale = api("director").patch(f"/budgets/lines/{november['id']}", json={"version": 1, "amount": "1"})
    assert stale.status_code == 409
    assert (
        api("rep").patch(f"/budgets/lines/{november['id']}", json={"version": 2, "amount": "1"}).status_code
        == 403
    )

    resplit = api("director").patch(f"/budgets/{budget['id']}", json={"version": 2, "amount": "24000"})
    assert resplit.status_code == 200 and {line["amount"] for line in resplit.json()["lines"]} == {"2000.00"}
    usage = api("rep").get("/budgets/usage", params={"period": "2026-11"})
    assert [(u["month"], u["amount"]) for u in usage.json()] == [("2026-11", "2000.00")]
    bad_period = api("rep").get("/budgets/usage", params={"period": "2026-13"})
    assert bad_period.status_code == 422 and bad_period.json()["details"]["field"] == "period"


def test_the_expense_workflow(world):
    org, travel, api = world
    f.budget(org.units.e1, travel, "12000.00", mode="stop", by=org.director)
    rep = api("rep")
    body = {"category_id": travel.pk, "amount": "1500", "incurred_on": "2026-11-05", "description": "Flights"}
    blocked = rep.post("/budgets/expenses", json={**body, "submit": True})
    assert blocked.status_code == 422
    error = blocked.json()
    assert error["code"] == "business_rule" and error["details"]["code"] == "budget_exceeded"
    assert "¥1,500.00" in error["message"] and "¥1,000.00" in error["message"]
    assert Expense.objects.count() == 0  # refused as a whole: nothing half-made

    created = rep.post("/budgets/expenses", json={**body, "amount": "400"})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    expense = created.json()
    assert api("other_rep").get(f"/budgets/expenses/{expense['id']}").status_code == 404
    assert api("teammate").get(f"/budgets/expenses/{expense['id']}").status_code == 404
    assert api("supervisor").get(f"/budgets/expenses/{expense['id']}").status_code == 200

    patched = rep.patch(f"/budgets/expenses/{expense['id']}", json={"version": 1, "amount": "450"})
    assert patched.status_code == 200 and patched.json()["amount"] == "450.00"
    assert (
        rep.patch(f"/budgets/expenses/{expense['id']}", json={"version": 1, "amount": "9"}).status_code == 409
    )

    upload = rep.post(
        f"/budgets/expenses/{expense['id']}/attachments", files={"file": ("发票.pdf", b"%PDF-1.4 receipt")}
    )
    assert upload.status_code == 201, upload.text
    attachment = upload.json()
    download = api("supervisor").get(f"/budgets/attachments/{attachment['id']}")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 receipt"
    assert api("other_rep").get(f"/budgets/attachments/{attachment['id']}").status_code == 404
    assert (
        api("supervisor")
        .post(f"/budgets/expenses/{expense['id']}/attachments", files={"file": ("x.pdf", b"1")})
        .status_code
        == 403
    )

    submitted = rep.post(f"/budgets/expenses/{expense['id']}/submit", json={"version": 2})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert [s["role"] for s in submitted.json()["steps"]] == ["supervisor"]
    inbox = api("supervisor").get("/budgets/approvals").json()["items"]
    assert [item["id"] for item in inbox] == [expense["id"]]
    assert api("rep").get("/budgets/approvals").status_code == 403
    decision = {"version": 3, "comment": "ok"}
    assert rep.post(f"/budgets/expenses/{expense['id']}/approve", json=decision).status_code == 403
    assert (
        api("other_rep").post(f"/budgets/expenses/{expense['id']}/approve", json=decision).status_code == 403
    )
    assert (
        api("manager_n").post(f"/budgets/expenses/{expense['id']}/approve", json=decision).status_code == 404
    )
    approved = api("supervisor").post(f"/budgets/expenses/{expense['id']}/approve", json=decision)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    paid = api("finance").post(
        f"/budgets/expenses/{expense['id']}/pay", json={"version": 4, "paid_on": "2026-11-20"}
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"

    draft = rep.post("/budgets/expenses", json={**body, "amount": "20"}).json()
    assert rep.delete(f"/budgets/expenses/{draft['id']}", params={"version": 1}).status_code == 204
    listed = api("supervisor").get("/budgets/expenses", params={"status": "paid"}).json()["items"]
    assert [item["id"] for item in listed] == [expense["id"]] and listed[0]["spender_name"] == "Rep"


def test_rejection_and_weekly_costs(world):
    org, travel, api = world
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    reject = api("supervisor").post(
        f"/budgets/expenses/{expense.pk}/reject", json={"version": 2, "comment": ""}
    )
    assert reject.status_code == 422 and reject.json()["details"]["fields"]["comment"]
    rejected = api("supervisor").post(
        f"/budgets/expenses/{expense.pk}/reject", json={"version": 2, "comment": "No receipt"}
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"

    weekly = api("manager").get("/budgets/cost-analysis/weekly", params={"end_week": "2026-W47", "weeks": 4})
    assert weekly.status_code == 200, weekly.text
    body = weekly.json()
    assert body["unit_id"] == org.units.east.pk and body["weeks"][-1] == "2026-W47"
    assert [row["unit_id"] for row in body["rows"]] == [org.units.east.pk, org.units.e1.pk, org.units.e2.pk]
    assert api("rep").get("/budgets/cost-analysis/weekly").status_code == 403
    assert (
        api("manager").get("/budgets/cost-analysis/weekly", params={"unit": org.units.n1.pk}).status_code
        == 404
    )
    bad = api("director").get("/budgets/cost-analysis/weekly", params={"end_week": "2026-W99"})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "end_week"
