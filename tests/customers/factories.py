import factory
from django.utils import timezone

from salesdesk.customers.models import Contact, Customer, Visit
from salesdesk.customers.rules import name_key


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer owned by ``owner`` (pass owner=None, pooled_at=... for a pooled one)."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    name_key = factory.LazyAttribute(lambda o: name_key(o.name))
    company = factory.LazyAttribute(lambda o: o.owner.employee.company if o.owner else None)
    tier = "general"


def pooled(company, **kwargs) -> Customer:
    return CustomerFactory(owner=None, company=company, pooled_at=timezone.now(), **kwargs)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    purpose = "Product talk"
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    planned_on = factory.LazyFunction(timezone.localdate)
