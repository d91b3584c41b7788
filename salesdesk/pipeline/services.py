"""Every change to leads and deals: one transaction each, permission first, audit last."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.customers import selectors as customers_selectors
from salesdesk.customers import services as customers
from salesdesk.customers.models import Customer
from salesdesk.customers.rules import value_classes
from salesdesk.org.models import Company, OrgUnit, User
from salesdesk.pipeline import rules, selectors
from salesdesk.pipeline.models import (
    CreditSplit,
    ForecastCategory,
    Lead,
    LeadStatus,
    LossReason,
    Opportunity,
    OpportunityLine,
    Stage,
    StageChange,
    StageOutcome,
)
from salesdesk.products.models import Product

# code, 中文, English, probability (%), forecast category, outcome
DEFAULT_STAGES = [
    ("lead", "线索", "Lead", 10, ForecastCategory.PIPELINE, StageOutcome.OPEN),
    ("needs", "需求调研", "Needs analysis", 20, ForecastCategory.PIPELINE, StageOutcome.OPEN),
    ("proposal", "方案报价", "Proposal", 40, ForecastCategory.BEST_CASE, StageOutcome.OPEN),
    ("negotiation", "商务谈判", "Negotiation", 70, ForecastCategory.COMMIT, StageOutcome.OPEN),
    ("won", "赢单", "Won", 100, ForecastCategory.CLOSED, StageOutcome.WON),
    ("lost", "输单", "Lost", 0, ForecastCategory.OMITTED, StageOutcome.LOST),
]
DEFAULT_LOSS_REASONS = [
    ("price", "价格", "Price"),
    ("competitor", "竞争对手", "Competitor"),
    ("no_budget", "无预算", "No budget"),
    ("no_decision", "无决策", "No decision"),
    ("product_fit", "产品不匹配", "Product fit"),
    ("timing", "时机不对", "Timing"),
]
LEAD_FIELDS = frozenset(
    {
        "company_name",
        "contact_name",
        "contact_title",
        "phone",
        "email",
        "region",
        "industry",
        "source",
        "campaign",
        "need",
        "estimated_amount",
    }
)
OPPORTUNITY_FIELDS = frozenset({"name", "amount", "expected_close_on", "competitor"})


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})


# Set-up


def ensure_stages(company: Company) -> list[Stage]:
    """Give ``company`` the default stages and loss reasons when it has none; configured ones stay."""
    if not Stage.objects.filter(company=company).exists():
        Stage.objects.bulk_create(
            [
                Stage(
                    company=company,
                    code=code,
                    name=name,
                    name_en=name_en,
                    position=position,
                    probability=probability,
                    forecast_category=category,
                    outcome=outcome,
                )
                for position, (code, name, name_en, probability, category, outcome) in enumerate(
                    DEFAULT_STAGES
                )
            ],
            ignore_conflicts=True,
        )
    if not LossReason.objects.filter(company=company).exists():
        LossReason.objects.bulk_create(
            [
                LossReason(company=company, code=code, name=name, name_en=en)
                for code, name, en in DEFAULT_LOSS_REASONS
            ],
            ignore_conflicts=True,
        )
    return list(selectors.stages(company.pk))


def _first_stage(company: Company) -> Stage:
    stage = ensure_stages(company)
    open_stages = [s for s in stage if s.outcome == StageOutcome.OPEN]
    if not open_stages:
        raise BusinessRuleViolation(_("The pipeline has no open stage to start a deal in."))
    return open_stages[0]


# Configuration: stages and loss reasons (administrators)

STAGE_FIELDS = frozenset({"name", "name_en", "probability", "forecast_category", "is_active"})
LOSS_REASON_FIELDS = frozenset({"name", "name_en", "is_active"})


def _save_changes(record, new: dict[str, Any]) -> dict[str, list]:
    """Set and save the new values; returns field → [old, new] of those that changed, for the audit."""
    changed = {f: [getattr(record, f), v] for f, v in new.items() if getattr(record, f) != v}
    for field, value in new.items():
        setattr(record, field, value)
    record.save()
    return changed


def _locked_stages(company_id: int) -> list[Stage]:
    """The company's stages in board order, locked: two admins reordering at once must not
    interleave their renumbering."""
    return list(Stage.objects.select_for_update().filter(company_id=company_id).order_by("position", "id"))


def _renumber(stages: list[Stage]) -> None:
    """Positions 0, 1, 2… with the open stages first in the given order, then won, then lost."""
    rank = {StageOutcome.OPEN: 0, StageOutcome.WON: 1, StageOutcome.LOST: 2}
    ordered = sorted(stages, key=lambda s: rank[s.outcome])  # stable: open stages keep their order
    for position, stage in enumerate(ordered):
        stage.position = position
    Stage.objects.bulk_update(ordered, ["position"])


def _stage_name_problems(company_id: int, name: str, name_en: str, exclude_pk: int | None = None) -> dict:
    problems: dict[str, str] = {}
    others = Stage.objects.filter(company_id=company_id).exclude(pk=exclude_pk)
    if not name:
        problems["name"] = _("Give the stage a name.")
    elif others.filter(name=name).exists():
        problems["name"] = _("Another stage is already called %(name)s.") % {"name": name}
    if not name_en:
        problems["name_en"] = _("Give the stage an English name.")
    elif others.filter(name_en__iexact=name_en).exists():
        problems["name_en"] = _("Another stage is already called %(name)s.") % {"name": name_en}
    return problems


@transaction.atomic
def create_stage(
    *,
    acting_user: User,
    company: Company,
    name: str,
    name_en: str,
    probability: int,
    forecast_category: str = ForecastCategory.PIPELINE,
    outcome: str = StageOutcome.OPEN,
    position: int | None = None,
) -> Stage:
    """A new open stage at ``position`` (1 = first) among the open stages, or after the last one.
    The won and lost stages exist once each and are never added."""
    access.require(acting_user, "pipeline.configure_pipeline", company)
    if outcome != StageOutcome.OPEN:
        raise BusinessRuleViolation(
            _("A pipeline has exactly one won and one lost stage; a new stage is always an open one."),
            details={"field": "outcome"},
        )
    ensure_stages(company)
    stages = _locked_stages(company.pk)
    open_stages = [s for s in stages if s.outcome == StageOutcome.OPEN]
    name, name_en = name.strip(), name_en.strip()
    problems = rules.stage_problems(
        outcome=outcome, probability=probability, forecast_category=forecast_category
    ) | _stage_name_problems(company.pk, name, name_en)
    if position is not None and not 1 <= position <= len(open_stages) + 1:
        problems["position"] = _("Choose a place from 1 to %(last)s.") % {"last": len(open_stages) + 1}
    _raise_problems(problems)
    stage = Stage.objects.create(
        company=company,
        code=rules.new_code(name_en, {s.code for s in stages}, fallback="stage"),
        name=name,
        name_en=name_en,
        position=len(stages),
        probability=probability,
        forecast_category=forecast_category,
        outcome=StageOutcome.OPEN,
    )
    open_stages.insert(len(open_stages) if position is None else position - 1, stage)
    _renumber(open_stages + [s for s in stages if s.outcome != StageOutcome.OPEN])
    audit.record(
        acting_user,
        "stage_created",
        stage,
        details={"code": stage.code, "probability": probability, "position": stage.position},
    )
    return stage


def _check_deactivation(stage: Stage) -> None:
    if stage.outcome != StageOutcome.OPEN:
        raise BusinessRuleViolation(
            _("The won and lost stages cannot be deactivated: every pipeline needs them."),
            details={"field": "is_active"},
        )
    open_deals = Opportunity.objects.filter(stage=stage).count()
    if open_deals:
        raise BusinessRuleViolation(
            _("Open deals at %(stage)s: %(count)s. Move them to another stage before deactivating it.")
            % {"stage": stage, "count": open_deals},
            details={"field": "is_active", "open_deals": open_deals},
        )
    others = Stage.objects.filter(company_id=stage.company_id, outcome=StageOutcome.OPEN, is_active=True)
    if not others.exclude(pk=stage.pk).exists():
        raise BusinessRuleViolation(
            _("At least one open stage must stay active: new deals start in it."),
            details={"field": "is_active"},
        )


@transaction.atomic
def update_stage(*, acting_user: User, stage: Stage, changes: dict[str, Any]) -> Stage:
    """Rename a stage, change its probability or forecast category, or (de)activate it. The
    outcome never changes. A new probability applies to deals that move into the stage from now on."""
    access.require(acting_user, "pipeline.configure_pipeline", stage)
    unknown = set(changes) - STAGE_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    stage = next(s for s in _locked_stages(stage.company_id) if s.pk == stage.pk)
    new = {field: changes.get(field, getattr(stage, field)) for field in STAGE_FIELDS}
    new["name"], new["name_en"] = new["name"].strip(), new["name_en"].strip()
    _raise_problems(
        rules.stage_problems(
            outcome=stage.outcome, probability=new["probability"], forecast_category=new["forecast_category"]
        )
        | _stage_name_problems(stage.company_id, new["name"], new["name_en"], exclude_pk=stage.pk)
    )
    if stage.is_active and not new["is_active"]:
        _check_deactivation(stage)
    changed = _save_changes(stage, new)
    audit.record(acting_user, "stage_updated", stage, details={"changes": changed})
    return stage


@transaction.atomic
def move_stage(*, acting_user: User, stage: Stage, direction: str) -> list[Stage]:
    """Swap an open stage with the open stage before ("up") or after ("down") it. The won and lost
    stages stay at the end. Returns the company's stages in their new order."""
    access.require(acting_user, "pipeline.configure_pipeline", stage)
    if direction not in {"up", "down"}:
        raise BusinessRuleViolation(_("Move a stage up or down."), details={"field": "direction"})
    if stage.outcome != StageOutcome.OPEN:
        raise BusinessRuleViolation(
            _("The won and lost stages stay at the end of the pipeline."), details={"field": "direction"}
        )
    stages = _locked_stages(stage.company_id)
    open_stages = [s for s in stages if s.outcome == StageOutcome.OPEN]
    order = rules.moved([s.pk for s in open_stages], stage.pk, direction)
    if order is None:
        message = (
            _("%(stage)s is already the first stage.")
            if direction == "up"
            else _("%(stage)s is already the last open stage.")
        )
        raise BusinessRuleViolation(message % {"stage": stage}, details={"field": "direction"})
    by_pk = {s.pk: s for s in open_stages}
    _renumber([by_pk[pk] for pk in order] + [s for s in stages if s.outcome != StageOutcome.OPEN])
    audit.record(acting_user, "stage_moved", stage, details={"direction": direction})
    return sorted(stages, key=lambda s: s.position)


