"""The permission matrix of customers: role × customer's owner × verb → outcome.

Lists, searches, CSV and Excel exports and details must contain exactly the permitted customers:
own (rep), team (supervisor), unit subtree (manager), all (director), plus the company's public
pool for sales staff. Another region's rep gets 404. Checked over real HTTP (API, token) and
through the pages.
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.core.access import AccessDenied
from salesdesk.customers import services
from salesdesk.customers.models import Customer
from tests.conftest import build_personas
from tests.customers.factories import CustomerFactory, pooled
from tests.http import ApiClient

OWNERS = [
    "director", "manager", "supervisor", "rep", "teammate", "supervisor_e2", "rep_e2",
    "manager_n", "supervisor_n", "other_rep",
]  # fmt: skip
ACTORS = [*OWNERS, "admin", "finance", "outsider"]
EAST = {"manager", "supervisor", "rep", "teammate", "supervisor_e2", "rep_e2"}
NORTH = {"manager_n", "supervisor_n", "other_rep"}
POOL = "pool"

# Whose customers each person sees ("pool": the company's public pool).
VISIBLE = {
    "rep": {"rep", POOL},
    "teammate": {"teammate", POOL},
    "supervisor": {"supervisor", "rep", "teammate", POOL},
    "supervisor_e2": {"supervisor_e2", "rep_e2", POOL},
    "rep_e2": {"rep_e2", POOL},
    "manager": EAST | {POOL},
    "manager_n": NORTH | {POOL},
    "supervisor_n": {"supervisor_n", "other_rep", POOL},
    "other_rep": {"other_rep", POOL},
    "director": set(OWNERS) | {POOL},
    "admin": set(OWNERS) | {POOL},
    "finance": set(),  # finance is not sales: no customers of its own, no pool
    "outsider": set(),
}

# actor, customer's owner, status of editing the card (PATCH; the edit page answers the same).
CHANGE_CUSTOMER = [
    ("rep", "rep", 200),
    ("rep", "teammate", 404),
    ("rep", "other_rep", 404),  # another region's rep: it does not exist for them
    ("supervisor", "rep", 200),
    ("supervisor", "rep_e2", 404),
    ("manager", "rep_e2", 200),
    ("manager_n", "rep", 404),
    ("director", "other_rep", 200),
    ("finance", "rep", 403),  # finance never edits customer cards
    ("rep", POOL, 403),  # visible in the pool, but claim it first
]

# actor, owner, status of planning a visit.
LOG_VISIT = [("rep", "rep", 201), ("supervisor", "rep", 201), ("teammate", "rep", 404), ("rep", POOL, 403),
             ("other_rep", "rep", 404), ("admin", "rep", 403)]  # fmt: skip

# actor, status of claiming a pooled customer.
CLAIM = {"rep": 200, "supervisor_n": 200, "manager": 200, "admin": 403, "finance": 403, "outsider": 403}

# actor, owner, status of releasing the owner's customer to the pool.
RELEASE = [
    ("rep", "rep", 200),
    ("supervisor", "rep", 403),
    ("teammate", "rep", 404),
    ("other_rep", "rep", 404),
]

# actor, owner, new owner, status of reassigning.
REASSIGN = [
    ("supervisor", "rep", "teammate", 200),
    ("supervisor", "rep", "rep_e2", 404),  # not someone the supervisor leads
    ("rep", "rep", "teammate", 403),
    ("manager", "rep_e2", "rep", 200),
    ("manager", POOL, "rep", 200),
    ("manager_n", "rep", "other_rep", 404),
    ("director", "other_rep", "rep", 200),
]

CREATE = {"rep": 201, "supervisor": 201, "director": 201, "admin": 201, "finance": 403, "outsider": 403}

# actor → may set the tier policies and the company customer policy (API and page)?
CONFIGURE = {"admin": True, "director": True, "manager": False, "supervisor": False, "rep": False,
             "finance": False, "outsider": False}  # fmt: skip

COVERED_RULES = {
    "customers.view_customers",
    "customers.create_customer",
    "customers.change_customer",
    "customers.log_visit",
    "customers.claim_customer",
    "customers.release_customer",
    "customers.change_owner",
    "customers.classify_customers",
    "customers.configure_customers",
}


@pytest.fixture
def world(transactional_db, live_server):
    personas = build_personas()
    users = {name: getattr(personas, name) for name in ACTORS}
    customers = {owner: CustomerFactory(owner=users[owner], name=f"C-{owner}") for owner in OWNERS}
    customers[POOL] = pooled(personas.company, name=f"C-{POOL}")
    return personas, users, customers, {name: ApiClient.for_user(live_server, u) for name, u in users.items()}


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _names(customers, ids) -> set[str]:
    by_id = {c.pk: key for key, c in customers.items()}
    return {by_id[i] for i in ids if i in by_id}


def _csv_ids(response) -> set[int]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {int(row[0]) for row in rows[1:]}


def _xlsx_ids(response) -> set[int]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return {int(row[0]) for row in list(sheet.iter_rows(values_only=True))[1:]}


def test_lists_searches_exports_and_details_show_exactly_the_permitted_customers(world):
    _personas, users, customers, api = world
    failures = []
    for actor, expected in VISIBLE.items():
        page = _page_client(users[actor])
        if actor == "outsider":
            assert api[actor].get("/customers").status_code == 403
            assert page.get(reverse("customers:customer_list")).status_code == 403
            continue
        listed = _names(customers, {c["id"] for c in api[actor].all_items("/customers")})
        searched = _names(customers, {c["id"] for c in api[actor].all_items("/customers", q="c-rep")})
        pool = _names(customers, {c["id"] for c in api[actor].all_items("/customers/pool")})
        csv_ids = _names(customers, _csv_ids(page.get(reverse("customers:customer_export_csv"))))
        xlsx_ids = _names(customers, _xlsx_ids(page.get(reverse("customers:customer_export_xlsx"))))
        html = page.get(reverse("customers:customer_list")).content.decode()
        on_page = {key for key in customers if f">C-{key}</a>" in html}
        checks = {
            "api list": (listed, expected),
            "api search": (searched, {n for n in expected if n in {"rep", "rep_e2"}}),
            "api pool": (pool, expected & {POOL}),
            "csv": (csv_ids, expected),
            "xlsx": (xlsx_ids, expected),
            "list page": (on_page, expected),
        }
        failures += [
            f"{actor} {what}: got {sorted(got)}, want {sorted(want)}"
            for what, (got, want) in checks.items()
            if got != want
        ]
        for key, customer in customers.items():
            want = 200 if key in expected else 404
            got_api = api[actor].get(f"/customers/{customer.pk}").status_code
            got_page = page.get(reverse("customers:customer_detail", args=[customer.pk])).status_code
            if (got_api, got_page) != (want, want):
                failures.append(f"{actor} views {key}: api {got_api}, page {got_page}, want {want}")
    assert not failures, "\n".join(failures)


def test_filtered_exports_hold_the_filtered_scoped_list(world):
    _personas, users, customers, _api = world
    Customer.objects.filter(pk=customers["rep"].pk).update(tier="key")
    Customer.objects.filter(pk=customers["other_rep"].pk).update(tier="key")
    page = _page_client(users["manager"])
    url = reverse("customers:customer_export_csv") + "?tier=key"
    assert _names(customers, _csv_ids(page.get(url))) == {"rep"}
    url = reverse("customers:customer_export_xlsx") + "?holder=pool"
    assert _names(customers, _xlsx_ids(page.get(url))) == {POOL}


def test_pooled_customers_contacts_are_hidden_until_claimed(world):
    _personas, users, customers, api = world
    services.add_contact(
        acting_user=users["rep"], customer=customers["rep"], name="王总", department="management"
    )
    services.change_owner(
        acting_user=users["supervisor"], customer=customers["rep"], new_owner=users["teammate"]
    )
    services.release_customer(
        acting_user=users["teammate"], customer=Customer.objects.get(pk=customers["rep"].pk), reason="x"
    )
    for actor in ("rep", "teammate", "supervisor", "director", "other_rep"):
        response = api[actor].get(f"/customers/{customers['rep'].pk}/contacts")
        assert response.status_code == 200 and response.json() == [], actor
    api["other_rep"].post(f"/customers/{customers['rep'].pk}/claim")
    assert [c["name"] for c in api["other_rep"].get(f"/customers/{customers['rep'].pk}/contacts").json()] == [
        "王总"
    ]
    assert api["teammate"].get(f"/customers/{customers['rep'].pk}/contacts").status_code == 404


def test_changing_customers(world):
    _personas, users, customers, api = world
    failures = []
    for actor, owner, want in CHANGE_CUSTOMER:
        customer = Customer.objects.get(pk=customers[owner].pk)
        got_page = (
            _page_client(users[actor]).get(reverse("customers:customer_edit", args=[customer.pk])).status_code
        )
        response = api[actor].patch(
            f"/customers/{customer.pk}", json={"version": customer.version, "city": "杭州"}
        )
        if (response.status_code, got_page) != (want, want):
            failures.append(
                f"{actor} edits {owner}: api {response.status_code}, page {got_page}, want {want}"
            )
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "message", "details"}
    assert not failures, "\n".join(failures)


def test_logging_visits(world):
    _personas, _users, customers, api = world
    today = timezone.localdate().isoformat()
    failures = [
        f"{actor} plans a visit to {owner}'s customer: {got}, want {want}"
        for actor, owner, want in LOG_VISIT
        if (got := api[actor].post(f"/customers/{customers[owner].pk}/visits",
                                   json={"planned_on": today, "purpose": "Talk"}).status_code) != want
    ]  # fmt: skip
    assert not failures, "\n".join(failures)


def test_claiming_from_the_pool(world):
    personas, _users, _customers, api = world
    failures = []
    for actor, want in CLAIM.items():
        customer = pooled(personas.company)
        got = api[actor].post(f"/customers/{customer.pk}/claim").status_code
        if got != want:
            failures.append(f"{actor} claims: {got}, want {want}")
    assert not failures, "\n".join(failures)


def test_releasing_and_reassigning(world):
    personas, users, _customers, api = world
    failures = []
    for actor, owner, want in RELEASE:
        customer = CustomerFactory(owner=users[owner])
        got = api[actor].post(f"/customers/{customer.pk}/release", json={"reason": "No demand"}).status_code
        if got != want:
            failures.append(f"{actor} releases {owner}'s: {got}, want {want}")
    for actor, owner, new_owner, want in REASSIGN:
        customer = CustomerFactory(owner=users[owner]) if owner != POOL else pooled(personas.company)
        got = (
            api[actor]
            .post(f"/customers/{customer.pk}/reassign", json={"owner_id": users[new_owner].pk})
            .status_code
        )
        page_status = _page_client(users[actor]).get(
            reverse("customers:customer_reassign", args=[customer.pk])
        )
        if got != want or (want == 200 and page_status.status_code != 200):
            failures.append(f"{actor} reassigns {owner}'s to {new_owner}: {got}, want {want}")
    assert not failures, "\n".join(failures)


def test_creating_customers(world):
    _personas, _users, _customers, api = world
    failures = []
    for actor, want in CREATE.items():
        got = api[actor].post("/customers", json={"name": f"New for {actor}"}).status_code
        if got != want:
            failures.append(f"{actor} creates: {got}, want {want}")
    assert not failures, "\n".join(failures)


def test_only_directors_and_admins_classify_customers_by_hand(world):
    personas, users, customers, _api = world
    ids = {customers["rep"].pk: "A"}
    for actor in ("rep", "supervisor", "manager", "finance"):
        with pytest.raises(AccessDenied):
            services.apply_value_classes(company=personas.company, classes=ids, acting_user=users[actor])
    assert (
        services.apply_value_classes(company=personas.company, classes=ids, acting_user=users["director"])
        == 1
    )


def test_only_directors_and_admins_configure_customer_policies(world):
    _personas, users, _customers, api = world
    tier = {
        "service_plan": "Monthly visit",
        "visit_interval_days": 30,
        "pool_after_days": 120,
        "warn_days_before": 7,
    }
    policy = {"a_share": 70, "b_share": 90, "pool_claim_cap": 50, "pool_cooldown_days": 30}
    failures = []
    for actor, allowed in CONFIGURE.items():
        want = 200 if allowed else 403
        got = (
            api[actor].get("/customers/policies").status_code,
            api[actor].request("PUT", "/customers/policies", json=policy).status_code,
            api[actor].request("PUT", "/customers/policies/tiers/key", json=tier).status_code,
        )
        if got != (want, want, want):
            failures.append(f"{actor} reads/changes the policies over the API: {got}, want {want}")
        page = _page_client(users[actor])
        got = (
            page.get(reverse("customers:settings")).status_code,
            page.post(reverse("customers:tier_policy_update", args=["key"]), tier).status_code,
            page.post(reverse("customers:customer_policy_update"), policy).status_code,
        )
        if got != ((200, 302, 302) if allowed else (403, 403, 403)):
            failures.append(f"{actor} opens the settings page and saves: {got}")
    assert not failures, "\n".join(failures)
