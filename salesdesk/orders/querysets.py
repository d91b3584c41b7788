from django.db import models
from django.db.models import Q

from salesdesk.core import access
from salesdesk.core.access import company_id_of  # noqa: F401  (the apps' callers import it from here)

# Finance reads every contract and order of the company (credit control, invoicing, the finance
# review step); it changes none of them here. Documented in the permission matrix.
COMPANY_READERS = frozenset({"finance"})


def _company_reader(user) -> bool:
    profile = access.profile_of(user)
    return profile is not None and profile.role in COMPANY_READERS


class QuoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QuoteQuerySet":
        return self.filter(access.visible_q(user, owner="owner"), access.company_q(user))


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContractQuerySet":
        if _company_reader(user):
            return self.filter(access.company_q(user))
        scoped = access.visible_q(user, owner="owner")
        if scoped:  # a named reviewer (legal counsel…) sees the contracts they review
            from salesdesk.orders.models import ContractReview

            reviewing = ContractReview.objects.filter(reviewer=user).values("contract_id")
            scoped |= Q(pk__in=reviewing)
        return self.filter(scoped, access.company_q(user))


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrderQuerySet":
        if _company_reader(user):
            return self.filter(access.company_q(user))
        return self.filter(access.visible_q(user, owner="owner"), access.company_q(user))


class DeliveryChangeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DeliveryChangeQuerySet":
        if _company_reader(user):
            return self.filter(access.company_q(user, "order__company_id"))
        return self.filter(
            access.visible_q(user, owner="order__owner"), access.company_q(user, "order__company_id")
        )
