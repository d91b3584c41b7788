from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.models import AuditEvent
from salesdesk.org import services
from salesdesk.org.models import ApiToken, Employee, Position

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _new_employee(acting_user, unit, **overrides):
    values = dict(
        acting_user=acting_user,
        username="newbie",
        full_name="新人 甲",
        password="a-Long-passw0rd",
        unit=unit,
        position=Position.objects.get(role="rep"),
        employee_no="N0001",
        hire_date=date(2026, 11, 2),
    )
    return services.create_employee(**(values | overrides))


class TestCreateEmployee:
    def test_manager_adds_a_rep_to_a_team_in_their_region(self, org):
        employee = _new_employee(org.manager, org.units.e2, manager=org.employees.supervisor_e2)
        assert employee.unit == org.units.e2 and employee.user.check_password("a-Long-passw0rd")
        assert AuditEvent.objects.filter(action="employee_created", object_id=str(employee.pk)).exists()

    def test_manager_cannot_add_people_to_another_region(self, org):
        with pytest.raises(PermissionDenied):
            _new_employee(org.manager, org.units.n1)

    def test_supervisor_cannot_add_people(self, org):
        with pytest.raises(PermissionDenied):
            _new_employee(org.supervisor, org.units.e1)

    def test_weak_password_is_refused_with_the_validators_reason(self, org):
        with pytest.raises(BusinessRuleViolation) as error:
            _new_employee(org.director, org.units.e1, password="12345678")
        assert error.value.details == {"field": "password"}

    def test_taken_employee_number_is_refused(self, org):
        with pytest.raises(BusinessRuleViolation):
            _new_employee(org.director, org.units.e1, employee_no=org.employees.rep.employee_no)


class TestUpdateEmployee:
    def test_manager_changes_a_reps_level_and_the_version_moves_on(self, org):
        rep = org.employees.rep
        updated = services.update_employee(
            acting_user=org.manager, employee=rep, expected_version=rep.version, changes={"level": "senior"}
        )
        assert updated.version == 2 and Employee.objects.get(pk=rep.pk).level == "senior"
        assert Employee.objects.get(pk=rep.pk).updated_by == org.manager
        assert rep.history.count() == 2

    def test_a_stale_write_is_refused_and_names_who_changed_it(self, org):
        first = Employee.objects.get(pk=org.employees.rep.pk)
        second = Employee.objects.get(pk=org.employees.rep.pk)
        services.update_employee(
            acting_user=org.manager, employee=first, expected_version=1, changes={"level": "growing"}
        )
        with pytest.raises(StaleVersion) as error:
            services.update_employee(
                acting_user=org.director, employee=second, expected_version=1, changes={"level": "senior"}
            )
        assert error.value.details["changed_by"] == "Manager"
        assert error.value.details["current_version"] == 2
        assert Employee.objects.get(pk=first.pk).level == "growing"

    def test_manager_cannot_edit_their_own_record(self, org):
        me = org.employees.manager
        with pytest.raises(PermissionDenied):
            services.update_employee(
                acting_user=org.manager, employee=me, expected_version=1, changes={"level": "new"}
            )

    def test_reporting_cycles_are_refused(self, org):
        supervisor = org.employees.supervisor
        with pytest.raises(BusinessRuleViolation):
            services.update_employee(
                acting_user=org.director,
                employee=supervisor,
                expected_version=1,
                changes={"manager": org.employees.rep},
            )

    def test_leaving_needs_a_date_and_deactivates_the_login(self, org):
        rep = org.employees.rep
        with pytest.raises(BusinessRuleViolation):
            services.update_employee(
                acting_user=org.manager, employee=rep, expected_version=1, changes={"status": "left"}
            )
        rep = Employee.objects.get(pk=rep.pk)
        services.update_employee(
            acting_user=org.manager,
            employee=rep,
            expected_version=rep.version,
            changes={"status": "left", "left_on": TODAY},
        )
        rep.user.refresh_from_db()
        assert rep.user.is_active is False


class TestDelegation:
    def _delegate(self, acting_user, org, **overrides):
        values = dict(
            acting_user=acting_user,
            delegator=org.employees.rep,
            delegate=org.employees.teammate,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=5),
            reason="年假",
        )
        return services.delegate_work(**(values | overrides))

    def test_supervisor_hands_one_subordinates_work_to_another(self, org):
        delegation = self._delegate(org.supervisor, org)
        assert delegation.granted_by == org.employees.supervisor
        assert delegation.status_on(TODAY) == "active"
        assert delegation.status_on(TODAY + timedelta(days=6)) == "ended"

    def test_supervisor_cannot_hand_work_to_another_teams_rep(self, org):
        with pytest.raises(PermissionDenied):
            self._delegate(org.supervisor, org, delegate=org.employees.rep_e2)

    def test_manager_may_hand_work_across_their_teams(self, org):
        assert (
            self._delegate(org.manager, org, delegate=org.employees.rep_e2).granted_by
            == org.employees.manager
        )

    def test_rep_cannot_delegate(self, org):
        with pytest.raises(PermissionDenied):
            self._delegate(org.rep, org)

    def test_overlapping_delegations_of_the_same_work_are_refused(self, org):
        self._delegate(org.supervisor, org)
        with pytest.raises(BusinessRuleViolation):
            self._delegate(
                org.supervisor, org, starts_on=TODAY + timedelta(days=3), ends_on=TODAY + timedelta(days=9)
            )

    def test_revoking_ends_it_now_and_only_leaders_above_may(self, org):
        delegation = self._delegate(org.supervisor, org)
        with pytest.raises(PermissionDenied):
            services.revoke_delegation(acting_user=org.supervisor_e2, delegation=delegation)
        services.revoke_delegation(acting_user=org.manager, delegation=delegation)
        assert delegation.status_on(TODAY) == "revoked"


class TestApiTokens:
    def test_only_the_hash_is_stored_and_the_key_authenticates(self, org):
        token, key = services.create_api_token(acting_user=org.rep, name="ERP")
        assert key.startswith("sd_") and key not in token.key_hash
        assert ApiToken.objects.get(pk=token.pk).key_hash == ApiToken.hash_key(key)
        assert services.authenticate_api_token(key=key) == org.rep

    def test_revoked_and_expired_tokens_and_left_employees_do_not_authenticate(self, org):
        token, key = services.create_api_token(acting_user=org.rep, name="ERP")
        services.revoke_api_token(acting_user=org.rep, token=token)
        assert services.authenticate_api_token(key=key) is None
        token2, key2 = services.create_api_token(
            acting_user=org.rep, name="BI", expires_on=TODAY + timedelta(days=1)
        )
        ApiToken.objects.filter(pk=token2.pk).update(expires_on=TODAY - timedelta(days=1))
        assert services.authenticate_api_token(key=key2) is None
        assert services.authenticate_api_token(key="sd_not-a-token") is None

    def test_nobody_revokes_someone_elses_token(self, org):
        token, _key = services.create_api_token(acting_user=org.rep, name="ERP")
        with pytest.raises(PermissionDenied):
            services.revoke_api_token(acting_user=org.director, token=token)
