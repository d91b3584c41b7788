"""Lists and endpoints read in a constant number of queries: the same for 3 rows as for 30."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salesdesk.receivables import services
from tests.receivables import factories as f

pytestmark = pytest.mark.django_db

PAGES = {
    "invoices": [
        "/receivables/invoices/",
        "/receivables/invoices/?overdue=on",
        "/api/v1/receivables/invoices",
    ],
    "payments": [
        "/receivables/payments/",
        "/receivables/payments/unallocated/",
        "/api/v1/receivables/payments",
    ],
    "credit": ["/receivables/credit/", "/api/v1/receivables/credit-profiles"],
}


def _add(kind: str, org, n: int) -> None:
    for _ in range(n):
        if kind == "invoices":
            f.contract_invoice(org.finance, org.rep, amount="100.00")
        elif kind == "payments":
            invoice = f.contract_invoice(org.finance, org.rep, amount="100.00")
            payment = f.receipt(org.finance, invoice.customer, "150.00")
            services.allocate_payment(acting_user=org.finance, payment=payment, applied_on=f.TODAY)
        else:
            services.save_credit_profile(
                acting_user=org.finance, customer=f.customer(org.rep), credit_limit=Decimal("1000")
            )


def _counts(client: Client, urls: list[str]) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        counts.append(len(queries))
    return counts


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize("viewer", ["finance", "supervisor"])
def test_lists_take_the_same_queries_for_3_and_30_rows(org, kind, viewer):
    client = Client()
    client.force_login(getattr(org, viewer))
    client.get("/")  # the first request of a session records when it was last seen
    _add(kind, org, 3)
    urls = [u for u in PAGES[kind] if viewer == "finance" or "unallocated" not in u]  # finance's page
    small = _counts(client, urls)
    _add(kind, org, 27)
    large = _counts(client, urls)
    assert small == large, dict(zip(urls, zip(small, large, strict=True), strict=True))
    # the rows are really there for the viewer (the supervisor sees the rep's through the scope)
    body = client.get(PAGES[kind][-1]).json()
    assert len(body["items"]) == 30