def _loss_reason_problems(company_id: int, name: str, name_en: str, exclude_pk: int | None = None) -> dict:
    problems: dict[str, str] = {}
    others = LossReason.objects.filter(company_id=company_id).exclude(pk=exclude_pk)
    if not name:
        problems["name"] = _("Give the loss reason a name.")
    elif others.filter(name=name).exists():
        problems["name"] = _("Another loss reason is already called %(name)s.") % {"name": name}
    if name_en and others.filter(name_en__iexact=name_en).exists():
        problems["name_en"] = _("Another loss reason is already called %(name)s.") % {"name": name_en}
    return problems


@transaction.atomic
def create_loss_reason(*, acting_user: User, company: Company, name: str, name_en: str = "") -> LossReason:
    access.require(acting_user, "pipeline.configure_pipeline", company)
    ensure_stages(company)
    name, name_en = name.strip(), name_en.strip()
    _raise_problems(_loss_reason_problems(company.pk, name, name_en))
    taken = set(LossReason.objects.filter(company=company).values_list("code", flat=True))
    reason = LossReason.objects.create(
        company=company,
        code=rules.new_code(name_en, taken, fallback="reason"),
        name=name,
        name_en=name_en,
    )
    audit.record(acting_user, "loss_reason_created", reason, details={"code": reason.code})
    return reason


