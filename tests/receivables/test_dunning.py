"""The dunning ladder: notices up the reporting line, idempotent per invoice and step; contact
attempts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.receivables import dunning
from salesdesk.receivables.models import DunningNotice, DunningStep
from tests.receivables.test_aging_support import invoice

TODAY = date(2026, 6, 30)


def _due(days_overdue: int):
    return TODAY - timedelta(days=days_overdue)


def test_notices_escalate_up_the_collectors_reporting_line_and_run_once(org):
    invoices = {
        days: invoice(org.rep, issued_on=_due(days) - timedelta(days=30), due_on=_due(days))
        for days in (-3, 1, 15, 30, 60, 90, 10)
    }
    paid = invoice(org.rep, issued_on=_due(40) - timedelta(days=30), due_on=_due(40),
                   allocations=[("1000.00", _due(41))])  # fmt: skip
    created = dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    assert created == 7
    notified = {
        n.invoice_id: (n.level, n.notified_id, n.step.days_overdue)
        for n in DunningNotice.objects.select_related("step")
    }
    assert notified[invoices[-3].pk] == ("rep", org.rep.pk, -3)
    assert notified[invoices[1].pk] == ("rep", org.rep.pk, 1)
    assert notified[invoices[10].pk] == ("rep", org.rep.pk, 1)  # 10 days: still the first rung
    assert notified[invoices[15].pk] == ("supervisor", org.supervisor.pk, 15)
    assert notified[invoices[30].pk] == ("manager", org.manager.pk, 30)
    assert notified[invoices[60].pk] == ("director", org.director.pk, 60)
    assert notified[invoices[90].pk][0] == "legal"
    assert paid.pk not in notified
    # The same day again: nothing new. The next day every invoice is still on its rung; five days
    # on, the 10-day invoice reaches the supervisor and the reminded one its first overdue rung.
    assert dunning.run_dunning(today=TODAY, company_id=org.company.pk) == 0
    assert dunning.run_dunning(today=TODAY + timedelta(days=1), company_id=org.company.pk) == 0
    assert dunning.run_dunning(today=TODAY + timedelta(days=5), company_id=org.company.pk) == 2
    assert DunningNotice.objects.filter(
        invoice=invoices[10], level="supervisor", notified=org.supervisor
    ).exists()


def test_legal_is_the_configured_user(org):
    policy = dunning.ensure_policy(org.company.pk)
    policy.legal_user = org.admin
    policy.save()
    inv = invoice(org.other_rep, issued_on=_due(100) - timedelta(days=30), due_on=_due(100))
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    notice = DunningNotice.objects.get(invoice=inv)
    assert (notice.level, notice.notified_id) == ("legal", org.admin.pk)


def test_command_runs_the_ladder(org):
    inv = invoice(org.rep_e2, issued_on=_due(20) - timedelta(days=30), due_on=_due(20))
    call_command("run_dunning", today=TODAY.isoformat())
    notice = DunningNotice.objects.get(invoice=inv)
    assert (notice.level, notice.notified_id) == ("supervisor", org.supervisor_e2.pk)


def test_ladder_is_configurable(org):
    dunning.set_dunning_ladder(
        acting_user=org.finance, company=org.company, steps=[(5, "manager"), (50, "legal")]
    )
    assert list(DunningStep.objects.filter(company=org.company).values_list("days_overdue", "notify")) == [
        (5, "manager"),
        (50, "legal"),
    ]
    inv = invoice(org.rep, issued_on=_due(6) - timedelta(days=30), due_on=_due(6))
    dunning.run_dunning(today=TODAY, company_id=org.company.pk)
    assert DunningNotice.objects.get(invoice=inv).notified_id == org.manager.pk
    with pytest.raises(BusinessRuleViolation):
        dunning.set_dunning_ladder(
            acting_user=org.finance, company=org.company, steps=[(5, "rep"), (5, "legal")]
        )


def test_contact_attempts_are_logged_and_validated(org):
    inv = invoice(org.rep, issued_on=_due(20) - timedelta(days=30), due_on=_due(20))
    attempt = dunning.log_contact_attempt(
        acting_user=org.rep, invoice=inv, channel="phone", outcome="promised",
        promised_amount=Decimal("500.00"), promised_on=TODAY, next_action_on=TODAY + timedelta(days=2),
    )  # fmt: skip
    assert attempt.by == org.rep and inv.contact_attempts.count() == 1
    with pytest.raises(BusinessRuleViolation):
        dunning.log_contact_attempt(acting_user=org.rep, invoice=inv, channel="phone", outcome="promised")
    with pytest.raises(BusinessRuleViolation):
        dunning.log_contact_attempt(
            acting_user=org.rep, invoice=inv, channel="phone", outcome="promised",
            promised_amount=Decimal("5000.00"), promised_on=TODAY,
        )  # fmt: skip
