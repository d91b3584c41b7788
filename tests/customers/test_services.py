from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from salesdesk.core.access import AccessDenied
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.models import AuditEvent
from salesdesk.customers import services, tasks
from salesdesk.customers.models import Customer, CustomerPolicy, OwnershipChange, TierPolicy, Visit
from salesdesk.org.models import Delegation
from tests.customers.factories import CustomerFactory, VisitFactory, pooled

TODAY = date(2026, 6, 15)


def _create(user, name="东方精密机械有限公司", **fields):
    return services.create_customer(acting_user=user, name=name, **fields)


def test_ensure_customer_policies_creates_the_default_tiers_once(org):
    services.ensure_customer_policies(org.company)
    services.ensure_customer_policies(org.company)
    plans = {p.tier: (p.service_plan, p.visit_interval_days, p.pool_after_days, p.warn_days_before)
             for p in TierPolicy.objects.filter(company=org.company)}  # fmt: skip
    assert plans == {
        "strategic": ("Quarterly business review", 90, 180, 7),
        "key": ("Monthly visit", 30, 120, 7),
        "potential": ("A product talk every month", 30, 60, 7),
        "general": ("Follow-up every two months", 60, 90, 7),
    }
    policy = CustomerPolicy.objects.get(company=org.company)
    assert (policy.a_share, policy.b_share, policy.pool_claim_cap, policy.pool_cooldown_days) == (
        70,
        90,
        50,
        30,
    )


def test_a_rep_creates_a_customer_they_own_with_an_ownership_record_and_audit(org):
    customer = _create(org.rep, tax_id=" 91310000mA1k ")
    assert customer.owner == org.rep and customer.company == org.company
    assert customer.tax_id == "91310000MA1K"
    assert OwnershipChange.objects.get(customer=customer).reason == "created"
    assert AuditEvent.objects.filter(action="customer_created", object_id=str(customer.pk)).exists()


@pytest.mark.parametrize(
    "spelling", ["东方精密机械有限公司", " 东方 精密机械有限公司 ", "东方精密机械有限公司".upper()]
)
def test_a_same_name_customer_anywhere_in_the_company_is_refused_and_listed(org, spelling):
    first = _create(org.other_rep)  # another region: the rep cannot see it, but it is still a duplicate
    with pytest.raises(BusinessRuleViolation) as refused:
        _create(org.rep, name=spelling)
    assert refused.value.status == 422
    assert refused.value.details["duplicates"] == [
        {"id": first.pk, "name": first.name, "owner": "Other_Rep", "same": "name"}
    ]


def test_full_width_spelling_is_the_same_name():
    from salesdesk.customers.rules import name_key

    assert name_key("ＡＢＣ 科技") == name_key("abc科技")


def test_a_confirmed_same_name_customer_is_created(org):
    _create(org.rep)
    second = _create(org.teammate, confirm_not_duplicate=True)
    assert Customer.objects.filter(name=second.name).count() == 2


def test_the_same_tax_id_is_never_created_twice_even_when_confirmed(org):
    first = _create(org.rep, tax_id="91310000MA1K")
    with pytest.raises(BusinessRuleViolation) as refused:
        _create(org.teammate, name="Another name", tax_id="91310000ma1k", confirm_not_duplicate=True)
    assert refused.value.details["field"] == "tax_id"
    assert refused.value.details["duplicates"][0]["id"] == first.pk


def test_a_rename_onto_another_customers_name_is_refused(org):
    _create(org.rep, name="Alpha")
    beta = _create(org.rep, name="Beta")
    with pytest.raises(BusinessRuleViolation):
        services.update_customer(
            acting_user=org.rep, customer=beta, expected_version=1, changes={"name": "ALPHA"}
        )


def test_a_stale_edit_is_refused_with_409_naming_who_changed_it(org):
    customer = _create(org.rep)
    services.update_customer(
        acting_user=org.supervisor, customer=customer, expected_version=1, changes={"city": "上海"}
    )
    stale = Customer.objects.get(pk=customer.pk)
    with pytest.raises(StaleVersion) as refused:
        services.update_customer(
            acting_user=org.rep, customer=stale, expected_version=1, changes={"city": "北京"}
        )
    assert refused.value.status == 409 and "Supervisor" in refused.value.message
    assert Customer.objects.get(pk=customer.pk).city == "上海"


def test_edits_are_kept_in_the_history(org):
    customer = _create(org.rep)
    services.update_customer(
        acting_user=org.rep, customer=customer, expected_version=1, changes={"tier": "key"}
    )
    assert customer.history.count() == 2
    assert customer.history.first().tier == "key"


def test_another_teams_rep_may_not_edit(org):
    customer = _create(org.rep)
    with pytest.raises(AccessDenied):
        services.update_customer(
            acting_user=org.rep_e2, customer=customer, expected_version=1, changes={"city": "x"}
        )


