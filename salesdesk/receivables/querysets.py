"""Who sees which money. Finance sees every receivable of the company (DESIGN: "finance sees all
receivables"); everyone else through their data scope: invoices by collector, payments and credit
profiles by the customer's owner or an invoice of theirs the payment settles."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from salesdesk.core import access


def sees_all_receivables(user) -> bool:
    profile = access.profile_of(user)
    return profile is not None and (profile.is_admin or profile.role == "finance")


def _scoped(user, q: Q) -> Q:
    if sees_all_receivables(user):
        return access.company_q(user)
    return q & access.company_q(user)


class InvoiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InvoiceQuerySet":
        return self.filter(_scoped(user, access.visible_q(user, owner="owner")))


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PaymentQuerySet":
        owned = access.visible_q(user, owner="customer__owner")
        if sees_all_receivables(user) or not owned:  # an empty Q would swallow the OR below
            return self.filter(access.company_q(user))
        from salesdesk.receivables.models import Invoice

        settles_mine = Exists(Invoice.objects.visible_to(user).filter(allocations__payment=OuterRef("pk")))
        return self.filter(owned | Q(settles_mine), access.company_q(user))


class CreditProfileQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CreditProfileQuerySet":
        return self.filter(_scoped(user, access.visible_q(user, owner="customer__owner")))
