# ruff: noqa: E501  (test tables and SQL read better unwrapped)
"""The collections workbench: what to chase today, with a flat query count."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesdesk.orders.models import Contract
from salesdesk.receivables import dunning, workbench
from salesdesk.receivables.models import CollectionInstalment, ContactAttempt
from tests.receivables.test_aging_support import customer, invoice

TODAY = date(2026, 6, 30)


def _overdue(owner, days, buyer=None, **kwargs):
    due = TODAY - timedelta(days=days)
    return invoice(owner, customer_for=buyer, issued_on=due - timedelta(days=30), due_on=due, **kwargs)


def _contract(owner, amount="3000.00"):
    buyer = customer(owner)
    return Contract.objects.create(
        company_id=buyer.company_id, number=f"HT-W{Contract.objects.count() + 1:04d}", title="Supply",
        customer=buyer, owner=owner, status="signed", amount=Decimal(amount), signed_on=TODAY - timedelta(days=60),
    )  # fmt: skip


def test_workbench_lists_what_to_chase_today(org):
    overdue = [_overdue(org.rep, d) for d in (40, 5, 14)]
    not_due = _overdue(org.rep, -10)
    teammates = _overdue(org.teammate, 30)
    promised = overdue[1]
    ContactAttempt.objects.create(invoice=promised, by=org.rep, at="2026-06-20T10:00:00Z", channel="phone",
                                  outcome="promised", promised_amount=Decimal("100.00"), promised_on=TODAY)  # fmt: skip
    contract = _contract(org.rep)
    due_soon = CollectionInstalment.objects.create(contract=contract, sequence=1, due_on=TODAY + timedelta(days=5),
                                                   amount=Decimal("1000.00"), remind_days_before=7)  # fmt: skip
    CollectionInstalment.objects.create(contract=contract, sequence=2, due_on=TODAY + timedelta(days=40),
                                        amount=Decimal("1000.00"), remind_days_before=7)  # fmt: skip
    collected = _contract(org.rep)
    paid_plan = CollectionInstalment.objects.create(contract=collected, sequence=1, due_on=TODAY,
                                                    amount=Decimal("500.00"), remind_days_before=3)  # fmt: skip
    inv = invoice(org.rep, issued_on=TODAY - timedelta(days=20), due_on=TODAY + timedelta(days=10),
                  allocations=[("500.00", TODAY - timedelta(days=1))])  # fmt: skip
    inv.contract = collected
    inv.save(update_fields=["contract"])

    bench = workbench.workbench(user=org.rep, today=TODAY)
    assert [i.pk for i in bench.overdue] == [overdue[0].pk, overdue[2].pk, overdue[1].pk]
    assert not_due.pk not in {i.pk for i in bench.overdue} and teammates.pk not in {
        i.pk for i in bench.overdue
    }
    assert [p.invoice_id for p in bench.promises] == [promised.pk]
    assert [i.id for i in bench.instalments] == [due_soon.pk]
    assert paid_plan.pk not in {i.id for i in bench.instalments}
    # Tomorrow: the 14-day invoice reaches the supervisor's rung; the others sit on rungs not yet run.
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    tomorrow = {
        (row.invoice_id, row.notify) for row in workbench.workbench(user=org.rep, today=TODAY).tomorrow
    }
    assert tomorrow == {(overdue[2].pk, "supervisor")}


def test_workbench_rows_are_plain_values_with_what_the_page_shows(org):
    inv = _overdue(org.rep, 20, amount="1500.00", allocations=[("500.00", TODAY - timedelta(days=3))])
    ContactAttempt.objects.create(invoice=inv, by=org.rep, at="2026-06-25T10:00:00Z", channel="phone",
                                  outcome="promised", promised_amount=Decimal("400.00"), promised_on=TODAY,
                                  next_action_on=TODAY + timedelta(days=2))  # fmt: skip
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    bench = workbench.workbench(user=org.rep, today=TODAY)
    row = bench.overdue[0]
    assert type(row) is workbench.OverdueRow
    assert (row.pk, row.number, row.customer_name, row.open_amount, row.next_action_on, row.last_outcome,
            row.top_step_days) == (inv.pk, inv.number, inv.customer.name, Decimal("1000.00"),
                                   TODAY + timedelta(days=2), "promised", 15)  # fmt: skip
    promise = bench.promises[0]
    assert (promise.invoice_number, promise.customer_name, promise.promised_amount) == (
        inv.number, inv.customer.name, Decimal("400.00"))  # fmt: skip


def test_supervisor_sees_what_the_ladder_escalated_to_them(org):
    inv = _overdue(org.rep, 20, amount="2500.00")
    own = _overdue(org.supervisor, 20)
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    escalated = workbench.workbench(user=org.supervisor, today=TODAY).escalated
    assert [(n.invoice_id, n.level, n.days_overdue, n.collector_name, n.open_amount) for n in escalated] == [
        (inv.pk, "supervisor", 20, org.rep.full_name, Decimal("2500.00"))
    ]
    assert own.pk not in {n.invoice_id for n in escalated}  # one's own invoices are on the overdue list
    assert workbench.workbench(user=org.rep, today=TODAY).escalated == []
    client = Client()
    client.force_login(org.supervisor)
    page = client.get(reverse("receivables:workbench")).content.decode()
    assert 'data-testid="workbench-escalated"' in page and inv.number in page


def _queries(user):
    with CaptureQueriesContext(connection) as captured:
        workbench.workbench(user=user, today=TODAY)
    return len(captured)


def test_workbench_query_count_is_flat_in_rows(org):
    for d in (3, 20, 50):
        _overdue(org.rep, d)
    dunning.ensure_steps(org.company.pk)
    dunning.ensure_policy(org.company.pk)
    few = _queries(org.rep)
    for d in range(27):
        inv = _overdue(org.rep, d + 1)
        ContactAttempt.objects.create(invoice=inv, by=org.rep, at="2026-06-20T10:00:00Z", channel="phone",
                                      outcome="promised", promised_amount=Decimal("10.00"), promised_on=TODAY)  # fmt: skip
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    assert len(workbench.workbench(user=org.rep, today=TODAY).overdue) == 30
    assert _queries(org.rep) == few == 6  # the ladder's steps, then one per list
    assert len(workbench.workbench(user=org.supervisor, today=TODAY).escalated) > 3
    assert _queries(org.supervisor) == few


def test_workbench_page_logs_a_contact_attempt_inline(org):
    inv = _overdue(org.rep, 10)
    client = Client()
    client.force_login(org.rep)
    page = client.get(reverse("receivables:workbench"))
    assert page.status_code == 200 and inv.number in page.content.decode()
    response = client.post(
        reverse("receivables:contact_attempt", args=[inv.pk]),
        {"channel": "phone", "outcome": "no_answer", "next_action_on": "2026-07-02"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and b"contact-logged" in response.content
    assert ContactAttempt.objects.get(invoice=inv).next_action_on == date(2026, 7, 2)
    other = Client()
    other.force_login(org.other_rep)
    assert (
        other.post(
            reverse("receivables:contact_attempt", args=[inv.pk]), {"channel": "phone", "outcome": "reached"}
        ).status_code
        == 404
    )


def test_workbench_api_answers_the_value_rows(org):
    inv = _overdue(org.rep, 20, amount="2500.00")
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    rep = Client()
    rep.force_login(org.rep)
    body = rep.get("/api/v1/receivables/workbench", {"today": TODAY.isoformat()}).json()
    assert [(r["id"], r["customer_name"], r["open_amount"], r["top_step_days"]) for r in body["overdue"]] == [
        (inv.pk, inv.customer.name, "2500.00", 15)
    ]
    supervisor = Client()
    supervisor.force_login(org.supervisor)
    body = supervisor.get("/api/v1/receivables/workbench", {"today": TODAY.isoformat()}).json()
    assert [(r["invoice_number"], r["level"], r["days_overdue"]) for r in body["escalated"]] == [
        (inv.number, "supervisor", 20)
    ]
