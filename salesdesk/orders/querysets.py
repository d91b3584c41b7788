from django.db import models

from salesdesk.core import access


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContractQuerySet":
        return self.filter(access.visible_q(user, owner="owner"), access.company_q(user))


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrderQuerySet":
        return self.filter(access.visible_q(user, owner="owner"), access.company_q(user))
