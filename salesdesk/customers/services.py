"""Every change to customers: one transaction each, permission first, audit last."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.customers import rules
from salesdesk.customers.models import (
    Contact,
    Customer,
    CustomerPolicy,
    Lifecycle,
    OwnershipChange,
    OwnershipReason,
    Tier,
    TierPolicy,
    ValueClass,
    Visit,
    VisitStatus,
)
from salesdesk.customers.querysets import SALES_ROLES
from salesdesk.org.models import Company, Employee, User

# The card's fields a person edits; ownership, pool state and the computed classes have their own services.
CUSTOMER_FIELDS = frozenset(
    {
        "name", "tax_id", "industry", "region", "city", "address", "delivery_address", "phone", "website",
        "legal_representative", "year_established", "parent_name", "service_area", "sales_capacity",
        "growth_potential", "business_policy", "staff_count", "annual_revenue", "purchase_history",
        "competitor_relations", "cooperation_attitude", "trade_terms", "credit_status", "credit_problems",
        "tier", "nature", "lifecycle",
    }
)  # fmt: skip
CONTACT_FIELDS = frozenset(
    {
        "name", "title", "department", "phone", "email", "wechat", "is_primary", "is_decision_maker",
        "character", "hobbies", "background",
    }
)  # fmt: skip

# The service each tier gets (the defaults a new company starts with; admins change them).
DEFAULT_TIER_POLICIES = {
    Tier.STRATEGIC: ("Quarterly business review", 90, 180),
    Tier.KEY: ("Monthly visit", 30, 120),
    Tier.POTENTIAL: ("A product talk every month", 30, 60),
    Tier.GENERAL: ("Follow-up every two months", 60, 90),
}
DEFAULT_WARN_DAYS_BEFORE = 7


def ensure_customer_policies(company: Company) -> None:
    """Give ``company`` the default tier policies and customer policy it lacks; existing ones keep
    their settings."""
    have = set(TierPolicy.objects.filter(company=company).values_list("tier", flat=True))
    TierPolicy.objects.bulk_create(
        [
            TierPolicy(
                company=company,
                tier=tier,
                service_plan=plan,
                visit_interval_days=interval,
                pool_after_days=pool_after,
                warn_days_before=DEFAULT_WARN_DAYS_BEFORE,
            )
            for tier, (plan, interval, pool_after) in DEFAULT_TIER_POLICIES.items()
            if tier not in have
        ],
        ignore_conflicts=True,
    )
    CustomerPolicy.objects.get_or_create(company=company)


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})


def _company_of(user: User) -> Company:
    employee = Employee.objects.select_related("company").filter(user=user).first()
    if employee is None:
        raise BusinessRuleViolation(_("Only employees of a company work with its customers."))
    return employee.company


def find_duplicates(
    *, company_id: int, name: str | None, tax_id: str | None, exclude_id: int | None = None
) -> tuple[list[Customer], list[Customer]]:
    """Customers of the company with the same name (ignoring case, spaces and full-width forms) and
    those with the same tax id: one query, whoever owns them (a duplicate hides in another team).
    ``None`` leaves that check out."""
    key = rules.name_key(name) if name is not None else None
    tax_key = rules.tax_id_key(tax_id) if tax_id else ""
    match = Q(name_key=key) if key else Q(pk__in=[])
    if tax_key:
        match |= Q(tax_id=tax_key)
    found = list(
        Customer.objects.filter(match, company_id=company_id)
        .exclude(pk=exclude_id)
        .select_related("owner")
        .order_by("id")[:20]
    )
    same_tax = [c for c in found if tax_key and c.tax_id == tax_key]
    same_name = [c for c in found if key and c.name_key == key and c not in same_tax]
    return same_name, same_tax


def _check_duplicates(
    *, company_id: int, name: str | None, tax_id: str | None, confirm_not_duplicate: bool, exclude_id=None
) -> None:
    same_name, same_tax = find_duplicates(
        company_id=company_id, name=name, tax_id=tax_id, exclude_id=exclude_id
    )
    if same_tax or (same_name and not confirm_not_duplicate):
        listed = [
            {"id": c.pk, "name": c.name, "owner": str(c.owner) if c.owner else None, "same": kind}
            for kind, group in (("tax_id", same_tax), ("name", same_name))
            for c in group
        ]
        if same_tax:
            message = _("A customer with this tax id already exists: %(names)s.")
            field = "tax_id"
        else:
            message = _(
                "A customer with this name already exists: %(names)s. If it is really another company, "
                "confirm that it is not a duplicate."
            )
            field = "name"
        names = ", ".join(f"{c['name']} ({c['owner'] or _('pool')})" for c in listed)
        raise BusinessRuleViolation(
            message % {"names": names},
            details={"code": "duplicate_customer", "field": field, "duplicates": listed},
        )


@transaction.atomic
def create_customer(
    *,
    acting_user: User,
    name: str,
    owner: User | None = None,
    confirm_not_duplicate: bool = False,
    today: date | None = None,
    **fields: Any,
) -> Customer:
    """A new customer owned by ``owner`` (the acting user by default). Refused when it duplicates a
    customer of the company: a same-name hit may be confirmed away, a same tax id never."""
    access.require(acting_user, "customers.create_customer")
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    company = _company_of(acting_user)
    ensure_customer_policies(company)
    owner = owner or acting_user
    if owner != acting_user:
        _check_new_owner(acting_user, owner, company.pk)
    fields["tax_id"] = rules.tax_id_key(fields.get("tax_id", ""))
    name = name.strip()
    if not rules.name_key(name):
        raise BusinessRuleViolation(_("Give the customer a name."), details={"field": "name"})
    _check_duplicates(
        company_id=company.pk, name=name, tax_id=fields["tax_id"], confirm_not_duplicate=confirm_not_duplicate
    )
    customer = Customer.objects.create(
        company=company,
        name=name,
        name_key=rules.name_key(name),
        owner=owner,
        activity_on=today or timezone.localdate(),
        updated_by=acting_user,
        **fields,
    )
    OwnershipChange.objects.create(
        customer=customer, to_owner=owner, reason=OwnershipReason.CREATED, changed_by=acting_user
    )
    audit.record(
        acting_user, "customer_created", customer, details={"duplicate_confirmed": confirm_not_duplicate}
    )
    return customer


@transaction.atomic
def update_customer(
    *,
    acting_user: User,
    customer: Customer,
    expected_version: int,
    changes: dict[str, Any],
    confirm_not_duplicate: bool = False,
) -> Customer:
    access.require(acting_user, "customers.change_customer", customer)
    unknown = set(changes) - CUSTOMER_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if "tax_id" in changes:
        changes["tax_id"] = rules.tax_id_key(changes["tax_id"] or "")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not rules.name_key(changes["name"]):
            raise BusinessRuleViolation(_("Give the customer a name."), details={"field": "name"})
    renamed = "name" in changes and rules.name_key(changes["name"]) != customer.name_key
    new_tax = "tax_id" in changes and changes["tax_id"] != customer.tax_id
    if renamed or new_tax:
        _check_duplicates(
            company_id=customer.company_id,
            name=changes["name"] if renamed else None,
            tax_id=changes["tax_id"] if new_tax else None,
            confirm_not_duplicate=confirm_not_duplicate,
            exclude_id=customer.pk,
        )
    claim_version(customer, expected_version=expected_version, acting_user=acting_user)
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.name_key = rules.name_key(customer.name)
    customer.save()
    audit.record(acting_user, "customer_updated", customer, details={"fields": sorted(changes)})
    return customer


@transaction.atomic
def add_contact(*, acting_user: User, customer: Customer, name: str, **fields: Any) -> Contact:
    access.require(acting_user, "customers.change_customer", customer)
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    if fields.get("is_primary"):
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    contact = Contact.objects.create(customer=customer, name=name, updated_by=acting_user, **fields)
    audit.record(acting_user, "contact_added", contact)
    return contact


@transaction.atomic
def update_contact(
    *, acting_user: User, contact: Contact, expected_version: int, changes: dict[str, Any]
) -> Contact:
    access.require(acting_user, "customers.change_customer", contact.customer)
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    claim_version(contact, expected_version=expected_version, acting_user=acting_user)
    if changes.get("is_primary"):
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)
    for field, value in changes.items():
        setattr(contact, field, value)
    contact.save()
    audit.record(acting_user, "contact_updated", contact, details={"fields": sorted(changes)})
    return contact


def _check_contact(customer: Customer, contact: Contact | None) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise BusinessRuleViolation(
            _("The contact works for another customer."), details={"field": "contact"}
        )


@transaction.atomic
def plan_visit(
    *,
    acting_user: User,
    customer: Customer,
    planned_on: date,
    purpose: str,
    channel: str = "on_site",
    contact: Contact | None = None,
) -> Visit:
    access.require(acting_user, "customers.log_visit", customer)
    _check_contact(customer, contact)
    visit = Visit.objects.create(
        customer=customer,
        contact=contact,
        owner=acting_user,
        planned_on=planned_on,
        purpose=purpose,
        channel=channel,
    )
    audit.record(acting_user, "visit_planned", visit)
    return visit


def _moving_visit(acting_user: User, visit: Visit, target: str) -> Visit:
    """Lock the visit row so two people cannot complete or cancel it at once, then check the move."""
    access.require(acting_user, "customers.log_visit", visit.customer)
    locked = Visit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if not rules.can_move_visit(locked.status, target):
        raise BusinessRuleViolation(
            _("This visit is already %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def complete_visit(
    *,
    acting_user: User,
    visit: Visit,
    done_on: date,
    outcome: str,
    next_step: str = "",
    next_on: date | None = None,
    today: date | None = None,
) -> Visit:
    """Mark a visit done: the customer's last follow-up moves to ``done_on`` (restarting the pool
    clock), and a next date plans the next visit with the same contact and channel."""
    visit = _moving_visit(acting_user, visit, VisitStatus.DONE)
    today = today or timezone.localdate()
    _raise_problems(
        rules.completion_problems(planned_on=visit.planned_on, done_on=done_on, next_on=next_on, today=today)
    )
    visit.status = VisitStatus.DONE
    visit.done_on = done_on
    visit.outcome = outcome
    visit.next_step = next_step
    visit.next_on = next_on
    visit.save()
    # Only ever forward: logging an old visit late does not move the clock back.
    Customer.objects.filter(pk=visit.customer_id).filter(
        Q(last_follow_up_on__isnull=True) | Q(last_follow_up_on__lt=done_on)
    ).update(last_follow_up_on=done_on)
    Customer.objects.filter(pk=visit.customer_id, activity_on__lt=done_on).update(activity_on=done_on)
    audit.record(acting_user, "visit_completed", visit)
    if next_on is not None:
        plan_visit(
            acting_user=acting_user,
            customer=visit.customer,
            planned_on=next_on,
            purpose=next_step or visit.purpose,
            channel=visit.channel,
            contact=visit.contact,
        )
    return visit


@transaction.atomic
def cancel_visit(*, acting_user: User, visit: Visit, reason: str = "") -> Visit:
    visit = _moving_visit(acting_user, visit, VisitStatus.CANCELLED)
    visit.status = VisitStatus.CANCELLED
    visit.cancel_reason = reason
    visit.save()
    audit.record(acting_user, "visit_cancelled", visit, details={"reason": reason})
    return visit


def claims_in_window(user: User, today: date) -> int:
    since = timezone.make_aware(
        timezone.datetime.combine(
            today - timedelta(days=rules.CLAIM_WINDOW_DAYS), timezone.datetime.min.time()
        )
    )
    return OwnershipChange.objects.filter(
        to_owner=user, reason=OwnershipReason.CLAIMED, changed_at__gte=since
    ).count()


def _transfer(
    *,
    customer: Customer,
    to_owner: User | None,
    reason: str,
    acting_user: User | None,
    note: str = "",
    today: date,
) -> Customer:
    """Move the customer (already locked or freshly claimed) and record the change."""
    from_owner_id = customer.owner_id
    customer.owner = to_owner
    if to_owner is None:
        customer.previous_owner_id = from_owner_id
        customer.pooled_at = timezone.now()
    else:
        customer.pooled_at = None
        customer.activity_on = today
    customer.version += 1
    customer.updated_by = acting_user
    customer.save()
    OwnershipChange.objects.create(
        customer=customer,
        from_owner_id=from_owner_id,
        to_owner=to_owner,
        reason=reason,
        changed_by=acting_user,
        note=note,
    )
    return customer


@transaction.atomic
def claim_customer(*, acting_user: User, customer: Customer, today: date | None = None) -> Customer:
    access.require(acting_user, "customers.claim_customer", customer)
    today = today or timezone.localdate()
    policy, _created = CustomerPolicy.objects.get_or_create(company_id=customer.company_id)
    refusal = rules.claim_refusal(
        claims_in_window=claims_in_window(acting_user, today),
        cap=policy.pool_claim_cap,
        is_former_owner=customer.previous_owner_id == acting_user.pk,
        pooled_on=timezone.localtime(customer.pooled_at).date() if customer.pooled_at else None,
        cooldown_days=policy.pool_cooldown_days,
        today=today,
    )
    if refusal:
        raise BusinessRuleViolation(refusal)
    # A conditional UPDATE: of two reps claiming at once, exactly one gets the customer.
    taken = Customer.objects.filter(pk=customer.pk, owner__isnull=True).update(owner=acting_user)
    if not taken:
        raise BusinessRuleViolation(_("Someone else has just claimed this customer."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    customer.owner_id = None  # so the change below records it as coming from the pool
    _transfer(
        customer=customer,
        to_owner=acting_user,
        reason=OwnershipReason.CLAIMED,
        acting_user=acting_user,
        today=today,
    )
    audit.record(acting_user, "customer_claimed", customer)
    return customer


@transaction.atomic
def release_customer(
    *, acting_user: User, customer: Customer, reason: str, today: date | None = None
) -> Customer:
    access.require(acting_user, "customers.release_customer", customer)
    if not reason.strip():
        raise BusinessRuleViolation(_("Say why you release the customer."), details={"field": "reason"})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id != acting_user.pk:
        raise BusinessRuleViolation(_("The customer is no longer yours."))
    _transfer(
        customer=customer,
        to_owner=None,
        reason=OwnershipReason.RELEASED,
        acting_user=acting_user,
        note=reason,
        today=today or timezone.localdate(),
    )
    audit.record(acting_user, "customer_released", customer, details={"reason": reason})
    return customer


def _check_new_owner(acting_user: User, new_owner: User, company_id: int) -> None:
    """The new owner is an active salesperson of the company whom the acting user's scope covers."""
    candidate = (
        Employee.objects.visible_to(acting_user)
        .filter(user=new_owner, company_id=company_id, status="active", position__role__in=SALES_ROLES)
        .exists()
    )
    if not candidate:
        raise BusinessRuleViolation(
            _("%(person)s is not a salesperson you lead.") % {"person": new_owner}, details={"field": "owner"}
        )


