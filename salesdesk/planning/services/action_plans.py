"""Action plans (行动计划) for people behind their target, checked by their supervisor."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org.models import User
from salesdesk.planning.models import (
    ActionItem,
    ActionPlan,
    ActionPlanStatus,
    Target,
)

# --- action plans ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: date
    expected_amount: Decimal = Decimal(0)


@transaction.atomic
def create_action_plan(
    *,
    acting_user: User,
    target: Target,
    summary: str,
    next_follow_up_on: date,
    actions: Sequence[ActionInput],
    gap_amount: Decimal,
) -> ActionPlan:
    """A plan for an employee's gap to their target: what they will do and by when."""
    if target.owner_user_id is None:
        raise BusinessRuleViolation(_("Action plans are for a person's target."))
    plan = ActionPlan(
        target=target,
        owner_id=target.owner_user_id,
        gap_amount=max(Decimal(0), gap_amount),
        summary=summary,
        next_follow_up_on=next_follow_up_on,
        updated_by=acting_user,
    )
    access.require(acting_user, "planning.work_action_plan", plan)
    if not Target.objects.visible_to(acting_user).filter(pk=target.pk).exists():
        raise access.AccessDenied("planning.work_action_plan", target)
    if not actions:
        raise BusinessRuleViolation(
            _("Name at least one action."), details={"fields": {"actions": _("Required.")}}
        )
    plan.save()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, description=a.description, due_on=a.due_on, expected_amount=a.expected_amount)
        for a in actions
    )
    audit.record(acting_user, "action_plan_saved", plan)
    return plan


@transaction.atomic
def submit_action_plan(*, acting_user: User, plan: ActionPlan, expected_version: int) -> ActionPlan:
    access.require(acting_user, "planning.work_action_plan", plan)
    if plan.status not in (ActionPlanStatus.OPEN, ActionPlanStatus.CHECKED):
        raise BusinessRuleViolation(
            _("This action plan is %(status)s.") % {"status": plan.get_status_display()}
        )
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = ActionPlanStatus.SUBMITTED
    plan.save()
    audit.record(acting_user, "action_plan_saved", plan, details={"submitted": True})
    return plan


@transaction.atomic
def check_action_plan(
    *,
    acting_user: User,
    plan: ActionPlan,
    expected_version: int,
    comment: str,
    next_follow_up_on: date,
    close: bool = False,
) -> ActionPlan:
    """The supervisor reads the plan, comments and sets the next follow-up (or closes it)."""
    access.require(acting_user, "planning.check_action_plan", plan)
    if plan.status == ActionPlanStatus.CLOSED:
        raise BusinessRuleViolation(_("This action plan is closed."))
    claim_version(plan, expected_version=expected_version, acting_user=acting_user)
    plan.status = ActionPlanStatus.CLOSED if close else ActionPlanStatus.CHECKED
    plan.supervisor_comment = comment
    plan.next_follow_up_on = next_follow_up_on
    plan.checked_by = acting_user
    plan.checked_at = timezone.now()
    plan.save()
    audit.record(acting_user, "action_plan_checked", plan, details={"closed": close})
    return plan


@transaction.atomic
def mark_action_done(*, acting_user: User, item: ActionItem, done_on: date | None) -> ActionItem:
    access.require(acting_user, "planning.work_action_plan", item.plan)
    if item.plan.status == ActionPlanStatus.CLOSED:
        raise BusinessRuleViolation(_("This action plan is closed."))
    item.done_on = done_on
    item.save(update_fields=["done_on"])
    audit.record(
        acting_user, "action_plan_saved", item.plan, details={"action": item.pk, "done_on": str(done_on)}
    )
    return item
