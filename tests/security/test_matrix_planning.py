"""The planning permission matrix over real HTTP with each persona's token: who reads which
targets, who sets, splits, proposes, decides, adjusts, approves and writes action plans — and
"another team's rep gets 404"."""

from decimal import Decimal

import pytest

from salesdesk.planning import services
from salesdesk.planning.models import Target
from salesdesk.planning.services import SplitInto
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.planning import factories

COVERED_RULES = {
    "planning.view_plans",
    "planning.manage_plans",
    "planning.split_target",
    "planning.set_target",
    "planning.propose",
    "planning.decide_proposal",
    "planning.request_adjustment",
    "planning.approve_adjustment",
    "planning.work_action_plan",
    "planning.check_action_plan",
}

ROLES = [
    "director", "admin", "finance", "manager", "supervisor", "rep", "teammate", "rep_e2",
    "supervisor_n", "manager_n", "other_rep", "outsider",
]  # fmt: skip

ALL = {"HQ", "East", "North", "E1", "E2", "N1", "Rep", "Teammate", "Rep_E2", "Other_Rep"}
SEES_TARGETS = {
    "director": ALL,
    "admin": ALL,
    "finance": set(),
    "manager": {"East", "E1", "E2", "Rep", "Teammate", "Rep_E2"},
    "supervisor": {"E1", "Rep", "Teammate"},
    "rep": {"E1", "Rep"},
    "teammate": {"E1", "Teammate"},
    "rep_e2": {"E2", "Rep_E2"},
    "supervisor_n": {"N1", "Other_Rep"},
    "manager_n": {"North", "N1", "Other_Rep"},
    "other_rep": {"N1", "Other_Rep"},
}


@pytest.fixture
def world(transactional_db, live_server):
    org = build_personas()
    plan = factories.plan(org.director, org.company)
    top = factories.company_target(org.director, plan, org.units.hq)
    queue = [top]
    while queue:  # split down to every rep
        node = queue.pop()
        node.refresh_from_db()
        if node.owner_unit_id is not None:
            queue += services.split_target(
                acting_user=org.director,
                target=node,
                expected_version=node.version,
                into=SplitInto.UNITS,
                method="equal",
            )
    api = {name: ApiClient.for_user(live_server, getattr(org, name, None)) for name in ROLES}
    api["outsider"] = ApiClient.for_user(live_server, org.outsider)
    return org, plan, api


def _target(owner) -> Target:
    lookup = {"owner_unit": owner} if hasattr(owner, "path") else {"owner_user": owner}
    return Target.objects.get(period_key="2026", **lookup)


def test_who_reads_which_targets(world):
    org, plan, api = world
    for role in ROLES:
        response = api[role].get("/planning/plans")
        assert response.status_code == (403 if role == "outsider" else 200), role
        if role == "outsider":
            continue
        owners = {
            t["owner"] for t in api[role].all_items(f"/planning/plans/{plan.pk}/targets", period="2026")
        }
        assert owners == SEES_TARGETS[role], role
    # Another team's rep gets 404, not a hint that the target exists.
    theirs = _target(org.other_rep)
    assert api["rep"].get(f"/planning/targets/{theirs.pk}").status_code == 404
    assert api["manager"].get(f"/planning/targets/{theirs.pk}").status_code == 404
    assert api["manager_n"].get(f"/planning/targets/{theirs.pk}").status_code == 200


def test_only_directors_and_admins_make_and_activate_plans(world):
    _org, plan, api = world
    for role in ROLES:
        body = {"fiscal_year": 2027, "name": f"by {role}"}
        expected = 201 if role in ("director", "admin") else 403
        assert api[role].post("/planning/plans", json=body).status_code == expected, role
        distribution = {"name": f"d {role}", "weights": [1] * 12}
        assert api[role].post("/planning/distributions", json=distribution).status_code == expected, role
    for role in ("manager", "supervisor", "rep"):
        assert api[role].post(f"/planning/plans/{plan.pk}/activate", json={"version": 1}).status_code == 403


def _set(api, plan, target, goal):
    body = {"metric": "won_amount", "period": "2026", "floor": goal, "goal": goal, "stretch": goal}
    body |= (
        {"owner_unit_id": target.owner_unit_id}
        if target.owner_unit_id
        else {"owner_user_id": target.owner_user_id}
    )
    body["version"] = Target.objects.get(pk=target.pk).version
    return api.request("PUT", f"/planning/plans/{plan.pk}/targets", json=body)


def test_who_sets_and_splits_which_numbers(world):
    org, plan, api = world
    rep_target, e1 = _target(org.rep), _target(org.units.e1)
    # The rep's number: their supervisor, manager and the director; never the rep themselves.
    expected = {"director": 200, "admin": 200, "manager": 200, "supervisor": 200, "rep": 403, "teammate": 403}
    expected |= {"rep_e2": 403, "manager_n": 404, "other_rep": 403, "finance": 403, "outsider": 403}
    for role, status in expected.items():
        assert _set(api[role], plan, rep_target, "100000").status_code == status, role
    # The team's number comes from above: the supervisor cannot set their own unit's.
    assert _set(api["supervisor"], plan, e1, "1").status_code == 403
    assert _set(api["manager"], plan, e1, "300000").status_code == 200
    # Splitting E1 among its reps: its supervisor, the manager above, the director.
    split = {
        "director": 200,
        "manager": 200,
        "supervisor": 200,
        "rep": 403,
        "manager_n": 404,
        "outsider": 403,
    }
    for role, status in split.items():
        version = Target.objects.get(pk=e1.pk).version
        body = {"version": version, "into": "units", "method": "equal"}
        assert api[role].post(f"/planning/targets/{e1.pk}/split", json=body).status_code == status, role


