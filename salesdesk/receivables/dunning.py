"""The dunning ladder (催收升级): configuration, the daily run, contact attempts.

``run_dunning(today)`` walks the ladder's steps (a handful of configuration rows), and for each
step selects in ONE query the open invoices whose highest rung reached today is that step and
that have no notice for it yet: due_on ≤ today − step.days and (no next step, or due_on > today −
next.days). Who is told comes from the collector's reporting line (Employee.manager), resolved
once per run for all the company's people, not per invoice; the notices go in with one bulk
insert per step, and the (invoice, step) unique constraint makes a second run the same day — or
a run racing another — add nothing.

An invoice first seen far overdue gets the notice of the rung it stands on, not one per rung it
skipped: the people below were passed over on purpose by the escalation.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org.models import Company, Employee, EmployeeStatus, User
from salesdesk.receivables import rules_aging as rules
from salesdesk.receivables.models import (
    CollectionPolicy,
    ContactAttempt,
    ContactOutcome,
    DunningLevel,
    DunningNotice,
    DunningStep,
    Invoice,
    InvoiceStatus,
)

# The roles met going up a reporting line, lowest first; a level finds the nearest person at or
# above its role (a team without a supervisor escalates to the manager).
ROLE_ORDER = ["rep", "supervisor", "manager", "director"]


def ensure_steps(company_id: int) -> list[DunningStep]:
    """The company's ladder (its active steps, lowest day first), creating the default ladder the
    first time: one query after that."""
    steps = list(DunningStep.objects.filter(company_id=company_id, is_active=True).order_by("days_overdue"))
    if steps or DunningStep.objects.filter(company_id=company_id).exists():
        return steps
    DunningStep.objects.bulk_create(
        [
            DunningStep(company_id=company_id, days_overdue=days, notify=level, name=_step_name(days, level))
            for days, level in rules.DEFAULT_DUNNING_STEPS
        ],
        ignore_conflicts=True,
    )
    return list(DunningStep.objects.filter(company_id=company_id, is_active=True).order_by("days_overdue"))


def _step_name(days: int, level: str) -> str:
    who = DunningLevel(level).label
    if days < 0:
        return _("%(days)s days before due: %(who)s") % {"days": -days, "who": who}
    return _("%(days)s days overdue: %(who)s") % {"days": days, "who": who}


def ensure_policy(company_id: int) -> CollectionPolicy:
    policy, _created = CollectionPolicy.objects.get_or_create(company_id=company_id)
    return policy


def lock_collection_settings(company_id: int) -> None:
    """Serialise changes to one company's buckets, ladder and policy on its policy row: two people
    editing at once apply one after the other, and each change is checked against the set as the
    other left it. Call inside the service's transaction."""
    ensure_policy(company_id)
    CollectionPolicy.objects.select_for_update().filter(company_id=company_id).exists()


def save_unique(save: Callable[[], object], *, field: str, message: str) -> None:
    """Run ``save`` in a savepoint. The rules check that a bound or a day is not taken, under the
    policy row's lock; SQLite takes no row lock, so a concurrent editor can still take it first,
    and the unique constraint says so: refused like the rule would have, never a 500."""
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise BusinessRuleViolation(message, details={"fields": {field: message}}) from None


def ladder_settings(company_id: int) -> QuerySet:
    """Every step, active ones first, with ``has_notices`` (a step that has notified someone is
    deactivated rather than deleted, and keeps its days): one query."""
    ensure_steps(company_id)
    return (
        DunningStep.objects.filter(company_id=company_id)
        .annotate(has_notices=Exists(DunningNotice.objects.filter(step=OuterRef("pk"))))
        .order_by("-is_active", "days_overdue")
    )


def legal_candidates(company_id: int) -> QuerySet:
    """Who can be the legal contact: the company's people still employed, by name."""
    return (
        User.objects.filter(employee__company_id=company_id)
        .exclude(employee__status=EmployeeStatus.LEFT)
        .order_by("full_name", "pk")
    )


