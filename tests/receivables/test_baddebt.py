"""Doubtful and bad debt: rules, manual classification, write-off with four eyes."""

from datetime import date, timedelta

import pytest

from salesdesk.core.access import AccessDenied
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.models import AuditEvent
from salesdesk.receivables import baddebt
from salesdesk.receivables.models import DebtClassification, Invoice
from tests.receivables.test_aging_support import invoice

TODAY = date(2026, 6, 30)


def _overdue(owner, days, **kwargs):
    due = TODAY - timedelta(days=days)
    return invoice(owner, issued_on=due - timedelta(days=30), due_on=due, **kwargs)


def test_rules_raise_old_invoices_to_doubtful_and_bad_and_never_lower_them(org):
    young, doubtful, bad, paid = (
        _overdue(org.rep, 100),
        _overdue(org.rep, 200),
        _overdue(org.rep, 400),
        _overdue(org.rep, 500, allocations=[("1000.00", TODAY - timedelta(days=450))]),
    )
    assert baddebt.classify_by_rules(today=TODAY, company_id=org.company.pk) == 2
    classes = dict(Invoice.objects.values_list("pk", "debt_class"))
    assert classes == {young.pk: "normal", doubtful.pk: "doubtful", bad.pk: "bad", paid.pk: "normal"}
    assert DebtClassification.objects.filter(invoice=bad, debt_class="bad", by__isnull=True).exists()
    assert baddebt.classify_by_rules(today=TODAY, company_id=org.company.pk) == 0
    baddebt.classify_invoice(
        acting_user=org.finance, invoice=doubtful, debt_class="normal", reason="Customer confirmed"
    )
    assert baddebt.classify_by_rules(today=TODAY, company_id=org.company.pk) == 1  # the rule raises it again


def test_manual_classification_needs_a_reason_and_the_right_role(org):
    inv = _overdue(org.rep, 30)
    with pytest.raises(BusinessRuleViolation):
        baddebt.classify_invoice(acting_user=org.finance, invoice=inv, debt_class="doubtful", reason=" ")
    with pytest.raises(AccessDenied):
        baddebt.classify_invoice(acting_user=org.rep, invoice=inv, debt_class="doubtful", reason="Disputed")
    baddebt.classify_invoice(acting_user=org.director, invoice=inv, debt_class="doubtful", reason="Disputed")
    assert Invoice.objects.get(pk=inv.pk).debt_class == "doubtful"


def test_write_off_needs_approval_by_the_director_not_the_requester(org):
    inv = _overdue(org.rep, 400, allocations=[("250.00", TODAY - timedelta(days=300))])
    with pytest.raises(AccessDenied):
        baddebt.request_write_off(acting_user=org.director, invoice=inv, reason="Bankrupt")
    request = baddebt.request_write_off(acting_user=org.finance, invoice=inv, reason="Bankrupt")
    assert request.amount == inv.amount - inv.allocated
    with pytest.raises(BusinessRuleViolation):
        baddebt.request_write_off(acting_user=org.finance, invoice=inv, reason="Twice")
    for someone in (org.finance, org.manager, org.rep):
        with pytest.raises(AccessDenied):
            baddebt.approve_write_off(acting_user=someone, request=request)
    assert Invoice.objects.get(pk=inv.pk).status == "open"
    baddebt.approve_write_off(acting_user=org.director, request=request, today=TODAY)
    inv.refresh_from_db()
    request.refresh_from_db()
    assert (inv.status, inv.debt_class, request.status, request.written_off_on) == (
        "written_off", "bad", "approved", TODAY,
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        action="write_off_approved", object_id=str(inv.pk), actor=org.director
    ).exists()
    with pytest.raises(BusinessRuleViolation):
        baddebt.approve_write_off(acting_user=org.director, request=request)


def test_a_director_who_requested_cannot_approve_their_own(org):
    from salesdesk.receivables.models import WriteOffRequest

    inv = _overdue(org.rep, 400)
    own = WriteOffRequest.objects.create(
        invoice=inv, amount=inv.amount, reason="x", requested_by=org.director
    )
    with pytest.raises(AccessDenied):
        baddebt.approve_write_off(acting_user=org.director, request=own)


def test_rejected_write_off_leaves_the_invoice_open(org):
    inv = _overdue(org.rep, 400)
    request = baddebt.request_write_off(acting_user=org.finance, invoice=inv, reason="Bankrupt")
    baddebt.reject_write_off(acting_user=org.director, request=request, note="Keep chasing")
    assert Invoice.objects.get(pk=inv.pk).status == "open"
