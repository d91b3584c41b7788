"""The contract review a company runs: which steps a contract goes through (rules.review_steps_for
picks them per contract), configured by the director or an administrator. Each step is versioned:
two people editing one step at once, the second is told who changed it first."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.orders import rules
from salesdesk.orders.models import ContractReviewStep
from salesdesk.orders.services.common import apply_changes, raise_problems
from salesdesk.org.models import Company, User

# The review a company starts with: (order, name, position, from amount, only non-standard terms).
DEFAULT_REVIEW_STEPS = [
    (10, "主管审核 Supervisor review", "supervisor", Decimal(0), False),
    (20, "经理审批 Manager approval", "manager", Decimal(200_000), False),
    (30, "总监审批 Director approval", "director", Decimal(1_000_000), False),
    (40, "财务审核 Finance review", "finance", Decimal(0), False),
    (50, "法务审核 Legal review", "director", Decimal(0), True),
]
STEP_FIELDS = frozenset({"name", "reviewer_role", "reviewer", "min_amount", "only_non_standard", "is_active"})


def ensure_review_steps(company: Company) -> None:
    """Give the company the default contract review when it has none; configured steps stay."""
    if ContractReviewStep.objects.filter(company=company).exists():
        return
    ContractReviewStep.objects.bulk_create(
        [
            ContractReviewStep(
                company=company,
                sequence=sequence,
                name=name,
                reviewer_role=role,
                min_amount=amount,
                only_non_standard=non_standard,
            )
            for sequence, name, role, amount, non_standard in DEFAULT_REVIEW_STEPS
        ],
        ignore_conflicts=True,
    )


def _problems(step: ContractReviewStep) -> dict[str, str]:
    problems = {}
    if not step.name.strip():
        problems["name"] = _("Give the step a name.")
    if step.reviewer_role not in rules.REVIEWER_ROLES:
        problems["reviewer_role"] = _("Choose who reviews: a sales leader, finance or an administrator.")
    employee = getattr(step.reviewer, "employee", None) if step.reviewer is not None else None
    if step.reviewer is not None and (
        employee is None or employee.company_id != step.company_id or not step.reviewer.is_active
    ):
        problems["reviewer"] = _("Choose a reviewer of the company.")
    if step.min_amount is None or step.min_amount < 0:
        problems["min_amount"] = _("Amounts cannot be negative.")
    return problems


@transaction.atomic
def add_review_step(
    *,
    acting_user: User,
    company: Company,
    sequence: int,
    name: str,
    reviewer_role: str,
    reviewer: User | None = None,
    min_amount: Decimal = Decimal(0),
    only_non_standard: bool = False,
    is_active: bool = True,
) -> ContractReviewStep:
    """A new step at place ``sequence`` (steps run in ascending order)."""
    access.require(acting_user, "orders.configure_contract_review", company)
    if not 1 <= sequence <= rules.MAX_STEP_SEQUENCE:
        raise BusinessRuleViolation(
            _("The order of a step is a number from 1 to %(max)s.") % {"max": rules.MAX_STEP_SEQUENCE},
            details={"field": "sequence"},
        )
    if ContractReviewStep.objects.filter(company=company, sequence=sequence).exists():
        raise BusinessRuleViolation(
            _("Step %(sequence)s exists already; choose another place in the order.")
            % {"sequence": sequence},
            details={"field": "sequence"},
        )
    step = ContractReviewStep(
        company=company,
        sequence=sequence,
        name=name.strip(),
        reviewer_role=reviewer_role,
        reviewer=reviewer,
        min_amount=min_amount,
        only_non_standard=only_non_standard,
        is_active=is_active,
        updated_by=acting_user,
    )
    raise_problems(_problems(step))
    step.save()
    audit.record(acting_user, "review_step_saved", step, details={"sequence": sequence, "created": True})
    return step


@transaction.atomic
def update_review_step(
    *, acting_user: User, step: ContractReviewStep, expected_version: int, changes: dict[str, Any]
) -> ContractReviewStep:
    """Change a step (deactivating is ``{"is_active": False}``). Contracts already in review keep
    the steps they were given when submitted; the change applies from the next submission."""
    access.require(acting_user, "orders.configure_contract_review", step)
    apply_changes(
        step, changes, allowed=STEP_FIELDS, expected_version=expected_version, acting_user=acting_user
    )
    raise_problems(_problems(step))
    step.save()
    audit.record(acting_user, "review_step_saved", step, details={"fields": sorted(changes)})
    return step


def save_review_step(
    *,
    acting_user: User,
    company: Company,
    sequence: int,
    expected_version: int | None = None,
    **fields: Any,
) -> ContractReviewStep:
    """Add the step at ``sequence``, or change the one there: changing needs the version the
    caller loaded (the API's PUT)."""
    step = ContractReviewStep.objects.filter(company=company, sequence=sequence).first()
    if step is None:
        return add_review_step(acting_user=acting_user, company=company, sequence=sequence, **fields)
    if expected_version is None:
        access.require(acting_user, "orders.configure_contract_review", step)
        raise BusinessRuleViolation(
            _("Step %(sequence)s exists already: send the version you loaded to change it.")
            % {"sequence": sequence},
            details={"field": "version", "code": "version_required"},
        )
    return update_review_step(
        acting_user=acting_user, step=step, expected_version=expected_version, changes=fields
    )