@transaction.atomic
def update_loss_reason(*, acting_user: User, reason: LossReason, changes: dict[str, Any]) -> LossReason:
    """Rename a loss reason or (de)activate it. Deals lost for a deactivated reason keep it; the last
    active reason stays, because a lost deal needs one."""
    access.require(acting_user, "pipeline.configure_pipeline", reason)
    unknown = set(changes) - LOSS_REASON_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    # Lock the company's reasons: two admins deactivating the last two at once must not both succeed.
    reasons = {r.pk: r for r in LossReason.objects.select_for_update().filter(company_id=reason.company_id)}
    reason = reasons[reason.pk]
    new = {field: changes.get(field, getattr(reason, field)) for field in LOSS_REASON_FIELDS}
    new["name"], new["name_en"] = new["name"].strip(), new["name_en"].strip()
    _raise_problems(
        _loss_reason_problems(reason.company_id, new["name"], new["name_en"], exclude_pk=reason.pk)
    )
    others_active = any(r.is_active for pk, r in reasons.items() if pk != reason.pk)
    if reason.is_active and not new["is_active"] and not others_active:
        raise BusinessRuleViolation(
            _("At least one loss reason must stay active: a lost deal needs one."),
            details={"field": "is_active"},
        )
    changed = _save_changes(reason, new)
    audit.record(acting_user, "loss_reason_updated", reason, details={"changes": changed})
    return reason


