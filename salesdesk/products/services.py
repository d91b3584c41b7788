"""Every change to the product catalogue: one transaction each, permission first, audit last."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.versioning import claim_version
from salesdesk.org.models import Company, User
from salesdesk.products.models import Product

EDITABLE_FIELDS = frozenset({"code", "name", "series", "unit", "list_price", "cost", "is_active"})


def _check_unique(product: Product) -> None:
    others = Product.objects.filter(company_id=product.company_id).exclude(pk=product.pk)
    problems = {}
    if others.filter(code=product.code).exists():
        problems["code"] = _("Product code %(code)s is taken.") % {"code": product.code}
    if others.filter(name=product.name).exists():
        problems["name"] = _("A product named %(name)s exists.") % {"name": product.name}
    if (product.cost is not None and product.cost < 0) or product.list_price < 0:
        problems["list_price"] = _("Prices cannot be negative.")
    if problems:
        raise BusinessRuleViolation(" ".join(problems.values()), details={"fields": problems})


@transaction.atomic
def create_product(
    *,
    acting_user: User,
    company: Company,
    code: str,
    name: str,
    list_price: Decimal,
    series: str = "",
    unit: str = "台",
    cost: Decimal | None = None,
    is_active: bool = True,
) -> Product:
    access.require(acting_user, "products.manage_products")
    product = Product(
        company=company,
        code=code,
        name=name,
        series=series,
        unit=unit,
        list_price=list_price,
        cost=cost,
        is_active=is_active,
        updated_by=acting_user,
    )
    _check_unique(product)
    product.save()
    audit.record(acting_user, "product_created", product)
    return product


@transaction.atomic
def update_product(
    *, acting_user: User, product: Product, expected_version: int, changes: dict[str, Any]
) -> Product:
    access.require(acting_user, "products.manage_products", product)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise BusinessRuleViolation(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    claim_version(product, expected_version=expected_version, acting_user=acting_user)
    for field, value in changes.items():
        setattr(product, field, value)
    _check_unique(product)
    product.save()
    audit.record(acting_user, "product_updated", product, details={"fields": sorted(changes)})
    return product
