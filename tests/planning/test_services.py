"""Planning services on the real database: a year's target split down the tree and over the
months, bottom-up proposals, adjustments with approval, and the target in force."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.planning import selectors, services
from salesdesk.planning.models import AdjustmentStatus, PlanStatus, SplitMethod, Target
from salesdesk.planning.services import Owner, SplitInto
from tests.planning import factories

pytestmark = pytest.mark.django_db  # messages in English: tests/planning/conftest.py


@pytest.fixture
def plan(org):
    return factories.plan(org.director, org.company)


@pytest.fixture
def company_target(org, plan):
    return factories.company_target(org.director, plan, org.units.hq)


def _goals(targets):
    return {str(t.owner_unit or t.owner_user or t.period_key): t.goal for t in targets}


def test_a_company_target_splits_to_selling_regions_only_and_adds_up(org, company_target):
    regions = services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    assert _goals(regions) == {"East": Decimal("600000.00"), "North": Decimal("600000.00")}  # not Finance
    assert sum(r.floor for r in regions) == company_target.floor
    assert sum(r.stretch for r in regions) == company_target.stretch
    assert {r.parent_id for r in regions} == {company_target.pk}


def test_the_manager_splits_their_region_but_cannot_set_their_own_number(org, company_target):
    east = services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )[0]
    teams = services.split_target(
        acting_user=org.manager,
        target=east,
        expected_version=east.version,
        into=SplitInto.UNITS,
        method=SplitMethod.POTENTIAL,
        weights={f"unit:{org.units.e1.pk}": Decimal(2), f"unit:{org.units.e2.pk}": Decimal(1)},
    )
    assert _goals(teams) == {"E1": Decimal("400000.00"), "E2": Decimal("200000.00")}
    east.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.set_target(
            acting_user=org.manager,
            plan=east.plan,
            metric=east.metric,
            owner=Owner(unit=org.units.east),
            period_key=east.period_key,
            levels=factories.levels(1),
            expected_version=east.version,
        )
    north = Target.objects.get(owner_unit=org.units.north)
    with pytest.raises(PermissionDenied):  # another manager's region
        services.split_target(
            acting_user=org.manager,
            target=north,
            expected_version=north.version,
            into=SplitInto.UNITS,
            method=SplitMethod.EQUAL,
        )


def test_a_team_splits_to_its_reps_by_seniority_and_a_rep_year_to_months_by_season(org, plan):
    org.employees.rep.level = "senior"
    org.employees.rep.save()
    team = services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="won_amount",
        owner=Owner(unit=org.units.e1),
        period_key="2026",
        levels=factories.levels("200000"),
    )
    reps = services.split_target(
        acting_user=org.supervisor,
        target=team,
        expected_version=team.version,
        into=SplitInto.UNITS,
        method=SplitMethod.SENIORITY,
    )
    # rep is senior (1.4), teammate new (0.6): 70% / 30%
    assert _goals(reps) == {"Rep": Decimal("140000.00"), "Teammate": Decimal("60000.00")}
    distribution = services.save_distribution(
        acting_user=org.director,
        company=org.company,
        name="Year-end heavy",
        weights=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3],
    )
    rep_year = next(t for t in reps if t.owner_user == org.rep)
    months = services.split_target(
        acting_user=org.supervisor,
        target=rep_year,
        expected_version=rep_year.version,
        into=SplitInto.MONTHS,
        method=SplitMethod.DISTRIBUTION,
        distribution=distribution,
    )
    assert [m.period_key for m in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert sum(m.goal for m in months) == Decimal("140000.00")
    assert months[-1].goal == Decimal("28000.00")  # 3 of 15 weights
    assert abs(months[-1].goal - 3 * months[0].goal) <= Decimal("0.03")
    assert all(m.goal >= 0 for m in months)


def test_re_splitting_a_parent_keeps_the_shares_of_its_parts_below(org, company_target):
    regions = services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    east = regions[0]
    services.split_target(
        acting_user=org.director,
        target=east,
        expected_version=east.version,
        into=SplitInto.QUARTERS,
        method="equal",
    )
    company_target.refresh_from_db()
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.MANUAL,
        amounts={f"unit:{org.units.east.pk}": Decimal(800000), f"unit:{org.units.north.pk}": Decimal(400000)},
    )
    quarters = Target.objects.filter(owner_unit=org.units.east, period_key__contains="Q")
    assert sum(q.goal for q in quarters) == Decimal("800000.00")
    assert {q.goal for q in quarters} == {Decimal("200000.00")}


def test_manual_parts_that_do_not_add_up_are_refused(org, company_target):
    with pytest.raises(BusinessRuleViolation, match="add up to"):
        services.split_target(
            acting_user=org.director,
            target=company_target,
            expected_version=company_target.version,
            into=SplitInto.UNITS,
            method=SplitMethod.MANUAL,
            amounts={f"unit:{org.units.east.pk}": Decimal(1), f"unit:{org.units.north.pk}": Decimal(1)},
        )


def test_two_planners_splitting_at_once_the_second_gets_a_conflict(org, company_target):
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    with pytest.raises(StaleVersion):
        services.split_target(
            acting_user=org.director,
            target=company_target,
            expected_version=company_target.version - 1,
            into=SplitInto.QUARTERS,
            method=SplitMethod.EQUAL,
        )


def test_bottom_up_proposals_show_as_a_gap_and_accepting_one_sets_the_number(org, plan, company_target):
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    east = Target.objects.get(owner_unit=org.units.east)
    services.split_target(
        acting_user=org.manager,
        target=east,
        expected_version=east.version,
        into=SplitInto.UNITS,
        method="equal",
    )
    e1 = Target.objects.get(owner_unit=org.units.e1)
    services.split_target(
        acting_user=org.supervisor,
        target=e1,
        expected_version=e1.version,
        into=SplitInto.UNITS,
        method="equal",
    )
    mine = services.propose(
        acting_user=org.rep,
        plan=plan,
        metric="won_amount",
        owner=Owner(user=org.rep),
        period_key="2026",
        amount=Decimal("120000"),
        note="Two big renewals",
    )
    services.propose(
        acting_user=org.teammate,
        plan=plan,
        metric="won_amount",
        owner=Owner(user=org.teammate),
        period_key="2026",
        amount=Decimal("100000"),
    )
    with pytest.raises(PermissionDenied):  # nobody proposes for someone else
        services.propose(
            acting_user=org.rep,
            plan=plan,
            metric="won_amount",
            owner=Owner(user=org.teammate),
            period_key="2026",
            amount=Decimal(1),
        )
    grid = selectors.grid(org.manager, east)
    e1_row = next(r for r in grid.rows if r.owner_label == "E1")
    assert e1_row.target.goal == Decimal("300000.00")
    assert e1_row.bottom_up == Decimal("220000")
    assert e1_row.gap == Decimal("80000.00")
    team = selectors.grid(org.supervisor, e1)
    rep_row = next(r for r in team.rows if r.owner_label == "Rep")
    assert rep_row.gap == Decimal("30000.00")

    with pytest.raises(PermissionDenied):  # the rep cannot accept their own number
        services.decide_proposal(
            acting_user=org.rep, proposal=mine, expected_version=mine.version, accept=True
        )
    services.decide_proposal(
        acting_user=org.supervisor, proposal=mine, expected_version=mine.version, accept=True
    )
    rep_target = Target.objects.get(owner_user=org.rep, period_key="2026")
    assert rep_target.goal == Decimal("120000")
    assert rep_target.floor <= rep_target.goal <= rep_target.stretch
    assert selectors.grid(org.supervisor, e1).unallocated == Decimal("30000.00")


def test_an_adjustment_needs_a_reason_and_an_approver_above_who_is_not_the_requester(
    org, plan, company_target
):
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.UNITS,
        method=SplitMethod.EQUAL,
    )
    east = Target.objects.get(owner_unit=org.units.east)
    services.split_target(
        acting_user=org.director,
        target=east,
        expected_version=east.version,
        into=SplitInto.MONTHS,
        method="equal",
    )
    with pytest.raises(BusinessRuleViolation, match="active plan"):
        services.request_adjustment(
            acting_user=org.director,
            target=east,
            levels=factories.levels(1),
            reason="x",
            effective_from=date(2026, 7, 1),
        )
    services.activate_plan(acting_user=org.director, plan=plan, expected_version=plan.version)
    east.refresh_from_db()
    with pytest.raises(BusinessRuleViolation, match="adjustment"):
        services.set_target(
            acting_user=org.director,
            plan=east.plan,
            metric=east.metric,
            owner=Owner(unit=org.units.east),
            period_key="2026",
            levels=factories.levels(1),
            expected_version=east.version,
        )
    with pytest.raises(BusinessRuleViolation, match="why"):
        services.request_adjustment(
            acting_user=org.manager,
            target=east,
            levels=factories.levels("720000", "480000", "720000"),
            reason=" ",
            effective_from=date(2026, 7, 1),
        )
    adjustment = services.request_adjustment(
        acting_user=org.manager,
        target=east,
        levels=factories.levels("720000", "480000", "864000"),
        reason="Two new distributors signed in June",
        effective_from=date(2026, 7, 1),
    )
    for refused in (org.manager, org.supervisor, org.rep):  # own number / own request / not an approver
        with pytest.raises(PermissionDenied):
            services.decide_adjustment(acting_user=refused, adjustment=adjustment, approve=True)
    assert adjustment not in selectors.adjustments_to_decide(org.manager)
    assert adjustment in selectors.adjustments_to_decide(org.director)
    services.decide_adjustment(acting_user=org.director, adjustment=adjustment, approve=True, note="Agreed")
    east.refresh_from_db()
    assert east.goal == Decimal("720000.00")
    months = Target.objects.filter(owner_unit=org.units.east).exclude(period_key="2026")
    assert sum(m.goal for m in months) == Decimal("720000.00")
    assert months.first().adjustments.get().cascaded_from == adjustment

    # The target in force: before 1 July the old number, from then the new one.
    assert selectors.levels_in_force([east.pk], date(2026, 6, 30))[east.pk].goal == Decimal("600000.00")
    assert east.pk not in selectors.levels_in_force([east.pk], date(2026, 7, 1))
    with pytest.raises(BusinessRuleViolation, match="decided"):
        services.decide_adjustment(acting_user=org.director, adjustment=adjustment, approve=False)
    assert adjustment.target.adjustments.filter(status=AdjustmentStatus.APPROVED).count() == 1


def test_activating_a_version_archives_the_one_before(org):
    first = factories.plan(org.director, org.company, name="First")
    services.activate_plan(acting_user=org.director, plan=first, expected_version=first.version)
    second = services.create_plan(
        acting_user=org.director, company=org.company, fiscal_year=2026, name="Second", copy_from=first
    )
    services.activate_plan(acting_user=org.director, plan=second, expected_version=second.version)
    first.refresh_from_db()
    assert (first.status, second.status, second.number) == (PlanStatus.ARCHIVED, PlanStatus.ACTIVE, 2)


def test_next_years_plan_starts_as_a_copy_moved_one_year(org, plan, company_target):
    services.split_target(
        acting_user=org.director,
        target=company_target,
        expected_version=company_target.version,
        into=SplitInto.QUARTERS,
        method=SplitMethod.EQUAL,
    )
    copy = services.create_plan(
        acting_user=org.director, company=org.company, fiscal_year=2027, name="2027", copy_from=plan
    )
    keys = sorted(copy.targets.values_list("period_key", flat=True))
    assert keys == ["2027", "2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    year = copy.targets.get(period_key="2027")
    assert year.children.count() == 4 and year.goal == company_target.goal


def test_only_directors_make_plans(org):
    with pytest.raises(PermissionDenied):
        factories.plan(org.manager, org.company)


def test_attainment_reads_actuals_from_the_metric_layer_against_the_target_in_force(org, plan):
    from tests.metrics import factories as deals

    stages = deals.stages(org.company)
    team = services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="won_amount",
        owner=Owner(unit=org.units.e1),
        period_key="2026",
        levels=factories.levels("200000", "150000", "250000"),
    )
    services.split_target(
        acting_user=org.supervisor,
        target=team,
        expected_version=team.version,
        into=SplitInto.UNITS,
        method="equal",
    )
    deals.deal(org.rep, stages["won"], amount=60000, closed_on=date(2026, 3, 10))
    deals.deal(org.rep, stages["won"], amount=15000, closed_on=date(2025, 12, 10))  # last year: not counted
    deals.deal(org.teammate, stages["lost"], amount=90000, closed_on=date(2026, 4, 1))
    rows = selectors.attainment(
        user=org.supervisor, plan=plan, period_key="2026", by="employee", as_of=date(2026, 7, 1)
    )
    by_name = {r.owner_label: r for r in rows}
    assert by_name["Rep"].actual == Decimal("60000")
    assert by_name["Rep"].levels.goal == Decimal("100000.00")
    assert by_name["Rep"].done == Decimal("0.6")
    assert by_name["Rep"].pace == "ahead"
    assert by_name["Teammate"].actual == 0 and by_name["Teammate"].pace == "behind"
    assert by_name["Teammate"].gap == Decimal("100000.00")
    assert Decimal("0.45") < by_name["Rep"].elapsed < Decimal("0.55")
    # A rep sees only their own row.
    assert [
        r.owner_label
        for r in selectors.attainment(
            user=org.rep, plan=plan, period_key="2026", by="employee", as_of=date(2026, 7, 1)
        )
    ] == ["Rep"]
    units = selectors.attainment(
        user=org.director, plan=plan, period_key="2026", by="unit", as_of=date(2026, 7, 1)
    )
    assert [(u.owner_label, u.actual, u.drill_unit_id) for u in units] == [
        ("E1", Decimal("60000"), org.units.e1.pk)
    ]


def test_action_plans_are_written_by_the_rep_and_checked_by_the_supervisor(org, plan):
    target = services.set_target(
        acting_user=org.director,
        plan=plan,
        metric="won_amount",
        owner=Owner(user=org.rep),
        period_key="2026Q4",
        levels=factories.levels("90000"),
    )
    action_plan = services.create_action_plan(
        acting_user=org.rep,
        target=target,
        summary="Close the Q4 gap",
        next_follow_up_on=date(2026, 12, 1),
        gap_amount=Decimal("40000"),
        actions=[services.ActionInput("Visit three dormant key accounts", date(2026, 12, 5), Decimal(20000))],
    )
    with pytest.raises(PermissionDenied):
        services.check_action_plan(
            acting_user=org.rep,
            plan=action_plan,
            expected_version=action_plan.version,
            comment="ok",
            next_follow_up_on=date(2026, 12, 8),
        )
    with pytest.raises(PermissionDenied):  # another team's supervisor
        services.check_action_plan(
            acting_user=org.users.supervisor_n if hasattr(org, "users") else org.supervisor_n,
            plan=action_plan,
            expected_version=action_plan.version,
            comment="ok",
            next_follow_up_on=date(2026, 12, 8),
        )
    checked = services.check_action_plan(
        acting_user=org.supervisor,
        plan=action_plan,
        expected_version=action_plan.version,
        comment="Add the Wuxi tender",
        next_follow_up_on=date(2026, 12, 8),
    )
    assert checked.status == "checked" and checked.checked_by == org.supervisor