# Leads


def _check_assignee(acting_user: User, owner: User) -> None:
    if not selectors.assignable_people(acting_user).filter(user=owner).exists():
        raise BusinessRuleViolation(
            _("%(person)s is not a salesperson you lead.") % {"person": owner}, details={"field": "owner"}
        )


def _team_in_scope(acting_user: User, team: OrgUnit) -> bool:
    profile = access.profile_of(acting_user)
    if profile.is_admin or profile.scope == "all":
        return True
    return bool(profile.unit_path) and team.path.startswith(profile.unit_path)


def _round_robin_owner(team: OrgUnit) -> User:
    rep_id = rules.next_round_robin(selectors.team_reps(team), selectors.last_round_robin_recipient(team))
    if rep_id is None:
        raise BusinessRuleViolation(
            _("Team %(team)s has no active rep to hand the lead to.") % {"team": team},
            details={"field": "team"},
        )
    return User.objects.get(pk=rep_id)


@transaction.atomic
def create_lead(
    *,
    acting_user: User,
    company: Company,
    company_name: str,
    owner: User | None = None,
    team: OrgUnit | None = None,
    round_robin: bool = False,
    **fields: Any,
) -> Lead:
    """A new lead. It goes to ``owner`` (a leader hands it to a rep), or round-robin to the next rep
    of ``team``, or stays with the team unassigned, or — with neither — with the person entering it."""
    access.require(acting_user, "pipeline.create_lead")
    unknown = set(fields) - LEAD_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    if team is not None and (team.company_id != company.pk or not _team_in_scope(acting_user, team)):
        raise BusinessRuleViolation(_("You cannot give leads to that team."), details={"field": "team"})
    assigned_at = None
    if owner is not None and owner != acting_user:
        access.require(acting_user, "pipeline.assign_lead")
        _check_assignee(acting_user, owner)
    if owner is None and team is not None and round_robin:
        owner = _round_robin_owner(team)
    elif owner is None and team is None:
        owner = acting_user
    if owner is not None:
        assigned_at = timezone.now()
        if team is None:
            team = getattr(getattr(owner, "employee", None), "unit", None)
    lead = Lead.objects.create(
        company=company,
        company_name=company_name.strip(),
        owner=owner,
        team=team,
        assigned_at=assigned_at,
        updated_by=acting_user,
        **fields,
    )
    audit.record(acting_user, "lead_created", lead, details={"owner": owner.pk if owner else None})
    return lead


