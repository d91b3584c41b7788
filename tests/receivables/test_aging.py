# ruff: noqa: E501  (test tables and SQL read better unwrapped)
"""The aging report equals an independent Python computation over the same rows, as of today
and as of a date before some allocations; drill-down, export and flat query counts."""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from salesdesk.receivables import aging
from salesdesk.receivables import rules_aging as rules
from salesdesk.receivables.models import Allocation, Invoice, WriteOffRequest
from tests.receivables.test_aging_support import customer, invoice

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days", "label_index"),
    [
        (-10, 0),
        (0, 0),
        (1, 1),
        (30, 1),
        (31, 2),
        (60, 2),
        (61, 3),
        (90, 3),
        (91, 4),
        (180, 4),
        (181, 5),
        (365, 5),
        (366, 6),
        (2000, 6),
    ],
)
def test_default_buckets_follow_the_finance_ladder(days, label_index):
    buckets = rules.buckets_from_bounds(list(rules.DEFAULT_BUCKETS))
    assert rules.bucket_of(days, buckets).index == label_index


@pytest.mark.parametrize(
    ("days", "expected"),
    [(10, "normal"), (180, "normal"), (181, "doubtful"), (365, "doubtful"), (366, "bad")],
)
def test_debt_class_by_days_overdue(days, expected):
    assert rules.debt_class_for(days, doubtful_after_days=180, bad_after_days=365) == expected


def _ledger(org):
    """Invoices of three collectors at many ages, with allocations before and after AS_OF."""
    rows = []
    buyers = {name: customer(getattr(org, name)) for name in ("rep", "teammate", "other_rep")}
    ages = [-20, 0, 5, 30, 31, 45, 61, 100, 200, 400, 800]
    for i, days in enumerate(ages):
        for name, buyer in buyers.items():
            due = AS_OF - timedelta(days=days)
            issued = due - timedelta(days=30)
            allocations = []
            if i % 3 == 1:
                allocations = [("100.00", issued + timedelta(days=3))]
            if i % 3 == 2:
                allocations = [("300.00", issued + timedelta(days=1)), ("700.00", AS_OF + timedelta(days=5))]
            rows.append(
                invoice(getattr(org, name), customer_for=buyer, amount="1000.00", issued_on=issued, due_on=due,
                        allocations=allocations)
            )  # fmt: skip
    # Paid in full before the date (not open), issued after the date (not open), cancelled.
    invoice(org.rep, customer_for=buyers["rep"], issued_on=AS_OF - timedelta(days=90), due_on=AS_OF - timedelta(days=60),
            allocations=[("1000.00", AS_OF - timedelta(days=10))])  # fmt: skip
    invoice(org.rep, customer_for=buyers["rep"], issued_on=AS_OF + timedelta(days=1))
    invoice(org.rep, customer_for=buyers["rep"], issued_on=AS_OF - timedelta(days=5), status="cancelled")
    # A reversal after the date: paid before it, reversed after, so open again now but not then.
    invoice(org.teammate, customer_for=buyers["teammate"], issued_on=AS_OF - timedelta(days=50),
            due_on=AS_OF - timedelta(days=20),
            allocations=[("1000.00", AS_OF - timedelta(days=30)), ("-1000.00", AS_OF + timedelta(days=2))])  # fmt: skip
    return buyers


def _expected(as_of, buckets, invoices=None):
    """Independent: per invoice, amount − allocations applied by the date, bucketed by rules."""
    by_bucket = defaultdict(Decimal)
    by_customer = defaultdict(lambda: defaultdict(Decimal))
    invoices = invoices if invoices is not None else Invoice.objects.all()
    written_off = set(
        WriteOffRequest.objects.filter(status="approved", written_off_on__lte=as_of).values_list(
            "invoice_id", flat=True
        )
    )
    for inv in invoices:
        if inv.status == "cancelled" or inv.issued_on > as_of or inv.pk in written_off:
            continue
        applied = sum(
            (a.amount for a in Allocation.objects.filter(invoice=inv) if a.applied_on <= as_of), Decimal(0)
        )
        open_amount = inv.amount - applied
        if open_amount <= 0:
            continue
        bucket = rules.bucket_of((as_of - inv.due_on).days, buckets).index
        by_bucket[bucket] += open_amount
        by_customer[inv.customer_id][bucket] += open_amount
    return by_bucket, by_customer


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + timedelta(days=10), AS_OF - timedelta(days=15)])
def test_aging_buckets_equal_an_independent_computation(org, as_of):
    _ledger(org)
    buckets = aging.buckets(org.company.pk)
    want_bucket, want_customer = _expected(as_of, buckets)
    report = aging.aging_report(user=org.finance, as_of=as_of)
    got = {i: a for i, a in enumerate(report.totals.amounts) if a}
    assert got == {k: v for k, v in want_bucket.items() if v}
    by_customer = aging.aging_report(user=org.finance, as_of=as_of, by="customer")
    got_customer = {row.key: {i: a for i, a in enumerate(row.amounts) if a} for row in by_customer.rows}
    assert got_customer == {k: {b: a for b, a in v.items() if a} for k, v in want_customer.items()}


def test_aging_as_of_a_past_date_counts_only_allocations_applied_by_then(org):
    due = AS_OF - timedelta(days=40)
    inv = invoice(org.rep, issued_on=due - timedelta(days=30), due_on=due,
                  allocations=[("400.00", AS_OF - timedelta(days=1)), ("600.00", AS_OF + timedelta(days=1))])  # fmt: skip
    before = aging.aging_report(user=org.finance, as_of=AS_OF - timedelta(days=2))
    on = aging.aging_report(user=org.finance, as_of=AS_OF)
    after = aging.aging_report(user=org.finance, as_of=AS_OF + timedelta(days=1))
    assert before.totals.total == Decimal("1000.00")
    assert on.totals.total == Decimal("600.00")
    assert after.totals.total == Decimal(0)
    assert inv.status == "paid"


