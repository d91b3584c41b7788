from django.db import models
from django.db.models import Q

from salesdesk.core import access


def company_id_of(user) -> int | None:
    employee = getattr(user, "employee", None) if user is not None else None
    return employee.company_id if employee is not None else None


def _company_q(user) -> Q:
    """Records of the user's own company; a superuser without an employee record sees every company."""
    company_id = company_id_of(user)
    if company_id is None:
        profile = access.profile_of(user)
        return Q() if profile is not None and profile.is_admin else access.NOTHING
    return Q(company_id=company_id)


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LeadQuerySet":
        """Leads the user's scope covers; unassigned leads of a team are visible to the team."""
        owned = access.visible_q(user, owner="owner")
        if not owned:  # everything: an empty Q would swallow the OR below
            return self.filter(_company_q(user))
        unassigned = Q(owner__isnull=True) & access.visible_q(user, owner="owner", unit="team")
        return self.filter(owned | unassigned).filter(_company_q(user))


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OpportunityQuerySet":
        return self.filter(access.visible_q(user, owner="owner"), _company_q(user))

    def open(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="open")

    def won(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="won")
