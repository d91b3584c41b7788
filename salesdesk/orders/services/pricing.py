"""Price policy: price lists with floor prices (director) and discount limits (admin)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.core import access, audit
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.customers.models import Tier
from salesdesk.orders import rules
from salesdesk.orders.models import DiscountLimit
from salesdesk.orders.services.common import apply_changes, raise_problems
from salesdesk.org.models import Company, User
from salesdesk.products.models import PriceList, PriceListItem, Product

PRICE_LIST_FIELDS = frozenset({"name", "customer_tier", "region", "is_active"})


def _price_list_problems(price_list: PriceList) -> dict[str, str]:
    problems = {}
    if not price_list.name.strip():
        problems["name"] = _("Give the price list a name.")
    elif (
        PriceList.objects.filter(company_id=price_list.company_id, name=price_list.name)
        .exclude(pk=price_list.pk)
        .exists()
    ):
        problems["name"] = _("Another price list is already called %(name)s.") % {"name": price_list.name}
    if price_list.customer_tier and price_list.customer_tier not in Tier.values:
        problems["customer_tier"] = _("Choose a customer tier.")
    if price_list.is_active and (
        PriceList.objects.filter(
            company_id=price_list.company_id,
            customer_tier=price_list.customer_tier,
            region=price_list.region,
            is_active=True,
        )
        .exclude(pk=price_list.pk)
        .exists()
    ):
        problems["customer_tier"] = _("An active price list for this tier and region exists already.")
    return problems


@transaction.atomic
def create_price_list(
    *,
    acting_user: User,
    company: Company,
    name: str,
    customer_tier: str = "",
    region: str = "",
    is_active: bool = True,
) -> PriceList:
    access.require(acting_user, "orders.manage_price_lists", company)
    price_list = PriceList(
        company=company,
        name=name.strip(),
        customer_tier=customer_tier,
        region=region.strip(),
        is_active=is_active,
        updated_by=acting_user,
    )
    raise_problems(_price_list_problems(price_list))
    price_list.save()
    audit.record(acting_user, "price_list_created", price_list)
    return price_list


@transaction.atomic
def update_price_list(
    *, acting_user: User, price_list: PriceList, expected_version: int, changes: dict[str, Any]
) -> PriceList:
    access.require(acting_user, "orders.manage_price_lists", price_list)
    apply_changes(
        price_list,
        changes,
        allowed=PRICE_LIST_FIELDS,
        expected_version=expected_version,
        acting_user=acting_user,
    )
    raise_problems(_price_list_problems(price_list))
    price_list.save()
    audit.record(acting_user, "price_list_updated", price_list, details={"fields": sorted(changes)})
    return price_list


@transaction.atomic
def set_price(
    *, acting_user: User, price_list: PriceList, product: Product, price: Decimal, floor_price: Decimal
) -> PriceListItem:
    """Put ``product`` on the list at ``price`` with ``floor_price`` (replacing an earlier entry)."""
    access.require(acting_user, "orders.manage_price_lists", price_list)
    problems = {}
    if product.company_id != price_list.company_id:
        problems["product"] = _("Choose a product of the catalogue.")
    if price < 0 or floor_price < 0:
        problems["price"] = _("Prices cannot be negative.")
    elif floor_price > price:
        problems["floor_price"] = _("The floor price cannot be above the price.")
    raise_problems(problems)
    item, _created = PriceListItem.objects.update_or_create(
        price_list=price_list, product=product, defaults={"price": price, "floor_price": floor_price}
    )
    audit.record(
        acting_user,
        "price_set",
        price_list,
        details={"product": product.pk, "price": str(price), "floor_price": str(floor_price)},
    )
    return item


@transaction.atomic
def remove_price(*, acting_user: User, item: PriceListItem) -> None:
    access.require(acting_user, "orders.manage_price_lists", item.price_list)
    audit.record(acting_user, "price_removed", item.price_list, details={"product": item.product_id})
    item.delete()


@transaction.atomic
def set_discount_limits(
    *, acting_user: User, company: Company, limits: dict[str, Decimal]
) -> dict[str, Decimal]:
    """Each rung's limit (%); a higher rung never grants less than a lower one, or approvals
    would climb to someone who may not approve."""
    access.require(acting_user, "orders.configure_orders", company)
    unknown = set(limits) - set(rules.LADDER)
    if unknown:
        raise BusinessRuleViolation(_("Discount limits apply to sales positions only."))
    from salesdesk.orders import selectors

    merged = selectors.discount_limits(company.pk) | limits
    problems = {}
    for role, value in merged.items():
        if not Decimal(0) <= value <= Decimal(100):
            problems[role] = _("A discount limit is between 0 and 100 %.")
    ladder = [merged[r] for r in rules.LADDER]
    if not problems and ladder != sorted(ladder):
        problems[rules.LADDER[-1]] = _("A higher position cannot have a smaller discount limit.")
    raise_problems(problems)
    for role, value in limits.items():
        DiscountLimit.objects.update_or_create(
            company=company, role=role, defaults={"max_discount_percent": value}
        )
    audit.record(acting_user, "discount_limits_set", details={k: str(v) for k, v in limits.items()})
    return selectors.discount_limits(company.pk)
