import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesdesk.pipeline.models import LossReason, Opportunity
from tests.pipeline import factories


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_open_for_the_rep(org):
    deal = factories.deal(org.rep)
    lead = factories.lead(org.rep, org.company)
    client = _client(org.rep)
    for url in (
        reverse("pipeline:lead_list"),
        reverse("pipeline:lead_create"),
        reverse("pipeline:lead_detail", args=[lead.pk]),
        reverse("pipeline:lead_convert", args=[lead.pk]),
        reverse("pipeline:board"),
        reverse("pipeline:opportunity_list"),
        reverse("pipeline:opportunity_create"),
        reverse("pipeline:opportunity_detail", args=[deal.pk]),
        reverse("pipeline:opportunity_edit", args=[deal.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_another_teams_rep_gets_404(org):
    deal = factories.deal(org.rep)
    lead = factories.lead(org.rep, org.company)
    client = _client(org.other_rep)
    assert client.get(reverse("pipeline:opportunity_detail", args=[deal.pk])).status_code == 404
    assert client.get(reverse("pipeline:lead_detail", args=[lead.pk])).status_code == 404
    response = client.post(reverse("pipeline:opportunity_move", args=[deal.pk]), {"stage": 1, "version": 1})
    assert response.status_code == 404


def test_creating_a_lead_and_converting_it_through_the_pages(org):
    client = _client(org.rep)
    response = client.post(
        reverse("pipeline:lead_create"),
        {"company_name": "深圳云帆", "contact_name": "李总", "source": "salon", "estimated_amount": "8000"},
    )
    assert response.status_code == 302
    lead_url = response["Location"]
    lead_id = int(lead_url.rstrip("/").split("/")[-1])
    response = client.post(
        reverse("pipeline:lead_qualify", args=[lead_id]), {"version": 1, "status": "qualified", "reason": ""}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("pipeline:lead_convert", args=[lead_id]),
        {"version": 2, "customer": "", "opportunity_name": "云帆 二期", "amount": "8000"},
    )
    assert response.status_code == 302
    deal = Opportunity.objects.get(lead_id=lead_id)
    assert response["Location"] == deal.get_absolute_url()
    assert deal.customer.name == "深圳云帆" and deal.name == "云帆 二期"


def test_conversion_page_offers_linking_to_a_duplicate(org):
    existing = factories.customer(org.rep, "深圳云帆")
    lead = factories.lead(org.rep, org.company, company_name="深圳云帆")
    client = _client(org.rep)
    response = client.post(
        reverse("pipeline:lead_convert", args=[lead.pk]),
        {"version": 1, "customer": "", "opportunity_name": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="duplicates"' in html
    assert f'name="customer" value="{existing.pk}"' in html


def test_board_move_with_htmx_swaps_both_columns(org):
    deal = factories.deal(org.rep)
    needs = factories.stage(org.company, "needs")
    response = _client(org.rep).post(
        reverse("pipeline:opportunity_move", args=[deal.pk]),
        {"stage": needs.pk, "version": deal.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="stage-{deal.stage_id}"' in html and f'id="stage-{needs.pk}"' in html
    assert html.count('hx-swap-oob="true"') == 3
    assert Opportunity.objects.get(pk=deal.pk).stage == needs


def test_moving_to_lost_without_a_reason_asks_for_it(org):
    deal = factories.deal(org.rep)
    lost = factories.stage(org.company, "lost")
    client = _client(org.rep)
    url = reverse("pipeline:opportunity_move", args=[deal.pk])
    response = client.post(url, {"stage": lost.pk, "version": deal.version}, HTTP_HX_REQUEST="true")
    assert 'data-testid="loss-dialog"' in response.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).stage_id == deal.stage_id
    reason = LossReason.objects.get(company=org.company, code="timing")
    response = client.post(url, {"stage": lost.pk, "version": deal.version, "loss_reason": reason.pk})
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=deal.pk).loss_reason == reason


def test_exports_hold_the_visible_deals_and_leads(org):
    mine = factories.deal(org.rep, name="mine")
    factories.deal(org.other_rep, name="theirs")
    factories.lead(org.rep, org.company, company_name="my lead")
    client = _client(org.rep)
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(reverse("pipeline:opportunity_export")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [r[0] for r in rows[1:]] == [str(mine.pk)]
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(reverse("pipeline:lead_export")).streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert [r[1] for r in rows[1:]] == ["my lead"]


def test_record_page_shows_the_timeline(org):
    deal = factories.deal(org.rep)
    needs = factories.stage(org.company, "needs")
    _client(org.rep).post(
        reverse("pipeline:opportunity_move", args=[deal.pk]), {"stage": needs.pk, "version": 1}
    )
    html = _client(org.rep).get(reverse("pipeline:opportunity_detail", args=[deal.pk])).content.decode()
    assert html.count('data-kind="stage"') == 2


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["pipeline:opportunity_list", "pipeline:lead_list", "pipeline:board"])
def test_lists_and_board_take_constant_queries(org, name):
    client = _client(org.manager)
    url = reverse(name)
    factories.deal(org.rep)
    factories.lead(org.rep, org.company)
    _queries(client, url)  # warm-up: session, stages
    few = _queries(client, url)
    for owner in (org.rep, org.teammate, org.rep_e2, org.supervisor):
        factories.deal(owner)
        factories.lead(owner, org.company)
    assert _queries(client, url) == few