def _check_open_lead(lead: Lead) -> None:
    if lead.status == LeadStatus.CONVERTED:
        raise BusinessRuleViolation(_("The lead is already converted."))


@transaction.atomic
def update_lead(*, acting_user: User, lead: Lead, expected_version: int, changes: dict[str, Any]) -> Lead:
    access.require(acting_user, "pipeline.work_lead", lead)
    unknown = set(changes) - LEAD_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    _check_open_lead(lead)
    claim_version(lead, expected_version=expected_version, acting_user=acting_user)
    for name, value in changes.items():
        setattr(lead, name, value)
    lead.save()
    audit.record(acting_user, "lead_updated", lead, details={"fields": sorted(changes)})
    return lead


@transaction.atomic
def assign_lead(*, acting_user: User, lead: Lead, owner: User, expected_version: int) -> Lead:
    access.require(acting_user, "pipeline.assign_lead", lead)
    _check_open_lead(lead)
    _check_assignee(acting_user, owner)
    claim_version(lead, expected_version=expected_version, acting_user=acting_user)
    lead.owner = owner
    lead.team = owner.employee.unit
    lead.assigned_at = timezone.now()
    lead.save()
    audit.record(acting_user, "lead_assigned", lead, details={"owner": owner.pk, "how": "manual"})
    return lead


@transaction.atomic
def assign_lead_round_robin(
    *, acting_user: User, lead: Lead, expected_version: int, team: OrgUnit | None = None
) -> Lead:
    """Hand the lead to the next active rep of the team after the one who received the last lead."""
    access.require(acting_user, "pipeline.assign_lead", lead)
    _check_open_lead(lead)
    team = team or lead.team
    if team is None or team.company_id != lead.company_id or not _team_in_scope(acting_user, team):
        raise BusinessRuleViolation(
            _("Choose a team of yours to distribute the lead in."), details={"field": "team"}
        )
    # Two leaders distributing at once must not both pick the same "next" rep: lock the team row.
    OrgUnit.objects.select_for_update().filter(pk=team.pk).first()
    claim_version(lead, expected_version=expected_version, acting_user=acting_user)
    lead.owner = _round_robin_owner(team)
    lead.team = team
    lead.assigned_at = timezone.now()
    lead.save()
    audit.record(acting_user, "lead_assigned", lead, details={"owner": lead.owner_id, "how": "round_robin"})
    return lead


QUALIFICATIONS = {LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}


@transaction.atomic
def qualify_lead(
    *, acting_user: User, lead: Lead, expected_version: int, status: str, reason: str = ""
) -> Lead:
    """Record how far the lead got: contacted, qualified, or disqualified (with the reason)."""
    access.require(acting_user, "pipeline.work_lead", lead)
    _check_open_lead(lead)
    if status not in QUALIFICATIONS:
        raise BusinessRuleViolation(
            _("Choose contacted, qualified or disqualified."), details={"field": "status"}
        )
    reason = reason.strip()
    if status == LeadStatus.DISQUALIFIED and not reason:
        raise BusinessRuleViolation(_("Say why the lead is disqualified."), details={"field": "reason"})
    claim_version(lead, expected_version=expected_version, acting_user=acting_user)
    lead.status = status
    lead.disqualify_reason = reason if status == LeadStatus.DISQUALIFIED else ""
    lead.save()
    audit.record(acting_user, "lead_qualified", lead, details={"status": status, "reason": reason})
    return lead


