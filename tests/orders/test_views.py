from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesdesk.orders import services
from salesdesk.orders.models import Order, Shipment
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
