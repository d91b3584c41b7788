"""Contract end of life: a manager terminates a signed contract early; the nightly job expires
those whose term has passed; neither takes new orders."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.models import AuditEvent
from salesdesk.orders import services, tasks
from salesdesk.orders.models import Contract
from tests.orders import factories

TODAY = timezone.localdate


def _signed(org, **changes):
    contract = factories.signed_contract(org.rep, org.company, approvers=[org.supervisor, org.finance])
    if changes:
        Contract.objects.filter(pk=contract.pk).update(**changes)
        contract.refresh_from_db()
    return contract


def _terminate(contract, user, reason="Customer closed the plant", **kwargs):
    return services.terminate_contract(
        acting_user=user, contract=contract, expected_version=contract.version, reason=reason, **kwargs
    )


@translation.override("en")
def test_a_manager_terminates_a_signed_contract_with_reason_date_audit_and_history(org):
    contract = _signed(org, signed_on=TODAY() - timedelta(days=100))
    day = TODAY() - timedelta(days=3)
    contract = _terminate(contract, org.manager, terminated_on=day)
    contract.refresh_from_db()
    assert contract.status == "terminated"
    assert (contract.terminated_on, contract.terminated_by) == (day, org.manager)
    assert contract.termination_reason == "Customer closed the plant"
    assert contract.history.first().status == "terminated"
    assert contract.versions.first().note == "Terminated"
    event = AuditEvent.objects.get(action="contract_terminated", object_id=str(contract.pk))
    assert event.actor == org.manager and event.details["terminated_on"] == day.isoformat()


def test_only_a_manager_or_above_in_scope_terminates(org):
    contract = _signed(org)
    for who in ("rep", "teammate", "supervisor", "finance", "manager_n", "supervisor_n"):
        with pytest.raises(PermissionDenied):
            _terminate(contract, getattr(org, who))
    assert _terminate(contract, org.director).status == "terminated"


@translation.override("en")
def test_a_termination_needs_a_reason_a_signed_contract_and_a_sensible_date(org):
    contract = _signed(org, signed_on=TODAY() - timedelta(days=10), ends_on=TODAY() + timedelta(days=100))
    with pytest.raises(BusinessRuleViolation) as exc:
        _terminate(contract, org.manager, reason="  ")
    assert exc.value.details == {"field": "reason"}
    for day, code in (
        (TODAY() + timedelta(days=1), "future"),
        (TODAY() - timedelta(days=11), "before_signing"),
    ):
        with pytest.raises(BusinessRuleViolation) as exc:
            _terminate(contract, org.manager, terminated_on=day)
        assert exc.value.details["code"] == code
    draft = services.create_contract(
        acting_user=org.rep, opportunity=factories.deal_with_lines(org.rep, org.company, won=True)
    )
    with pytest.raises(BusinessRuleViolation) as exc:
        _terminate(draft, org.manager)
    assert exc.value.details["code"] == "invalid_transition"
    assert "Terminating is not possible while the contract is Draft" in exc.value.message


def test_a_stale_termination_is_refused(org):
    contract = _signed(org)
    loaded = Contract.objects.get(pk=contract.pk)
    services.add_comment(acting_user=org.rep, contract=contract, body="call them")  # no version change
    _terminate(Contract.objects.get(pk=contract.pk), org.manager)
    with pytest.raises(StaleVersion):
        _terminate(loaded, org.director)


@translation.override("en")
def test_no_order_goes_under_a_terminated_contract_and_no_repeat_of_its_orders(org):
    order = factories.confirmed_order(org.rep, org.company, approvers=[org.supervisor, org.finance])
    contract = _terminate(order.contract, org.manager)
    with pytest.raises(BusinessRuleViolation) as exc:
        services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY())
    assert exc.value.details == {"field": "contract", "code": "contract_terminated"}
    assert f"Contract {contract.number} was terminated on" in exc.value.message
    with pytest.raises(BusinessRuleViolation) as exc:
        services.create_repeat_order(acting_user=org.rep, previous=order, promised_on=TODAY())
    assert exc.value.details["code"] == "contract_terminated"
    order.refresh_from_db()
    assert order.status == "confirmed"  # orders placed before keep their course


@translation.override("en")
def test_a_contract_past_its_term_takes_no_order_even_before_the_nightly_expiry(org):
    contract = _signed(org, ends_on=TODAY() - timedelta(days=1))
    with pytest.raises(BusinessRuleViolation) as exc:
        services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY())
    assert exc.value.details["code"] == "contract_expired"
    assert "renew it before placing more orders" in exc.value.message


def test_expiry_marks_signed_contracts_past_their_term_once_set_based(org):
    yesterday, today = TODAY() - timedelta(days=1), TODAY()
    past = [_signed(org, ends_on=yesterday) for _ in range(3)]
    running = _signed(org, ends_on=today)  # its last day: still running
    open_ended = _signed(org)
    terminated = _terminate(_signed(org), org.manager)
    Contract.objects.filter(pk=terminated.pk).update(ends_on=yesterday)  # its planned end passed too
    draft = services.create_contract(
        acting_user=org.rep,
        opportunity=factories.deal_with_lines(org.rep, org.company, won=True),
        ends_on=yesterday,
    )
    with CaptureQueriesContext(connection) as queries:
        assert services.expire_contracts(today=today) == 3
    assert len(queries) <= 12  # the same for 3 contracts or 3,000 (one chunk)
    statuses = dict(Contract.objects.values_list("pk", "status"))
    assert {statuses[c.pk] for c in past} == {"expired"}
    assert statuses[running.pk] == statuses[open_ended.pk] == "signed"
    assert statuses[terminated.pk] == "terminated" and statuses[draft.pk] == "draft"
    expired = Contract.objects.get(pk=past[0].pk)
    assert expired.version == past[0].version + 1  # a page opened before now answers stale
    assert [h.status for h in expired.history.order_by("-history_id")[:2]] == ["expired", "signed"]
    event = AuditEvent.objects.get(action="contracts_expired")
    assert event.details["count"] == 3 and sorted(event.details["ids"]) == sorted(c.pk for c in past)

    assert services.expire_contracts(today=today) == 0  # idempotent
    assert AuditEvent.objects.filter(action="contracts_expired").count() == 1


def test_expiry_runs_as_the_nightly_task_and_as_a_command_for_a_given_day(org, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _signed(org, ends_on=TODAY() - timedelta(days=2))
    assert tasks.expire_contracts.enqueue().return_value == 1
    contract = _signed(org, ends_on=TODAY() + timedelta(days=10))
    out = StringIO()
    call_command("expire_contracts", stdout=out)
    assert out.getvalue().strip() == "0 contracts expired."
    call_command("expire_contracts", "--today", (TODAY() + timedelta(days=11)).isoformat(), stdout=out)
    assert "1 contracts expired." in out.getvalue()
    contract.refresh_from_db()
    assert contract.status == "expired"


@translation.override("en")
def test_orders_waiting_under_a_contract_terminated_since_are_not_confirmed(org):
    from salesdesk.receivables import services as receivables
    from salesdesk.receivables.models import CreditHold

    contract = _signed(org)
    line = contract.opportunity.lines.select_related("product").first()
    half = [services.OrderLineInput(line.product, line.quantity / 2, line.unit_price)]
    held = services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY(), lines=half)
    draft = services.create_order(acting_user=org.rep, contract=contract, promised_on=TODAY(), lines=half)
    result = receivables.confirm_order(acting_user=org.rep, order=held, expected_version=held.version)
    assert not result.confirmed  # no credit profile, no credit: it waits for a credit controller
    _terminate(contract, org.manager)

    draft.refresh_from_db()
    with pytest.raises(BusinessRuleViolation) as exc:
        receivables.confirm_order(acting_user=org.rep, order=draft, expected_version=draft.version)
    assert exc.value.details["code"] == "contract_terminated"
    hold = CreditHold.objects.get(order=held)
    with pytest.raises(BusinessRuleViolation) as exc:
        receivables.decide_credit_hold(
            acting_user=org.finance, hold=hold, approve=True, expected_version=hold.version
        )
    assert exc.value.details["code"] == "contract_terminated"
    draft.refresh_from_db()
    held.refresh_from_db()
    assert (draft.status, held.status) == ("draft", "credit_hold")
