from datetime import date

from django.db import models
from django.db.models import Q

from salesdesk.core import access


class EmployeeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EmployeeQuerySet":
        return self.filter(access.visible_q(user, owner="user", owner_unit="unit"))

    def active(self) -> "EmployeeQuerySet":
        return self.filter(status="active")


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day: date) -> "DelegationQuerySet":
        return self.filter(starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True)

    def visible_to(self, user) -> "DelegationQuerySet":
        """Those whose delegator the user may see, plus those the user takes part in."""
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(
            access.visible_q(user, owner="delegator__user")
            | Q(delegate__user=user)
            | Q(granted_by__user=user)
        )