def test_completing_a_visit_moves_the_last_follow_up_and_plans_the_next(org):
    customer = _create(org.rep, today=TODAY - timedelta(days=40))
    visit = services.plan_visit(acting_user=org.rep, customer=customer, planned_on=TODAY, purpose="Demo")
    services.complete_visit(
        acting_user=org.rep, visit=visit, done_on=TODAY, outcome="Wants a quote", next_step="Send quote",
        next_on=TODAY + timedelta(days=7), today=TODAY,
    )  # fmt: skip
    customer.refresh_from_db()
    assert customer.last_follow_up_on == TODAY and customer.activity_on == TODAY
    follow_up = Visit.objects.get(customer=customer, status="planned")
    assert (follow_up.planned_on, follow_up.purpose) == (TODAY + timedelta(days=7), "Send quote")
    with pytest.raises(BusinessRuleViolation):
        services.cancel_visit(acting_user=org.rep, visit=visit)


def test_a_late_logged_visit_does_not_move_the_follow_up_back(org):
    customer = _create(org.rep)
    Customer.objects.filter(pk=customer.pk).update(last_follow_up_on=TODAY, activity_on=TODAY)
    visit = VisitFactory(customer=customer, planned_on=TODAY - timedelta(days=10))
    services.complete_visit(
        acting_user=org.rep, visit=visit, done_on=TODAY - timedelta(days=10), outcome="ok", today=TODAY
    )
    customer.refresh_from_db()
    assert customer.last_follow_up_on == TODAY


def test_a_visit_with_another_customers_contact_is_refused(org):
    mine, other = _create(org.rep, name="A"), _create(org.rep, name="B")
    contact = services.add_contact(
        acting_user=org.rep, customer=other, name="王经理", department="management"
    )
    with pytest.raises(BusinessRuleViolation):
        services.plan_visit(
            acting_user=org.rep, customer=mine, planned_on=TODAY, purpose="x", contact=contact
        )


def test_one_primary_contact_per_customer(org):
    customer = _create(org.rep)
    first = services.add_contact(acting_user=org.rep, customer=customer, name="A", is_primary=True)
    services.add_contact(acting_user=org.rep, customer=customer, name="B", is_primary=True)
    first.refresh_from_db()
    assert not first.is_primary


def _age(customer, days):
    Customer.objects.filter(pk=customer.pk).update(activity_on=TODAY - timedelta(days=days))


def test_the_expiry_job_returns_customers_past_their_tiers_days_to_the_pool(org):
    services.ensure_customer_policies(org.company)
    old_general = CustomerFactory(owner=org.rep, tier="general")
    young_general = CustomerFactory(owner=org.rep, tier="general")
    old_strategic = CustomerFactory(owner=org.teammate, tier="strategic")
    _age(old_general, 90)
    _age(young_general, 89)
    _age(old_strategic, 179)
    assert services.return_inactive_customers(today=TODAY) == 1
    old_general.refresh_from_db()
    assert old_general.owner is None and old_general.previous_owner == org.rep and old_general.pooled_at
    change = OwnershipChange.objects.get(customer=old_general)
    assert (change.reason, change.from_owner, change.to_owner) == ("expired", org.rep, None)
    assert Customer.objects.filter(owner__isnull=False).count() == 2
    assert services.return_inactive_customers(today=TODAY) == 0  # idempotent