def _ladder(company_id: int, *, without: int | None = None) -> list[tuple[int, str]]:
    steps = DunningStep.objects.filter(company_id=company_id, is_active=True)
    if without is not None:
        steps = steps.exclude(pk=without)
    return list(steps.values_list("days_overdue", "notify"))


def _taken_day() -> str:
    return _("Give each step of the ladder a different number of days.")


def _has_notices(step: DunningStep) -> bool:
    return DunningNotice.objects.filter(step=step).exists()


@transaction.atomic
def set_dunning_ladder(
    *, acting_user: User, company: Company, steps: list[tuple[int, str]]
) -> list[DunningStep]:
    """Replace the ladder with ``steps`` (days overdue, level). A step left out is deleted, or,
    when it has sent notices (they point at it), deactivated; a deactivated step named again
    comes back."""
    access.require(acting_user, "receivables.configure_collections", company)
    lock_collection_settings(company.pk)
    rules.refuse(rules.ladder_problems(steps))
    days = {d for d, _level in steps}
    existing = {s.days_overdue: s for s in DunningStep.objects.select_for_update().filter(company=company)}
    used = set(
        DunningNotice.objects.filter(step__company=company).values_list("step__days_overdue", flat=True)
    )
    for d, step in existing.items():
        if d in days:
            continue
        if d in used:
            if step.is_active:
                step.is_active, step.version, step.updated_by = False, step.version + 1, acting_user
                step.save(update_fields=["is_active", "version", "updated_by", "updated_at"])
        else:
            step.delete()
    for d, level in steps:
        step = existing.get(d)
        if step is None:
            DunningStep.objects.create(
                company=company,
                days_overdue=d,
                notify=level,
                name=_step_name(d, level),
                updated_by=acting_user,
            )
        elif step.notify != level or not step.is_active:
            step.notify, step.name, step.is_active = level, _step_name(d, level), True
            step.version, step.updated_by = step.version + 1, acting_user
            step.save(update_fields=["notify", "name", "is_active", "version", "updated_by", "updated_at"])
    audit.record(acting_user, "dunning_ladder_set", company, details={"steps": [list(s) for s in steps]})
    return ensure_steps(company.pk)


@transaction.atomic
def add_dunning_step(*, acting_user: User, company: Company, days_overdue: int, notify: str) -> DunningStep:
    """Add a rung; the ladder it makes must pass the ladder rules. A deactivated step on the same
    day comes back with the new level (its notices stay its own)."""
    access.require(acting_user, "receivables.configure_collections", company)
    lock_collection_settings(company.pk)
    ensure_steps(company.pk)  # a company that never ran the ladder starts from the default one
    rules.refuse(rules.ladder_problems([*_ladder(company.pk), (days_overdue, notify)]))
    step = DunningStep.objects.filter(company=company, days_overdue=days_overdue).first()
    if step is None:
        step = DunningStep(company=company, days_overdue=days_overdue)
    else:
        step.version += 1
    step.notify, step.name, step.is_active = notify, _step_name(days_overdue, notify), True
    step.updated_by = acting_user
    save_unique(step.save, field="days_overdue", message=_taken_day())
    audit.record(acting_user, "dunning_ladder_set", company, details={"added": [days_overdue, notify]})
    return step


@transaction.atomic
def change_dunning_step(
    *, acting_user: User, step: DunningStep, expected_version: int, days_overdue: int, notify: str
) -> DunningStep:
    """Move a rung or change who it notifies. A step that has sent notices keeps its days (the
    notices say at which day they were sent): deactivate it and add a new step instead."""
    access.require(acting_user, "receivables.configure_collections", step)
    lock_collection_settings(step.company_id)
    claim_version(step, expected_version=expected_version, acting_user=acting_user)
    if not step.is_active:
        raise BusinessRuleViolation(_("This step is deactivated; reactivate it before changing it."))
    if days_overdue != step.days_overdue:
        if _has_notices(step):
            raise BusinessRuleViolation(
                _("Notices were sent at this step, so its days stay; deactivate it and add a new one."),
                details={"field": "days_overdue"},
            )
        retired = DunningStep.objects.filter(
            company_id=step.company_id, days_overdue=days_overdue, is_active=False
        )
        if retired.exists():
            raise BusinessRuleViolation(
                _("A deactivated step fires at %(days)s days; reactivate that one instead.")
                % {"days": days_overdue},
                details={"field": "days_overdue"},
            )
    others = _ladder(step.company_id, without=step.pk)
    rules.refuse(rules.ladder_problems([*others, (days_overdue, notify)]))
    before = [step.days_overdue, step.notify]
    step.days_overdue, step.notify, step.name = days_overdue, notify, _step_name(days_overdue, notify)
    save_unique(step.save, field="days_overdue", message=_taken_day())
    audit.record(
        acting_user,
        "dunning_ladder_set",
        step.company,
        details={"changed": before, "to": [days_overdue, notify]},
    )
    return step


