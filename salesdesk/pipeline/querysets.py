from django.db import models
from django.db.models import Q

from salesdesk.core import access
from salesdesk.core.access import company_id_of  # noqa: F401  (the apps' callers import it from here)


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LeadQuerySet":
        """Leads the user's scope covers; unassigned leads of a team are visible to the team."""
        owned = access.visible_q(user, owner="owner")
        if not owned:  # everything: an empty Q would swallow the OR below
            return self.filter(access.company_q(user))
        unassigned = Q(owner__isnull=True) & access.visible_q(user, owner="owner", unit="team")
        return self.filter(owned | unassigned).filter(access.company_q(user))


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OpportunityQuerySet":
        return self.filter(access.visible_q(user, owner="owner"), access.company_q(user))

    def open(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="open")

    def won(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="won")
