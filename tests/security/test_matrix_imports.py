"""The permission matrix of imports: who may import, whose records an import may create, and
whose jobs one sees. Checked through the API (real HTTP, the persona's token) and the pages."""

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.customers.models import Customer
from salesdesk.imports.models import ImportJob
from tests.conftest import build_personas
from tests.http import ApiClient

COVERED_RULES = {"imports.run", "imports.view_job"}

# actor → status of starting an import (API) / opening the imports page.
RUN_IMPORT = {
    "rep": (403, 403),
    "teammate": (403, 403),
    "supervisor": (403, 403),
    "finance": (403, 403),
    "manager": (201, 200),
    "director": (201, 200),
    "admin": (201, 200),
    "outsider": (403, 403),
}

# actor, owner named in the file, imported? (a manager may only give records to people in scope)
OWNERS = [
    ("manager", "rep", True),
    ("manager", "rep_e2", True),
    ("manager", "other_rep", False),
    ("manager_n", "rep", False),
    ("director", "other_rep", True),
]

# whose jobs each importer sees: their own, or the company's for directors and admins.
SEES_JOBS_OF = {
    "manager": {"manager"},
    "manager_n": {"manager_n"},
    "director": {"manager", "manager_n", "director"},
    "admin": {"manager", "manager_n", "director"},
}


@pytest.fixture
def world(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    personas = build_personas()
    names = [*RUN_IMPORT, "manager_n"]
    return personas, {n: ApiClient.for_user(live_server, getattr(personas, n)) for n in names}


def _start(api, content: str, kind: str = "customers"):
    return api.post(
        "/imports/jobs", data={"kind": kind}, files={"file": ("c.csv", content.encode(), "text/csv")}
    )


def test_who_may_import(world):
    personas, api = world
    failures = []
    for actor, (want_api, want_page) in RUN_IMPORT.items():
        got_api = _start(api[actor], f"external_id,name\n{actor},X\n").status_code
        client = Client()
        client.force_login(getattr(personas, actor))
        got_page = client.get(reverse("imports:job_list")).status_code
        if (got_api, got_page) != (want_api, want_page):
            failures.append(f"{actor}: api {got_api}, page {got_page}, want {want_api}, {want_page}")
    assert not failures, "\n".join(failures)


def test_imports_give_records_only_to_people_in_the_importers_scope(world):
    _personas, api = world
    for n, (actor, owner, imported) in enumerate(OWNERS):
        response = _start(api[actor], f"external_id,name,owner\nK{n},Customer {n},{owner}\n")
        assert response.status_code == 201, response.text
        job = api[actor].get(f"/imports/jobs/{response.json()['id']}").json()
        assert Customer.objects.filter(external_id=f"K{n}").exists() == imported, (actor, owner, job)
        if not imported:
            report = api[actor].get(f"/imports/jobs/{job['id']}/report").json()
            assert [line["column"] for line in report["lines"]] == ["owner"]


def test_job_lists_show_ones_own_jobs_unless_director_or_admin(world):
    personas, api = world
    jobs = {
        name: _start(api[name], f"external_id,name\n{name},X\n").json()["id"]
        for name in ("manager", "manager_n", "director")
    }
    owner_of = {job_id: name for name, job_id in jobs.items()}
    for actor, expected in SEES_JOBS_OF.items():
        listed = {owner_of[item["id"]] for item in api[actor].all_items("/imports/jobs")}
        assert listed == expected, actor
        for name, job_id in jobs.items():
            want = 200 if name in expected else 404
            assert api[actor].get(f"/imports/jobs/{job_id}").status_code == want, (actor, name)
            client = Client()
            client.force_login(getattr(personas, actor))
            assert client.get(reverse("imports:job_detail", args=[job_id])).status_code == want, (actor, name)
    assert api["rep"].get(f"/imports/jobs/{jobs['manager']}").status_code == 403
    assert ImportJob.objects.count() == 3
