"""Permission matrix of aging, dunning, bad debt and the workbench: who sees which invoices in the
aging report (finance all, rep own, supervisor team, manager subtree), who may log contact
attempts, classify, request and approve write-offs (finance requests, the director approves,
never their own request); another team's rep gets 404. The collection settings: finance and
admins change them, the director reads them, everyone else is refused; another company's
bucket or step is a 404."""

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
    "receivables.view_collection_settings",
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


# Collection settings: the page (read) and every form on it (change), and the policy API.
READ_SETTINGS = {"finance": 200, "admin": 200, "director": 200, "manager": 403, "supervisor": 403, "rep": 403}
CHANGE_SETTINGS = {"finance": True, "admin": True, "director": False, "manager": False, "rep": False}


def _settings_posts(org):
    """(url name, args, data) of every change the settings page posts; each is valid."""
    from salesdesk.receivables import aging, dunning
    from salesdesk.receivables.models import AgingBucket, DunningStep

    aging.ensure_buckets(org.company.pk)
    dunning.ensure_steps(org.company.pk)
    sixty = AgingBucket.objects.get(company=org.company, max_days=60)
    ninety = AgingBucket.objects.get(company=org.company, max_days=90)
    step = DunningStep.objects.get(company=org.company, days_overdue=60)
    legal = DunningStep.objects.get(company=org.company, days_overdue=90)
    retired = DunningStep.objects.create(
        company=org.company, days_overdue=120, notify="legal", name="x", is_active=False
    )
    return [
        ("bucket_create", [], {"new-bucket-max_days": 45, "new-bucket-provision_percent": "5"}),
        ("bucket_update", [sixty.pk], {"version": 1, "max_days": 60, "provision_percent": "6"}),
        ("bucket_delete", [ninety.pk], {"version": 1}),
        ("step_create", [], {"new-step-days_overdue": 45, "new-step-notify": "manager"}),
        ("step_update", [step.pk], {"version": 1, "days_overdue": 61, "notify": "director"}),
        ("step_remove", [legal.pk], {"version": 1}),
        ("step_reactivate", [retired.pk], {"version": 1}),
        (
            "policy_update",
            [],
            {"version": 1, "doubtful_after_days": 90, "bad_after_days": 200, "legal_role": "director"},
        ),
    ]


@pytest.mark.parametrize(("actor", "status"), READ_SETTINGS.items())
def test_who_reads_the_collection_settings(org, actor, status):
    client = _client(getattr(org, actor))
    assert client.get(reverse("receivables:collection_settings")).status_code == status
    assert client.get("/api/v1/receivables/collection-policy").status_code == status
    assert _client(org.outsider).get(reverse("receivables:collection_settings")).status_code == 403


@pytest.mark.parametrize(("actor", "allowed"), CHANGE_SETTINGS.items())
def test_who_changes_the_collection_settings(org, actor, allowed):
    client = _client(getattr(org, actor))
    failures = []
    for name, args, data in _settings_posts(org):
        response = client.post(reverse(f"receivables:{name}", args=args), data)
        expected = 302 if allowed else 403
        if response.status_code != expected:
            failures.append(f"{actor} {name}: {response.status_code}, want {expected}")
    policy = {
        "doubtful_after_days": 100,
        "bad_after_days": 300,
        "legal_role": "director",
        "version": 2 if allowed else 1,
    }
    response = client.put("/api/v1/receivables/collection-policy", policy, content_type="application/json")
    if response.status_code != (200 if allowed else 403):
        failures.append(f"{actor} PUT collection-policy: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_another_companys_settings_are_not_found(org):
    from salesdesk.org.models import Company
    from salesdesk.receivables.models import AgingBucket, DunningStep

    other = Company.objects.create(name="Other Co")
    bucket = AgingBucket.objects.create(company=other, max_days=30, provision_percent=1)
    step = DunningStep.objects.create(company=other, days_overdue=30, notify="manager", name="x")
    client = _client(org.finance)
    for name, args in (
        ("bucket_update", [bucket.pk]), ("bucket_delete", [bucket.pk]),
        ("step_update", [step.pk]), ("step_remove", [step.pk]), ("step_reactivate", [step.pk]),
    ):  # fmt: skip
        assert client.post(reverse(f"receivables:{name}", args=args), {"version": 1}).status_code == 404, name
