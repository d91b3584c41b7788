"""The product catalogue over HTTP: parse, call a selector or service, return a schema."""

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.products import selectors, services

router = Router(tags=["products"])
ID = Path(..., ge=1, le=MAX_ID)
PRICE = {"ge": 0, "max_digits": 18, "decimal_places": 2}


class ProductOut(Schema):
    id: int
    code: str
    name: str
    series: str
    unit: str
    list_price: Decimal
    cost: Decimal | None
    is_active: bool
    version: int
    updated_at: datetime


class ProductFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="name or code contains")
    series: str = Field("", max_length=100)
    active: bool | None = None


class ProductCreateIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=50)
    name: str = Field(..., min_length=1, max_length=200)
    series: str = Field("", max_length=100)
    unit: str = Field("台", min_length=1, max_length=20)
    list_price: Decimal = Field(..., **PRICE)
    cost: Decimal | None = Field(None, **PRICE)
    is_active: bool = True


class ProductUpdateIn(InputSchema):
    version: int = Field(..., ge=1, le=MAX_ID, description="the version you loaded; a newer one answers 409")
    code: str | None = Field(None, min_length=1, max_length=50)
    name: str | None = Field(None, min_length=1, max_length=200)
    series: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, min_length=1, max_length=20)
    list_price: Decimal | None = Field(None, **PRICE)
    cost: Decimal | None = Field(None, **PRICE)
    is_active: bool | None = None


@router.get("", response={200: Page[ProductOut], **ERRORS})
@permission("products.view_products")
def list_products(request, filters: Query[ProductFilterIn], paging: Query[PageParams]):
    products = selectors.product_list(
        request.user, selectors.ProductFilters(q=filters.q, series=filters.series, active=filters.active)
    )
    return page_of(products, paging)


@router.get("/{product_id}", response={200: ProductOut, **ERRORS})
@permission("products.view_products")
def get_product(request, product_id: int = ID):
    return get_object_or_404(selectors.product_detail_queryset(request.user), pk=product_id)


@router.post("", response={201: ProductOut, **WRITE_ERRORS})
@permission("products.manage_products")
def create_product(request, payload: ProductCreateIn):
    product = services.create_product(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, product)


@router.patch("/{product_id}", response={200: ProductOut, **WRITE_ERRORS})
@permission("products.manage_products")
def update_product(request, payload: ProductUpdateIn, product_id: int = ID):
    product = get_object_or_404(selectors.product_detail_queryset(request.user), pk=product_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    for field in ("code", "name", "series", "unit", "list_price", "is_active"):
        if field in data and data[field] is None:
            data.pop(field)
    return services.update_product(
        acting_user=request.user, product=product, expected_version=version, changes=data
    )
