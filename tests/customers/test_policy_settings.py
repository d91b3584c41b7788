"""Tier service policies and the company customer policy: directors and admins set them, the
services keep them sensible, and the pages and API show them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.core.access import AccessDenied
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.models import AuditEvent
from salesdesk.customers import rules, selectors, services
from salesdesk.customers.models import Customer, CustomerPolicy, TierPolicy
from tests.conftest import build_personas
from tests.customers.factories import CustomerFactory
from tests.http import ApiClient
from tests.org.factories import EmployeeFactory, OrgUnitFactory

TIER = {
    "service_plan": "Monthly visit",
    "visit_interval_days": 30,
    "pool_after_days": 120,
    "warn_days_before": 7,
}
POLICY = {"a_share": 70, "b_share": 90, "pool_claim_cap": 50, "pool_cooldown_days": 30}


def _tier(org, tier="key") -> TierPolicy:
    services.ensure_customer_policies(org.company)
    return TierPolicy.objects.get(company=org.company, tier=tier)


def _policy(org) -> CustomerPolicy:
    services.ensure_customer_policies(org.company)
    return CustomerPolicy.objects.get(company=org.company)


def _refused_fields(call) -> set[str]:
    with pytest.raises(BusinessRuleViolation) as caught:
        call()
    return set(caught.value.details["fields"])


# The pure rules


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"visit_interval_days": 1}, set()),
        ({"visit_interval_days": 0}, {"visit_interval_days"}),
        ({"warn_days_before": 119}, set()),
        ({"warn_days_before": 120}, {"warn_days_before"}),  # the warning would come with the return
        ({"warn_days_before": 0, "pool_after_days": 1}, set()),
        ({"pool_after_days": 0, "warn_days_before": 0}, {"pool_after_days"}),
        ({"pool_after_days": 3651}, {"pool_after_days"}),
        ({"service_plan": "  "}, {"service_plan"}),
    ],
)
def test_tier_policy_rules(changes, fields):
    assert set(rules.tier_policy_problems(**(TIER | changes))) == fields


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({}, set()),
        ({"a_share": 89}, set()),
        ({"a_share": 90}, {"a_share"}),  # A must be below B
        ({"a_share": 95}, {"a_share"}),
        ({"b_share": 100}, set()),
        ({"b_share": 101}, {"b_share"}),
        ({"pool_claim_cap": 1}, set()),
        ({"pool_claim_cap": 0}, {"pool_claim_cap"}),
        ({"pool_cooldown_days": 0}, set()),
        ({"pool_cooldown_days": -1}, {"pool_cooldown_days"}),
    ],
)
def test_customer_policy_rules(changes, fields):
    assert set(rules.customer_policy_problems(**(POLICY | changes))) == fields


# Services


@pytest.mark.parametrize("persona", ["admin", "director"])
def test_admins_and_directors_change_a_tiers_policy_with_an_audit_row(org, persona):
    policy = services.update_tier_policy(
        acting_user=getattr(org, persona),
        policy=_tier(org),
        changes={"service_plan": " Fortnightly visit ", "visit_interval_days": 14, "pool_after_days": 45,
                 "warn_days_before": 5},
    )  # fmt: skip
    policy.refresh_from_db()
    saved = (policy.service_plan, policy.visit_interval_days, policy.pool_after_days, policy.warn_days_before)
    assert saved == ("Fortnightly visit", 14, 45, 5)
    event = AuditEvent.objects.get(action="tier_policy_updated", object_id=str(policy.pk))
    assert event.details["changes"]["pool_after_days"] == [120, 45]


def test_the_new_pool_days_decide_what_returns_to_the_pool(org):
    today = timezone.localdate()
    customer = CustomerFactory(owner=org.rep, tier="key", activity_on=today - timedelta(days=50))
    assert services.return_inactive_customers(today=today) == 0
    services.update_tier_policy(acting_user=org.admin, policy=_tier(org), changes={"pool_after_days": 45})
    assert services.return_inactive_customers(today=today) == 1
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_the_follow_up_interval_is_at_least_one_day(org):
    assert _refused_fields(
        lambda: services.update_tier_policy(
            acting_user=org.admin, policy=_tier(org), changes={"visit_interval_days": 0}
        )
    ) == {"visit_interval_days"}
    assert _tier(org).visit_interval_days == 30


def test_the_owner_is_warned_before_the_customer_returns_to_the_pool(org):
    fields = _refused_fields(
        lambda: services.update_tier_policy(
            acting_user=org.admin, policy=_tier(org), changes={"pool_after_days": 10, "warn_days_before": 10}
        )
    )
    assert fields == {"warn_days_before"}
    assert _tier(org).pool_after_days == 120


def test_the_abc_cut_offs_stay_ordered_and_b_at_most_100(org):
    assert _refused_fields(
        lambda: services.update_customer_policy(
            acting_user=org.admin, policy=_policy(org), changes={"a_share": 90}
        )
    ) == {"a_share"}
    assert _refused_fields(
        lambda: services.update_customer_policy(
            acting_user=org.admin, policy=_policy(org), changes={"b_share": 120}
        )
    ) == {"b_share"}
    policy = services.update_customer_policy(
        acting_user=org.director, policy=_policy(org), changes={"a_share": 80, "b_share": 95}
    )
    assert (policy.a_share, policy.b_share) == (80, 95)
    assert AuditEvent.objects.filter(action="customer_policy_updated").count() == 1


def test_the_claim_cap_is_at_least_one(org):
    assert _refused_fields(
        lambda: services.update_customer_policy(
            acting_user=org.admin, policy=_policy(org), changes={"pool_claim_cap": 0}
        )
    ) == {"pool_claim_cap"}
    assert _policy(org).pool_claim_cap == 50


def test_unknown_fields_are_refused(org):
    with pytest.raises(BusinessRuleViolation):
        services.update_tier_policy(acting_user=org.admin, policy=_tier(org), changes={"tier": "strategic"})


@pytest.mark.parametrize("persona", ["manager", "supervisor", "rep", "finance"])
def test_only_directors_and_admins_configure_customers(org, persona):
    user = getattr(org, persona)
    with pytest.raises(AccessDenied):
        services.update_tier_policy(acting_user=user, policy=_tier(org), changes={"pool_after_days": 45})
    with pytest.raises(AccessDenied):
        services.update_customer_policy(acting_user=user, policy=_policy(org), changes={"pool_claim_cap": 5})


def test_another_companys_director_does_not_touch_these_policies(org):
    other = OrgUnitFactory(kind="company")
    director = EmployeeFactory.with_role("director", unit=other).user
    with pytest.raises(AccessDenied):
        services.update_tier_policy(acting_user=director, policy=_tier(org), changes={"pool_after_days": 45})


def test_tier_policies_are_listed_in_the_tiers_order(org):
    services.ensure_customer_policies(org.company)
    assert [p.tier for p in selectors.tier_policies(org.company.pk)] == [
        "strategic",
        "key",
        "potential",
        "general",
    ]


# The page


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_settings_page_saves_a_tier_and_the_policy_and_shows_refusals(org):
    client = _client(org.director)
    page = client.get(reverse("customers:settings"))
    assert page.status_code == 200 and 'data-testid="tier-strategic"' in page.content.decode()
    url = reverse("customers:tier_policy_update", args=["key"])
    response = client.post(url, TIER | {"pool_after_days": 60})
    assert response.status_code == 302 and _tier(org).pool_after_days == 60
    response = client.post(url, TIER | {"warn_days_before": 200})
    assert response.status_code == 422 and "warn fewer days before" in response.content.decode()
    assert client.post(reverse("customers:tier_policy_update", args=["nope"]), TIER).status_code == 404
    response = client.post(reverse("customers:customer_policy_update"), POLICY | {"a_share": 95})
    assert response.status_code == 422 and "below the B cut-off" in response.content.decode()
    response = client.post(reverse("customers:customer_policy_update"), POLICY | {"pool_claim_cap": 12})
    assert response.status_code == 302 and _policy(org).pool_claim_cap == 12


def test_the_settings_link_and_page_are_for_directors_and_admins(org):
    for persona in ("rep", "supervisor", "manager", "finance"):
        client = _client(getattr(org, persona))
        assert client.get(reverse("customers:settings")).status_code == 403, persona
        html = client.get(reverse("customers:customer_list")).content.decode()
        assert 'data-testid="customer-settings"' not in html
    for persona in ("director", "admin"):
        html = _client(getattr(org, persona)).get(reverse("customers:customer_list")).content.decode()
        assert 'data-testid="customer-settings"' in html


# The API over real HTTP


@pytest.fixture
def api_world(transactional_db, live_server):
    org = build_personas()
    return org, {
        name: ApiClient.for_user(live_server, getattr(org, name)) for name in ("admin", "director", "rep")
    }


def test_the_policies_api_reads_and_changes_the_policies(api_world):
    org, api = api_world
    director = api["director"]
    read = director.get("/customers/policies")
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["policy"] == POLICY
    assert [t["tier"] for t in body["tiers"]] == ["strategic", "key", "potential", "general"]

    changed = director.request(
        "PUT", "/customers/policies", json=POLICY | {"a_share": 60, "pool_claim_cap": 20}
    )
    assert changed.status_code == 200 and changed.json()["policy"]["pool_claim_cap"] == 20
    refused = director.request("PUT", "/customers/policies", json=POLICY | {"a_share": 90})
    assert refused.status_code == 422 and set(refused.json()) == {"code", "message", "details"}
    assert "a_share" in refused.json()["details"]["fields"]

    tier = api["admin"].request("PUT", "/customers/policies/tiers/key", json=TIER | {"pool_after_days": 45})
    assert tier.status_code == 200 and tier.json()["pool_after_days"] == 45
    assert TierPolicy.objects.get(company=org.company, tier="key").pool_after_days == 45
    refused = api["admin"].request(
        "PUT", "/customers/policies/tiers/key", json=TIER | {"visit_interval_days": 0}
    )
    assert refused.status_code == 422 and "visit_interval_days" in refused.json()["details"]["fields"]
    assert api["admin"].request("PUT", "/customers/policies/tiers/nope", json=TIER).status_code == 422
    nul = api["admin"].request(
        "PUT", "/customers/policies/tiers/key", json=TIER | {"service_plan": "a\u0000"}
    )
    assert nul.status_code == 422

    assert api["rep"].get("/customers/policies").status_code == 403
    assert api["rep"].request("PUT", "/customers/policies/tiers/key", json=TIER).status_code == 403
