"""Planning pages through the test client: who opens which page, the grid's cell edits and
splits, proposals, adjustments, action plans and seasonality templates, and flat query counts."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from salesdesk.planning import services
from salesdesk.planning.models import (
    ActionPlan,
    Adjustment,
    AdjustmentStatus,
    Distribution,
    PlanStatus,
    Proposal,
    SalesPlan,
    SplitMethod,
    Target,
)
from salesdesk.planning.services import Owner, SplitInto
from tests.org.factories import EmployeeFactory, UserFactory
from tests.planning import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def _english():
    with translation.override("en"):
        yield


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def plan(org):
    return factories.plan(org.director, org.company)


@pytest.fixture
def company_target(org, plan):
    return factories.company_target(org.director, plan, org.units.hq)


@pytest.fixture
def tree(org, plan, company_target):
    """The company's year split to regions, East to its teams, E1 to its reps."""
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    east = Target.objects.get(owner_unit=org.units.east)
    services.split_target(
        acting_user=org.manager, target=east, expected_version=east.version, into="units", method="equal"
    )
    e1 = Target.objects.get(owner_unit=org.units.e1)
    services.split_target(
        acting_user=org.supervisor, target=e1, expected_version=e1.version, into="units", method="equal"
    )
    return {
        "company": company_target,
        "east": east,
        "e1": Target.objects.get(owner_unit=org.units.e1),
        "rep": Target.objects.get(owner_user=org.rep, period_key="2026"),
    }


def _post_cell(client, node, owner, period, goal, version):
    return client.post(
        reverse("planning:grid_cell", args=[node.pk]),
        {"owner": owner, "period": period, "goal": goal, "version": version or ""},
        HTTP_HX_REQUEST="true",
    )


# --- who opens what ----------------------------------------------------------------------------


