"""Money coming in: credit profiles, invoices, collection plans, payments and their allocations.

The ledger is signed and append-only where money is concerned: an allocation is never edited,
a reversal is a negative allocation. ``Invoice.allocated`` and ``Payment.allocated`` are running
sums kept in the same transaction as the allocation rows, so a CHECK constraint (allocated never
above the amount) refuses over-allocation inside the database even when two postings race.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.customers.models import Customer
from salesdesk.orders.models import Contract, Order, Shipment
from salesdesk.org.models import Company
from salesdesk.receivables.querysets import CreditProfileQuerySet, InvoiceQuerySet, PaymentQuerySet

MONEY = {"max_digits": 18, "decimal_places": 2}


class CreditRating(models.TextChoices):
    A = "A", _("A: excellent")
    B = "B", _("B: good")
    C = "C", _("C: watch")
    D = "D", _("D: cash only")


class CreditProfile(VersionedModel):
    """A customer's credit: rating, limit and agreed terms. Exposure = open invoices + confirmed
    orders not yet invoiced − unapplied prepayments (computed, never stored)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="credit_profile"
    )
    rating = models.CharField(_("credit rating"), max_length=1, choices=CreditRating.choices, default="B")
    credit_limit = models.DecimalField(_("credit limit"), **MONEY)
    payment_days = models.PositiveSmallIntegerField(_("payment term (days net)"), default=30)
    note = models.TextField(_("note"), blank=True)

    objects = CreditProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")
        constraints = [
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="credit_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.rating}"


class InvoiceBasis(models.TextChoices):
    SHIPMENT = "shipment", _("On shipment")
    MILESTONE = "milestone", _("On milestone")
    CONTRACT = "contract", _("On contract")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    WRITTEN_OFF = "written_off", _("Written off")
    CANCELLED = "cancelled", _("Cancelled")


class DebtClass(models.TextChoices):
    NORMAL = "normal", _("Normal")
    DOUBTFUL = "doubtful", _("Doubtful (呆账)")
    BAD = "bad", _("Bad (死账)")


class Invoice(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("invoice number"), max_length=40)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("shipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    # Who chases the money: the contract's or order's owner when invoiced; reassignable.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collector"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    basis = models.CharField(_("invoiced"), max_length=20, choices=InvoiceBasis.choices)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    allocated = models.DecimalField(_("settled"), default=0, **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    debt_class = models.CharField(_("debt class"), max_length=10, choices=DebtClass.choices, default="normal")
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="invoice_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(allocated__lte=F("amount")),
                name="invoice_never_over_allocated",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="invoice_due_after_issue"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "due_on"], name="invoice_open_due_idx"),
            models.Index(fields=["owner", "status", "due_on"], name="invoice_owner_due_idx"),
            models.Index(fields=["customer", "status"], name="invoice_customer_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("receivables:invoice_detail", args=[self.pk])


class CollectionInstalment(VersionedModel):
    """One line of a contract's collection plan (回款计划). The plan never exceeds the contract."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="collection_plan"
    )
    sequence = models.PositiveSmallIntegerField(_("instalment no."))
    due_on = models.DateField(_("planned date"), db_index=True)
    amount = models.DecimalField(_("planned amount"), **MONEY)
    remind_days_before = models.PositiveSmallIntegerField(_("remind (days before)"), default=7)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("collection instalment")
        verbose_name_plural = _("collection plan")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="instalment_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} #{self.sequence}"


class PaymentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")  # money in
    CREDIT_NOTE = "credit_note", _("Credit note")  # settles invoices without money
    REFUND = "refund", _("Refund")  # money back out of an unapplied balance


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    ACCEPTANCE = "acceptance", _("Bank acceptance bill")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=40)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=PaymentKind.choices, default=PaymentKind.RECEIPT
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, default="bank")
    received_on = models.DateField(_("date"), db_index=True)
    # Receipts and credit notes are positive; a refund is negative (money leaving).
    amount = models.DecimalField(_("amount"), **MONEY)
    allocated = models.DecimalField(_("allocated"), default=0, **MONEY)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="payment_number_unique"),
            models.CheckConstraint(
                condition=(Q(kind="refund") & Q(amount__lt=0)) | (~Q(kind="refund") & Q(amount__gt=0)),
                name="payment_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & (Q(kind="refund") | Q(allocated__lte=F("amount"))),
                name="payment_never_over_allocated",
            ),
        ]
        indexes = [models.Index(fields=["customer", "received_on"], name="payment_customer_date_idx")]

    def __str__(self) -> str:
        return self.number


class Allocation(models.Model):
    """Part of a payment applied to an invoice. Append-only: a reversal is a negative row."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)
    applied_on = models.DateField(_("applied on"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["applied_on", "id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero")]
        indexes = [models.Index(fields=["invoice", "applied_on"], name="allocation_invoice_date_idx")]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"