@transaction.atomic
def change_owner(
    *, acting_user: User, customer: Customer, new_owner: User, note: str = "", today: date | None = None
) -> Customer:
    """Reassign a customer (pooled or owned) to someone in the acting leader's scope. A delegate is
    never made owner by a delegation: only this service moves ownership."""
    access.require(acting_user, "customers.change_owner", customer)
    _check_new_owner(acting_user, new_owner, customer.company_id)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id == new_owner.pk:
        raise BusinessRuleViolation(
            _("%(person)s already owns this customer.") % {"person": new_owner}, details={"field": "owner"}
        )
    previous = customer.owner_id
    _transfer(
        customer=customer,
        to_owner=new_owner,
        reason=OwnershipReason.REASSIGNED,
        acting_user=acting_user,
        note=note,
        today=today or timezone.localdate(),
    )
    audit.record(acting_user, "customer_reassigned", customer, details={"from": previous, "to": new_owner.pk})
    return customer


CHUNK = 500


@transaction.atomic
def return_inactive_customers(*, today: date) -> int:
    """Return every owned customer whose last follow-up (or assignment) is at least its tier's
    pool_after_days old to its company's pool. Set-based: one SELECT and one UPDATE per tier policy
    and chunk, OwnershipChange rows in bulk. Returns how many customers went back."""
    for company in Company.objects.filter(pk__in=Customer.objects.values("company_id").distinct()).exclude(
        pk__in=CustomerPolicy.objects.values("company_id")
    ):
        ensure_customer_policies(company)
    now = timezone.now()
    returned = 0
    for policy in TierPolicy.objects.order_by("company_id", "tier"):
        cutoff = rules.pool_cutoff(today, policy.pool_after_days)
        due = list(
            Customer.objects.select_for_update()
            .filter(
                company_id=policy.company_id, tier=policy.tier, owner__isnull=False, activity_on__lte=cutoff
            )
            .values_list("pk", "owner_id")
        )
        for start in range(0, len(due), CHUNK):
            chunk = due[start : start + CHUNK]
            ids = [pk for pk, _owner in chunk]
            # SQL evaluates every SET from the row's old values: previous_owner takes the old owner.
            Customer.objects.filter(pk__in=ids).update(previous_owner=F("owner"), owner=None, pooled_at=now)
            OwnershipChange.objects.bulk_create(
                [
                    OwnershipChange(customer_id=pk, from_owner_id=owner, reason=OwnershipReason.EXPIRED)
                    for pk, owner in chunk
                ]
            )
        if due:
            audit.record(
                None,
                "customers_returned_to_pool",
                details={
                    "tier": policy.tier,
                    "company": policy.company_id,
                    "count": len(due),
                    "ids": [p for p, _o in due][:1000],
                },
                actor_name="system",
            )
        returned += len(due)
    return returned


