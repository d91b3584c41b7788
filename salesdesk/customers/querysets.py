from django.db import models
from django.db.models import Q

from salesdesk.core import access


def _company_id(user):
    employee = getattr(user, "employee", None)
    return employee.company_id if employee is not None else None


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomerQuerySet":
        """Customers the user's scope covers, plus the public pool of the user's company (anyone in
        sales may look into the pool to claim from it)."""
        profile = access.profile_of(user)
        if profile is None:
            return self.none()
        pool = Q(owner__isnull=True, company_id=_company_id(user))
        return self.filter(access.visible_q(user, owner="owner") | pool)

    def owned(self) -> "CustomerQuerySet":
        return self.filter(owner__isnull=False)

    def in_pool(self) -> "CustomerQuerySet":
        return self.filter(owner__isnull=True)


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContactQuerySet":
        """A contact is visible with its customer; pooled customers' contacts only to those who own them."""
        return self.filter(access.visible_q(user, owner="customer__owner"))


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        """Visits by people in the user's scope, and visits to customers the user owns."""
        return self.filter(access.visible_q(user, owner="owner") | access.visible_q(user, owner="customer__owner"))