@transaction.atomic
def convert_lead(
    *,
    acting_user: User,
    lead: Lead,
    expected_version: int,
    customer: Customer | None = None,
    confirm_not_duplicate: bool = False,
    opportunity_name: str = "",
    amount: Decimal | None = None,
    expected_close_on: date | None = None,
    today: date | None = None,
) -> Opportunity:
    """Turn a lead into a customer and a deal at the first stage, without retyping: a new customer
    from the lead's details (duplicates are refused with the matches listed, so the caller can link
    to one of them instead), or ``customer``, an existing one."""
    access.require(acting_user, "pipeline.work_lead", lead)
    access.require(acting_user, "pipeline.create_opportunity")
    _check_open_lead(lead)
    if lead.status == LeadStatus.DISQUALIFIED:
        raise BusinessRuleViolation(_("A disqualified lead cannot be converted."))
    today = today or timezone.localdate()
    claim_version(lead, expected_version=expected_version, acting_user=acting_user)
    owner = lead.owner or acting_user
    if customer is None:
        customer = customers.create_customer(
            acting_user=acting_user,
            name=lead.company_name,
            owner=owner,
            confirm_not_duplicate=confirm_not_duplicate,
            today=today,
            industry=lead.industry,
            region=lead.region,
            phone=lead.phone,
        )
        if lead.contact_name:
            customers.add_contact(
                acting_user=acting_user,
                customer=customer,
                name=lead.contact_name,
                title=lead.contact_title,
                phone=lead.phone,
                email=lead.email,
                is_primary=True,
            )
    elif customer.company_id != lead.company_id:
        raise BusinessRuleViolation(
            _("The customer belongs to another company."), details={"field": "customer"}
        )
    opportunity = _open_deal(
        acting_user=acting_user,
        customer=customer,
        owner=owner,
        name=opportunity_name.strip() or lead.company_name,
        amount=amount if amount is not None else (lead.estimated_amount or Decimal(0)),
        expected_close_on=expected_close_on,
        lead=lead,
        today=today,
    )
    lead.status = LeadStatus.CONVERTED
    lead.customer = customer
    lead.owner = owner
    lead.converted_at = timezone.now()
    lead.save()
    audit.record(
        acting_user, "lead_converted", lead, details={"customer": customer.pk, "opportunity": opportunity.pk}
    )
    return opportunity


# Deals


def _open_deal(
    *,
    acting_user: User,
    customer: Customer,
    owner: User,
    name: str,
    amount: Decimal,
    expected_close_on: date | None,
    today: date,
    competitor: str = "",
    lead: Lead | None = None,
) -> Opportunity:
    if amount < 0:
        raise BusinessRuleViolation(_("The amount cannot be negative."), details={"field": "amount"})
    stage = _first_stage(customer.company)
    opportunity = Opportunity.objects.create(
        company=customer.company,
        name=name,
        customer=customer,
        owner=owner,
        lead=lead,
        stage=stage,
        amount=amount,
        probability=stage.probability,
        expected_close_on=expected_close_on,
        engaged_on=today,
        competitor=competitor,
        updated_by=acting_user,
    )
    StageChange.objects.create(opportunity=opportunity, to_stage=stage, changed_by=acting_user)
    audit.record(acting_user, "opportunity_created", opportunity)
    return opportunity


