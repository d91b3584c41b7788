"""Prepared queries: an ORM query compiled once and run with new values answers what the ORM
itself answers, with the ORM's types, and is compiled once per shape."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DateField, DecimalField, ExpressionWrapper, F, IntegerField
from django.test.utils import CaptureQueriesContext

from salesdesk.receivables.models import Invoice
from salesdesk.receivables.prepared import Param, PreparedQuery
from tests.receivables.test_aging_support import invoice

MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class Row:
    id: int
    due_on: date
    open_amount: Decimal


def _open_invoices(owner, since):
    return (
        Invoice.objects.filter(owner_id=owner, due_on__gte=since)
        .annotate(open_amount=ExpressionWrapper(F("amount") - F("allocated"), output_field=MONEY))
        .order_by("due_on", "id")
        .values_list("id", "due_on", "open_amount")
    )


@pytest.fixture
def ledger(org):
    paid = [("333.33", date(2026, 2, 1))]
    days = (3, 1, 2)
    rows = [invoice(org.rep, issued_on=date(2026, 1, d), amount="1000.10", allocations=paid) for d in days]
    invoice(org.teammate, issued_on=date(2026, 1, 5))
    return rows


def test_a_prepared_query_answers_what_the_orm_answers(org, ledger):
    built = []

    def build():
        built.append(1)
        return _open_invoices(Param("owner", IntegerField()), Param("since", DateField()))

    prepared = PreparedQuery(Row, build)
    for since in (date(2026, 1, 1), date(2026, 1, 2)):
        want = [Row(*row) for row in _open_invoices(org.rep.pk, since)]
        got = prepared.rows(owner=org.rep.pk, since=since)
        assert got == want and len(got) == (3 if since.day == 1 else 2)
        assert [str(r.open_amount) for r in got] == ["666.77"] * len(got)  # the field's two places
        assert all(type(r.due_on) is date for r in got)
    assert len(built) == 1  # compiled once, run twice
    with CaptureQueriesContext(connection) as captured:
        prepared.rows(owner=org.teammate.pk, since=date(2026, 1, 1))
    assert len(captured) == 1


def test_branches_run_as_one_statement_each_with_its_own_limit(org, ledger):
    def build(branches):
        return [
            _open_invoices(Param(f"owner_{i}", IntegerField()), Param("since", DateField()))[:1]
            for i in range(branches)
        ]

    prepared = PreparedQuery(Row, build)
    with CaptureQueriesContext(connection) as captured:
        rows = prepared.rows((2,), owner_0=org.rep.pk, owner_1=org.teammate.pk, since=date(2026, 1, 1))
    assert len(captured) == 1
    assert sorted(r.id for r in rows) == sorted([ledger[1].pk, Invoice.objects.get(owner=org.teammate).pk])
    assert len(prepared.rows((3,), owner_0=0, owner_1=0, owner_2=org.rep.pk, since=date(2026, 1, 1))) == 1


def test_columns_must_be_the_rows_fields(org):
    prepared = PreparedQuery(Row, lambda: Invoice.objects.values_list("id", "due_on"))
    with pytest.raises(ValueError, match="selects"):
        prepared.rows()
