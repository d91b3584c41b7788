"""Permission matrix of aging, dunning, bad debt and the workbench: who sees which invoices in the
aging report (finance all, rep own, supervisor team, manager subtree), who may log contact
attempts, classify, request and approve write-offs (finance requests, the director approves,
never their own request); another team's rep gets 404."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.receivables.test_aging_support import invoice

AS_OF = date(2026, 6, 30)
OWNERS = ["rep", "teammate", "rep_e2", "other_rep"]
VISIBLE = {
    "rep": {"rep"},
    "teammate": {"teammate"},
    "supervisor": {"rep", "teammate"},
    "manager": {"rep", "teammate", "rep_e2"},
    "manager_n": {"other_rep"},
    "director": set(OWNERS),
    "finance": set(OWNERS),
    "admin": set(OWNERS),
}
# actor → status of requesting a write-off of the rep's invoice, then of approving finance's request.
REQUEST_WRITE_OFF = {"finance": 302, "director": 403, "manager": 403, "rep": 403, "admin": 403}
APPROVE_WRITE_OFF = {"director": 302, "finance": 403, "manager": 403, "admin": 403, "rep": 403}
CLASSIFY = {"finance": 302, "director": 302, "admin": 302, "manager": 403, "rep": 403}

COVERED_RULES = {
    "receivables.view_aging",
    "receivables.work_collections",
    "receivables.classify_debt",
    "receivables.request_write_off",
    "receivables.approve_write_off",
    "receivables.configure_collections",
}


@pytest.fixture
def world(org):
    due = AS_OF - timedelta(days=200)
    invoices = {
        name: invoice(getattr(org, name), issued_on=due - timedelta(days=30), due_on=due) for name in OWNERS
    }
    return org, invoices


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_aging_api_and_pages_show_exactly_the_permitted_invoices(world):
    org, invoices = world
    failures = []
    for actor, owners in VISIBLE.items():
        client = _client(getattr(org, actor))
        want = {invoices[o].pk for o in owners}
        body = client.get(
            "/api/v1/receivables/aging/invoices", {"as_of": AS_OF.isoformat(), "page_size": 200}
        ).json()
        got = {row["id"] for row in body["items"]}
        page = {
            i.pk
            for i in client.get(reverse("receivables:aging_invoices"), {"as_of": AS_OF.isoformat()}).context[
                "page"
            ]
        }
        if got != want or page != want:
            failures.append(f"{actor}: api {sorted(got)} page {sorted(page)}, want {sorted(want)}")
        for owner in OWNERS:
            status = client.get(
                reverse("receivables:invoice_collections", args=[invoices[owner].pk])
            ).status_code
            if status != (200 if owner in owners else 404):
                failures.append(f"{actor} opens {owner}'s invoice: {status}")
    outsider = _client(org.outsider)
    if outsider.get("/api/v1/receivables/aging").status_code != 403:
        failures.append("outsider reads the aging report")
    assert not failures, "\n".join(failures)


def test_another_teams_rep_gets_404_on_contact_attempts(world):
    org, invoices = world
    client = _client(org.other_rep)
    response = client.post(
        f"/api/v1/receivables/invoices/{invoices['rep'].pk}/contact-attempts",
        data={"channel": "phone", "outcome": "reached"},
        content_type="application/json",
    )
    assert response.status_code == 404
    own = client.post(
        f"/api/v1/receivables/invoices/{invoices['other_rep'].pk}/contact-attempts",
        data={"channel": "phone", "outcome": "reached"},
        content_type="application/json",
    )
    assert own.status_code == 201


@pytest.mark.parametrize(("actor", "status"), CLASSIFY.items())
def test_who_classifies_debt(world, actor, status):
    org, invoices = world
    response = _client(getattr(org, actor)).post(
        reverse("receivables:classify_debt", args=[invoices["rep"].pk]),
        {"debt_class": "doubtful", "reason": "x"},
    )
    assert response.status_code == status


@pytest.mark.parametrize(("actor", "status"), REQUEST_WRITE_OFF.items())
def test_who_requests_a_write_off(world, actor, status):
    org, invoices = world
    response = _client(getattr(org, actor)).post(
        reverse("receivables:write_off_request", args=[invoices["rep"].pk]), {"reason": "Bankrupt"}
    )
    assert response.status_code == status


@pytest.mark.parametrize(("actor", "status"), APPROVE_WRITE_OFF.items())
def test_who_approves_a_write_off(world, actor, status):
    from salesdesk.receivables import baddebt

    org, invoices = world
    request = baddebt.request_write_off(acting_user=org.finance, invoice=invoices["rep"], reason="Bankrupt")
    response = _client(getattr(org, actor)).post(
        reverse("receivables:write_off_decide", args=[request.pk, "approve"])
    )
    assert response.status_code == status
    request.refresh_from_db()
    assert request.status == ("approved" if status == 302 else "pending")


@pytest.mark.parametrize(
    ("actor", "status"), [("finance", 200), ("admin", 200), ("director", 403), ("rep", 403)]
)
def test_who_configures_buckets_and_runs_the_ladder(world, actor, status):
    org, _invoices = world
    response = _client(getattr(org, actor)).post(
        "/api/v1/receivables/dunning/run", data={"today": AS_OF.isoformat()}, content_type="application/json"
    )
    assert response.status_code == status
