"""The CLI, the API over real HTTP and the explorer page: each only parses, calls compute() and
renders, so they must agree with it exactly."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from salesdesk.metrics import selectors
from tests.conftest import build_personas
from tests.http import ApiClient
from tests.metrics import factories


def _run(*args) -> str:
    out = io.StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def test_cli_json_matches_compute(org):
    factories.sales_year(org)
    body = json.loads(
        _run("--metric", "won_amount", "--by", "employee", "--period", "2026Q1", "--format", "json")
    )
    rows = selectors.compute("won_amount", by="employee", period="2026Q1")
    assert body["metric"] == "won_amount" and body["unit"] == "money" and body["by"] == "employee"
    assert body["rows"] == [{"key": r.key, "label": r.label, "value": str(r.value)} for r in rows]


def test_cli_csv_and_table(org):
    factories.sales_year(org)
    lines = list(
        csv.reader(
            io.StringIO(
                _run("--metric", "visits_done", "--by", "unit", "--period", "2026", "--format", "csv")
            )
        )
    )
    assert lines[0] == ["key", "label", "value"]
    assert [str(org.units.hq.pk), "HQ", "6"] in lines and [str(org.units.east.pk), "East", "5"] in lines
    table = _run("--metric", "win_rate", "--by", "employee", "--period", "2026")
    assert table.splitlines()[0] == "win_rate · 2026 · percent"
    assert "Rep" in table and "Other_Rep" in table


def test_cli_scopes_with_as_and_company(org):
    factories.sales_year(org)
    body = json.loads(
        _run(
            "--metric",
            "won_amount",
            "--by",
            "employee",
            "--period",
            "2026",
            "--as",
            "rep",
            "--format",
            "json",
        )
    )
    assert [row["key"] for row in body["rows"]] == [org.rep.pk]
    body = json.loads(
        _run(
            "--metric",
            "won_amount",
            "--by",
            "employee",
            "--period",
            "2026",
            "--company",
            str(org.company.pk),
            "--format",
            "json",
        )
    )
    assert len(body["rows"]) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "nope", "--by", "employee", "--period", "2026"], "Unknown metric"),
        (["--metric", "won_amount", "--by", "stage", "--period", "2026"], "cannot be grouped"),
        (["--metric", "won_amount", "--by", "employee", "--period", "26"], "not a period"),
        (["--metric", "won_amount", "--by", "employee", "--period", "2026", "--as", "ghost"], "ghost"),
        (["--metric", "won_amount", "--by", "employee", "--period", "2026", "--company", "999999"], "999999"),
    ],
)
def test_cli_refuses_bad_input_with_exit_code_2(db, args, message):
    with translation.override("en"), pytest.raises(CommandError) as error:
        _run(*args)
    assert error.value.returncode == 2 and message in str(error.value)


@pytest.fixture
def http(transactional_db, live_server):
    personas = build_personas()
    factories.sales_year(personas)
    return personas, {
        name: ApiClient.for_user(live_server, getattr(personas, name))
        for name in ["rep", "manager", "director", "outsider"]
    }


def test_api_answers_within_the_callers_scope(http):
    personas, api = http
    params = {"metric": "won_amount", "by": "employee", "period": "2026Q1"}
    response = api["rep"].get("/metrics", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["metric"] == "won_amount" and body["period"] == "2026Q1" and body["unit"] == "money"
    assert body["rows"] == [{"key": personas.rep.pk, "label": "Rep", "value": "9000.00"}]
    director = api["director"].get("/metrics", params=params).json()
    assert {row["key"] for row in director["rows"]} == {
        personas.rep.pk,
        personas.teammate.pk,
        personas.rep_e2.pk,
        personas.other_rep.pk,
    }
    stages = api["manager"].get(
        "/metrics", params={"metric": "stage_conversion", "by": "stage", "period": "2026"}
    )
    assert [row["key"] for row in stages.json()["rows"]] == ["lead", "discovery", "proposal", "negotiation"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"metric": "nope", "by": "employee", "period": "2026"}, "metric"),
        ({"metric": "won_amount", "by": "stage", "period": "2026"}, "by"),
        ({"metric": "won_amount", "by": "employee", "period": "2025-W53"}, "period"),
        ({"metric": "won_amount", "by": "employee", "period": "last year"}, "period"),
        ({"metric": "won_amount", "by": "team", "period": "2026"}, "by"),
    ],
)
def test_api_refuses_bad_parameters_with_422(http, params, field):
    _personas, api = http
    response = api["manager"].get("/metrics", params=params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert field in {detail["field"] for detail in body["details"]}


def test_api_lists_definitions_and_refuses_outsiders(http):
    _personas, api = http
    definitions = api["rep"].get("/metrics/definitions").json()
    names = {d["name"] for d in definitions}
    assert {"won_amount", "win_rate", "stage_conversion", "visits_done", "new_customers"} <= names
    won = next(d for d in definitions if d["name"] == "won_amount")
    assert won["unit"] == "money" and "product" in won["groupings"] and won["description"]
    assert api["outsider"].get("/metrics/definitions").status_code == 403
    assert (
        api["outsider"]
        .get("/metrics", params={"metric": "won_amount", "by": "unit", "period": "2026"})
        .status_code
        == 403
    )


def test_explorer_page_and_htmx_fragment(org):
    factories.sales_year(org)
    client = Client()
    client.force_login(org.manager)
    page = client.get(reverse("metrics:explorer"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'data-testid="metric-table"' in html
    fragment = client.get(
        reverse("metrics:explorer"),
        {"metric": "won_amount", "by": "employee", "period": "2026Q1"},
        headers={"HX-Request": "true"},
    )
    text = fragment.content.decode()
    assert "<html" not in text and "9000.00" in text and "Rep" in text and "Other_Rep" not in text
    bad = client.get(reverse("metrics:explorer"), {"metric": "win_rate", "by": "stage", "period": "2026"})
    assert bad.status_code == 200 and 'data-testid="metric-errors"' in bad.content.decode()
    client.force_login(org.outsider)
    assert client.get(reverse("metrics:explorer")).status_code == 403
