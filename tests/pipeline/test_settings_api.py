"""The pipeline settings API over real HTTP: stages and loss reasons, for administrators."""

import pytest

from tests.conftest import build_personas
from tests.http import ApiClient
from tests.pipeline import factories


@pytest.fixture
def world(transactional_db, live_server):
    org = build_personas()
    return org, {
        name: ApiClient.for_user(live_server, getattr(org, name)) for name in ("admin", "director", "rep")
    }


def _by_code(api) -> dict[str, dict]:
    response = api.get("/pipeline/settings/stages")
    assert response.status_code == 200, response.text
    return {s["code"]: s for s in response.json()}


def test_an_admin_reads_changes_adds_and_reorders_stages(world):
    org, api = world
    admin = api["admin"]
    factories.deal(org.rep)
    stages = _by_code(admin)
    assert [s["code"] for s in admin.get("/pipeline/settings/stages").json()] == [
        "lead", "needs", "proposal", "negotiation", "won", "lost",
    ]  # fmt: skip
    assert (stages["lead"]["open_deals"], stages["lead"]["is_active"]) == (1, True)

    needs = stages["needs"]
    body = {k: needs[k] for k in ("name", "name_en", "forecast_category", "is_active")} | {"probability": 25}
    changed = admin.request("PUT", f"/pipeline/settings/stages/{needs['id']}", json=body)
    assert changed.status_code == 200 and changed.json()["probability"] == 25
    assert admin.get(f"/pipeline/settings/stages/{needs['id']}").json()["probability"] == 25

    added = admin.post(
        "/pipeline/settings/stages",
        json={"name": "技术评审", "name_en": "Technical review", "probability": 30, "position": 2},
    )
    assert added.status_code == 201, added.text
    assert (added.json()["code"], added.json()["outcome"], added.json()["position"]) == (
        "technical_review",
        "open",
        1,
    )
    moved = admin.post(f"/pipeline/settings/stages/{added.json()['id']}/move", json={"direction": "down"})
    assert moved.status_code == 200
    assert [s["code"] for s in moved.json()][:3] == ["lead", "needs", "technical_review"]
    # Everyone's board list of active stages shows it too.
    assert "technical_review" in [s["code"] for s in api["rep"].get("/pipeline/stages").json()]


def test_refusals_are_422_with_the_reason(world):
    org, api = world
    admin = api["admin"]
    factories.deal(org.rep)
    stages = _by_code(admin)
    lead = stages["lead"]
    body = {k: lead[k] for k in ("name", "name_en", "probability", "forecast_category")} | {
        "is_active": False
    }
    refused = admin.request("PUT", f"/pipeline/settings/stages/{lead['id']}", json=body)
    assert refused.status_code == 422
    assert refused.json()["code"] == "business_rule" and refused.json()["details"]["open_deals"] == 1

    won = stages["won"]
    body = {k: won[k] for k in ("name", "name_en", "forecast_category", "is_active")} | {"probability": 90}
    assert admin.request("PUT", f"/pipeline/settings/stages/{won['id']}", json=body).status_code == 422
    second_won = admin.post(
        "/pipeline/settings/stages",
        json={"name": "再赢", "name_en": "Won again", "probability": 100, "forecast_category": "closed",
              "outcome": "won"},
    )  # fmt: skip
    assert second_won.status_code == 422 and second_won.json()["details"]["field"] == "outcome"
    too_likely = admin.post(
        "/pipeline/settings/stages", json={"name": "X", "name_en": "X", "probability": 101}
    )
    assert too_likely.status_code == 422 and too_likely.json()["code"] == "invalid"
    nul = admin.post("/pipeline/settings/stages", json={"name": "X\u0000", "name_en": "X", "probability": 5})
    assert nul.status_code == 422
    assert admin.get("/pipeline/settings/stages/999999").status_code == 404


def test_loss_reasons_are_added_renamed_and_deactivated(world):
    _org, api = world
    admin = api["admin"]
    added = admin.post("/pipeline/settings/loss-reasons", json={"name": "交期太长", "name_en": "Lead time"})
    assert added.status_code == 201, added.text
    reason = added.json()
    assert (reason["code"], reason["is_active"]) == ("lead_time", True)
    renamed = admin.request(
        "PUT",
        f"/pipeline/settings/loss-reasons/{reason['id']}",
        json={"name": "交付周期长", "name_en": "Lead time", "is_active": False},
    )
    assert renamed.status_code == 200 and (renamed.json()["name"], renamed.json()["is_active"]) == (
        "交付周期长",
        False,
    )
    listed = {r["id"]: r for r in admin.get("/pipeline/settings/loss-reasons").json()}
    assert listed[reason["id"]]["is_active"] is False
    assert reason["id"] not in [r["id"] for r in api["rep"].get("/pipeline/loss-reasons").json()]
    duplicate = admin.post("/pipeline/settings/loss-reasons", json={"name": "价格"})
    assert duplicate.status_code == 422 and "name" in duplicate.json()["details"]["fields"]


def test_only_admins_use_the_settings_api(world):
    _org, api = world
    stage_id = _by_code(api["admin"])["needs"]["id"]
    for name in ("director", "rep"):
        assert api[name].get("/pipeline/settings/stages").status_code == 403
        assert (
            api[name].post(f"/pipeline/settings/stages/{stage_id}/move", json={"direction": "up"}).status_code
            == 403
        )
