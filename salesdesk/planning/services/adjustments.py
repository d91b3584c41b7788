"""Changes to an active plan: requested with a reason, approved above, cascaded to the parts."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.org.models import User
from salesdesk.planning.models import (
    Adjustment,
    AdjustmentStatus,
    PlanStatus,
    Target,
)
from salesdesk.planning.rules import Levels
from salesdesk.planning.services.common import check_levels, levels_of, target_metric
from salesdesk.planning.services.targets import rescale_descendants

# --- adjustments -------------------------------------------------------------------------------


@transaction.atomic
def request_adjustment(
    *, acting_user: User, target: Target, levels: Levels, reason: str, effective_from: date
) -> Adjustment:
    access.require(acting_user, "planning.request_adjustment", target)
    if target.plan.status != PlanStatus.ACTIVE:
        raise BusinessRuleViolation(
            _("Only targets of the active plan are adjusted; edit a plan in planning directly.")
        )
    if not reason.strip():
        raise BusinessRuleViolation(
            _("Say why the target changes."), details={"fields": {"reason": _("A reason is required.")}}
        )
    check_levels(levels, target_metric(target.metric))
    if levels == levels_of(target):
        raise BusinessRuleViolation(_("The new levels are the same as the current ones."))
    if not target.period_start <= effective_from <= target.period_end:
        raise BusinessRuleViolation(
            _("The change must take effect within the target's period (%(start)s – %(end)s).")
            % {"start": target.period_start, "end": target.period_end},
            details={"fields": {"effective_from": _("Outside the target's period.")}},
        )
    Target.objects.select_for_update().filter(pk=target.pk).first()  # one pending request at a time
    if target.adjustments.filter(status=AdjustmentStatus.PENDING).exists():
        raise BusinessRuleViolation(_("A change to this target is awaiting approval already."))
    adjustment = Adjustment.objects.create(
        target=target,
        reason=reason.strip(),
        effective_from=effective_from,
        old_floor=target.floor,
        old_goal=target.goal,
        old_stretch=target.stretch,
        new_floor=levels.floor,
        new_goal=levels.goal,
        new_stretch=levels.stretch,
        requested_by=acting_user,
    )
    audit.record(acting_user, "adjustment_requested", adjustment, details={"new_goal": str(levels.goal)})
    return adjustment


@transaction.atomic
def decide_adjustment(
    *, acting_user: User, adjustment: Adjustment, approve: bool, note: str = ""
) -> Adjustment:
    """Approving applies the new levels to the target and re-splits its parts (each part's change
    recorded as an adjustment that follows from this one); the old levels stay on the row."""
    access.require(acting_user, "planning.approve_adjustment", adjustment)
    claimed = Adjustment.objects.filter(pk=adjustment.pk, status=AdjustmentStatus.PENDING).update(
        status=AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED,
        decided_by=acting_user,
        decided_at=timezone.now(),
        decision_note=note,
    )
    if not claimed:
        raise BusinessRuleViolation(_("This change was decided or withdrawn already."))
    adjustment.refresh_from_db()
    if approve:
        target = Target.objects.select_for_update().get(pk=adjustment.target_id)
        if levels_of(target) != Levels(adjustment.old_floor, adjustment.old_goal, adjustment.old_stretch):
            raise BusinessRuleViolation(
                _("The target changed since this request was made; ask for a new one.")
            )
        target.floor, target.goal, target.stretch = (
            adjustment.new_floor,
            adjustment.new_goal,
            adjustment.new_stretch,
        )
        target.version += 1
        target.updated_by = acting_user
        target.save()
        rescale_descendants(target, acting_user, adjustment)
    audit.record(acting_user, "adjustment_decided", adjustment, details={"approved": approve})
    return adjustment


@transaction.atomic
def withdraw_adjustment(*, acting_user: User, adjustment: Adjustment) -> Adjustment:
    if adjustment.requested_by_id != acting_user.pk:
        raise access.AccessDenied("planning.request_adjustment", adjustment)
    if not Adjustment.objects.filter(pk=adjustment.pk, status=AdjustmentStatus.PENDING).update(
        status=AdjustmentStatus.WITHDRAWN
    ):
        raise BusinessRuleViolation(_("This change was decided already."))
    adjustment.refresh_from_db()
    audit.record(acting_user, "adjustment_decided", adjustment, details={"withdrawn": True})
    return adjustment