@transaction.atomic
def create_opportunity(
    *,
    acting_user: User,
    customer: Customer,
    name: str,
    owner: User | None = None,
    amount: Decimal = Decimal(0),
    expected_close_on: date | None = None,
    competitor: str = "",
    today: date | None = None,
) -> Opportunity:
    """A new deal at the first stage. Leaders may open it for a salesperson they lead."""
    access.require(acting_user, "pipeline.create_opportunity")
    if owner is not None and owner != acting_user:
        access.require(acting_user, "pipeline.assign_lead")
        _check_assignee(acting_user, owner)
    if not customers_selectors.customer_detail_queryset(acting_user).filter(pk=customer.pk).exists():
        raise BusinessRuleViolation(_("Choose one of your customers."), details={"field": "customer"})
    return _open_deal(
        acting_user=acting_user,
        customer=customer,
        owner=owner or acting_user,
        name=name.strip(),
        amount=amount,
        expected_close_on=expected_close_on,
        competitor=competitor,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def update_opportunity(
    *, acting_user: User, opportunity: Opportunity, expected_version: int, changes: dict[str, Any]
) -> Opportunity:
    access.require(acting_user, "pipeline.work_opportunity", opportunity)
    unknown = set(changes) - OPPORTUNITY_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if changes.get("amount") is not None and changes["amount"] < 0:
        raise BusinessRuleViolation(_("The amount cannot be negative."), details={"field": "amount"})
    claim_version(opportunity, expected_version=expected_version, acting_user=acting_user)
    for name, value in changes.items():
        setattr(opportunity, name, value)
    opportunity.save()
    audit.record(acting_user, "opportunity_updated", opportunity, details={"fields": sorted(changes)})
    return opportunity


@transaction.atomic
def move_opportunity(
    *,
    acting_user: User,
    opportunity: Opportunity,
    stage: Stage,
    expected_version: int,
    loss_reason: LossReason | None = None,
    loss_note: str = "",
    today: date | None = None,
) -> Opportunity:
    """Move a deal to ``stage`` and record the move. Won closes it today at 100 %; lost closes it
    today and needs a loss reason; moving back to an open stage reopens it."""
    access.require(acting_user, "pipeline.work_opportunity", opportunity)
    if stage.company_id != opportunity.company_id or not stage.is_active:
        raise BusinessRuleViolation(_("Choose a stage of this pipeline."), details={"field": "stage"})
    if stage.pk == opportunity.stage_id:
        raise BusinessRuleViolation(
            _("The deal is already at %(stage)s.") % {"stage": stage}, details={"field": "stage"}
        )
    if stage.outcome == StageOutcome.LOST:
        if loss_reason is None:
            raise BusinessRuleViolation(
                _("Say why the deal was lost."),
                details={"field": "loss_reason", "code": "loss_reason_required"},
            )
        if loss_reason.company_id != opportunity.company_id:
            raise BusinessRuleViolation(
                _("Choose a loss reason of this pipeline."), details={"field": "loss_reason"}
            )
    today = today or timezone.localdate()
    claim_version(opportunity, expected_version=expected_version, acting_user=acting_user)
    closing = rules.closing_on_move(outcome=stage.outcome, stage_probability=stage.probability, today=today)
    from_stage = opportunity.stage
    opportunity.stage = stage
    opportunity.probability = closing.probability
    opportunity.closed_on = closing.closed_on
    is_lost = stage.outcome == StageOutcome.LOST
    opportunity.loss_reason = loss_reason if is_lost else None
    opportunity.loss_note = loss_note.strip() if is_lost else ""
    opportunity.save()
    StageChange.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=stage, changed_by=acting_user
    )
    audit.record(
        acting_user,
        "opportunity_moved",
        opportunity,
        details={
            "from": from_stage.code,
            "to": stage.code,
            "loss_reason": loss_reason.pk if is_lost else None,
        },
    )
    return opportunity


@dataclass(frozen=True)
class LineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the product's list price


@transaction.atomic
def set_lines(
    *, acting_user: User, opportunity: Opportunity, expected_version: int, lines: list[LineInput]
) -> Opportunity:
    """Replace the deal's product lines; with lines, the deal's amount is their total."""
    access.require(acting_user, "pipeline.work_opportunity", opportunity)
    problems = {}
    for line in lines:
        if line.product.company_id != opportunity.company_id:
            problems["lines"] = _("Choose products of your own catalogue.")
        elif line.quantity <= 0:
            problems["lines"] = _("Quantities must be more than 0.")
        elif line.unit_price is not None and line.unit_price < 0:
            problems["lines"] = _("Prices cannot be negative.")
    _raise_problems(problems)
    claim_version(opportunity, expected_version=expected_version, acting_user=acting_user)
    rows = [
        OpportunityLine(
            opportunity=opportunity,
            product=line.product,
            quantity=line.quantity,
            unit_price=line.product.list_price if line.unit_price is None else line.unit_price,
            amount=rules.line_amount(
                line.quantity, line.product.list_price if line.unit_price is None else line.unit_price
            ),
        )
        for line in lines
    ]
    opportunity.lines.all().delete()
    OpportunityLine.objects.bulk_create(rows)
    if rows:
        opportunity.amount = sum((row.amount for row in rows), Decimal(0))
    opportunity.save()
    audit.record(acting_user, "opportunity_lines_set", opportunity, details={"lines": len(rows)})
    return opportunity