def _apply_field(
    *, company: Company, values: dict[int, str], field: str, allowed, acting_user, action: str
) -> int:
    if acting_user is not None:
        access.require(acting_user, "customers.classify_customers")
    bad = {v for v in values.values() if v not in allowed}
    if bad:
        raise BusinessRuleViolation(_("Unknown values: %s") % ", ".join(sorted(map(str, bad))))
    changed: list[Customer] = []
    ids = list(values)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for customer in Customer.objects.filter(company=company, pk__in=chunk):
            if getattr(customer, field) != values[customer.pk]:
                setattr(customer, field, values[customer.pk])
                # A new version, so an edit form opened before the job answers 409 rather than
                # silently writing the old class back.
                customer.version += 1
                customer.updated_by = acting_user
                changed.append(customer)
    if changed:
        bulk_update_with_history(
            changed, Customer, [field, "version", "updated_by"], batch_size=CHUNK, default_user=acting_user
        )
        audit.record(
            acting_user, action, details={"company": company.pk, "count": len(changed)}, actor_name="system"
        )
    return len(changed)


@transaction.atomic
def apply_value_classes(*, company: Company, classes: dict[int, str], acting_user: User | None = None) -> int:
    """Set each customer's ABC class where it changed (customers of other companies are ignored);
    the change shows in the card's history. Returns how many changed."""
    return _apply_field(
        company=company,
        values=classes,
        field="value_class",
        allowed=set(ValueClass.values) | {""},
        acting_user=acting_user,
        action="value_classes_applied",
    )


