from datetime import timedelta

import pytest
from django.utils import timezone

from salesdesk.org.models import Delegation
from salesdesk.pipeline import selectors
from tests.pipeline import factories

OWNERS = ["rep", "teammate", "rep_e2", "other_rep", "supervisor"]
VISIBLE = {
    "rep": {"rep"},
    "supervisor": {"rep", "teammate", "supervisor"},
    "manager": {"rep", "teammate", "rep_e2", "supervisor"},
    "manager_n": {"other_rep"},
    "director": set(OWNERS),
    "finance": set(),
    "outsider": set(),
}


@pytest.fixture
def deals(org):
    return {name: factories.deal(getattr(org, name), name=f"deal of {name}") for name in OWNERS}


@pytest.mark.parametrize(("viewer", "expected"), VISIBLE.items())
def test_deals_and_leads_are_scoped_by_the_org_tree(org, deals, viewer, expected):
    user = getattr(org, viewer)
    seen = {d.name.removeprefix("deal of ") for d in selectors.opportunity_list(user)}
    assert seen == expected
    for name in OWNERS:
        factories.lead(getattr(org, name), org.company, company_name=f"lead of {name}")
    leads = {lead.company_name.removeprefix("lead of ") for lead in selectors.lead_list(user)}
    assert leads == expected


def test_an_active_delegation_shows_the_delegators_deals(org, deals):
    today = timezone.localdate()
    assert "deal of rep" not in {d.name for d in selectors.opportunity_list(org.teammate)}
    Delegation.objects.create(
        delegator=org.employees.rep,
        delegate=org.employees.teammate,
        granted_by=org.employees.supervisor,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        reason="leave",
    )
    org.teammate.refresh_from_db()
    teammate = type(org.teammate).objects.get(pk=org.teammate.pk)
    assert {d.name for d in selectors.opportunity_list(teammate)} == {"deal of rep", "deal of teammate"}


def test_unassigned_team_leads_are_visible_to_the_team_only(org):
    factories.lead(org.supervisor, org.company, team=org.units.e1, company_name="pool lead")
    assert [lead.company_name for lead in selectors.lead_list(org.rep)] == ["pool lead"]
    assert list(selectors.lead_list(org.rep_e2)) == []


def test_filters_narrow_the_list(org, deals):
    proposal = factories.stage(org.company, "proposal")
    assert (
        list(selectors.opportunity_list(org.director, selectors.OpportunityFilters(stage=proposal.pk))) == []
    )
    found = selectors.opportunity_list(org.director, selectors.OpportunityFilters(q="of rep_e2"))
    assert [d.name for d in found] == ["deal of rep_e2"]
    assert (
        selectors.opportunity_list(org.director, selectors.OpportunityFilters(owner=org.rep.pk)).count() == 1
    )


def test_board_reads_in_constant_queries(org, django_assert_num_queries):
    for _ in range(3):
        factories.deal(org.rep)
    with django_assert_num_queries(2):
        columns = selectors.board(org.rep, today=timezone.localdate())
    assert [len(c.cards) for c in columns] == [3, 0, 0, 0, 0, 0]
    for _ in range(5):
        factories.deal(org.rep)
    with django_assert_num_queries(2):
        selectors.board(org.rep, today=timezone.localdate())
