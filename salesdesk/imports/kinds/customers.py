"""Customers and their contacts."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.customers.models import Contact, Customer, Department, Lifecycle, Nature, OwnershipChange, Tier
from salesdesk.imports import rules
from salesdesk.imports.kinds.base import Context, Field, Kind, People, Row, RowError, fetch_by

UNKNOWN_CUSTOMER = gettext_noop("unknown customer")
AMBIGUOUS_CUSTOMER = gettext_noop("more than one customer has this name; use the external id")
TAX_ID_TAKEN = gettext_noop("another customer has this tax id")


def _choices(choices) -> list[tuple[str, list[str]]]:
    return [(code, [str(label)]) for code, label in choices]


class CustomerKind(Kind):
    name = "customers"
    model = Customer
    fields = (
        Field("external_id", _("external id"), rules.text(max_length=64, required=True), required=True),
        Field("name", _("name"), rules.text(max_length=200, required=True), required=True),
        Field("tax_id", _("tax id"), rules.text(max_length=30)),
        Field("industry", _("industry"), rules.text(max_length=100)),
        Field("region", _("province / region"), rules.text(max_length=100)),
        Field("city", _("city"), rules.text(max_length=100)),
        Field("address", _("address"), rules.text(max_length=300)),
        Field("phone", _("phone"), rules.text(max_length=50)),
        Field("website", _("website"), rules.text(max_length=200)),
        Field("legal_representative", _("legal representative"), rules.text(max_length=100)),
        Field("year_established", _("year established"), rules.integer(low=1800, high=2100)),
        Field("parent_name", _("subsidiary of"), rules.text(max_length=200)),
        Field("staff_count", _("staff"), rules.integer()),
        Field("annual_revenue", _("annual revenue (CNY)"), rules.decimal()),
        Field("tier", _("tier"), rules.choice(_choices(Tier.choices))),
        Field("nature", _("nature"), rules.choice(_choices(Nature.choices))),
        Field("lifecycle", _("lifecycle"), rules.choice(_choices(Lifecycle.choices))),
        Field("owner", _("owner"), rules.text(max_length=150)),
    )
    update_fields = (
        "name",
        "tax_id",
        "industry",
        "region",
        "city",
        "address",
        "phone",
        "website",
        "legal_representative",
        "year_established",
        "parent_name",
        "staff_count",
        "annual_revenue",
        "tier",
        "nature",
        "lifecycle",
        "owner",
        "pooled_at",
    )

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        self.people = People(ctx)
        taxed = fetch_by(
            self.existing_queryset(ctx).only("pk", "tax_id", "external_id"),
            "tax_id",
            (r.values.get("tax_id") for r in rows),
        )
        self.tax_ids = {c.tax_id: c.external_id for c in taxed}
        self.previous_owner: dict[int, int | None] = {}

    def build(self, ctx: Context, row: Row) -> tuple[Customer, bool]:
        values = row.values
        owner = self.people.owner("owner", values.get("owner"), ctx.acting_user)
        tax_id = values.get("tax_id")
        if tax_id and self.tax_ids.get(tax_id, values["external_id"]) != values["external_id"]:
            raise RowError("tax_id", TAX_ID_TAKEN)
        customer = self.existing.get(values["external_id"])
        is_new = customer is None
        if is_new:
            customer = Customer(
                company=ctx.company, external_id=values["external_id"], updated_by=ctx.acting_user
            )
        values = {k: v for k, v in values.items() if v is not None and k != "owner"}
        self.assign(customer, values, self.update_fields)
        if "owner" in row.raw or is_new:
            customer.owner, customer.pooled_at = owner, None
        return customer, is_new

    def after_write(self, ctx: Context, created: list, updated: list) -> None:
        OwnershipChange.objects.bulk_create(
            [
                OwnershipChange(customer=c, to_owner=c.owner, reason="imported", changed_by=ctx.acting_user)
                for c in created
            ],
            batch_size=1000,
        )


class CustomerRefs:
    """Customers by external id or (unique) name, loaded with one query per key type."""

    def __init__(self, ctx: Context, keys: list[str]) -> None:
        # Out-of-scope customers do not exist for the importer, as everywhere else.
        visible = Customer.objects.visible_to(ctx.acting_user).filter(company=ctx.company)
        base = visible.only("pk", "name", "external_id", "owner_id")
        self.by_id = {c.external_id: c for c in fetch_by(base, "external_id", keys)}
        self.by_name: dict[str, list[Customer]] = {}
        for c in fetch_by(base, "name", keys):
            self.by_name.setdefault(c.name, []).append(c)

    def find(self, field_name: str, key: Any) -> Customer:
        found = self.by_id.get(key)
        if found:
            return found
        named = self.by_name.get(key, [])
        if len(named) > 1:
            raise RowError(field_name, AMBIGUOUS_CUSTOMER)
        if not named:
            raise RowError(field_name, UNKNOWN_CUSTOMER)
        return named[0]


class ContactKind(Kind):
    name = "contacts"
    model = Contact
    fields = (
        Field("customer", _("customer"), rules.text(max_length=200, required=True), required=True),
        Field("external_id", _("external id"), rules.text(max_length=64, required=True), required=True),
        Field("name", _("name"), rules.text(max_length=100, required=True), required=True),
        Field("title", _("title"), rules.text(max_length=100)),
        Field("department", _("department"), rules.choice(_choices(Department.choices))),
        Field("phone", _("phone"), rules.text(max_length=50)),
        Field("email", _("email"), rules.email),
        Field("wechat", _("WeChat"), rules.text(max_length=100)),
        Field("is_primary", _("primary contact"), rules.boolean),
        Field("is_decision_maker", _("decision maker"), rules.boolean),
    )
    update_fields = (
        "customer",
        "name",
        "title",
        "department",
        "phone",
        "email",
        "wechat",
        "is_primary",
        "is_decision_maker",
    )

    def existing_queryset(self, ctx: Context):
        return Contact.objects.filter(customer__company=ctx.company)

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        self.customers = CustomerRefs(ctx, [r.values["customer"] for r in rows])

    def build(self, ctx: Context, row: Row) -> tuple[Contact, bool]:
        values = row.values
        customer = self.customers.find("customer", values["customer"])
        contact = self.existing.get(values["external_id"])
        is_new = contact is None
        if is_new:
            contact = Contact(external_id=values["external_id"], updated_by=ctx.acting_user)
        self.assign(
            contact,
            {k: v for k, v in values.items() if v is not None and k != "customer"},
            self.update_fields,
        )
        contact.customer = customer
        return contact, is_new
