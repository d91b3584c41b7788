"""Reads of the product catalogue, scoped to the user's company."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from salesdesk.org.models import User
from salesdesk.org.selectors import company_of  # noqa: F401  (the one definition; callers use selectors.company_of)
from salesdesk.products.models import Product


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    series: str = ""
    active: bool | None = None


def product_list(user: User, filters: ProductFilters = ProductFilters()) -> QuerySet[Product]:
    products = Product.objects.visible_to(user)
    if filters.q:
        products = products.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    if filters.series:
        products = products.filter(series=filters.series)
    if filters.active is not None:
        products = products.filter(is_active=filters.active)
    return products.order_by("series", "name", "id")


def product_detail_queryset(user: User) -> QuerySet[Product]:
    return Product.objects.visible_to(user).select_related("updated_by")


def series_names(company_id: int) -> list[str]:
    """The product series (lines) of a company's catalogue, in name order: what per-line targets
    and figures may name."""
    rows = Product.objects.filter(company_id=company_id).exclude(series="").values_list("series", flat=True)
    return sorted(set(rows.distinct().order_by()))
