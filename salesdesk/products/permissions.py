"""Who may do what with the product catalogue."""

from salesdesk.core import access
from salesdesk.core.access import profile_of
from salesdesk.products.querysets import company_id_of


@access.rule("products.view_products")
def can_view_products(user, obj) -> bool:
    """Everyone with a job in the company reads the catalogue."""
    return company_id_of(user) is not None or profile_of(user).is_admin


@access.rule("products.manage_products")
def can_manage_products(user, obj) -> bool:
    """Directors and admins keep the catalogue; prices are a management decision."""
    profile = profile_of(user)
    return profile.is_admin or profile.role == "director"
