"""Collection settings: finance adds, changes and removes aging buckets and dunning steps and sets
the collection policy through the services, the settings page and the API; every change is
checked against the whole set, versioned, audited, and refused with the reason on its field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from salesdesk.core.access import AccessDenied
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.models import AuditEvent
from salesdesk.receivables import aging, baddebt, dunning
from salesdesk.receivables.models import AgingBucket, CollectionPolicy, DunningNotice, DunningStep
from tests.receivables.test_aging_support import invoice

TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _bucket(org, max_days) -> AgingBucket:
    aging.ensure_buckets(org.company.pk)
    return AgingBucket.objects.get(company=org.company, max_days=max_days)


def _step(org, days) -> DunningStep:
    dunning.ensure_steps(org.company.pk)
    return DunningStep.objects.get(company=org.company, days_overdue=days)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# Buckets


def test_finance_adds_changes_and_removes_a_bucket(org):
    aging.add_aging_bucket(
        acting_user=org.finance, company=org.company, max_days=45, provision_percent=Decimal(3)
    )
    assert [b.label for b in aging.bucket_settings(org.company.pk)][1:4] == [
        "1–30 days",
        "31–45 days",
        "46–60 days",
    ]
    bucket = _bucket(org, 45)
    changed = aging.change_aging_bucket(
        acting_user=org.finance, bucket=bucket, expected_version=1, max_days=40, provision_percent=Decimal(4)
    )
    assert (changed.max_days, changed.provision_percent, changed.version) == (40, Decimal(4), 2)
    aging.delete_aging_bucket(acting_user=org.finance, bucket=changed, expected_version=2)
    assert [b.max_days for b in aging.bucket_settings(org.company.pk)] == [0, 30, 60, 90, 180, 365, None]
    assert AuditEvent.objects.filter(action="aging_buckets_set").count() == 3


def test_a_bucket_change_that_breaks_the_set_is_refused_on_its_field(org):
    thirty = _bucket(org, 30)
    with pytest.raises(BusinessRuleViolation) as duplicate:
        aging.change_aging_bucket(
            acting_user=org.finance,
            bucket=thirty,
            expected_version=1,
            max_days=60,
            provision_percent=Decimal(1),
        )
    assert "different numbers of days" in duplicate.value.details["fields"]["max_days"]
    with pytest.raises(BusinessRuleViolation) as falling:  # 31–45 days below the 1 % of 1–30 days
        aging.add_aging_bucket(
            acting_user=org.finance, company=org.company, max_days=45, provision_percent=Decimal("0.5")
        )
    assert "lower provision percentage" in falling.value.details["fields"]["provision_percent"]
    for kept in (0, None):
        with pytest.raises(BusinessRuleViolation):
            aging.delete_aging_bucket(acting_user=org.finance, bucket=_bucket(org, kept), expected_version=1)
    assert AgingBucket.objects.filter(company=org.company).count() == 7
    thirty.refresh_from_db()
    assert (thirty.max_days, thirty.version) == (30, 1)  # the refused change left no trace


def test_a_bound_another_editor_took_meanwhile_is_refused_like_the_rule(org):
    aging.ensure_buckets(org.company.pk)  # 30 days is taken; on SQLite no row lock says so earlier
    taken = AgingBucket(company=org.company, max_days=30, provision_percent=Decimal(1))
    with pytest.raises(BusinessRuleViolation) as refused:
        dunning.save_unique(taken.save, field="max_days", message="Taken.")
    assert refused.value.details == {"fields": {"max_days": "Taken."}}
    assert AgingBucket.objects.filter(company=org.company).count() == 7  # and the transaction goes on


def test_a_stale_bucket_edit_says_who_changed_it(org):
    bucket = _bucket(org, 60)
    aging.change_aging_bucket(
        acting_user=org.admin, bucket=bucket, expected_version=1, max_days=60, provision_percent=Decimal(6)
    )
    with pytest.raises(StaleVersion) as stale:
        aging.change_aging_bucket(
            acting_user=org.finance, bucket=_bucket(org, 60), expected_version=1, max_days=60,
            provision_percent=Decimal(7),
        )  # fmt: skip
    assert "Admin" in stale.value.message
    assert _bucket(org, 60).provision_percent == Decimal(6)


def test_only_finance_and_admins_change_buckets(org):
    for user in (org.director, org.manager, org.rep):
        with pytest.raises(AccessDenied):
            aging.add_aging_bucket(
                acting_user=user, company=org.company, max_days=45, provision_percent=Decimal(5)
            )
    aging.add_aging_bucket(
        acting_user=org.admin, company=org.company, max_days=45, provision_percent=Decimal(5)
    )


# The dunning ladder


def test_finance_adds_moves_and_removes_steps(org):
    step = dunning.add_dunning_step(
        acting_user=org.finance, company=org.company, days_overdue=45, notify="manager"
    )
    assert step.name == "45 days overdue: Manager"
    step = dunning.change_dunning_step(
        acting_user=org.finance, step=step, expected_version=1, days_overdue=50, notify="director"
    )
    assert (step.days_overdue, step.notify, step.name, step.version) == (
        50,
        "director",
        "50 days overdue: Director",
        2,
    )
    assert dunning.remove_dunning_step(acting_user=org.finance, step=step, expected_version=2) is True
    assert not DunningStep.objects.filter(pk=step.pk).exists()


def test_a_step_that_notified_someone_is_deactivated_and_can_come_back(org):
    inv = invoice(org.rep, issued_on=TODAY - timedelta(days=50), due_on=TODAY - timedelta(days=20))
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    supervisor_step = _step(org, 15)
    assert DunningNotice.objects.filter(invoice=inv, step=supervisor_step).exists()
    with pytest.raises(BusinessRuleViolation) as moved:
        dunning.change_dunning_step(
            acting_user=org.finance,
            step=supervisor_step,
            expected_version=1,
            days_overdue=20,
            notify="supervisor",
        )
    assert moved.value.details == {"field": "days_overdue"}
    assert (
        dunning.remove_dunning_step(acting_user=org.finance, step=supervisor_step, expected_version=1)
        is False
    )
    supervisor_step.refresh_from_db()
    assert supervisor_step.is_active is False
    assert 15 not in [s.days_overdue for s in dunning.ensure_steps(org.company.pk)]  # off the ladder
    # Adding a step on the same day brings the deactivated one back (its notices stay its own).
    back = dunning.add_dunning_step(
        acting_user=org.finance, company=org.company, days_overdue=15, notify="supervisor"
    )
    assert back.pk == supervisor_step.pk and back.is_active
    dunning.remove_dunning_step(acting_user=org.finance, step=back, expected_version=back.version)
    back.refresh_from_db()
    dunning.reactivate_dunning_step(acting_user=org.finance, step=back, expected_version=back.version)
    assert 15 in [s.days_overdue for s in dunning.ensure_steps(org.company.pk)]


def test_ladder_changes_that_break_the_order_are_refused(org):
    thirty = _step(org, 30)  # the manager's rung, between the supervisor (15) and the director (60)
    with pytest.raises(BusinessRuleViolation) as lower:
        dunning.change_dunning_step(
            acting_user=org.finance, step=thirty, expected_version=1, days_overdue=30, notify="rep"
        )
    assert "lower in the line" in lower.value.details["fields"]["notify"]
    with pytest.raises(BusinessRuleViolation) as same_day:
        dunning.add_dunning_step(
            acting_user=org.finance, company=org.company, days_overdue=30, notify="manager"
        )
    assert "different number of days" in same_day.value.details["fields"]["days_overdue"]


def test_the_last_step_is_not_removed(org):
    dunning.set_dunning_ladder(acting_user=org.finance, company=org.company, steps=[(10, "rep")])
    only = _step(org, 10)
    with pytest.raises(BusinessRuleViolation):
        dunning.remove_dunning_step(acting_user=org.finance, step=only, expected_version=only.version)


def test_replacing_the_ladder_retires_steps_that_notified_someone(org):
    invoice(org.rep, issued_on=TODAY - timedelta(days=50), due_on=TODAY - timedelta(days=20))
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    dunning.set_dunning_ladder(
        acting_user=org.finance, company=org.company, steps=[(1, "rep"), (30, "manager")]
    )
    assert [(s.days_overdue, s.notify) for s in dunning.ensure_steps(org.company.pk)] == [
        (1, "rep"),
        (30, "manager"),
    ]
    assert (
        DunningStep.objects.get(company=org.company, days_overdue=15).is_active is False
    )  # kept for its notice
    assert not DunningStep.objects.filter(
        company=org.company, days_overdue=60
    ).exists()  # never used: deleted


# The collection policy


def test_finance_sets_the_policy_with_a_version_and_a_legal_contact_of_the_company(org, outsider):
    policy = dunning.ensure_policy(org.company.pk)
    policy = baddebt.set_policy(
        acting_user=org.finance, company=org.company, expected_version=policy.version,
        doubtful_after_days=90, bad_after_days=270, legal_user_id=org.admin.pk, legal_role="manager",
    )  # fmt: skip
    assert (policy.doubtful_after_days, policy.bad_after_days, policy.legal_user_id, policy.version) == (
        90,
        270,
        org.admin.pk,
        2,
    )
    with pytest.raises(StaleVersion):
        baddebt.set_policy(
            acting_user=org.finance,
            company=org.company,
            expected_version=1,
            doubtful_after_days=60,
            bad_after_days=120,
        )
    with pytest.raises(BusinessRuleViolation) as refused:
        baddebt.set_policy(
            acting_user=org.finance, company=org.company, expected_version=2, doubtful_after_days=200,
            bad_after_days=100, legal_user_id=outsider.pk,
        )  # fmt: skip
    assert set(refused.value.details["fields"]) == {"bad_after_days", "legal_user"}
    assert CollectionPolicy.objects.get(company=org.company).bad_after_days == 270


# The page


def _settings_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("receivables:collection_settings")).status_code == 200
    return len(captured)


def test_settings_page_reads_in_constant_queries(org):
    client = _client(org.finance)
    client.get("/")
    _settings_queries(client)  # the first visit creates the default buckets, ladder and policy
    few = _settings_queries(client)
    for days in (45, 50, 55):
        dunning.add_dunning_step(
            acting_user=org.finance, company=org.company, days_overdue=days, notify="manager"
        )
    for bound in (10, 20, 25):
        aging.add_aging_bucket(
            acting_user=org.finance, company=org.company, max_days=bound, provision_percent=Decimal(1)
        )
    assert _settings_queries(client) == few


def test_finance_edits_on_the_page_and_sees_refusals_next_to_the_field(org):
    client = _client(org.finance)
    page = client.get(reverse("receivables:collection_settings"))
    assert page.status_code == 200 and page.context["can_edit"]
    thirty = _bucket(org, 30)
    refused = client.post(
        reverse("receivables:bucket_update", args=[thirty.pk]),
        {"version": 1, "max_days": 60, "provision_percent": "1.00"},
    )
    assert refused.status_code == 422
    form = dict((b.pk, f) for b, f in refused.context["bucket_rows"])[thirty.pk]
    assert "different numbers of days" in form.errors["max_days"][0]
    saved = client.post(
        reverse("receivables:bucket_update", args=[thirty.pk]),
        {"version": 1, "max_days": 35, "provision_percent": "2.00"},
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#aging-buckets")
    stale = client.post(
        reverse("receivables:bucket_update", args=[thirty.pk]),
        {"version": 1, "max_days": 35, "provision_percent": "3.00"},
    )
    assert stale.status_code == 422 and "after you opened it" in stale.content.decode()
    step = client.post(
        reverse("receivables:step_create"), {"new-step-days_overdue": 45, "new-step-notify": "rep"}
    )
    assert step.status_code == 422
    assert "lower in the line" in step.context["new_step_form"].errors["notify"][0]
    policy = client.post(
        reverse("receivables:policy_update"),
        {
            "version": 1,
            "doubtful_after_days": 90,
            "bad_after_days": 60,
            "legal_role": "director",
            "legal_user": "",
        },
    )
    assert policy.status_code == 422 and policy.context["policy_form"].errors["bad_after_days"]


def test_director_reads_the_settings_and_a_rep_is_refused(org):
    page = _client(org.director).get(reverse("receivables:collection_settings"))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert 'data-testid="save-bucket"' not in page.content.decode()
    assert _client(org.rep).get(reverse("receivables:collection_settings")).status_code == 403
    assert _client(org.director).post(reverse("receivables:step_create"), {}).status_code == 403


# The API


def test_policy_over_the_api_is_versioned(org):
    client = _client(org.finance)
    got = client.get("/api/v1/receivables/collection-policy").json()
    assert (got["doubtful_after_days"], got["bad_after_days"], got["version"]) == (180, 365, 1)
    body = {"doubtful_after_days": 120, "bad_after_days": 300, "legal_role": "director", "version": 1}
    saved = client.put("/api/v1/receivables/collection-policy", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = client.put("/api/v1/receivables/collection-policy", body, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    wrong = client.put(
        "/api/v1/receivables/collection-policy", body | {"bad_after_days": 100, "version": 2},
        content_type="application/json",
    )  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["details"]["fields"]["bad_after_days"]
    assert _client(org.rep).get("/api/v1/receivables/collection-policy").status_code == 403


def test_replacing_buckets_over_the_api_names_the_problem(org):
    response = _client(org.finance).put(
        "/api/v1/receivables/aging/buckets",
        [{"max_days": 0, "provision_percent": "0"}, {"max_days": 30, "provision_percent": "20"},
         {"max_days": None, "provision_percent": "10"}],
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert "lower provision percentage" in response.json()["details"]["fields"]["provision_percent"]
