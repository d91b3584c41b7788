from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers import services
from salesdesk.customers.models import Customer, Visit
from tests.customers.factories import CustomerFactory, VisitFactory, pooled


def _client(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_create_then_edit_a_customer_through_the_pages(org):
    client = _client(org.rep)
    response = client.post(
        reverse("customers:customer_create"),
        {"name": "华东仪表", "tier": "key", "nature": "enterprise", "lifecycle": "prospect"},
    )
    customer = Customer.objects.get(name="华东仪表")
    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "Basic information" in page and "Monthly visit" in page and 'data-testid="history-panel"' in page
    card = {
        "version": 1,
        "name": "华东仪表",
        "tier": "key",
        "nature": "enterprise",
        "lifecycle": "new",
        "city": "南京",
    }
    response = client.post(reverse("customers:customer_edit", args=[customer.pk]), card)
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).city == "南京"


def test_a_duplicate_is_listed_on_the_form_and_can_be_confirmed_away(org):
    CustomerFactory(owner=org.other_rep, name="华东仪表", name_key="华东仪表")
    client = _client(org.rep)
    data = {"name": "华东 仪表", "tier": "general", "nature": "enterprise", "lifecycle": "prospect"}
    html = client.post(reverse("customers:customer_create"), data).content.decode()
    assert 'data-testid="duplicates"' in html and "Other_Rep" in html
    response = client.post(reverse("customers:customer_create"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302


def test_a_stale_edit_shows_who_changed_the_customer(org):
    customer = services.create_customer(acting_user=org.rep, name="Stale Co")
    services.update_customer(
        acting_user=org.supervisor, customer=customer, expected_version=1, changes={"city": "A"}
    )
    html = _client(org.rep).post(reverse("customers:customer_edit", args=[customer.pk]), {
        "version": 1, "name": "Stale Co", "tier": "general", "nature": "enterprise", "lifecycle": "prospect",
        "city": "B"}).content.decode()  # fmt: skip
    assert 'data-testid="form-error"' in html and "Supervisor changed this record" in html


def test_plan_complete_and_cancel_visits_through_the_pages(org):
    customer = CustomerFactory(owner=org.rep)
    client = _client(org.rep)
    today = timezone.localdate()
    client.post(
        reverse("customers:visit_plan", args=[customer.pk]),
        {"planned_on": today, "channel": "phone", "purpose": "Call"},
    )
    visit = Visit.objects.get(customer=customer)
    response = client.post(
        reverse("customers:visit_complete", args=[visit.pk]), {"done_on": today, "outcome": "Good"}
    )
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).last_follow_up_on == today
    other = VisitFactory(customer=customer)
    client.post(reverse("customers:visit_cancel", args=[other.pk]), {"reason": "Ill"})
    assert Visit.objects.get(pk=other.pk).status == "cancelled"


def test_claim_release_and_reassign_through_the_pages(org):
    customer = pooled(org.company, name="Pool Co")
    client = _client(org.rep)
    assert "Pool Co" in client.get(reverse("customers:pool")).content.decode()
    client.post(reverse("customers:customer_claim", args=[customer.pk]))
    assert Customer.objects.get(pk=customer.pk).owner == org.rep
    client.post(reverse("customers:customer_release", args=[customer.pk]), {"reason": "No budget"})
    assert Customer.objects.get(pk=customer.pk).owner is None
    _client(org.supervisor).post(
        reverse("customers:customer_reassign", args=[customer.pk]), {"owner": org.employees.teammate.pk}
    )
    assert Customer.objects.get(pk=customer.pk).owner == org.teammate


def test_the_list_warns_of_customers_about_to_return_to_the_pool(org):
    services.ensure_customer_policies(org.company)
    customer = CustomerFactory(owner=org.rep, tier="general")
    Customer.objects.filter(pk=customer.pk).update(activity_on=timezone.localdate() - timedelta(days=86))
    html = _client(org.rep).get(reverse("customers:customer_list")).content.decode()
    assert 'data-testid="pool-warning"' in html and "to the pool in 4 days" in html
    html = _client(org.rep).get(reverse("customers:visit_list")).content.decode()
    assert customer.name in html


@pytest.mark.parametrize("url_name", ["customers:customer_list", "customers:pool", "customers:visit_list"])
def test_list_pages_read_in_a_constant_number_of_queries(org, url_name):
    services.ensure_customer_policies(org.company)
    client = _client(org.manager)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx)

    count()
    few = count()
    for _ in range(15):
        c = CustomerFactory(owner=org.rep, tier="general")
        Customer.objects.filter(pk=c.pk).update(activity_on=timezone.localdate() - timedelta(days=88))
        VisitFactory(customer=c)
        pooled(org.company)
    assert count() == few


def test_visit_report_page_and_bad_period(org):
    client = _client(org.supervisor)
    VisitFactory(
        customer=CustomerFactory(owner=org.rep), status="done", done_on=timezone.localdate(), outcome="Signed"
    )
    html = client.get(reverse("customers:visit_report")).content.decode()
    assert "Signed" in html and "Rep" in html
    assert (
        client.get(reverse("customers:visit_report"), {"period": "2026-07", "by": "week"}).status_code == 200
    )
    assert client.get(reverse("customers:visit_report"), {"period": "nonsense"}).status_code == 200


def test_another_teams_rep_gets_404_on_the_card(org):
    customer = CustomerFactory(owner=org.rep)
    assert _client(org.other_rep).get(customer.get_absolute_url()).status_code == 404
    assert _client(org.rep_e2).get(reverse("customers:customer_edit", args=[customer.pk])).status_code == 404


def test_pages_speak_chinese(org):
    html = _client(org.rep, "zh-hans").get(reverse("customers:customer_list")).content.decode()
    assert '<html lang="zh-hans"' in html
