from django.db import models
from django.db.models import Q

from salesdesk.core import access


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LeadQuerySet":
        """Leads the user's scope covers; unassigned leads of a team are visible to the team."""
        unassigned = Q(owner__isnull=True) & access.visible_q(user, owner="owner", unit="team")
        return self.filter(access.visible_q(user, owner="owner") | unassigned)


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OpportunityQuerySet":
        return self.filter(access.visible_q(user, owner="owner"))

    def open(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="open")

    def won(self) -> "OpportunityQuerySet":
        return self.filter(stage__outcome="won")
