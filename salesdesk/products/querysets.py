from django.db import models
from django.db.models import Q

from salesdesk.core import access
from salesdesk.core.access import company_id_of


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProductQuerySet":
        """The catalogue of the user's company: everyone in sales reads it. A superuser without an
        employee record sees every company's."""
        profile = access.profile_of(user)
        if profile is None:
            return self.none()
        company_id = company_id_of(user)
        if company_id is None:
            return self.all() if profile.is_admin else self.none()
        return self.filter(Q(company_id=company_id))

    def active(self) -> "ProductQuerySet":
        return self.filter(is_active=True)


class PriceListQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PriceListQuerySet":
        """Price lists are company settings: everyone in the company reads them (quotes use them)."""
        profile = access.profile_of(user)
        if profile is None:
            return self.none()
        company_id = company_id_of(user)
        if company_id is None:
            return self.all() if profile.is_admin else self.none()
        return self.filter(company_id=company_id)
