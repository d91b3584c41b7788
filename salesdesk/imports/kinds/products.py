"""The product catalogue."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.imports import rules
from salesdesk.imports.kinds.base import Context, Field, Kind, Row, RowError, fetch_by
from salesdesk.products.models import Product

CODE_TAKEN = gettext_noop("another product has this code")
NAME_TAKEN = gettext_noop("another product has this name")


class ProductKind(Kind):
    name = "products"
    model = Product
    fields = (
        Field("external_id", _("external id"), rules.text(max_length=64, required=True), required=True),
        Field("code", _("code"), rules.text(max_length=50, required=True), required=True),
        Field("name", _("name"), rules.text(max_length=200, required=True), required=True),
        Field("series", _("series / line"), rules.text(max_length=100)),
        Field("unit", _("unit"), rules.text(max_length=20)),
        Field("list_price", _("list price"), rules.required(rules.decimal()), required=True),
        Field("cost", _("unit cost"), rules.decimal()),
        Field("is_active", _("active"), rules.boolean),
    )
    update_fields = ("code", "name", "series", "unit", "list_price", "cost", "is_active")

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        base = self.existing_queryset(ctx).only("pk", "code", "name", "external_id")
        self.codes = {p.code: p.external_id for p in fetch_by(base, "code", (r.values["code"] for r in rows))}
        self.names = {p.name: p.external_id for p in fetch_by(base, "name", (r.values["name"] for r in rows))}

    def build(self, ctx: Context, row: Row) -> tuple[Product, bool]:
        values = row.values
        key = values["external_id"]
        if self.codes.get(values["code"], key) != key:
            raise RowError("code", CODE_TAKEN)
        if self.names.get(values["name"], key) != key:
            raise RowError("name", NAME_TAKEN)
        product = self.existing.get(key)
        is_new = product is None
        if is_new:
            product = Product(company=ctx.company, external_id=key, updated_by=ctx.acting_user)
        self.assign(product, {k: v for k, v in values.items() if v is not None}, self.update_fields)
        return product, is_new


class ProductRefs:
    """Products by code or name (after aliases), one query for all."""

    UNKNOWN = gettext_noop("unknown product")

    def __init__(self, ctx: Context, keys: list[str]) -> None:
        products = Product.objects.filter(company=ctx.company)
        self.by_code = {p.code: p for p in fetch_by(products, "code", keys)}
        self.by_name = {p.name: p for p in fetch_by(products, "name", keys)}

    def find(self, field_name: str, key: str) -> Product:
        found = self.by_code.get(key) or self.by_name.get(key)
        if found is None:
            raise RowError(field_name, self.UNKNOWN)
        return found
