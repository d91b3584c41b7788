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
from salesdesk.orders.querysets import (
    ContractQuerySet,
    DeliveryChangeQuerySet,
    OrderQuerySet,
    QuoteQuerySet,
)
from salesdesk.org.models import Company, Role
from salesdesk.pipeline.models import Opportunity
from salesdesk.products.models import PriceList, Product

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
    quote = models.ForeignKey(
        "Quote",
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    # The contract this one renews: the renewal rate of strategic customers counts these.
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    # Ended early by a manager (services.terminate_contract): when, why and by whom.
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.CharField(_("termination reason"), max_length=500, blank=True)
    terminated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("terminated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
            models.CheckConstraint(
                condition=~Q(status="terminated") | Q(terminated_on__isnull=False),
                name="contract_terminated_has_date",
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
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Orders in these states count towards the customer's credit exposure until invoiced.
COMMITTED_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.PAUSED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
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
    # While paused: the status to resume to, and why the customer asked for the pause.
    paused_from = models.CharField(_("paused from"), max_length=20, choices=OrderStatus.choices, blank=True)
    pause_reason = models.CharField(_("pause reason"), max_length=300, blank=True)
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


class FirstValueDateField(models.DateField):
    """A date copied from another field of the row when the row is inserted and never changed by
    later saves: what ``auto_now_add`` does with the clock, done with a field. It holds on every
    insert path (``save()``, ``create()``, ``bulk_create()``) because Django asks ``pre_save`` for
    each inserted row."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if add and value is None:
            value = getattr(model_instance, self.source)
            setattr(model_instance, self.attname, value)
        return value


class Shipment(VersionedModel):
    """One delivery of an order. ``planned_on`` is the date currently planned (an approved
    delivery change moves it); ``original_planned_on`` the date first promised to the customer,
    fixed when the shipment is made. On time means shipped on or before the original promise, so
    moving a date does not turn a late delivery into an on-time one."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="shipments"
    )
    sequence = models.PositiveSmallIntegerField(_("shipment no."))
    planned_on = models.DateField(_("planned delivery"))
    original_planned_on = FirstValueDateField(_("originally promised"), source="planned_on")
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


class DocumentSequence(models.Model):
    """The last number handed out per company, document kind and year. Incremented with a
    conditional UPDATE inside the creating transaction, so two people never get the same number."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "prefix", "year"], name="orders_document_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class DiscountLimit(models.Model):
    """The largest discount (percent off the price-list price) a position grants without approval."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("position"), max_length=20, choices=Role.choices)
    max_discount_percent = models.DecimalField(_("discount limit (%)"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["max_discount_percent"]
        verbose_name = _("discount limit")
        verbose_name_plural = _("discount limits")
        constraints = [
            models.UniqueConstraint(fields=["company", "role"], name="discount_limit_unique"),
            models.CheckConstraint(
                condition=Q(max_discount_percent__gte=0) & Q(max_discount_percent__lte=100),
                name="discount_limit_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.max_discount_percent}%"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted")  # a contract was made from it


class Quote(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("quote number"), max_length=40)
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT, related_name="quotes"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="quotes"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="quotes"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT
    )
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("price list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"))
    list_total = models.DecimalField(_("list total"), **MONEY, default=0)
    amount = models.DecimalField(_("quote total"), **MONEY, default=0)
    # The largest line discount, percent: it decides who must approve the quote.
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    approver_role = models.CharField(_("approval by"), max_length=20, choices=Role.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="quote_number_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quote_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:quote_detail", args=[self.pk])


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    list_price = models.DecimalField(_("list price"), **MONEY)
    floor_price = models.DecimalField(_("floor price"), null=True, blank=True, **MONEY)
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["quote", "id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="quote_line_discount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class QuoteApproval(models.Model):
    """One request to approve a quote's discount and its outcome."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="approvals")
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)
    approver_role = models.CharField(_("approval by"), max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["quote", "requested_at", "id"]
        verbose_name = _("quote approval")
        verbose_name_plural = _("quote approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["quote"], condition=Q(decision="pending"), name="quote_one_pending_approval"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quote} {self.decision}"


class ContractReviewStep(VersionedModel):
    """A configurable step of contract review: who reviews, and for which contracts (from an
    amount up; or only when the terms are not the standard ones). Contracts already in review
    keep the steps they were given when submitted (ContractReview copies them)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    sequence = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    reviewer_role = models.CharField(_("reviewer position"), max_length=20, choices=Role.choices)
    # A named reviewer (e.g. the legal counsel) overrides the position.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_amount = models.DecimalField(_("from contract value"), **MONEY, default=0)
    only_non_standard = models.BooleanField(_("only for non-standard terms"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["company", "sequence", "id"]
        verbose_name = _("contract review step")
        verbose_name_plural = _("contract review steps")
        constraints = [
            models.UniqueConstraint(fields=["company", "sequence"], name="review_step_sequence_unique"),
            models.CheckConstraint(condition=Q(min_amount__gte=0), name="review_step_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Steps are edited together, on the contract review settings page."""
        from django.urls import reverse

        return reverse("orders:review_steps")


class ContractReview(models.Model):
    """One step of one round of a contract's review (a round starts at each submission)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    sequence = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("step"), max_length=100)
    reviewer_role = models.CharField(_("reviewer position"), max_length=20, choices=Role.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["contract", "round", "sequence", "id"]
        verbose_name = _("contract review")
        verbose_name_plural = _("contract reviews")
        constraints = [
            models.UniqueConstraint(fields=["contract", "round", "sequence"], name="contract_review_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.name}"


class ContractComment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "created_at", "id"]
        verbose_name = _("contract comment")
        verbose_name_plural = _("contract comments")

    def __str__(self) -> str:
        return f"{self.contract}: {self.body[:30]}"


class ContractVersion(models.Model):
    """A snapshot of a contract's terms, taken when it is created and each time its terms change."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    terms = models.JSONField(_("terms"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "-number"]
        verbose_name = _("contract version")
        verbose_name_plural = _("contract versions")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique")]

    def __str__(self) -> str:
        return f"{self.contract} v{self.number}"


class ContractAttachment(models.Model):
    """A file of a contract (scans, annexes). Served only through the contract's access check."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["contract", "-uploaded_at", "-id"]
        verbose_name = _("contract attachment")
        verbose_name_plural = _("contract attachments")

    def __str__(self) -> str:
        return self.name


class OrderEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SHIPMENTS_SET = "shipments_set", _("Delivery schedule changed")
    PRODUCTION_STARTED = "production_started", _("Production started")
    PROGRESS = "progress", _("Production progress")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    SHIPPED = "shipped", _("Shipment shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DELIVERY_CHANGE = "delivery_change", _("Delivery date changed")


class OrderEvent(models.Model):
    """The order's log: every transition with who, when and why (pauses and their reasons too)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=OrderEventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"


class DeliveryChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DeliveryChangeRequest(VersionedModel):
    """A rep's request to move a shipment's delivery date; a manager decides."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="delivery_changes"
    )
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="delivery_changes"
    )
    old_date = models.DateField(_("current date"))
    new_date = models.DateField(_("requested date"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryChangeStatus.choices, default=DeliveryChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    objects = DeliveryChangeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("delivery change request")
        verbose_name_plural = _("delivery change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["shipment"], condition=Q(status="pending"), name="delivery_change_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} #{self.shipment.sequence}: {self.old_date} → {self.new_date}"

    def get_absolute_url(self) -> str:
        """A request is decided on its order's page."""
        from django.urls import reverse

        return reverse("orders:order_detail", args=[self.order_id])
