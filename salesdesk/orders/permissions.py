"""Who may do what with quotes, contracts and orders.

Seeing a record is the scope's business (visible_to: rep own, supervisor team, manager subtree,
director all; finance reads every contract and order of the company). Out of scope is a 404
before a rule is asked; the object rules check the scope again so a service stays safe with any
object. Approvals go up the owner's reporting line: only a leader above the owner, of the right
rung, decides."""

from salesdesk.core import access
from salesdesk.core.access import profile_of
from salesdesk.orders import rules
from salesdesk.orders.querysets import company_id_of

SALES_ROLES = frozenset({"rep", "supervisor", "manager", "director", "admin"})
LEADERS = frozenset({"supervisor", "manager", "director", "admin"})
DECIDE_DELIVERY = frozenset({"manager", "director", "admin"})
# Ending a signed contract early is a management decision (经理及以上).
TERMINATE_CONTRACT = frozenset({"manager", "director", "admin"})


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _sees(user, obj) -> bool:
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


def _in_company(user) -> bool:
    return company_id_of(user) is not None or profile_of(user).is_admin


def is_above(user, owner) -> bool:
    """``user`` is somewhere above ``owner`` in the reporting line."""
    from salesdesk.org import selectors as org

    mine = getattr(user, "employee", None)
    theirs = getattr(owner, "employee", None)
    if mine is None or theirs is None or mine.company_id != theirs.company_id:
        return False
    return mine.pk in org.managers_above(theirs.pk)


@access.rule("orders.view_orders")
def can_view_orders(user, obj) -> bool:
    """Everyone with a job in the company opens the pages; what they see is scoped."""
    return _in_company(user)


@access.rule("orders.create_quote")
def can_create_quote(user, obj) -> bool:
    return _role(user) in SALES_ROLES and company_id_of(user) is not None


@access.rule("orders.work_quote")
def can_work_quote(user, quote) -> bool:
    """Edit and submit a quote: salespeople whose scope covers its owner."""
    return _role(user) in SALES_ROLES and (quote is None or _sees(user, quote))


@access.rule("orders.approve_quote")
def can_approve_quote(user, quote) -> bool:
    """Approve or reject a discount: a leader above the quote's owner on the rung the discount
    needs, or higher."""
    role = _role(user)
    if role not in LEADERS - {"admin"}:
        return False
    if quote is None:
        return True
    if quote.status != "pending_approval" or not quote.approver_role:
        return False
    return rules.rank(role) >= rules.rank(quote.approver_role) and is_above(user, quote.owner)


@access.rule("orders.create_contract")
def can_create_contract(user, obj) -> bool:
    return _role(user) in SALES_ROLES and company_id_of(user) is not None


@access.rule("orders.work_contract")
def can_work_contract(user, contract) -> bool:
    """Edit, submit, sign, attach files: salespeople whose scope covers the contract's owner."""
    if _role(user) not in SALES_ROLES:
        return False
    if contract is None:
        return True
    return _sees_as_owner(user, contract)


def _sees_as_owner(user, contract) -> bool:
    """In scope through the owner (a named reviewer or finance sees a contract without working on it)."""
    from salesdesk.orders.models import Contract

    return (
        Contract.objects.filter(access.visible_q(user, owner="owner"), access.company_q(user))
        .filter(pk=contract.pk)
        .exists()
    )


@access.rule("orders.comment_contract")
def can_comment_contract(user, contract) -> bool:
    """Anyone who sees the contract (its people, reviewers, finance) may comment on it."""
    return _in_company(user) and (contract is None or _sees(user, contract))


def may_review(user, review, owner) -> bool:
    """Whether ``user`` may decide one review step of a contract owned by ``owner``."""
    if review.reviewer_id is not None:
        return review.reviewer_id == user.pk
    role = _role(user)
    if review.reviewer_role in rules.LADDER:
        return (
            role in rules.LADDER
            and rules.rank(role) >= rules.rank(review.reviewer_role)
            and is_above(user, owner)
        )
    return role == review.reviewer_role and company_id_of(user) == company_id_of(owner)


@access.rule("orders.review_contract")
def can_review_contract(user, contract) -> bool:
    """Approve or reject the contract's current review step: its named reviewer, or someone of
    its position (a sales leader above the owner; finance or legal of the company)."""
    if contract is None:
        return _in_company(user)
    if contract.status != "in_review":
        return False
    from salesdesk.orders import selectors

    step = selectors.current_review(contract)
    return step is not None and may_review(user, step, contract.owner)


@access.rule("orders.terminate_contract")
def can_terminate_contract(user, contract) -> bool:
    """End a signed contract before its term: a manager (or above) whose scope covers its owner."""
    if _role(user) not in TERMINATE_CONTRACT:
        return False
    return contract is None or _sees_as_owner(user, contract)


@access.rule("orders.create_order")
def can_create_order(user, obj) -> bool:
    return _role(user) in SALES_ROLES and company_id_of(user) is not None


@access.rule("orders.work_order")
def can_work_order(user, order) -> bool:
    """Schedule, produce, ship, cancel, request a delivery change: salespeople in scope."""
    if _role(user) not in SALES_ROLES:
        return False
    return order is None or _owner_scope(user, order)


def _owner_scope(user, order) -> bool:
    from salesdesk.orders.models import Order

    return (
        Order.objects.filter(access.visible_q(user, owner="owner"), access.company_q(user))
        .filter(pk=order.pk)
        .exists()
    )


@access.rule("orders.confirm_order")
def can_confirm_order(user, order) -> bool:
    """Ask to confirm an order (receivables runs the credit check): its owner and the leaders
    whose scope covers it. A repeat order (no new contract) is confirmed only by a supervisor or
    above of its owner — 重复订单的确认权 belongs to the supervisor."""
    role = _role(user)
    if role not in SALES_ROLES:
        return False
    if order is None:
        return True
    if not _owner_scope(user, order):
        return False
    if order.repeat_of_id is not None:
        return role == "admin" or (role in LEADERS and is_above(user, order.owner))
    return True


@access.rule("orders.pause_order")
def can_pause_order(user, order) -> bool:
    """Pause and resume at the customer's request: 在线订单暂停的决定权 is the supervisor's (and
    those above), within their scope."""
    if _role(user) not in LEADERS:
        return False
    return order is None or _owner_scope(user, order)


@access.rule("orders.decide_delivery_change")
def can_decide_delivery_change(user, order) -> bool:
    """Approve or reject a delivery-date change: the manager (or above) whose scope covers the order."""
    if _role(user) not in DECIDE_DELIVERY:
        return False
    return order is None or _owner_scope(user, order)


def _own_company(user, obj) -> bool:
    company_id = company_id_of(user)
    if company_id is None:
        return profile_of(user).is_admin
    if obj is None:
        return True
    from salesdesk.org.models import Company

    return (obj.pk if isinstance(obj, Company) else obj.company_id) == company_id


@access.rule("orders.manage_price_lists")
def can_manage_price_lists(user, obj) -> bool:
    """Prices are a management decision: the director and administrators."""
    return _role(user) in {"director", "admin"} and _own_company(user, obj)


@access.rule("orders.configure_orders")
def can_configure_orders(user, obj) -> bool:
    """Discount limits per position: administrators."""
    return _role(user) == "admin" and _own_company(user, obj)


@access.rule("orders.configure_contract_review")
def can_configure_contract_review(user, obj) -> bool:
    """The contract review steps (thresholds, finance and legal steps, named reviewers): the
    sales director, who owns the approval policy, and administrators."""
    return _role(user) in {"director", "admin"} and _own_company(user, obj)
