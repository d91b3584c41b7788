"""The price policy over HTTP: price lists with their prices and floors, discount limits."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, WRITE_ERRORS, InputSchema
from salesdesk.orders import selectors, services
from salesdesk.orders.api.common import ID, MONEY, PERCENT, VERSION, router
from salesdesk.products import selectors as products


class PriceListOut(Schema):
    id: int
    name: str
    customer_tier: str
    region: str
    is_active: bool
    version: int


class PriceListItemOut(Schema):
    product_id: int
    price: Decimal
    floor_price: Decimal


class PriceListDetailOut(PriceListOut):
    items: list[PriceListItemOut]


class PriceListCreateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    customer_tier: str = Field("", max_length=20, description="a customer tier code; empty: every tier")
    region: str = Field("", max_length=100, description="a province / region; empty: every region")
    is_active: bool = True


class PriceListUpdateIn(InputSchema):
    version: int = VERSION
    name: str | None = Field(None, min_length=1, max_length=100)
    customer_tier: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=100)
    is_active: bool | None = None


class PriceIn(InputSchema):
    price: Decimal = Field(..., **MONEY)
    floor_price: Decimal = Field(..., **MONEY)


class DiscountLimitsOut(Schema):
    rep: Decimal
    supervisor: Decimal
    manager: Decimal
    director: Decimal


class DiscountLimitsIn(InputSchema):
    rep: Decimal | None = Field(None, **PERCENT)
    supervisor: Decimal | None = Field(None, **PERCENT)
    manager: Decimal | None = Field(None, **PERCENT)
    director: Decimal | None = Field(None, **PERCENT)


def _price_list(request, price_list_id: int):
    return get_object_or_404(selectors.price_lists(request.user), pk=price_list_id)


def _price_list_out(price_list) -> dict:
    return PriceListOut.from_orm(price_list).model_dump() | {
        "items": list(selectors.price_list_items(price_list))
    }


@router.get("/price-lists", response={200: list[PriceListOut], **ERRORS})
@permission("orders.view_orders")
def list_price_lists(request):
    return list(selectors.price_lists(request.user)[:500])


@router.get("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **ERRORS})
@permission("orders.view_orders")
def get_price_list(request, price_list_id: int = ID):
    return _price_list_out(_price_list(request, price_list_id))


@router.post("/price-lists", response={201: PriceListDetailOut, **WRITE_ERRORS})
@permission("orders.manage_price_lists")
def create_price_list(request, payload: PriceListCreateIn):
    price_list = services.create_price_list(
        acting_user=request.user, company=selectors.company_of(request.user), **payload.model_dump()
    )
    return Status(201, _price_list_out(_price_list(request, price_list.pk)))


@router.patch("/price-lists/{price_list_id}", response={200: PriceListDetailOut, **WRITE_ERRORS})
@permission("orders.manage_price_lists")
def update_price_list(request, payload: PriceListUpdateIn, price_list_id: int = ID):
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = data.pop("version")
    services.update_price_list(
        acting_user=request.user,
        price_list=_price_list(request, price_list_id),
        expected_version=version,
        changes=data,
    )
    return _price_list_out(_price_list(request, price_list_id))


@router.put(
    "/price-lists/{price_list_id}/items/{product_id}", response={200: PriceListDetailOut, **WRITE_ERRORS}
)
@permission("orders.manage_price_lists")
def set_price(request, payload: PriceIn, price_list_id: int = ID, product_id: int = ID):
    price_list = _price_list(request, price_list_id)
    product = get_object_or_404(products.product_list(request.user), pk=product_id)
    services.set_price(
        acting_user=request.user,
        price_list=price_list,
        product=product,
        price=payload.price,
        floor_price=payload.floor_price,
    )
    return _price_list_out(price_list)


@router.get("/settings/discount-limits", response={200: DiscountLimitsOut, **ERRORS})
@permission("orders.view_orders")
def get_discount_limits(request):
    return selectors.discount_limits(selectors.company_of(request.user).pk)


@router.put("/settings/discount-limits", response={200: DiscountLimitsOut, **WRITE_ERRORS})
@permission("orders.configure_orders")
def set_discount_limits(request, payload: DiscountLimitsIn):
    limits = {k: v for k, v in payload.model_dump().items() if v is not None}
    return services.set_discount_limits(
        acting_user=request.user, company=selectors.company_of(request.user), limits=limits
    )
