"""Who may do what in the pipeline. Seeing a lead or a deal at all is the scope's business
(visible_to): out of scope is a 404 before any rule is asked; the object rules check the scope
again so a service called with any object stays safe."""

from salesdesk.core import access
from salesdesk.core.access import profile_of
from salesdesk.pipeline.querysets import company_id_of

SALES_ROLES = frozenset({"rep", "supervisor", "manager", "director", "admin"})
LEADERS = frozenset({"supervisor", "manager", "director", "admin"})


def _role(user) -> str:
    profile = profile_of(user)
    return "admin" if profile.is_admin else profile.role


def _sees(user, obj) -> bool:
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


@access.rule("pipeline.view_pipeline")
def can_view_pipeline(user, obj) -> bool:
    """Everyone with a job in the company opens the pipeline pages; what they see is scoped."""
    return company_id_of(user) is not None or profile_of(user).is_admin


@access.rule("pipeline.create_lead")
def can_create_lead(user, obj) -> bool:
    return _role(user) in SALES_ROLES and company_id_of(user) is not None


@access.rule("pipeline.work_lead")
def can_work_lead(user, lead) -> bool:
    """Edit, qualify and convert a lead: salespeople whose scope covers it."""
    if _role(user) not in SALES_ROLES:
        return False
    return lead is None or _sees(user, lead)


@access.rule("pipeline.assign_lead")
def can_assign_lead(user, lead) -> bool:
    """Hand a lead to a rep: supervisors and above, within their scope."""
    if _role(user) not in LEADERS:
        return False
    return lead is None or _sees(user, lead)


@access.rule("pipeline.create_opportunity")
def can_create_opportunity(user, obj) -> bool:
    return _role(user) in SALES_ROLES and company_id_of(user) is not None


@access.rule("pipeline.work_opportunity")
def can_work_opportunity(user, opportunity) -> bool:
    """Edit, move, price and split a deal: salespeople whose scope covers its owner (an active
    delegate included)."""
    if _role(user) not in SALES_ROLES:
        return False
    return opportunity is None or _sees(user, opportunity)


def _own_company(user, obj) -> bool:
    """``obj`` (a company or a record of one) is the user's own company's: a setting of one company
    is never changed from another."""
    company_id = company_id_of(user)
    if company_id is None:
        return False
    if obj is None:
        return True
    from salesdesk.org.models import Company

    return (obj.pk if isinstance(obj, Company) else obj.company_id) == company_id


@access.rule("pipeline.configure_pipeline")
def can_configure_pipeline(user, obj) -> bool:
    """Stages, probabilities and loss reasons of the company: administrators only (like positions)."""
    return _role(user) == "admin" and _own_company(user, obj)