@transaction.atomic
def apply_lifecycles(*, company: Company, lifecycles: dict[int, str], acting_user: User | None = None) -> int:
    """Set each customer's lifecycle (潜在/新/老/流失) where it changed. Returns how many changed."""
    return _apply_field(
        company=company,
        values=lifecycles,
        field="lifecycle",
        allowed=set(Lifecycle.values),
        acting_user=acting_user,
        action="lifecycles_applied",
    )


# Policies (directors and administrators)

TIER_POLICY_FIELDS = frozenset({"service_plan", "visit_interval_days", "pool_after_days", "warn_days_before"})
CUSTOMER_POLICY_FIELDS = frozenset({"a_share", "b_share", "pool_claim_cap", "pool_cooldown_days"})


def _changed_fields(record, allowed: frozenset[str], changes: dict[str, Any]) -> dict[str, Any]:
    """Every allowed field's new value: the change where given, else the record's current one."""
    unknown = set(changes) - allowed
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    return {field: changes.get(field, getattr(record, field)) for field in allowed}


def _save_changes(record, new: dict[str, Any]) -> dict[str, list]:
    changed = {f: [getattr(record, f), v] for f, v in new.items() if getattr(record, f) != v}
    for field, value in new.items():
        setattr(record, field, value)
    record.save()
    return changed


