"""Who may do what with customers. Each rule is a predicate (user, obj) registered with core.access;
services call access.require() with these names, routes declare them. Seeing a customer at all is
the scope's business (CustomerQuerySet.visible_to): out of scope is a 404 before any rule is asked."""

from salesdesk.core import access
from salesdesk.core.access import profile_of
from salesdesk.customers.querysets import SALES_ROLES, company_id_of

LEADERS = frozenset({"supervisor", "manager", "director"})


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _works_on(user, customer) -> bool:
    """The customer has an owner and that owner is in the user's scope (own, team, subtree, all, or
    an active delegation's)."""
    from salesdesk.customers.models import Customer

    return customer.owner_id is not None and Customer.objects.worked_by(user).filter(pk=customer.pk).exists()


@access.rule("customers.view_customers")
def can_view_customers(user, obj) -> bool:
    """Everyone with a job in the company opens the customer pages; what they see is scoped."""
    return company_id_of(user) is not None or profile_of(user).is_admin


@access.rule("customers.create_customer")
def can_create_customer(user, obj) -> bool:
    return _role(user) in SALES_ROLES | {"admin"} and company_id_of(user) is not None


@access.rule("customers.change_customer")
def can_change_customer(user, customer) -> bool:
    """Edit the card, its contacts and its classifications: the owner, an active delegate of the
    owner, and the leaders whose scope covers the owner. A pooled customer must be claimed first."""
    if _role(user) not in SALES_ROLES | {"admin"}:
        return False
    return customer is None or _works_on(user, customer)


@access.rule("customers.log_visit")
def can_log_visit(user, customer) -> bool:
    """Plan, complete and cancel visits: whoever may work on the customer."""
    if _role(user) not in SALES_ROLES:
        return False
    return customer is None or _works_on(user, customer)


@access.rule("customers.claim_customer")
def can_claim_customer(user, customer) -> bool:
    """Sales staff (not admins or finance) take customers from their own company's pool."""
    if _role(user) not in SALES_ROLES or company_id_of(user) is None:
        return False
    return customer is None or (customer.owner_id is None and customer.company_id == company_id_of(user))


@access.rule("customers.release_customer")
def can_release_customer(user, customer) -> bool:
    """Only the owner gives a customer back; a delegate works on it but does not own it."""
    if _role(user) not in SALES_ROLES:
        return False
    return customer is None or customer.owner_id == user.pk


@access.rule("customers.change_owner")
def can_change_owner(user, customer) -> bool:
    """Supervisors and above move customers between people of their scope, pooled ones included."""
    if _role(user) not in LEADERS | {"admin"} or company_id_of(user) is None:
        return False
    if customer is None:
        return True
    if customer.company_id != company_id_of(user):
        return False
    return customer.owner_id is None or _works_on(user, customer)


@access.rule("customers.classify_customers")
def can_classify_customers(user, obj) -> bool:
    """Set ABC classes and lifecycles in bulk (the nightly job acts without a user)."""
    return _role(user) in {"director", "admin"}


@access.rule("customers.configure_customers")
def can_configure_customers(user, obj) -> bool:
    """Tier service policies, pool rules and ABC cut-offs of the user's own company: directors and
    admins. ``obj`` is a TierPolicy or CustomerPolicy (or None)."""
    company_id = company_id_of(user)
    if _role(user) not in {"director", "admin"} or company_id is None:
        return False
    return obj is None or obj.company_id == company_id