def test_the_director_opens_every_planning_page(org, plan, tree):
    distribution = services.save_distribution(
        acting_user=org.director, company=org.company, name="Flat", weights=[1] * 12
    )
    client = _client(org.director)
    for url in (
        reverse("planning:plan_list"),
        reverse("planning:plan_create"),
        reverse("planning:plan_detail", args=[plan.pk]),
        reverse("planning:grid", args=[tree["company"].pk]),
        reverse("planning:grid", args=[tree["rep"].pk]),
        reverse("planning:target_detail", args=[tree["east"].pk]),
        reverse("planning:my_numbers"),
        reverse("planning:attainment") + "?period=2026",
        reverse("planning:adjustment_list"),
        reverse("planning:adjustment_inbox"),
        reverse("planning:action_plan_list"),
        reverse("planning:action_plan_create") + f"?target={tree['rep'].pk}",
        reverse("planning:distribution_list"),
        reverse("planning:distribution_create"),
        reverse("planning:distribution_edit", args=[distribution.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_rep_opens_their_pages_and_is_refused_the_planners(org, plan, tree):
    client = _client(org.rep)
    for url in (
        reverse("planning:plan_list"),
        reverse("planning:plan_detail", args=[plan.pk]),
        reverse("planning:grid", args=[tree["rep"].pk]),
        reverse("planning:grid", args=[tree["e1"].pk]),  # their own team's number
        reverse("planning:target_detail", args=[tree["rep"].pk]),
        reverse("planning:my_numbers"),
        reverse("planning:attainment"),
        reverse("planning:adjustment_list"),
        reverse("planning:action_plan_list"),
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("planning:plan_create"),
        reverse("planning:adjustment_inbox"),
        reverse("planning:distribution_list"),
        reverse("planning:distribution_create"),
    ):
        assert client.get(url).status_code == 403, url
    node = tree["e1"]
    assert (
        client.post(reverse("planning:grid_split", args=[node.pk]), {"version": node.version}).status_code
        == 403
    )
    assert _post_cell(client, node, f"user:{org.rep.pk}", "2026", "1", tree["rep"].version).status_code == 403
    assert client.post(reverse("planning:plan_activate", args=[plan.pk]), {"version": 1}).status_code == 403


def test_finance_reads_plans_but_proposes_nothing_and_an_outsider_sees_nothing(org, plan):
    finance = _client(org.finance)
    assert finance.get(reverse("planning:plan_list")).status_code == 200
    assert finance.get(reverse("planning:attainment")).status_code == 200
    assert finance.get(reverse("planning:my_numbers")).status_code == 403
    assert finance.get(reverse("planning:action_plan_list")).status_code == 403
    outsider = _client(org.outsider)
    assert outsider.get(reverse("planning:plan_list")).status_code == 403
    assert outsider.get(reverse("planning:plan_detail", args=[plan.pk])).status_code == 403


def test_another_teams_rep_gets_404(org, plan, tree):
    action_plan = services.create_action_plan(
        acting_user=org.rep,
        target=tree["rep"],
        summary="Close the gap",
        next_follow_up_on=date(2026, 12, 1),
        gap_amount=Decimal(1000),
        actions=[services.ActionInput("Call the dormant accounts", date(2026, 12, 5))],
    )
    client = _client(org.other_rep)
    for url in (
        reverse("planning:grid", args=[tree["rep"].pk]),
        reverse("planning:grid", args=[tree["e1"].pk]),
        reverse("planning:target_detail", args=[tree["rep"].pk]),
        reverse("planning:action_plan_detail", args=[action_plan.pk]),
        reverse("planning:action_plan_create") + f"?target={tree['rep'].pk}",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("planning:propose"), {"target": tree["rep"].pk, "amount": "1"})
    assert response.status_code == 404
    item = action_plan.items.get()
    response = client.post(
        reverse("planning:action_item_done", args=[action_plan.pk, item.pk]), {"done_on": ""}
    )
    assert response.status_code == 404
    other_company_manager = _client(org.manager_n)  # another region's manager: East is not theirs
    assert other_company_manager.get(reverse("planning:grid", args=[tree["east"].pk])).status_code == 404


# --- plans -------------------------------------------------------------------------------------


def test_the_director_adds_a_version_as_a_copy_and_activates_it(org, plan, company_target):
    client = _client(org.director)
    response = client.post(
        reverse("planning:plan_create"),
        {"fiscal_year": "2026", "name": "Second", "start": "copy", "copy_from": plan.pk},
    )
    assert response.status_code == 302
    second = SalesPlan.objects.get(name="Second")
    assert second.targets.get().goal == company_target.goal
    response = client.post(reverse("planning:plan_activate", args=[second.pk]), {"version": second.version})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == PlanStatus.ACTIVE
    # A stale button (the version the page showed is gone) is refused with the reason on the page.
    response = client.post(reverse("planning:plan_archive", args=[second.pk]), {"version": 1})
    assert response.status_code == 409
    assert "after you opened it" in response.content.decode()


def test_a_plan_form_without_the_version_to_copy_says_so(org):
    response = _client(org.director).post(
        reverse("planning:plan_create"), {"fiscal_year": "2026", "name": "x", "start": "copy"}
    )
    assert response.status_code == 422
    assert "Choose the version to copy." in response.content.decode()


def test_a_top_target_is_added_from_the_plan_page(org, plan):
    response = _client(org.director).post(
        reverse("planning:target_create", args=[plan.pk]),
        {
            "owner": f"unit:{org.units.hq.pk}",
            "metric": "won_amount",
            "period": "2026",
            "floor": "800",
            "goal": "1000",
            "stretch": "900",
        },
    )
    assert response.status_code == 422  # stretch below goal
    assert "floor ≤ goal ≤ stretch" in response.content.decode()
    response = _client(org.director).post(
        reverse("planning:target_create", args=[plan.pk]),
        {
            "owner": f"unit:{org.units.hq.pk}",
            "metric": "won_amount",
            "period": "2026",
            "floor": "800",
            "goal": "1000",
            "stretch": "1200",
        },
    )
    target = Target.objects.get(plan=plan)
    assert response.status_code == 302 and response["Location"] == reverse("planning:grid", args=[target.pk])
    html = _client(org.director).get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="top-HQ"' in html


def test_the_export_holds_the_columns_the_target_import_reads(org, plan, tree):
    response = _client(org.supervisor).get(reverse("planning:plan_export", args=[plan.pk]) + "?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        *("metric", "product_series", "unit_code", "employee_no", "period"),
        *("floor", "goal", "stretch"),
    ]
    # The supervisor's scope: their team and its reps, not East or the company.
    owners = sorted((r[2] or r[3]) for r in rows[1:])
    employee_nos = sorted([org.employees.rep.employee_no, org.employees.teammate.employee_no])
    assert owners == sorted(["E1", *employee_nos])
    assert ["won_amount", "", "E1", "", "2026", "240000.00", "300000.00", "360000.00"] in rows
    xlsx = _client(org.director).get(reverse("planning:plan_export", args=[plan.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --- the grid ----------------------------------------------------------------------------------


def test_the_grid_shows_parts_bottom_up_and_the_unallocated_rest(org, plan, tree):
    services.propose(
        acting_user=org.rep,
        plan=plan,
        metric="won_amount",
        owner=Owner(user=org.rep),
        period_key="2026",
        amount=Decimal("120000"),
        note="Two renewals",
    )
    html = _client(org.supervisor).get(reverse("planning:grid", args=[tree["e1"].pk])).content.decode()
    assert 'data-testid="row-Rep"' in html and 'data-testid="row-Teammate"' in html
    assert "Two renewals" in html and 'data-testid="accept-proposal"' in html
    assert 'data-testid="unallocated"' in html
    # The supervisor types the reps' numbers, never the team's own (it comes from above).
    assert f'data-owner="user:{org.rep.pk}" data-period="2026"' in html
    assert f'data-owner="unit:{org.units.e1.pk}" data-period="2026"' not in html


def test_a_cell_saves_through_set_target_and_answers_with_its_row_and_the_footer(org, plan, tree):
    client = _client(org.supervisor)
    node, rep = tree["e1"], tree["rep"]
    response = _post_cell(client, node, f"user:{org.rep.pk}", "2026-03", "12000", None)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr") and 'id="grid-foot"' in html and 'hx-swap-oob="true"' in html
    march = Target.objects.get(owner_user=org.rep, period_key="2026-03")
    assert march.goal == Decimal("12000") and march.floor <= march.goal <= march.stretch
    assert 'data-testid="months-total">12,000<' in html
    response = _post_cell(client, node, f"user:{org.rep.pk}", "2026", "140000", rep.version)
    assert response.status_code == 200
    rep.refresh_from_db()
    assert rep.goal == Decimal("140000") and rep.floor <= rep.goal <= rep.stretch
    assert 'data-testid="unallocated"' in response.content.decode()


def test_a_stale_cell_shows_who_changed_it_in_its_row(org, plan, tree):
    rep = tree["rep"]
    client = _client(org.supervisor)
    assert (
        _post_cell(client, tree["e1"], f"user:{org.rep.pk}", "2026", "150000", rep.version).status_code == 200
    )
    response = _post_cell(client, tree["e1"], f"user:{org.rep.pk}", "2026", "160000", rep.version)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="row-error"' in html and "after you opened it" in html
    rep.refresh_from_db()
    assert rep.goal == Decimal("150000")


def test_a_cell_that_is_not_a_number_or_not_theirs_is_refused_in_the_row(org, plan, tree):
    client = _client(org.manager)
    east = tree["east"]
    response = _post_cell(client, east, f"unit:{org.units.e1.pk}", "2026", "abc", tree["e1"].version)
    assert response.status_code == 422 and "Type a number of at least zero." in response.content.decode()
    response = _post_cell(client, east, f"unit:{org.units.east.pk}", "2026", "1", east.version)  # own number
    assert response.status_code == 403
    assert 'data-testid="row-error"' in response.content.decode()
    assert _post_cell(client, east, f"unit:{org.units.n1.pk}", "2026", "1", None).status_code == 404


def test_the_split_panel_splits_by_the_amounts_typed_per_row(org, plan, tree):
    east = tree["east"]
    client = _client(org.manager)
    url = reverse("planning:grid_split", args=[east.pk])
    data = {
        "version": east.version,
        "into": "units",
        "method": "manual",
        f"part_unit:{org.units.e1.pk}": "400000",
        f"part_unit:{org.units.e2.pk}": "100000",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "add up to 500000" in response.content.decode()
    data[f"part_unit:{org.units.e2.pk}"] = "200000"
    assert client.post(url, data).status_code == 302
    assert Target.objects.get(owner_unit=org.units.e1).goal == Decimal("400000")
    # The same form again is stale: the split moved the node's version.
    response = client.post(url, data)
    assert response.status_code == 409 and 'data-testid="split-error"' in response.content.decode()


def test_the_split_panel_splits_a_year_over_a_seasonality_template(org, plan, tree):
    distribution = services.save_distribution(
        acting_user=org.director, company=org.company, name="Year-end", weights=[1] * 10 + [2, 3]
    )
    rep = tree["rep"]
    response = _client(org.supervisor).post(
        reverse("planning:grid_split", args=[rep.pk]),
        {"version": rep.version, "into": "months", "method": "distribution", "distribution": distribution.pk},
    )
    assert response.status_code == 302
    months = Target.objects.filter(owner_user=org.rep).exclude(period_key="2026")
    assert months.count() == 12 and sum(m.goal for m in months) == rep.goal


def test_accepting_a_proposal_from_the_grid_sets_the_number(org, plan, tree):
    proposal = services.propose(
        acting_user=org.rep,
        plan=plan,
        metric="won_amount",
        owner=Owner(user=org.rep),
        period_key="2026",
        amount=Decimal("120000"),
    )
    url = reverse("planning:grid_decide", args=[tree["e1"].pk, proposal.pk])
    response = _client(org.rep).post(url, {"version": proposal.version, "decision": "accept"})
    assert response.status_code == 403  # a rep decides nothing
    response = _client(org.supervisor).post(url, {"version": proposal.version, "decision": "accept"})
    assert response.status_code == 302
    assert Target.objects.get(owner_user=org.rep, period_key="2026").goal == Decimal("120000")
    response = _client(org.supervisor).post(url, {"version": proposal.version + 1, "decision": "accept"})
    assert response.status_code == 422 and "decided already" in response.content.decode()


# --- my numbers --------------------------------------------------------------------------------


def test_a_rep_proposes_their_number_and_the_supervisor_declines_it(org, plan, tree):
    rep = _client(org.rep)
    html = rep.get(reverse("planning:my_numbers")).content.decode()
    assert 'data-testid="mine-2026-won_amount"' in html
    response = rep.post(reverse("planning:propose"), {"target": tree["rep"].pk, "amount": "-5"})
    assert response.status_code == 422
    response = rep.post(
        reverse("planning:propose"), {"target": tree["rep"].pk, "amount": "130000", "note": "New dealer"}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(owner_user=org.rep)
    assert (proposal.amount, proposal.note) == (Decimal("130000"), "New dealer")
    supervisor = _client(org.supervisor)
    html = supervisor.get(reverse("planning:my_numbers")).content.decode()
    assert 'data-testid="proposal-Rep"' in html
    response = supervisor.post(
        reverse("planning:proposal_decide", args=[proposal.pk]),
        {"version": proposal.version, "decision": "decline", "note": "Too low for the new territory"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert "Too low for the new territory" in rep.get(reverse("planning:my_numbers")).content.decode()


# --- adjustments -------------------------------------------------------------------------------


def test_an_adjustment_is_requested_on_the_target_page_and_approved_in_the_inbox(org, plan, tree):
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)
    east = tree["east"]
    east.refresh_from_db()
    manager = _client(org.manager)
    url = reverse("planning:adjustment_request", args=[east.pk])
    levels = {"floor": "480000", "goal": "700000", "stretch": "840000"}
    response = manager.post(url, levels | {"reason": " ", "effective_from": "2026-07-01"})
    assert response.status_code == 422
    response = manager.post(
        url, levels | {"reason": "Two distributors signed", "effective_from": "2026-07-01"}
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get(target=east)
    assert manager.get(reverse("planning:adjustment_inbox")).content.decode().count("adjustment-") == 0
    response = manager.post(
        reverse("planning:adjustment_decide", args=[adjustment.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403  # their own request
    director = _client(org.director)
    assert (
        f'data-testid="adjustment-{adjustment.pk}"'
        in director.get(reverse("planning:adjustment_inbox")).content.decode()
    )
    response = director.post(
        reverse("planning:adjustment_decide", args=[adjustment.pk]), {"decision": "approve", "note": "Agreed"}
    )
    assert response.status_code == 302
    east.refresh_from_db()
    assert east.goal == Decimal("700000")
    html = manager.get(reverse("planning:target_detail", args=[east.pk])).content.decode()
    assert "Two distributors signed" in html and "Approved" in html and 'data-testid="history-panel"' in html


def test_a_pending_request_is_withdrawn_by_its_requester(org, plan, tree):
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)
    east = Target.objects.get(pk=tree["east"].pk)
    adjustment = services.request_adjustment(
        acting_user=org.manager,
        target=east,
        levels=factories.levels("700000", "480000", "840000"),
        reason="x",
        effective_from=date(2026, 7, 1),
    )
    response = _client(org.director).post(reverse("planning:adjustment_withdraw", args=[adjustment.pk]))
    assert response.status_code == 403  # not theirs to withdraw
    response = _client(org.manager).post(reverse("planning:adjustment_withdraw", args=[adjustment.pk]))
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.WITHDRAWN


# --- action plans ------------------------------------------------------------------------------


def test_a_rep_writes_an_action_plan_and_the_supervisor_checks_it(org, plan, tree):
    rep = _client(org.rep)
    response = rep.post(
        reverse("planning:action_plan_create"),
        {
            "target": tree["rep"].pk,
            "summary": "Close the Q4 gap",
            "gap_amount": "40000",
            "next_follow_up_on": "2026-12-01",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "3",
            "actions-MAX_NUM_FORMS": "20",
            "actions-0-description": "Visit three dormant key accounts",
            "actions-0-due_on": "2026-12-05",
            "actions-0-expected_amount": "20000",
            "actions-1-description": "Wuxi tender",
            "actions-1-due_on": "",
        },
    )
    assert response.status_code == 422 and "When is it due?" in response.content.decode()
    response = rep.post(
        reverse("planning:action_plan_create"),
        {
            "target": tree["rep"].pk,
            "summary": "Close the Q4 gap",
            "gap_amount": "40000",
            "next_follow_up_on": "2026-12-01",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Visit three dormant key accounts",
            "actions-0-due_on": "2026-12-05",
            "actions-0-expected_amount": "20000",
        },
    )
    assert response.status_code == 302
    action_plan = ActionPlan.objects.get()
    item = action_plan.items.get()
    assert (
        rep.post(
            reverse("planning:action_item_done", args=[action_plan.pk, item.pk]), {"done_on": "2026-12-04"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.done_on == date(2026, 12, 4)
    assert (
        rep.post(
            reverse("planning:action_plan_submit", args=[action_plan.pk]), {"version": action_plan.version}
        ).status_code
        == 302
    )
    action_plan.refresh_from_db()
    check = {
        "version": action_plan.version,
        "comment": "Add the Wuxi tender",
        "next_follow_up_on": "2026-12-08",
    }
    assert rep.post(reverse("planning:action_plan_check", args=[action_plan.pk]), check).status_code == 403
    response = _client(org.supervisor).post(
        reverse("planning:action_plan_check", args=[action_plan.pk]), check
    )
    assert response.status_code == 302
    action_plan.refresh_from_db()
    assert (action_plan.status, action_plan.supervisor_comment) == ("checked", "Add the Wuxi tender")
    html = rep.get(action_plan.get_absolute_url()).content.decode()
    assert "Add the Wuxi tender" in html


# --- distributions -----------------------------------------------------------------------------


def test_the_director_saves_twelve_monthly_weights(org):
    client = _client(org.director)
    weights = {f"weight_{i}": "1" for i in range(12)} | {"weight_11": "3"}
    response = client.post(
        reverse("planning:distribution_create"), {"name": "Year-end", "is_active": "on"} | weights
    )
    assert response.status_code == 302
    distribution = Distribution.objects.get(name="Year-end")
    assert distribution.weights[-1] == "3"
    response = client.post(
        reverse("planning:distribution_edit", args=[distribution.pk]),
        {"name": "Year-end", "version": distribution.version, "is_active": "on"}
        | {f"weight_{i}": "0" for i in range(12)},
    )
    assert response.status_code == 422 and "at least one must be above zero" in response.content.decode()


# --- query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(context.captured_queries)


def _add_reps(org, first: int, count: int) -> None:
    for n in range(first, first + count):
        EmployeeFactory.with_role(
            "rep",
            unit=org.units.e2,
            manager=org.employees.supervisor_e2,
            user=UserFactory(username=f"e2rep{n}", full_name=f"Rep {n:02d}"),
        )


def _split_team(org, plan, team: Target) -> None:
    """Split E2's year over its reps, each rep's year over the months, and let each propose."""
    team.refresh_from_db()
    services.split_target(
        acting_user=org.director, target=team, expected_version=team.version, into="units", method="equal"
    )
    for rep_target in Target.objects.filter(parent=team, period_key="2026"):
        services.split_target(
            acting_user=org.director,
            target=rep_target,
            expected_version=rep_target.version,
            into="months",
            method="equal",
        )
        if not Proposal.objects.filter(owner_user=rep_target.owner_user).exists():
            services.propose(
                acting_user=rep_target.owner_user,
                plan=plan,
                metric="won_amount",
                owner=Owner(user=rep_target.owner_user),
                period_key="2026",
                amount=Decimal("1000"),
            )


def test_the_grid_attainment_and_lists_cost_the_same_queries_for_3_or_30_rows(org, plan):
    from tests.metrics import factories as deals

    won = deals.stages(org.company)["won"]
    _add_reps(org, 0, 2)  # rep_e2 + 2 = 3 reps in E2
    team = services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="won_amount",
        owner=Owner(unit=org.units.e2),
        period_key="2026",
        levels=factories.levels("300000"),
    )
    _split_team(org, plan, team)
    deals.deal(org.rep_e2, won, amount=1000, closed_on=date(2026, 3, 1))
    client = _client(org.director)
    urls = {
        "grid": reverse("planning:grid", args=[team.pk]),
        "attainment": reverse("planning:attainment") + f"?period=2026&plan={plan.pk}&unit={org.units.e2.pk}",
        "plan": reverse("planning:plan_detail", args=[plan.pk]),
        "plans": reverse("planning:plan_list"),
        "adjustments": reverse("planning:adjustment_list"),
        "action plans": reverse("planning:action_plan_list"),
    }
    supervisor = _client(org.supervisor_e2)
    numbers = reverse("planning:my_numbers")

    def counts():
        for url in urls.values():
            _queries(client, url)  # warm-up: the session, the access profile, the stages
        _queries(supervisor, numbers)
        return {name: _queries(client, url) for name, url in urls.items()} | {
            "numbers": _queries(supervisor, numbers)
        }

    few = counts()
    html = client.get(urls["grid"]).content.decode()
    assert html.count('data-testid="accept-proposal"') == 3
    _add_reps(org, 2, 27)
    _split_team(org, plan, team)
    for user in [e.user for e in org.units.e2.employees.all()][:10]:
        deals.deal(user, won, amount=500, closed_on=date(2026, 4, 1))
    many = counts()
    assert client.get(urls["grid"]).content.decode().count('data-testid="accept-proposal"') == 30
    assert many == few