def test_written_off_invoices_leave_the_aging_from_their_write_off_date(org):
    inv = invoice(org.rep, issued_on=date(2025, 1, 1), due_on=date(2025, 2, 1))
    WriteOffRequest.objects.create(
        invoice=inv, amount=inv.amount, reason="gone", requested_by=org.finance, decided_by=org.director,
        status="approved", written_off_on=AS_OF,
    )  # fmt: skip
    Invoice.objects.filter(pk=inv.pk).update(status="written_off")
    assert aging.aging_report(user=org.finance, as_of=AS_OF - timedelta(days=1)).totals.total == Decimal(
        "1000.00"
    )
    assert aging.aging_report(user=org.finance, as_of=AS_OF).totals.total == Decimal(0)


@translation.override("en")
def test_configured_buckets_change_the_report(org):
    from salesdesk.receivables import aging as aging_module

    invoice(org.rep, issued_on=AS_OF - timedelta(days=60), due_on=AS_OF - timedelta(days=45))
    aging_module.set_aging_buckets(
        acting_user=org.finance,
        company=org.company,
        bounds=[(0, Decimal(0)), (50, Decimal(10)), (None, Decimal(100))],
    )
    report = aging.aging_report(user=org.finance, as_of=AS_OF)
    assert [b.label for b in report.buckets] == ["Not yet due", "1–50 days", "> 50 days"]
    assert report.totals.amounts == [Decimal(0), Decimal("1000.00"), Decimal(0)]


def test_provision_report_is_open_times_percent_per_bucket(org):
    _ledger(org)
    buckets = aging.buckets(org.company.pk)
    want_bucket, _ = _expected(AS_OF, buckets)
    rows = aging.provision_report(user=org.finance, as_of=AS_OF)
    for row, bucket in zip(rows, buckets, strict=True):
        open_amount = want_bucket.get(bucket.index, Decimal(0))
        assert row["open_amount"] == open_amount
        assert row["provision"] == (open_amount * bucket.provision_percent / 100).quantize(Decimal("0.01"))


def test_scope_rep_sees_own_supervisor_team_finance_all(org):
    _ledger(org)
    owners = {
        "rep": {org.rep.pk},
        "supervisor": {org.rep.pk, org.teammate.pk},
        "manager": {org.rep.pk, org.teammate.pk},
        "finance": {org.rep.pk, org.teammate.pk, org.other_rep.pk},
        "director": {org.rep.pk, org.teammate.pk, org.other_rep.pk},
    }
    for name, want in owners.items():
        report = aging.aging_report(user=getattr(org, name), as_of=AS_OF, by="collector")
        assert {row.key for row in report.rows} == want, name
    assert aging.aging_report(user=org.other_rep, as_of=AS_OF, by="collector").totals.total > 0
    assert aging.aging_report(user=org.outsider, as_of=AS_OF).totals.total == 0


def _count_queries(user, as_of):
    with CaptureQueriesContext(connection) as captured:
        report = aging.aging_report(user=user, as_of=as_of, by="customer")
        list(aging.aging_invoices(user=user, as_of=as_of)[:50])
    return len(captured), report


def test_aging_query_count_is_flat_in_rows(org):
    buyer = customer(org.rep)
    for i in range(3):
        invoice(
            org.rep,
            customer_for=buyer,
            issued_on=AS_OF - timedelta(days=100 + i),
            due_on=AS_OF - timedelta(days=70),
        )
    _count_queries(org.finance, AS_OF)  # the first call creates the default buckets
    few, _ = _count_queries(org.finance, AS_OF)
    for i in range(27):
        invoice(
            org.rep,
            customer_for=customer(org.rep),
            issued_on=AS_OF - timedelta(days=10 + i),
            due_on=AS_OF - timedelta(days=i),
        )
    many, report = _count_queries(org.finance, AS_OF)
    assert report.totals.count == 30
    assert few == many


def test_pages_drill_from_bucket_to_customer_to_invoice_and_export(org):
    _ledger(org)
    client = Client()
    client.force_login(org.finance)
    page = client.get(reverse("receivables:aging_report"), {"as_of": AS_OF.isoformat()})
    assert page.status_code == 200
    bucket = 4  # 91–180 days
    page = client.get(
        reverse("receivables:aging_report"), {"as_of": AS_OF.isoformat(), "by": "customer", "bucket": bucket}
    )
    assert page.status_code == 200
    rows = page.context["report"].rows
    assert rows and all(row.amounts[bucket] for row in rows)
    invoices = client.get(
        reverse("receivables:aging_invoices"),
        {"as_of": AS_OF.isoformat(), "customer": rows[0].key, "bucket": bucket},
    )
    assert invoices.status_code == 200
    listed = list(invoices.context["page"])
    assert listed and all(inv.customer_id == rows[0].key and inv.bucket == bucket for inv in listed)
    export = client.get(reverse("receivables:aging_export", args=["csv"]), {"as_of": AS_OF.isoformat()})
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    total = sum(Decimal(line[8]) for line in lines[1:])
    assert total == aging.aging_report(user=org.finance, as_of=AS_OF).totals.total
    xlsx = client.get(reverse("receivables:aging_export", args=["xlsx"]), {"as_of": AS_OF.isoformat()})
    assert xlsx.status_code == 200
    other = Client()
    other.force_login(org.other_rep)
    mine = list(
        other.get(reverse("receivables:aging_invoices"), {"as_of": AS_OF.isoformat()}).context["page"]
    )
    assert mine and {inv.owner_id for inv in mine} == {org.other_rep.pk}
