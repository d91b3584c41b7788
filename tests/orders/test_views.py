import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesdesk.orders import services
from salesdesk.orders.models import ContractReviewStep, Order, Shipment
from salesdesk.orders.pdf import quote_pdf
from tests.orders import factories


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _approved_quote(org, name=None):
    deal = factories.deal_with_lines(org.rep, org.company, name=name)
    quote = services.create_quote(acting_user=org.rep, opportunity=deal)
    return services.submit_quote(acting_user=org.rep, quote=quote, expected_version=quote.version)


def test_every_page_renders_for_its_people(org):
    quote = _approved_quote(org, "Pump 泵")
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    contract = order.contract
    rep = _client(org.rep)
    pages = [
        reverse("orders:quote_list"),
        reverse("orders:quote_create") + f"?opportunity={quote.opportunity_id}",
        reverse("orders:quote_detail", args=[quote.pk]),
        reverse("orders:contract_list"),
        reverse("orders:contract_create") + f"?quote={quote.pk}",
        reverse("orders:contract_detail", args=[contract.pk]),
        reverse("orders:renewal_list"),
        reverse("orders:order_list"),
        reverse("orders:order_create") + f"?contract={contract.pk}",
        reverse("orders:order_detail", args=[order.pk]),
        reverse("orders:delivery_change_list"),
    ]
    for url in pages:
        response = rep.get(url)
        assert response.status_code == 200, url
    admin = _client(org.admin)
    assert admin.get(reverse("orders:price_list_list")).status_code == 200
    assert admin.get(reverse("orders:discount_limits")).status_code == 200
    assert rep.get(reverse("orders:price_list_list")).status_code == 403
    other = _client(org.other_rep)
    for name, pk in [
        ("quote_detail", quote.pk),
        ("contract_detail", contract.pk),
        ("order_detail", order.pk),
    ]:
        assert other.get(reverse(f"orders:{name}", args=[pk])).status_code == 404