@transaction.atomic
def remove_dunning_step(*, acting_user: User, step: DunningStep, expected_version: int) -> bool:
    """Take a rung off the ladder: deleted when it never notified anyone, else deactivated (its
    notices stay). Returns True when the step was deleted."""
    access.require(acting_user, "receivables.configure_collections", step)
    lock_collection_settings(step.company_id)
    claim_version(step, expected_version=expected_version, acting_user=acting_user)
    if not step.is_active:
        raise BusinessRuleViolation(_("This step is already deactivated."))
    rules.refuse(rules.ladder_problems(_ladder(step.company_id, without=step.pk)))
    removed = [step.days_overdue, step.notify]
    deleted = not _has_notices(step)
    if deleted:
        step.delete()
    else:
        step.is_active = False
        step.save()
    audit.record(
        acting_user,
        "dunning_ladder_set",
        step.company,
        details={"deleted" if deleted else "deactivated": removed},
    )
    return deleted


@transaction.atomic
def reactivate_dunning_step(*, acting_user: User, step: DunningStep, expected_version: int) -> DunningStep:
    access.require(acting_user, "receivables.configure_collections", step)
    lock_collection_settings(step.company_id)
    claim_version(step, expected_version=expected_version, acting_user=acting_user)
    if step.is_active:
        raise BusinessRuleViolation(_("This step is already active."))
    rules.refuse(rules.ladder_problems([*_ladder(step.company_id), (step.days_overdue, step.notify)]))
    step.is_active = True
    step.save()
    audit.record(
        acting_user,
        "dunning_ladder_set",
        step.company,
        details={"reactivated": [step.days_overdue, step.notify]},
    )
    return step


# Who is told


@dataclass(frozen=True)
class _Person:
    user_id: int
    role: str
    manager_id: int | None  # the manager's employee id


def reporting_lines(company_id: int) -> dict[int, dict[str, int]]:
    """Collector user id → {level: user id to notify}: one query over the company's employees,
    then a walk up each person's manager chain in memory (people × depth, never invoices)."""
    people = {
        pk: _Person(user_id, role, manager_id)
        for pk, user_id, role, manager_id in Employee.objects.filter(company_id=company_id)
        .exclude(status=EmployeeStatus.LEFT)
        .values_list("pk", "user_id", "position__role", "manager_id")
    }
    policy = ensure_policy(company_id)
    legal = policy.legal_user_id
    if legal is None:
        legal = next(
            (p.user_id for _pk, p in sorted(people.items()) if p.role == policy.legal_role),
            None,
        )
    lines: dict[int, dict[str, int]] = {}
    for pk, person in people.items():
        chain, seen, current = [person], {pk}, person.manager_id
        while current is not None and current not in seen and current in people:
            seen.add(current)
            chain.append(people[current])
            current = people[current].manager_id
        line = {"rep": person.user_id}
        for level in ("supervisor", "manager", "director"):
            rank = ROLE_ORDER.index(level)
            above = [p for p in chain[1:] if p.role in ROLE_ORDER and ROLE_ORDER.index(p.role) >= rank]
            # The nearest at or above the level; with nobody above, the top of the line.
            line[level] = above[0].user_id if above else chain[-1].user_id
        line["legal"] = legal if legal is not None else line["director"]
        lines[person.user_id] = line
    return lines