def test_the_expiry_job_runs_as_a_task_and_a_command(org, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    services.ensure_customer_policies(org.company)
    customer = CustomerFactory(owner=org.rep)
    Customer.objects.filter(pk=customer.pk).update(activity_on=timezone.localdate() - timedelta(days=400))
    assert tasks.return_inactive_customers.enqueue().return_value == 1
    other = CustomerFactory(owner=org.rep)
    Customer.objects.filter(pk=other.pk).update(activity_on=date(2020, 1, 1))
    call_command("return_inactive_customers", "--today", "2020-12-31")
    assert Customer.objects.get(pk=other.pk).owner is None


def test_a_rep_claims_from_the_pool_and_the_clock_restarts(org):
    customer = pooled(org.company, activity_on=TODAY - timedelta(days=300))
    services.claim_customer(acting_user=org.rep, customer=customer, today=TODAY)
    customer.refresh_from_db()
    assert customer.owner == org.rep and customer.pooled_at is None and customer.activity_on == TODAY
    assert OwnershipChange.objects.get(customer=customer, reason="claimed").to_owner == org.rep
    with pytest.raises(AccessDenied):  # no longer in the pool
        services.claim_customer(acting_user=org.teammate, customer=customer, today=TODAY)


def test_claims_are_capped_per_rep_over_30_days(org):
    services.ensure_customer_policies(org.company)
    CustomerPolicy.objects.filter(company=org.company).update(pool_claim_cap=2)
    first, second, third = (pooled(org.company) for _ in range(3))
    services.claim_customer(acting_user=org.rep, customer=first)
    second = services.claim_customer(acting_user=org.rep, customer=second)
    services.release_customer(acting_user=org.rep, customer=second, reason="Not a fit")  # still counts
    with translation.override("en"), pytest.raises(BusinessRuleViolation, match="limit is 2"):
        services.claim_customer(acting_user=org.rep, customer=third)
    services.claim_customer(acting_user=org.teammate, customer=third)


def test_the_former_owner_waits_for_the_cooldown(org):
    customer = _create(org.rep)
    services.release_customer(acting_user=org.rep, customer=customer, reason="Moved away")
    customer.refresh_from_db()
    with translation.override("en"), pytest.raises(BusinessRuleViolation, match="claim it again"):
        services.claim_customer(acting_user=org.rep, customer=customer)
    later = timezone.localdate() + timedelta(days=30)
    services.claim_customer(acting_user=org.rep, customer=customer, today=later)


def test_finance_and_admins_do_not_claim(org):
    customer = pooled(org.company)
    for user in (org.finance, org.admin):
        with pytest.raises(AccessDenied):
            services.claim_customer(acting_user=user, customer=customer)


def test_release_needs_a_reason_and_is_audited(org):
    customer = _create(org.rep)
    with pytest.raises(BusinessRuleViolation):
        services.release_customer(acting_user=org.rep, customer=customer, reason=" ")
    services.release_customer(acting_user=org.rep, customer=customer, reason="Closed down")
    assert OwnershipChange.objects.get(customer=customer, reason="released").note == "Closed down"
    assert AuditEvent.objects.filter(action="customer_released").exists()


def test_a_supervisor_reassigns_within_the_team_only(org):
    customer = _create(org.rep)
    services.change_owner(acting_user=org.supervisor, customer=customer, new_owner=org.teammate)
    customer.refresh_from_db()
    assert customer.owner == org.teammate
    assert AuditEvent.objects.filter(action="customer_reassigned", object_id=str(customer.pk)).exists()
    with pytest.raises(BusinessRuleViolation):
        services.change_owner(acting_user=org.supervisor, customer=customer, new_owner=org.rep_e2)
    with pytest.raises(AccessDenied):
        services.change_owner(acting_user=org.rep, customer=customer, new_owner=org.rep)


def test_a_manager_reassigns_across_the_region_and_from_the_pool(org):
    customer = pooled(org.company)
    services.change_owner(acting_user=org.manager, customer=customer, new_owner=org.rep_e2)
    assert Customer.objects.get(pk=customer.pk).owner == org.rep_e2
    with pytest.raises(BusinessRuleViolation):
        services.change_owner(acting_user=org.manager, customer=customer, new_owner=org.other_rep)


def test_an_active_delegate_works_on_the_customer_but_does_not_own_it(org):
    customer = _create(org.rep)
    Delegation.objects.create(
        delegator=org.employees.rep, delegate=org.employees.rep_e2, granted_by=org.employees.manager,
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=5), reason="Leave",
    )  # fmt: skip
    delegate = type(org.rep_e2).objects.get(pk=org.rep_e2.pk)  # a fresh access profile
    services.update_customer(
        acting_user=delegate, customer=customer, expected_version=1, changes={"city": "苏州"}
    )
    visit = services.plan_visit(acting_user=delegate, customer=customer, planned_on=TODAY, purpose="Cover")
    assert visit.owner == delegate
    with pytest.raises(AccessDenied):
        services.release_customer(acting_user=delegate, customer=customer, reason="not mine")
    assert Customer.objects.get(pk=customer.pk).owner == org.rep


def test_value_classes_are_applied_where_they_changed_with_history(org):
    a, b, c = (CustomerFactory(owner=org.rep, value_class="C") for _ in range(3))
    changed = services.apply_value_classes(company=org.company, classes={a.pk: "A", b.pk: "B", c.pk: "C"})
    assert changed == 2
    a.refresh_from_db()
    assert a.value_class == "A" and a.version == 2
    assert a.history.first().value_class == "A"
    assert services.apply_value_classes(company=org.company, classes={a.pk: "A"}) == 0


def test_value_classes_ignore_other_companies_customers(org):
    from tests.org.factories import CompanyFactory

    stranger = CustomerFactory(
        owner=None, company=CompanyFactory(), pooled_at=timezone.now(), value_class="C"
    )
    assert services.apply_value_classes(company=org.company, classes={stranger.pk: "A"}) == 0


def test_lifecycles_are_applied_and_only_by_directors_when_a_person_acts(org):
    customer = CustomerFactory(owner=org.rep)
    assert services.apply_lifecycles(company=org.company, lifecycles={customer.pk: "existing"}) == 1
    assert Customer.objects.get(pk=customer.pk).lifecycle == "existing"
    with pytest.raises(AccessDenied):
        services.apply_lifecycles(
            company=org.company, lifecycles={customer.pk: "churned"}, acting_user=org.manager
        )
    assert services.apply_lifecycles(
        company=org.company, lifecycles={customer.pk: "churned"}, acting_user=org.director
    )
    with pytest.raises(BusinessRuleViolation):
        services.apply_lifecycles(company=org.company, lifecycles={customer.pk: "zombie"})