@transaction.atomic
def set_credit_splits(
    *, acting_user: User, opportunity: Opportunity, expected_version: int, splits: list[tuple[User, Decimal]]
) -> Opportunity:
    """Replace who gets credit for the deal; the shares add up to exactly 100 % (no rows: the owner
    gets it all). Only people of the company who sell may share credit."""
    access.require(acting_user, "pipeline.work_opportunity", opportunity)
    _raise_problems(rules.credit_split_problems([p for _u, p in splits], people=[u.pk for u, _p in splits]))
    sellers = set(
        User.objects.filter(
            pk__in=[u.pk for u, _p in splits],
            employee__company_id=opportunity.company_id,
            employee__status="active",
        ).values_list("pk", flat=True)
    )
    outsiders = [str(u) for u, _p in splits if u.pk not in sellers]
    if outsiders:
        raise BusinessRuleViolation(
            _("Not active employees of the company: %(names)s.") % {"names": ", ".join(outsiders)},
            details={"field": "splits"},
        )
    claim_version(opportunity, expected_version=expected_version, acting_user=acting_user)
    opportunity.credit_splits.all().delete()
    CreditSplit.objects.bulk_create(
        [CreditSplit(opportunity=opportunity, user=user, percent=percent) for user, percent in splits]
    )
    opportunity.save()
    audit.record(
        acting_user,
        "credit_split_set",
        opportunity,
        details={"splits": [[u.pk, str(p)] for u, p in splits]},
    )
    return opportunity


# The nightly classification


@dataclass(frozen=True)
class ClassificationResult:
    customers: int
    value_classes_changed: int
    lifecycles_changed: int


@transaction.atomic
def recompute_customer_classes(*, company: Company, today: date) -> ClassificationResult:
    """Each customer's ABC class from its won value over the last 12 months, and its lifecycle from
    its won and open deals (rules.lifecycle): one aggregate query, then two bulk updates."""
    start = rules.window_start(today)
    won = Q(opportunities__stage__outcome=StageOutcome.WON, opportunities__closed_on__isnull=False)
    rows = (
        Customer.objects.filter(company=company)
        .annotate(
            won_value=Sum("opportunities__amount", filter=won & Q(opportunities__closed_on__gt=start)),
            first_won_on=Min("opportunities__closed_on", filter=won),
            last_won_on=Max("opportunities__closed_on", filter=won),
            open_deals=Count("opportunities", filter=Q(opportunities__stage__outcome=StageOutcome.OPEN)),
        )
        .values_list("pk", "won_value", "first_won_on", "last_won_on", "open_deals")
    )
    values: dict[int, Decimal] = {}
    lifecycles: dict[int, str] = {}
    for pk, won_value, first_won_on, last_won_on, open_deals in rows.iterator(chunk_size=2000):
        values[pk] = won_value or Decimal(0)
        lifecycles[pk] = rules.lifecycle(
            first_won_on=first_won_on, last_won_on=last_won_on, has_open_deal=open_deals > 0, today=today
        )
    policy = customers_selectors.customer_policy(company.pk)
    a_share, b_share = (policy.a_share, policy.b_share) if policy else (70, 90)
    classes = value_classes(values, a_share=a_share, b_share=b_share)
    return ClassificationResult(
        customers=len(values),
        value_classes_changed=customers.apply_value_classes(company=company, classes=classes),
        lifecycles_changed=customers.apply_lifecycles(company=company, lifecycles=lifecycles),
    )
