"""Who may do what with receivables. Seeing an invoice, a payment or a credit profile is the
scope's business (``visible_to``: finance sees every receivable of the company); these rules say
who may act. Money is posted, allocated and invoiced by finance; credit limits and credit holds
are decided by finance, the sales director and administrators (the people a sales rep's order
cannot talk round); collection plans are agreed by the salespeople whose scope covers the
contract, and by finance."""

from salesdesk.core import access
from salesdesk.core.access import company_id_of, profile_of

SALES_ROLES = frozenset({"rep", "supervisor", "manager", "director"})
# Who sets credit limits and clears credit holds: finance, the sales director, administrators.
CREDIT_CONTROLLERS = frozenset({"finance", "director", "admin"})
# Who issues invoices and posts money: finance and administrators.
ACCOUNTANTS = frozenset({"finance", "admin"})


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _in_company(user, obj) -> bool:
    """``obj`` (a record with a company) belongs to the user's company; a superuser without an
    employee record acts in every company."""
    if obj is None:
        return True
    company_id = company_id_of(user)
    if company_id is None:
        return profile_of(user).is_admin
    return getattr(obj, "company_id", company_id) == company_id


def _sees(user, obj) -> bool:
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


@access.rule("receivables.view_receivables")
def can_view_receivables(user, obj) -> bool:
    """Everyone with a job in the company opens the receivables pages; what they see is scoped."""
    return company_id_of(user) is not None or profile_of(user).is_admin


@access.rule("receivables.issue_invoice")
def can_issue_invoice(user, obj) -> bool:
    """Issue or cancel an invoice (``obj``: the contract, order or invoice): finance only."""
    return _role(user) in ACCOUNTANTS and _in_company(user, obj)


@access.rule("receivables.post_payment")
def can_post_payment(user, obj) -> bool:
    """Post receipts, credit notes and refunds, and allocate or unallocate them: finance only."""
    return _role(user) in ACCOUNTANTS and _in_company(user, obj)


@access.rule("receivables.manage_credit")
def can_manage_credit(user, obj) -> bool:
    """Create or change a credit profile (rating, limit, terms): credit controllers."""
    return _role(user) in CREDIT_CONTROLLERS and _in_company(user, obj)


@access.rule("receivables.approve_credit")
def can_approve_credit(user, hold) -> bool:
    """Approve or reject an order on credit hold: credit controllers, never the person who
    asked for the confirmation (four eyes)."""
    if _role(user) not in CREDIT_CONTROLLERS or not _in_company(user, hold):
        return False
    return hold is None or hold.requested_by_id != user.pk or _role(user) == "admin"


@access.rule("receivables.plan_collection")
def can_plan_collection(user, contract) -> bool:
    """Set a contract's collection plan: finance, or salespeople whose scope covers the contract."""
    role = _role(user)
    if role in ACCOUNTANTS:
        return _in_company(user, contract)
    if role not in SALES_ROLES:
        return False
    return contract is None or _sees(user, contract)
