from django.db import models
from django.db.models import Q

from salesdesk.core import access
from salesdesk.core.access import company_id_of

# Who works with customers: they may look into the company's public pool. Finance staff chase
# receivables, not prospects, and see only what their scope gives them.
SALES_ROLES = frozenset({"rep", "supervisor", "manager", "director"})


def sees_pool(user) -> bool:
    profile = access.profile_of(user)
    return (
        profile is not None
        and company_id_of(user) is not None
        and (profile.is_admin or profile.role in SALES_ROLES)
    )


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CustomerQuerySet":
        """Customers the user's scope covers, plus the public pool of the user's company (anyone in
        sales may look into the pool to claim from it)."""
        if access.profile_of(user) is None:
            return self.none()
        q = access.visible_q(user, owner="owner") & Q(owner__isnull=False)
        if sees_pool(user):
            q |= Q(owner__isnull=True)
        return self.filter(q & access.company_q(user, "company_id"))

    def worked_by(self, user) -> "CustomerQuerySet":
        """Owned customers within the user's scope (including delegated work): those the user may edit
        and follow up; the pool is not among them until someone claims a customer."""
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(
            access.visible_q(user, owner="owner"), access.company_q(user, "company_id"), owner__isnull=False
        )

    def owned(self) -> "CustomerQuerySet":
        return self.filter(owner__isnull=False)

    def in_pool(self) -> "CustomerQuerySet":
        return self.filter(owner__isnull=True)


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContactQuerySet":
        """A contact is visible with its owned customer; a pooled customer's contacts stay hidden until
        someone claims it (the pool must not become a free address book)."""
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(
            access.visible_q(user, owner="customer__owner"),
            access.company_q(user, "customer__company_id"),
            customer__owner__isnull=False,
        )


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        """Visits by people in the user's scope, and visits to customers the user's scope owns."""
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(
            access.visible_q(user, owner="owner") | access.visible_q(user, owner="customer__owner"),
            access.company_q(user, "customer__company_id"),
        )

    def by_people_visible_to(self, user) -> "VisitQuerySet":
        """Visits made by people in the user's scope (the visit report counts people's work)."""
        if access.profile_of(user) is None:
            return self.none()
        return self.filter(
            access.visible_q(user, owner="owner"), access.company_q(user, "customer__company_id")
        )
