from datetime import timedelta

import pytest
from django.utils import timezone

from salesdesk.org import selectors
from salesdesk.org.models import Delegation, User


def _visible_usernames(user) -> set[str]:
    return set(selectors.employee_list(user).values_list("user__username", flat=True))


def _fresh(user):
    return User.objects.get(pk=user.pk)  # access profiles are cached per user instance (per request)


@pytest.mark.django_db
class TestEmployeeScope:
    def test_rep_sees_only_themselves(self, org):
        assert _visible_usernames(org.rep) == {"rep"}

    def test_supervisor_sees_the_reporting_tree_below(self, org):
        assert _visible_usernames(org.supervisor) == {"supervisor", "rep", "teammate"}

    def test_manager_sees_the_unit_subtree(self, org):
        assert _visible_usernames(org.manager) == {
            "manager",
            "supervisor",
            "rep",
            "teammate",
            "supervisor_e2",
            "rep_e2",
        }

    def test_director_sees_everyone(self, org):
        assert len(_visible_usernames(org.director)) == 12

    def test_outsider_without_employee_record_sees_nobody(self, org):
        assert _visible_usernames(org.outsider) == set()

    def test_changing_a_positions_scope_changes_what_its_people_see(self, org):
        org.employees.rep.position.data_scope = "unit"
        org.employees.rep.position.save()
        assert _visible_usernames(_fresh(org.rep)) == {"supervisor", "rep", "teammate"}

    def test_active_delegation_shows_the_delegators_records_and_reverts_by_itself(self, org):
        today = timezone.localdate()
        delegation = Delegation.objects.create(
            delegator=org.employees.rep,
            delegate=org.employees.teammate,
            granted_by=org.employees.supervisor,
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=1),
            reason="leave",
        )
        assert _visible_usernames(_fresh(org.teammate)) == {"teammate", "rep"}
        delegation.ends_on = today - timedelta(days=1)
        delegation.starts_on = today - timedelta(days=5)
        delegation.save()
        assert _visible_usernames(_fresh(org.teammate)) == {"teammate"}


@pytest.mark.django_db
def test_org_chart_shows_every_unit_but_only_visible_people(org):
    roots = selectors.org_chart(org.rep)
    assert [r.unit.code for r in roots] == ["HQ"]
    codes, members = [], []

    def walk(node):
        codes.append(node.unit.code)
        members.extend(m.user.username for m in node.members)
        for child in node.children:
            walk(child)

    walk(roots[0])
    assert sorted(codes) == ["E1", "E2", "EAST", "FIN", "HQ", "N1", "NORTH"]
    assert members == ["rep"]
