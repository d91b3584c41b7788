"""Budgets and expenses through their services: budgets split into months, the approval route up
the reporting line, the budget control at submit and approval, versions, audit."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from salesdesk.budgets import services
from salesdesk.budgets.models import Budget, BudgetLine, Expense, ExpenseApproval, ExpenseStatus, StepDecision
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.models import AuditEvent
from tests.budgets import factories as f
from tests.budgets.factories import MONTH, TODAY


@pytest.fixture
def travel(org):
    return f.category(org.company)


# Budgets


def test_a_budget_splits_evenly_into_twelve_months(org, travel):
    budget = f.budget(org.units.e1, travel, "10000.00", by=org.director)
    lines = list(budget.lines.order_by("month"))
    assert [line.month for line in lines] == [date(2026, m, 1) for m in range(1, 13)]
    assert sum(line.amount for line in lines) == D("10000.00") == budget.amount
    assert {line.amount for line in lines} == {D("833.34"), D("833.33")}
    assert AuditEvent.objects.filter(action="budget_created", object_id=str(budget.pk)).exists()


def test_a_budget_splits_by_a_seasonality_template(org, travel):
    seasonal = f.distribution(org.company)
    budget = f.budget(
        org.units.e1, travel, "18000.00", by=org.director, split_method="distribution", distribution=seasonal
    )
    amounts = list(budget.lines.order_by("month").values_list("amount", flat=True))
    assert amounts[0] == D("1000.00") and amounts[2] == D("2000.00") and sum(amounts) == D("18000.00")


def test_one_budget_per_unit_category_and_year(org, travel):
    f.budget(org.units.e1, travel, by=org.director)
    with pytest.raises(BusinessRuleViolation) as refused:
        f.budget(org.units.e1, travel, by=org.director)
    assert refused.value.details["code"] == "duplicate"
    f.budget(org.units.e1, travel, by=org.director, year=2027)


def test_managers_set_budgets_below_them_never_their_own(org, travel):
    f.budget(org.units.e2, travel, by=org.manager)
    with pytest.raises(PermissionDenied):
        f.budget(org.units.east, travel, by=org.manager)  # their own unit's comes from above
    with pytest.raises(PermissionDenied):
        f.budget(org.units.n1, travel, by=org.manager)  # another region
    with pytest.raises(PermissionDenied):
        f.budget(org.units.e1, travel, by=org.supervisor)
    f.budget(org.units.east, travel, by=org.director)


def test_changing_the_amount_re_splits_and_a_stale_edit_is_refused(org, travel):
    budget = f.budget(org.units.e1, travel, "12000.00", by=org.director)
    budget = services.update_budget(
        acting_user=org.director,
        budget=budget,
        expected_version=1,
        changes={"amount": D("24000.00"), "control_mode": "warn"},
    )
    assert set(budget.lines.values_list("amount", flat=True)) == {D("2000.00")}
    assert budget.control_mode == "warn" and budget.version == 2
    with pytest.raises(StaleVersion):
        services.update_budget(
            acting_user=org.admin, budget=budget, expected_version=1, changes={"note": "x"}
        )


def test_editing_a_month_changes_the_years_total(org, travel):
    budget = f.budget(org.units.e1, travel, "12000.00", by=org.director)
    november = budget.lines.get(month=date(2026, 11, 1))
    services.set_budget_line(acting_user=org.manager, line=november, expected_version=1, amount=D("3000.00"))
    budget.refresh_from_db()
    assert budget.amount == D("14000.00") and budget.version == 2
    with pytest.raises(StaleVersion):
        services.set_budget_line(acting_user=org.director, line=november, expected_version=1, amount=D("1"))
    with pytest.raises(BusinessRuleViolation):
        services.set_budget_line(acting_user=org.director, line=november, expected_version=2, amount=D("-1"))


# Filing expenses


def test_an_expense_is_a_numbered_draft_of_its_spender_and_their_unit(org, travel):
    expense = f.expense(org.rep, travel, "88.00")
    assert expense.status == ExpenseStatus.DRAFT and expense.unit == org.units.e1
    assert expense.number.startswith("BX-2026-") and expense.spender == org.rep


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"incurred_on": date(2026, 11, 21)}, "incurred_on"),
        ({"amount": D("0")}, "amount"),
        ({"description": "  "}, "description"),
    ],
)
def test_bad_expenses_are_refused_on_the_field(org, travel, changes, field):
    values = {"amount": D("10"), "incurred_on": MONTH, "description": "Taxi"} | changes
    with pytest.raises(BusinessRuleViolation) as refused:
        services.create_expense(acting_user=org.rep, category=travel, today=TODAY, **values)
    assert field in refused.value.details["fields"]


def test_an_expense_names_only_the_spenders_own_customers(org, travel):
    mine, theirs = f.customer(org.rep), f.customer(org.other_rep)
    assert f.expense(org.rep, travel, customer=mine).customer == mine
    with pytest.raises(BusinessRuleViolation) as refused:
        f.expense(org.rep, travel, customer=theirs)
    assert "customer" in refused.value.details["fields"]


def test_finance_and_outsiders_do_not_file_expenses(org, travel):
    for person in (org.finance, org.outsider, org.admin):
        with pytest.raises(PermissionDenied):
            f.expense(person, travel)


def test_only_the_spender_edits_and_a_stale_edit_is_refused(org, travel):
    expense = f.expense(org.rep, travel)
    with pytest.raises(PermissionDenied):
        services.update_expense(
            acting_user=org.supervisor, expense=expense, expected_version=1, changes={"amount": D("5")}
        )
    services.update_expense(
        acting_user=org.rep, expense=expense, expected_version=1, changes={"amount": D("5")}, today=TODAY
    )
    with pytest.raises(StaleVersion):
        services.update_expense(
            acting_user=org.rep, expense=expense, expected_version=1, changes={"amount": D("6")}
        )


# The budget control


def test_an_expense_is_charged_to_its_units_budget_or_the_nearest_above(org, travel):
    region = f.budget(org.units.east, travel, "120000.00", by=org.director)
    in_e2 = f.expense(org.rep_e2, travel, submit=True)
    assert in_e2.budget_line.budget == region  # E2 has no travel budget: the region's pays
    team = f.budget(org.units.e1, travel, "12000.00", by=org.director)
    in_e1 = f.expense(org.rep, travel, submit=True)
    assert in_e1.budget_line.budget == team and in_e1.budget_line.month == date(2026, 11, 1)
    assert in_e1.budget_warning == ""


def test_an_expense_without_a_budget_goes_ahead_with_a_note(org, travel):
    expense = f.expense(org.rep, travel, submit=True)
    assert expense.status == ExpenseStatus.SUBMITTED and expense.budget_line is None
    assert "No budget covers" in expense.budget_warning


def test_a_stop_budget_refuses_an_expense_that_would_exceed_it_with_the_figures(org, travel):
    f.budget(org.units.e1, travel, "12000.00", mode="stop", by=org.director)  # ¥1,000 a month
    f.expense(org.rep, travel, "700.00", submit=True)
    late = f.expense(org.teammate, travel, "400.00")
    with pytest.raises(BusinessRuleViolation) as refused:
        services.submit_expense(acting_user=org.teammate, expense=late, expected_version=1, today=TODAY)
    message = refused.value.message
    assert "¥400.00" in message and "2026-11" in message and "¥1,100.00" in message and "¥1,000.00" in message
    assert refused.value.details["code"] == "budget_exceeded"
    assert Expense.objects.get(pk=late.pk).status == ExpenseStatus.DRAFT  # nothing half-done
    assert f.expense(org.teammate, travel, "300.00", submit=True).status == ExpenseStatus.SUBMITTED


def test_a_warning_budget_lets_the_expense_through_and_keeps_the_warning(org, travel):
    f.budget(org.units.e1, travel, "12000.00", mode="warn", by=org.director)
    expense = f.expense(org.rep, travel, "1200.00", submit=True)
    assert expense.status == ExpenseStatus.SUBMITTED
    assert (
        "¥1,200.00 of ¥1,000.00" in expense.budget_warning and "¥200.00 over budget" in expense.budget_warning
    )
    assert Expense.objects.get(pk=expense.pk).budget_warning == expense.budget_warning


def test_rejected_and_draft_expenses_do_not_use_the_budget(org, travel):
    f.budget(org.units.e1, travel, "12000.00", by=org.director)
    first = f.expense(org.rep, travel, "900.00", submit=True)
    f.expense(org.rep, travel, "900.00")  # a draft
    services.reject_expense(
        acting_user=org.supervisor, expense=first, expected_version=first.version, comment="no"
    )
    assert f.expense(org.teammate, travel, "1000.00", submit=True).status == ExpenseStatus.SUBMITTED


def test_approval_charges_again_and_a_lowered_stop_budget_refuses(org, travel):
    budget = f.budget(org.units.e1, travel, "12000.00", by=org.director)
    expense = f.expense(org.rep, travel, "800.00", submit=True)
    november = budget.lines.get(month=date(2026, 11, 1))
    services.set_budget_line(acting_user=org.director, line=november, expected_version=1, amount=D("500.00"))
    with pytest.raises(BusinessRuleViolation) as refused:
        f.approve(expense, org.supervisor)
    assert "¥800.00 of ¥500.00" in refused.value.message
    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.SUBMITTED


# Approval up the line


def test_a_small_expense_is_approved_by_the_supervisor(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    steps = list(expense.approvals.values_list("role", "approver_id"))
    assert steps == [("supervisor", org.supervisor.pk)]
    for outsider in (org.rep, org.teammate, org.supervisor_e2, org.manager_n, org.finance):
        with pytest.raises(PermissionDenied):
            f.approve(expense, outsider)
    expense = f.approve(expense, org.supervisor)
    assert expense.status == ExpenseStatus.APPROVED and expense.decided_at is not None
    assert AuditEvent.objects.filter(action="expense_approved", object_id=str(expense.pk)).exists()


def test_a_larger_expense_needs_the_manager_too(org, travel):
    expense = f.expense(org.rep, travel, "8000.00", submit=True)
    assert list(expense.approvals.values_list("role", flat=True)) == ["supervisor", "manager"]
    expense = f.approve(expense, org.supervisor)
    assert expense.status == ExpenseStatus.SUBMITTED
    expense = f.approve(expense, org.manager)
    assert expense.status == ExpenseStatus.APPROVED


def test_a_leader_above_stands_in_and_signs_the_steps_that_are_theirs(org, travel):
    expense = f.expense(org.rep, travel, "8000.00", submit=True)
    expense = f.approve(expense, org.manager)  # for the absent supervisor, and their own step
    assert expense.status == ExpenseStatus.APPROVED
    assert set(expense.approvals.values_list("decided_by", flat=True)) == {org.manager.pk}


def test_a_huge_expense_goes_to_the_director(org, travel):
    expense = f.expense(org.rep, travel, "30000.00", submit=True)
    assert list(expense.approvals.values_list("role", flat=True)) == ["supervisor", "manager", "director"]
    expense = f.approve(expense, org.supervisor, org.manager)
    assert expense.status == ExpenseStatus.SUBMITTED
    assert f.approve(expense, org.director).status == ExpenseStatus.APPROVED


def test_the_thresholds_are_configurable(org, travel):
    services.set_approval_limits(acting_user=org.admin, company=org.company, limits={"supervisor": D("100")})
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    assert list(expense.approvals.values_list("role", flat=True)) == ["supervisor", "manager"]
    with pytest.raises(BusinessRuleViolation):
        services.set_approval_limits(acting_user=org.admin, company=org.company, limits={"manager": D("50")})
    with pytest.raises(PermissionDenied):
        services.set_approval_limits(acting_user=org.manager, company=org.company, limits={"manager": D("1")})


def test_a_supervisors_own_expense_goes_to_their_manager(org, travel):
    expense = f.expense(org.supervisor, travel, "300.00", submit=True)
    assert list(expense.approvals.values_list("role", "approver_id")) == [("manager", org.manager.pk)]
    with pytest.raises(PermissionDenied):
        f.approve(expense, org.supervisor)


def test_the_directors_own_expense_goes_to_finance(org, travel):
    expense = f.expense(org.director, travel, "300.00", submit=True)
    assert list(expense.approvals.values_list("role", "approver_id")) == [("finance", None)]
    with pytest.raises(PermissionDenied):
        f.approve(expense, org.director)
    assert f.approve(expense, org.finance).status == ExpenseStatus.APPROVED


def test_nobody_approves_their_own_even_in_the_database(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    step = expense.approvals.get()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenseApproval.objects.filter(pk=step.pk).update(decided_by=org.rep)


def test_rejecting_needs_a_reason_and_the_spender_resubmits(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    with pytest.raises(BusinessRuleViolation):
        services.reject_expense(acting_user=org.supervisor, expense=expense, expected_version=2, comment=" ")
    expense = services.reject_expense(
        acting_user=org.supervisor, expense=expense, expected_version=2, comment="No receipt"
    )
    assert expense.status == ExpenseStatus.REJECTED
    expense = services.update_expense(
        acting_user=org.rep, expense=expense, expected_version=expense.version, changes={"amount": D("250")}
    )
    expense = services.submit_expense(acting_user=org.rep, expense=expense, expected_version=expense.version)
    rounds = list(expense.approvals.order_by("round").values_list("round", "decision"))
    assert rounds == [(1, StepDecision.REJECTED), (2, StepDecision.PENDING)]


def test_the_spender_withdraws_a_submitted_expense(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    expense = services.withdraw_expense(
        acting_user=org.rep, expense=expense, expected_version=expense.version
    )
    assert expense.status == ExpenseStatus.DRAFT
    assert expense.approvals.get().decision == StepDecision.WITHDRAWN
    with pytest.raises(BusinessRuleViolation):
        services.withdraw_expense(acting_user=org.rep, expense=expense, expected_version=expense.version)


def test_finance_pays_an_approved_expense(org, travel):
    expense = f.approve(f.expense(org.rep, travel, "300.00", submit=True), org.supervisor)
    with pytest.raises(PermissionDenied):
        services.pay_expense(
            acting_user=org.director, expense=expense, expected_version=expense.version, paid_on=TODAY
        )
    with pytest.raises(BusinessRuleViolation):
        services.pay_expense(
            acting_user=org.finance,
            expense=expense,
            expected_version=expense.version,
            paid_on=date(2026, 1, 1),
        )
    expense = services.pay_expense(
        acting_user=org.finance, expense=expense, expected_version=expense.version, paid_on=TODAY, today=TODAY
    )
    assert expense.status == ExpenseStatus.PAID and expense.paid_on == TODAY


def test_drafts_can_be_deleted_submitted_ones_not(org, travel):
    draft = f.expense(org.rep, travel)
    submitted = f.expense(org.rep, travel, submit=True)
    with pytest.raises(BusinessRuleViolation):
        services.delete_expense(acting_user=org.rep, expense=submitted, expected_version=submitted.version)
    pk = draft.pk
    services.delete_expense(acting_user=org.rep, expense=draft, expected_version=draft.version)
    assert not Expense.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="expense_deleted", object_id=str(pk)).exists()


def test_receipts_are_attached_by_the_spender_until_paid(org, travel, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    expense = f.expense(org.rep, travel)
    attachment = services.add_attachment(
        acting_user=org.rep, expense=expense, upload=SimpleUploadedFile("发票.jpg", b"\xff\xd8 receipt")
    )
    assert attachment.name == "发票.jpg" and attachment.size_bytes == 10
    with pytest.raises(BusinessRuleViolation):
        services.add_attachment(acting_user=org.rep, expense=expense, upload=SimpleUploadedFile("x", b""))
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            acting_user=org.supervisor, expense=expense, upload=SimpleUploadedFile("y", b"1")
        )


def test_the_history_keeps_each_version(org, travel):
    expense = f.expense(org.rep, travel, "300.00", submit=True)
    assert list(expense.history.order_by("history_id").values_list("status", flat=True)) == [
        "draft",
        "submitted",
    ]
    assert Budget.history.count() == 0 and BudgetLine.history.count() == 0
