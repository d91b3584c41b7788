"""From a won deal to goods delivered: contracts and the orders placed under them.

Receivables (invoices, collection plans, payments, credit control) sit on top of this app and
read contracts and orders; nothing here reads receivables. Confirming an order therefore lives in
``receivables.services.confirm_order`` (it needs the customer's credit exposure), and a database
constraint makes that the only way: a confirmed order carries the credit check that cleared it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.customers.models import Customer
from salesdesk.orders.querysets import ContractQuerySet, OrderQuerySet
from salesdesk.org.models import Company
from salesdesk.pipeline.models import Opportunity
from salesdesk.products.models import Product

MONEY = {"max_digits": 18, "decimal_places": 2}


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SIGNED = "signed", _("Signed")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")


class Contract(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("contract number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    amount = models.DecimalField(_("contract value"), **MONEY)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, db_index=True)
    payment_days = models.PositiveSmallIntegerField(_("payment term (days net)"), default=30)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    is_standard_terms = models.BooleanField(_("standard terms"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="contract_number_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False), name="contract_signed_has_date"
            ),
        ]
        indexes = [models.Index(fields=["owner", "signed_on"], name="contract_owner_signed_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:contract_detail", args=[self.pk])


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CREDIT_HOLD = "credit_hold", _("Credit hold")  # over the limit: waits for a credit controller
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PRODUCTION = "in_production", _("In production")
    PAUSED = "paused", _("Paused")
    PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


# Orders in these states count towards the customer's credit exposure until invoiced.
COMMITTED_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.PAUSED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
)


class Order(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("order number"), max_length=40)
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # A repeat order (no new contract) refers to the order it repeats; a supervisor confirms it.
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeat of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    amount = models.DecimalField(_("order value"), **MONEY)
    ordered_on = models.DateField(_("ordered on"), db_index=True)
    promised_on = models.DateField(_("promised delivery"), null=True, blank=True)
    production_progress = models.PositiveSmallIntegerField(_("production progress (%)"), default=0)
    # Set only by receivables.services.confirm_order: who cleared the credit check, and when.
    credit_checked_at = models.DateTimeField(_("credit checked at"), null=True, blank=True)
    credit_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credit checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrderQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ordered_on", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="order_number_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
            models.CheckConstraint(condition=Q(production_progress__lte=100), name="order_progress_percent"),
            # No path to a committed order skips the credit check (see the module docstring).
            models.CheckConstraint(
                condition=Q(status__in=["draft", "credit_hold", "cancelled"])
                | Q(credit_checked_at__isnull=False),
                name="order_committed_after_credit_check",
            ),
        ]
        indexes = [models.Index(fields=["customer", "status"], name="order_customer_status_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:order_detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    # The product's cost when the order was taken, for gross margin (null: unknown).
    unit_cost = models.DecimalField(_("unit cost"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


class Shipment(VersionedModel):
    """One delivery of an order. ``planned_on`` is the date promised to the customer (a delivery
    change request moves it); on time means shipped on or before it."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="shipments"
    )
    sequence = models.PositiveSmallIntegerField(_("shipment no."))
    planned_on = models.DateField(_("planned delivery"))
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True, db_index=True)
    amount = models.DecimalField(_("value shipped"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.PLANNED
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "sequence"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="shipment_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="shipment_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="shipped") | Q(shipped_on__isnull=False), name="shipment_shipped_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} #{self.sequence}"