def test_the_order_page_shows_pause_only_to_leaders(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    url = reverse("orders:order_detail", args=[order.pk])
    assert 'data-testid="pause"' not in _client(org.rep).get(url).content.decode()
    assert 'data-testid="pause"' in _client(org.supervisor).get(url).content.decode()
    response = _client(org.supervisor).post(
        reverse("orders:order_pause", args=[order.pk]), {"version": order.version, "reason": "customer asked"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paused" and order.pause_reason == "customer asked"


def test_quote_pdf_renders_in_chinese_and_english(org):
    quote = _approved_quote(org)
    for language in ("zh", "en"):
        response = _client(org.rep).get(reverse("orders:quote_pdf", args=[quote.pk]) + f"?lang={language}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    body = quote_pdf(quote, list(quote.lines.all()), language="zh")
    assert b"STSong-Light" in body  # the Chinese labels are drawn with the built-in CID font


def test_attachments_download_only_for_people_who_see_the_contract(org, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    deal = factories.deal_with_lines(org.rep, org.company, won=True)
    contract = services.create_contract(acting_user=org.rep, opportunity=deal)
    attachment = services.add_attachment(
        acting_user=org.rep, contract=contract, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    url = reverse("orders:attachment_download", args=[attachment.pk])
    response = _client(org.supervisor).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"hello"
    assert _client(org.other_rep).get(url).status_code == 404
    assert _client(org.finance).get(url).status_code == 200


def _orders(org, n: int) -> None:
    """``n`` orders of the rep with two shipments each, set-based (the page, not the set-up, is measured)."""
    contract = factories.signed_contract(org.rep, org.company, approvers=[org.supervisor, org.finance])
    today = timezone.localdate()
    start = Order.objects.count()
    orders = Order.objects.bulk_create(
        [
            Order(
                company=org.company,
                number=f"T-{start + i}",
                contract=contract,
                customer=contract.customer,
                owner=org.rep,
                amount=Decimal(10),
                ordered_on=today,
                promised_on=today,
            )
            for i in range(n)
        ]
    )
    Shipment.objects.bulk_create(
        [
            Shipment(order=o, sequence=s, planned_on=today - timedelta(days=s), amount=Decimal(5))
            for o in orders
            for s in (1, 2)
        ]
    )


@pytest.mark.parametrize("name", ["orders:order_list", "orders:contract_list", "orders:quote_list"])
def test_list_pages_take_the_same_queries_for_3_and_30_rows(org, name):
    client = _client(org.supervisor)
    client.get(reverse(name))  # warm up: the first request of a session loads the session's own rows
    counts = []
    for n in (3, 27):
        _orders(org, n)
        _approved_quote(org)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_csv_export_is_scoped(org):
    _orders(org, 3)
    rows = b"".join(_client(org.supervisor).get(reverse("orders:order_export")).streaming_content)
    assert rows.decode("utf-8-sig").count("\n") == 4
    rows = b"".join(_client(org.other_rep).get(reverse("orders:order_export")).streaming_content)
    assert rows.decode("utf-8-sig").count("\n") == 1


def test_the_contract_page_offers_termination_to_managers_only(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    contract = order.contract
    url = reverse("orders:contract_detail", args=[contract.pk])
    assert 'data-testid="terminate"' not in _client(org.rep).get(url).content.decode()
    assert 'data-testid="make-order"' in _client(org.rep).get(url).content.decode()
    assert 'data-testid="terminate"' in _client(org.manager).get(url).content.decode()
    terminate = reverse("orders:contract_terminate", args=[contract.pk])
    body = {"version": contract.version, "reason": "Plant closed", "terminated_on": ""}
    assert _client(org.rep).post(terminate, body).status_code == 403
    assert _client(org.manager_n).post(terminate, body).status_code == 404
    response = _client(org.manager).post(terminate, body, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert "The contract was terminated." in page and 'data-testid="termination-reason"' in page
    contract.refresh_from_db()
    assert contract.status == "terminated" and contract.terminated_on == timezone.localdate()
    page = _client(org.rep).get(url).content.decode()
    assert 'data-testid="make-order"' not in page and 'data-testid="contract-ended"' in page


def test_a_refused_termination_says_why_on_the_contract_page(org):
    contract = factories.signed_contract(org.rep, org.company, approvers=[org.supervisor, org.finance])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _client(org.manager).post(
        reverse("orders:contract_terminate", args=[contract.pk]),
        {"version": contract.version, "reason": "x", "terminated_on": tomorrow},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "A termination is recorded on the day it takes effect" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == "signed"


def test_the_order_page_shows_the_original_promise(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    shipment = order.shipments.get()
    Shipment.objects.filter(pk=shipment.pk).update(planned_on=shipment.planned_on + timedelta(days=5))
    page = _client(org.rep).get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert f'data-testid="original-promise-1">{shipment.original_planned_on:%Y-%m-%d}<' in page


def test_the_review_steps_page_is_for_the_director_and_administrators(org):
    url = reverse("orders:review_steps")
    for who in ("director", "admin"):
        response = _client(getattr(org, who)).get(url)
        assert response.status_code == 200
        assert len(re.findall(r'data-testid="step-\d+"', response.content.decode())) == 5
    for who in ("rep", "manager", "finance"):
        assert _client(getattr(org, who)).get(url).status_code == 403
    contracts = reverse("orders:contract_list")
    assert 'data-testid="review-settings"' in _client(org.director).get(contracts).content.decode()
    assert 'data-testid="review-settings"' not in _client(org.rep).get(contracts).content.decode()


def test_review_steps_are_added_edited_and_deactivated_on_the_page(org):
    director = _client(org.director)
    director.get(reverse("orders:review_steps"))  # the company's default steps
    response = director.post(
        reverse("orders:review_step_add"),
        {
            "sequence": 60,
            "name": "Legal",
            "reviewer_role": "admin",
            "reviewer": org.finance.pk,
            "min_amount": "0",
            "only_non_standard": "True",
        },
    )
    assert response.status_code == 302
    legal = ContractReviewStep.objects.get(company=org.company, sequence=60)
    assert (legal.reviewer, legal.only_non_standard, legal.updated_by) == (org.finance, True, org.director)
    duplicate = director.post(
        reverse("orders:review_step_add"),
        {
            "sequence": 60,
            "name": "Again",
            "reviewer_role": "director",
            "min_amount": "0",
            "only_non_standard": "False",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert duplicate.status_code == 422 and "Step 60 exists already" in duplicate.content.decode()

    edit = {
        "version": legal.version,
        "name": "Legal review",
        "reviewer_role": "director",
        "reviewer": "",
        "min_amount": "5000",
        "only_non_standard": "True",
    }
    assert director.post(reverse("orders:review_step_update", args=[legal.pk]), edit).status_code == 302
    legal.refresh_from_db()
    assert (legal.name, legal.reviewer, legal.min_amount, legal.version) == ("Legal review", None, 5000, 2)
    stale = _client(org.admin).post(
        reverse("orders:review_step_update", args=[legal.pk]),
        edit | {"name": "Old"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert stale.status_code == 422
    assert f"{org.director} changed this record" in stale.content.decode()
    active = reverse("orders:review_step_active", args=[legal.pk])
    assert director.post(active, {"version": legal.version, "is_active": "false"}).status_code == 302
    legal.refresh_from_db()
    assert not legal.is_active and legal.name == "Legal review"


def test_the_review_steps_page_takes_the_same_queries_for_more_steps(org):
    director = _client(org.director)
    url = reverse("orders:review_steps")
    director.get(url)
    counts = []
    for sequence in (60, 70):
        services.add_review_step(
            acting_user=org.admin,
            company=org.company,
            sequence=sequence,
            name=f"S{sequence}",
            reviewer_role="admin",
        )
        with CaptureQueriesContext(connection) as queries:
            assert director.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
