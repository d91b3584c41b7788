"""Pipeline test data, made through the services so every record is one a person could make."""

from decimal import Decimal
from itertools import count

from salesdesk.customers import services as customers
from salesdesk.pipeline import services
from salesdesk.pipeline.models import Stage

_numbers = count(1)


def customer(owner, name: str | None = None):
    return customers.create_customer(acting_user=owner, name=name or f"Customer {next(_numbers)}")


def deal(owner, *, customer_for=None, name: str | None = None, amount: Decimal = Decimal("1000"), **kwargs):
    return services.create_opportunity(
        acting_user=owner,
        customer=customer_for or customer(owner),
        name=name or f"Deal {next(_numbers)}",
        amount=amount,
        **kwargs,
    )


def stage(company, code: str) -> Stage:
    services.ensure_stages(company)
    return Stage.objects.get(company=company, code=code)


def lead(acting_user, company, **kwargs):
    kwargs.setdefault("company_name", f"Lead Co {next(_numbers)}")
    return services.create_lead(acting_user=acting_user, company=company, **kwargs)
