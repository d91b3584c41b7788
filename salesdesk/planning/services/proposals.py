"""Bottom-up: reps and leaders propose their own numbers; the planner reconciles."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org.models import User
from salesdesk.planning.models import (
    Proposal,
    SalesPlan,
    Target,
)
from salesdesk.planning.rules import Levels
from salesdesk.planning.services.common import (
    Owner,
    check_series,
    levels_of,
    period_for,
    require_planning,
    target_metric,
)
from salesdesk.planning.services.targets import set_target

# --- bottom-up ---------------------------------------------------------------------------------


@transaction.atomic
def propose(
    *,
    acting_user: User,
    plan: SalesPlan,
    metric: str,
    owner: Owner,
    period_key: str,
    amount: Decimal,
    note: str = "",
    expected_version: int | None = None,
    product_series: str = "",
) -> Proposal:
    """A rep's (or a leader's, for their unit) own number for a plan in planning."""
    definition = target_metric(metric)
    series = check_series(definition, product_series, plan)
    period = period_for(period_key, plan)
    require_planning(plan)
    if amount < 0 or amount % definition.unit:
        raise BusinessRuleViolation(
            _("Propose a number of at least zero (whole numbers for counts)."),
            details={"fields": {"amount": _("Not a valid amount.")}},
        )
    measure = {"plan": plan, "metric": metric, "product_series": series, "period_key": period.key}
    proposal = Proposal.objects.filter(**measure, **owner.lookup()).first()
    if proposal is None:
        proposal = Proposal(**measure, updated_by=acting_user, **owner.lookup())
    access.require(acting_user, "planning.propose", proposal)
    if proposal.pk is not None:
        claim_version(proposal, expected_version=expected_version or 0, acting_user=acting_user)
    proposal.amount = amount
    proposal.note = note
    proposal.proposed_by = acting_user
    proposal.status = Proposal.Status.OPEN
    proposal.decided_by = None
    proposal.decision_note = ""
    proposal.save()
    audit.record(acting_user, "proposal_saved", proposal, details={"amount": str(amount)})
    return proposal


@transaction.atomic
def decide_proposal(
    *, acting_user: User, proposal: Proposal, expected_version: int, accept: bool, note: str = ""
) -> Proposal:
    """Reconcile one node: accepting makes the proposal the goal (floor and stretch move only as
    far as they must to stay ordered); declining keeps the top-down number, with a note why."""
    access.require(acting_user, "planning.decide_proposal", proposal)
    require_planning(proposal.plan)
    if proposal.status != Proposal.Status.OPEN:
        raise BusinessRuleViolation(_("This proposal was decided already."))
    claim_version(proposal, expected_version=expected_version, acting_user=acting_user)
    if accept:
        owner = Owner(unit=proposal.owner_unit) if proposal.owner_unit_id else Owner(user=proposal.owner_user)
        target = Target.objects.filter(
            plan=proposal.plan,
            metric=proposal.metric,
            product_series=proposal.product_series,
            period_key=proposal.period_key,
            **owner.lookup(),
        ).first()
        amount = proposal.amount
        current = levels_of(target) if target else Levels(amount, amount, amount)
        levels = Levels(floor=min(current.floor, amount), goal=amount, stretch=max(current.stretch, amount))
        set_target(
            acting_user=acting_user,
            plan=proposal.plan,
            metric=proposal.metric,
            owner=owner,
            period_key=proposal.period_key,
            levels=levels,
            expected_version=target.version if target else None,
            product_series=proposal.product_series,
        )
    proposal.status = Proposal.Status.ACCEPTED if accept else Proposal.Status.DECLINED
    proposal.decided_by = acting_user
    proposal.decision_note = note
    proposal.save()
    audit.record(acting_user, "proposal_decided", proposal, details={"accepted": accept})
    return proposal
