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
from salesdesk.org.models import Company, Role
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


class CreditHoldStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CreditHold(VersionedModel):
    """An order that would take the customer over its credit limit, waiting for a credit
    controller. The figures are those of the moment the order was put on hold."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="credit_holds"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="credit_holds"
    )
    order_amount = models.DecimalField(_("order value"), **MONEY)
    exposure = models.DecimalField(_("exposure before the order"), **MONEY)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=CreditHoldStatus.choices, default=CreditHoldStatus.PENDING
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
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("credit hold")
        verbose_name_plural = _("credit holds")
        constraints = [
            # One open hold per order: a second confirmation attempt finds the first one.
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="pending"), name="credit_hold_one_pending_per_order"
            ),
        ]
        indexes = [models.Index(fields=["company", "status"], name="credit_hold_status_idx")]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_status_display()}"


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
    # The milestone a milestone invoice bills; its invoices never exceed the instalment.
    instalment = models.ForeignKey(
        "CollectionInstalment",
        verbose_name=_("instalment"),
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


# =============================================================================================
# Aging, dunning and bad debt (issue 4). Configuration per company: aging buckets with their
# provision percentages, the dunning ladder, and the classification policy. Records: dunning
# notices (one per invoice and step), contact attempts, debt classifications, write-off requests.


class AgingBucket(VersionedModel):
    """One column of the aging report: invoices ``max_days`` or fewer days overdue and more than
    the previous bucket's (the open-ended last bucket has no ``max_days``). The bucket with
    ``max_days = 0`` is "not yet due". ``provision_percent`` of the open amount is provided for."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    max_days = models.IntegerField(_("up to days overdue"), null=True, blank=True)
    provision_percent = models.DecimalField(_("provision (%)"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["company", models.F("max_days").asc(nulls_last=True)]
        verbose_name = _("aging bucket")
        verbose_name_plural = _("aging buckets")
        constraints = [
            models.UniqueConstraint(fields=["company", "max_days"], name="aging_bucket_unique_bound"),
            models.UniqueConstraint(
                fields=["company"], condition=Q(max_days__isnull=True), name="aging_bucket_one_open_ended"
            ),
            models.CheckConstraint(
                condition=Q(provision_percent__gte=0) & Q(provision_percent__lte=100),
                name="aging_bucket_provision_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(max_days__isnull=True) | Q(max_days__gte=0),
                name="aging_bucket_bound_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.max_days}" if self.max_days is not None else "∞"


class DunningLevel(models.TextChoices):
    REP = "rep", _("Collector (rep)")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    DIRECTOR = "director", _("Director")
    LEGAL = "legal", _("Legal")


class DunningStep(VersionedModel):
    """A rung of the dunning ladder (催收升级): at ``days_overdue`` (negative: a reminder that many
    days before the due date) the person at ``notify`` in the collector's reporting line is told.
    A step that has sent notices is never deleted (the notices point at it): it is deactivated,
    and an inactive step is off the ladder."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    days_overdue = models.IntegerField(_("days overdue"))
    notify = models.CharField(_("notify"), max_length=20, choices=DunningLevel.choices)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["company", "days_overdue"]
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning ladder")
        constraints = [
            models.UniqueConstraint(fields=["company", "days_overdue"], name="dunning_step_unique_days"),
        ]

    def __str__(self) -> str:
        return self.name


class CollectionPolicy(VersionedModel):
    """How a company classifies doubtful (呆账) and bad (死账) debt, and who "legal" is."""

    company = models.OneToOneField(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="collection_policy"
    )
    doubtful_after_days = models.PositiveIntegerField(_("doubtful after (days overdue)"), default=180)
    bad_after_days = models.PositiveIntegerField(_("bad after (days overdue)"), default=365)
    legal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Without a named legal contact, the first active employee in this role is notified.
    legal_role = models.CharField(_("legal role"), max_length=20, choices=Role.choices, default=Role.DIRECTOR)

    class Meta:
        verbose_name = _("collection policy")
        verbose_name_plural = _("collection policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(bad_after_days__gt=F("doubtful_after_days")), name="policy_bad_after_doubtful"
            ),
        ]

    def __str__(self) -> str:
        return str(self.company)


class DunningNotice(models.Model):
    """Invoice ``invoice`` reached ``step``; ``notified`` was told. One per invoice and step, so
    the daily run is idempotent."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="dunning_notices")
    step = models.ForeignKey(DunningStep, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+")
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("notified"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=20, choices=DunningLevel.choices)
    days_overdue = models.IntegerField(_("days overdue"))
    run_on = models.DateField(_("date"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["invoice", "run_on", "id"]
        verbose_name = _("dunning notice")
        verbose_name_plural = _("dunning notices")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "step"], name="dunning_notice_once_per_step"),
        ]
        indexes = [models.Index(fields=["notified", "run_on"], name="dunning_notified_idx")]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.step}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    PROMISED = "promised", _("Promised to pay")
    DISPUTED = "disputed", _("Disputed")
    REFUSED = "refused", _("Refused")


class ContactAttempt(models.Model):
    """A try to collect an invoice (催款记录): append-only."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="contact_attempts")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices)
    promised_amount = models.DecimalField(_("promised amount"), null=True, blank=True, **MONEY)
    promised_on = models.DateField(_("promised date"), null=True, blank=True)
    next_action_on = models.DateField(_("next action"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_amount__isnull=True) | Q(promised_amount__gt=0),
                name="contact_promised_amount_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["invoice", "at"], name="contact_invoice_at_idx"),
            models.Index(fields=["promised_on"], name="contact_promised_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.at:%Y-%m-%d}"


class DebtClassification(models.Model):
    """A change of an invoice's debt class, by rule (``by`` empty) or by hand with a reason."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="debt_classifications")
    debt_class = models.CharField(_("debt class"), max_length=10, choices=DebtClass.choices)
    previous_class = models.CharField(_("previous class"), max_length=10, choices=DebtClass.choices)
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    classified_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-classified_on", "-id"]
        verbose_name = _("debt classification")
        verbose_name_plural = _("debt classifications")

    def __str__(self) -> str:
        return f"{self.invoice} → {self.debt_class}"


class WriteOffStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class WriteOffRequest(models.Model):
    """Writing an invoice's open amount off as bad debt: finance requests, a director approves
    (never the requester). ``amount`` is the open amount when requested; the approval date is the
    date of the write-off, which the bad_debt_amount metric reads."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="write_off_requests")
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=WriteOffStatus.choices, default=WriteOffStatus.PENDING
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
    written_off_on = models.DateField(_("written off on"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("write-off request")
        verbose_name_plural = _("write-off requests")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=Q(status="pending"), name="write_off_one_pending_per_invoice"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="write_off_amount_positive"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="write_off_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(written_off_on__isnull=False),
                name="write_off_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.amount}"