@transaction.atomic
def update_tier_policy(*, acting_user: User, policy: TierPolicy, changes: dict[str, Any]) -> TierPolicy:
    """Change how a tier is served: its service plan, follow-up interval, days until an unattended
    customer returns to the pool and how many days before that the owner is warned. Tonight's pool
    job and every list read the new values."""
    access.require(acting_user, "customers.configure_customers", policy)
    policy = TierPolicy.objects.select_for_update().get(pk=policy.pk)
    new = _changed_fields(policy, TIER_POLICY_FIELDS, changes)
    new["service_plan"] = new["service_plan"].strip()
    _raise_problems(rules.tier_policy_problems(**new))
    changed = _save_changes(policy, new)
    audit.record(
        acting_user, "tier_policy_updated", policy, details={"tier": policy.tier, "changes": changed}
    )
    return policy


@transaction.atomic
def update_customer_policy(
    *, acting_user: User, policy: CustomerPolicy, changes: dict[str, Any]
) -> CustomerPolicy:
    """Change the company's ABC cut-offs and the public pool's claim cap and cooling-off days."""
    access.require(acting_user, "customers.configure_customers", policy)
    policy = CustomerPolicy.objects.select_for_update().get(pk=policy.pk)
    new = _changed_fields(policy, CUSTOMER_POLICY_FIELDS, changes)
    _raise_problems(rules.customer_policy_problems(**new))
    changed = _save_changes(policy, new)
    audit.record(acting_user, "customer_policy_updated", policy, details={"changes": changed})
    return policy