def test_proposals_are_made_by_their_owner_and_decided_above(world):
    org, plan, api = world
    body = {"metric": "won_amount", "period": "2026", "amount": "90000", "owner_user_id": org.rep.pk}
    assert (
        api["teammate"].request("PUT", f"/planning/plans/{plan.pk}/proposals", json=body).status_code == 404
    )
    assert (
        api["supervisor"].request("PUT", f"/planning/plans/{plan.pk}/proposals", json=body).status_code == 403
    )
    response = api["rep"].request("PUT", f"/planning/plans/{plan.pk}/proposals", json=body)
    assert response.status_code == 200, response.text
    proposal = response.json()
    decide = {"version": proposal["version"], "accept": True}
    for role, status in {"rep": 403, "teammate": 403, "other_rep": 403, "manager_n": 404}.items():
        assert (
            api[role].post(f"/planning/proposals/{proposal['id']}/decide", json=decide).status_code == status
        )
    assert (
        api["supervisor"].post(f"/planning/proposals/{proposal['id']}/decide", json=decide).status_code == 200
    )
    assert _target(org.rep).goal == Decimal(90000)


def test_adjustments_are_approved_above_and_never_by_the_requester_or_owner(world):
    org, plan, api = world
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)
    e1 = _target(org.units.e1)
    body = {
        "floor": "0",
        "goal": "250000",
        "stretch": "300000",
        "reason": "Key account lost",
        "effective_from": "2026-07-01",
    }
    assert api["rep"].post(f"/planning/targets/{e1.pk}/adjustments", json=body).status_code == 403
    assert api["other_rep"].post(f"/planning/targets/{e1.pk}/adjustments", json=body).status_code == 404
    response = api["supervisor"].post(f"/planning/targets/{e1.pk}/adjustments", json=body)  # their own unit
    assert response.status_code == 201, response.text
    adjustment = response.json()["id"]
    decision = {"approve": True}
    expected = {
        "supervisor": 403,
        "rep": 403,
        "finance": 403,
        "manager_n": 404,
        "other_rep": 403,
        "outsider": 403,
    }
    for role, status in expected.items():
        assert (
            api[role].post(f"/planning/adjustments/{adjustment}/decide", json=decision).status_code == status
        ), role
    assert (
        api["manager"].post(f"/planning/adjustments/{adjustment}/withdraw").status_code == 403
    )  # not theirs
    assert api["manager"].post(f"/planning/adjustments/{adjustment}/decide", json=decision).status_code == 200
    assert _target(org.units.e1).goal == Decimal(250000)
    # The manager's own region: the manager asks, the director decides — the manager cannot.
    east = _target(org.units.east)
    body |= {"goal": "700000", "stretch": "800000"}
    own = api["manager"].post(f"/planning/targets/{east.pk}/adjustments", json=body).json()["id"]
    assert api["manager"].post(f"/planning/adjustments/{own}/decide", json=decision).status_code == 403
    assert api["director"].post(f"/planning/adjustments/{own}/decide", json=decision).status_code == 200


def test_action_plans_are_written_by_the_rep_and_checked_by_their_leaders(world):
    org, _plan, api = world
    target = _target(org.rep)
    body = {
        "target_id": target.pk,
        "summary": "Catch up",
        "next_follow_up_on": "2026-12-01",
        "gap_amount": "1000",
        "actions": [{"description": "Call five key accounts", "due_on": "2026-12-03"}],
    }
    assert api["other_rep"].post("/planning/action-plans", json=body).status_code == 404
    assert api["finance"].post("/planning/action-plans", json=body).status_code == 403
    response = api["rep"].post("/planning/action-plans", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    check = {"version": created["version"], "comment": "Good", "next_follow_up_on": "2026-12-08"}
    for role, status in {"rep": 403, "teammate": 403, "supervisor_n": 404, "other_rep": 403}.items():
        assert (
            api[role].post(f"/planning/action-plans/{created['id']}/check", json=check).status_code == status
        ), role
    assert api["teammate"].get(f"/planning/action-plans/{created['id']}").status_code == 404
    assert (
        api["supervisor"].post(f"/planning/action-plans/{created['id']}/check", json=check).status_code == 200
    )
    item = created["items"][0]["id"]
    assert (
        api["other_rep"]
        .post(f"/planning/action-items/{item}/done", json={"done_on": "2026-12-02"})
        .status_code
        == 404
    )
    assert (
        api["rep"].post(f"/planning/action-items/{item}/done", json={"done_on": "2026-12-02"}).status_code
        == 200
    )
