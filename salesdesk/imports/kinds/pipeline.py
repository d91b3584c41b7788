"""Leads and opportunities."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.core import bulk
from salesdesk.imports import rules
from salesdesk.imports.kinds.base import Context, Field, Kind, People, Row, RowError, chunks
from salesdesk.imports.kinds.customers import CustomerRefs
from salesdesk.imports.kinds.products import ProductRefs
from salesdesk.org.models import OrgUnit
from salesdesk.pipeline import services as pipeline_services
from salesdesk.pipeline.models import (
    Lead,
    LeadSource,
    LeadStatus,
    Opportunity,
    OpportunityLine,
    Stage,
    StageChange,
    StageOutcome,
)

UNKNOWN_STAGE = gettext_noop("unknown stage")
UNKNOWN_UNIT = gettext_noop("unknown org unit")
NO_CUSTOMER = gettext_noop("no customer: the deal is imported without one")
NO_ENGAGE_DATE = gettext_noop("no engage date: the import date is used")
CLOSED_NEEDS_DATE = gettext_noop("a won or lost deal needs a close date")
OPEN_HAS_CLOSE_DATE = gettext_noop("an open deal cannot have a close date")
CLOSE_BEFORE_ENGAGE = gettext_noop("the close date is before the engage date")


def _fold(value: str) -> str:
    return value.strip().lower()


class OpportunityKind(Kind):
    name = "opportunities"
    model = Opportunity
    fields = (
        Field("external_id", _("external id"), rules.text(max_length=64, required=True), required=True),
        Field("name", _("name"), rules.text(max_length=200)),
        Field("customer", _("customer"), rules.text(max_length=200)),
        Field("owner", _("owner"), rules.text(max_length=150)),
        Field("stage", _("stage"), rules.text(max_length=50, required=True), required=True),
        Field("product", _("product"), rules.text(max_length=200)),
        Field("amount", _("amount"), rules.decimal()),
        Field("probability", _("probability (%)"), rules.integer(high=100)),
        Field("engaged_on", _("engaged on"), rules.parse_date),
        Field("closed_on", _("closed on"), rules.parse_date),
        Field("expected_close_on", _("expected close"), rules.parse_date),
        Field("competitor", _("competitor"), rules.text(max_length=200)),
        Field("loss_note", _("loss note"), rules.text(max_length=2000)),
    )
    update_fields = (
        "name",
        "customer",
        "owner",
        "stage",
        "amount",
        "probability",
        "engaged_on",
        "closed_on",
        "expected_close_on",
        "competitor",
        "loss_note",
    )

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        pipeline_services.ensure_stages(ctx.company)
        self.stages: dict[str, Stage] = {}
        for stage in Stage.objects.filter(company=ctx.company):
            self.stages.update(
                {_fold(stage.code): stage, _fold(stage.name): stage, _fold(stage.name_en): stage}
            )
        self.people = People(ctx)
        self.customers = CustomerRefs(ctx, [r.values["customer"] for r in rows if r.values.get("customer")])
        self.products = ProductRefs(ctx, [r.values["product"] for r in rows if r.values.get("product")])
        self.lines: dict[int, tuple] = {}  # id(opportunity) → (product, amount)
        self.previous_stage: dict[int, int] = {}

    def build(self, ctx: Context, row: Row) -> tuple[Opportunity, bool]:
        values = row.values
        stage = self.stages.get(_fold(values["stage"]))
        if stage is None:
            raise RowError("stage", UNKNOWN_STAGE)
        owner = self.people.owner("owner", values.get("owner"), ctx.acting_user)
        customer = None
        if values.get("customer"):
            customer = self.customers.find("customer", values["customer"])
        product = self.products.find("product", values["product"]) if values.get("product") else None
        engaged_on, closed_on = values.get("engaged_on"), values.get("closed_on")
        if stage.outcome != StageOutcome.OPEN and closed_on is None:
            raise RowError("closed_on", CLOSED_NEEDS_DATE)
        if stage.outcome == StageOutcome.OPEN and closed_on is not None:
            raise RowError("closed_on", OPEN_HAS_CLOSE_DATE)
        if engaged_on and closed_on and closed_on < engaged_on:
            raise RowError("closed_on", CLOSE_BEFORE_ENGAGE)
        if customer is None:
            ctx.warn(row, "customer", NO_CUSTOMER)
        opportunity = self.existing.get(values["external_id"])
        is_new = opportunity is None
        if is_new:
            opportunity = Opportunity(
                company=ctx.company, external_id=values["external_id"], updated_by=ctx.acting_user
            )
        else:
            self.previous_stage[opportunity.pk] = opportunity.stage_id
        if engaged_on is None and is_new:
            ctx.warn(row, "engaged_on", NO_ENGAGE_DATE)
            engaged_on = ctx.today
        elif engaged_on is None:
            engaged_on = opportunity.engaged_on
        amount = values.get("amount") or 0
        name = values.get("name") or " · ".join(
            str(part) for part in (product, customer or values["external_id"]) if part
        )
        opportunity.name = name[:200]
        opportunity.customer = customer
        opportunity.owner = owner
        opportunity.stage = stage
        opportunity.amount = amount
        opportunity.probability = (
            values["probability"] if values.get("probability") is not None else stage.probability
        )
        opportunity.engaged_on = engaged_on
        opportunity.closed_on = closed_on
        for optional in ("expected_close_on", "competitor", "loss_note"):
            if values.get(optional) is not None:
                setattr(opportunity, optional, values[optional])
        if product is not None:
            self.lines[id(opportunity)] = (product, amount)
        return opportunity, is_new

    def after_write(self, ctx: Context, created: list, updated: list) -> None:
        if updated:
            for part in chunks([o.pk for o in updated if id(o) in self.lines]):
                OpportunityLine.objects.filter(opportunity__in=part).delete()
        bulk.insert(
            OpportunityLine,
            ["opportunity_id", "product_id", "quantity", "unit_price", "amount"],
            (
                (o.pk, product.pk, 1, amount, amount)
                for o in [*created, *updated]
                if id(o) in self.lines
                for product, amount in [self.lines[id(o)]]
            ),
        )
        tz = timezone.get_current_timezone()
        now = bulk.timestamp(ctx.now)

        def moved_at(o: Opportunity):
            day = o.closed_on or o.engaged_on
            return bulk.timestamp(timezone.make_aware(datetime.combine(day, datetime.min.time()), tz))

        changes = [(o.pk, None, o.stage_id, moved_at(o), ctx.acting_user.pk) for o in created]
        changes += [
            (o.pk, self.previous_stage[o.pk], o.stage_id, now, ctx.acting_user.pk)
            for o in updated
            if self.previous_stage.get(o.pk) != o.stage_id
        ]
        columns = ["opportunity_id", "from_stage_id", "to_stage_id", "changed_at", "changed_by_id"]
        bulk.insert(StageChange, columns, changes)


def _lead_choices(choices) -> list[tuple[str, list[str]]]:
    return [(code, [str(label)]) for code, label in choices]


class LeadKind(Kind):
    name = "leads"
    model = Lead
    fields = (
        Field("external_id", _("external id"), rules.text(max_length=64, required=True), required=True),
        Field("company_name", _("company name"), rules.text(max_length=200, required=True), required=True),
        Field("contact_name", _("contact name"), rules.text(max_length=100)),
        Field("contact_title", _("contact title"), rules.text(max_length=100)),
        Field("phone", _("phone"), rules.text(max_length=50)),
        Field("email", _("email"), rules.email),
        Field("region", _("province / region"), rules.text(max_length=100)),
        Field("industry", _("industry"), rules.text(max_length=100)),
        Field("source", _("source"), rules.choice(_lead_choices(LeadSource.choices))),
        Field("campaign", _("campaign"), rules.text(max_length=200)),
        Field("need", _("need"), rules.text(max_length=5000)),
        Field("estimated_amount", _("estimated amount"), rules.decimal()),
        Field("team", _("team"), rules.text(max_length=100)),
        Field("owner", _("owner"), rules.text(max_length=150)),
        Field("status", _("status"), rules.choice(_lead_choices(LeadStatus.choices))),
        Field("created_at", _("created at"), rules.parse_datetime),
    )
    update_fields = (
        "company_name",
        "contact_name",
        "contact_title",
        "phone",
        "email",
        "region",
        "industry",
        "source",
        "campaign",
        "need",
        "estimated_amount",
        "team",
        "owner",
        "status",
        "created_at",
    )

    def prepare(self, ctx: Context, rows: list[Row]) -> None:
        super().prepare(ctx, rows)
        self.people = People(ctx)
        self.units: dict[str, OrgUnit] = {}
        for unit in OrgUnit.objects.filter(company=ctx.company):
            self.units.setdefault(_fold(unit.code), unit)
            self.units.setdefault(_fold(unit.name), unit)

    def build(self, ctx: Context, row: Row) -> tuple[Lead, bool]:
        values = dict(row.values)
        team = None
        if values.get("team"):
            team = self.units.get(_fold(values["team"]))
            if team is None:
                raise RowError("team", UNKNOWN_UNIT)
        owner = None
        if values.get("owner") or team is None:
            owner = self.people.owner("owner", values.get("owner"), ctx.acting_user)
        created_at = values.get("created_at")
        values["created_at"] = (
            timezone.make_aware(created_at) if created_at and timezone.is_naive(created_at) else created_at
        )
        lead = self.existing.get(values["external_id"])
        is_new = lead is None
        if is_new:
            lead = Lead(
                company=ctx.company,
                external_id=values["external_id"],
                created_at=ctx.now,
                updated_by=ctx.acting_user,
            )
        self.assign(
            lead,
            {k: v for k, v in values.items() if v is not None and k not in ("team", "owner")},
            self.update_fields,
        )
        lead.team, lead.owner = team, owner
        return lead, is_new