def _open_invoices(company_id: int) -> QuerySet:
    return Invoice.objects.filter(company_id=company_id, status=InvoiceStatus.OPEN, allocated__lt=F("amount"))


def due_notices(company_id: int, day: date, invoices: QuerySet | None = None):
    """(step, invoices queryset) for every step: the open invoices whose highest rung reached on
    ``day`` is that step and that have no notice for it. One query per step when evaluated."""
    steps = ensure_steps(company_id)
    invoices = (
        _open_invoices(company_id)
        if invoices is None
        else invoices.filter(company_id=company_id, status=InvoiceStatus.OPEN, allocated__lt=F("amount"))
    )
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        reached = invoices.filter(due_on__lte=day - timedelta(days=step.days_overdue))
        if following is not None:
            reached = reached.filter(due_on__gt=day - timedelta(days=following.days_overdue))
        yield step, reached.exclude(dunning_notices__step=step)


@transaction.atomic
def run_dunning(*, today: date, company_id: int | None = None, acting_user: User | None = None) -> int:
    """Create the notices due ``today`` for one company (or every company: the nightly job);
    returns how many were created."""
    if acting_user is not None:
        access.require(acting_user, "receivables.configure_collections")
        company_id = access.company_id_of(acting_user) if company_id is None else company_id
    companies = [company_id] if company_id is not None else list(Company.objects.values_list("pk", flat=True))
    created = 0
    for company in companies:
        lines = None
        for step, invoices in due_notices(company, today):
            rows = list(invoices.values_list("pk", "owner_id", "due_on"))
            if not rows:
                continue
            lines = lines if lines is not None else reporting_lines(company)
            notices = [
                DunningNotice(
                    invoice_id=pk,
                    step=step,
                    notified_id=lines.get(owner, {}).get(step.notify, owner),
                    level=step.notify,
                    days_overdue=(today - due_on).days,
                    run_on=today,
                )
                for pk, owner, due_on in rows
            ]
            created += len(DunningNotice.objects.bulk_create(notices, ignore_conflicts=True))
    if acting_user is not None:
        audit.record(acting_user, "dunning_run", details={"today": today.isoformat(), "created": created})
    return created


def notices_for(invoice: Invoice) -> QuerySet:
    return invoice.dunning_notices.select_related("step", "notified").order_by("run_on", "step__days_overdue")


# Contact attempts


@transaction.atomic
def log_contact_attempt(
    *,
    acting_user: User,
    invoice: Invoice,
    channel: str,
    outcome: str,
    note: str = "",
    promised_amount: Decimal | None = None,
    promised_on: date | None = None,
    next_action_on: date | None = None,
    at=None,
) -> ContactAttempt:
    access.require(acting_user, "receivables.work_collections", invoice)
    problems = {}
    if outcome == ContactOutcome.PROMISED and (promised_amount is None or promised_on is None):
        problems["promised_on"] = _("A promise to pay needs an amount and a date.")
    if promised_amount is not None and promised_amount <= 0:
        problems["promised_amount"] = _("The promised amount must be more than zero.")
    if promised_amount is not None and promised_amount > invoice.amount - invoice.allocated:
        problems["promised_amount"] = _("The promised amount exceeds the open amount.")
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})
    attempt = ContactAttempt.objects.create(
        invoice=invoice,
        by=acting_user,
        at=at or timezone.now(),
        channel=channel,
        outcome=outcome,
        promised_amount=promised_amount,
        promised_on=promised_on,
        next_action_on=next_action_on,
        note=note,
    )
    audit.record(acting_user, "contact_attempt_logged", invoice, details={"outcome": outcome})
    return attempt


def latest_attempt_subquery(field: str):
    latest = ContactAttempt.objects.filter(invoice=OuterRef("pk")).order_by("-at", "-id").values(field)[:1]
    return Subquery(latest)


def last_notice_subquery():
    return Subquery(
        DunningNotice.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(top=Max("step__days_overdue"))
        .values("top")
    )
