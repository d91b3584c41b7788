"""Who sees which plan figures: plans and distributions are company settings everyone in the
company reads; targets and proposals belong to a person or a unit and follow the data scope
(a rep sees their own and their unit's numbers, a manager their subtree, a director all)."""

from django.db import models

from salesdesk.core import access


def _owned_q(user, prefix: str = ""):
    return access.visible_q(user, owner=f"{prefix}owner_user", unit=f"{prefix}owner_unit") & access.company_q(
        user, f"{prefix}plan__company_id"
    )


class SalesPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SalesPlanQuerySet":
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(access.company_q(user))


class DistributionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DistributionQuerySet":
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(access.company_q(user))


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TargetQuerySet":
        return self.filter(_owned_q(user))


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProposalQuerySet":
        return self.filter(_owned_q(user))


class AdjustmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AdjustmentQuerySet":
        return self.filter(_owned_q(user, "target__"))


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActionPlanQuerySet":
        return self.filter(
            access.visible_q(user, owner="owner") & access.company_q(user, "target__plan__company_id")
        )
