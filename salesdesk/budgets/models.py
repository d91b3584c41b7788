"""Sales budgets and the expenses charged to them.

A budget is one unit's money for one expense category in one fiscal year, split into twelve
monthly lines (evenly or by a planning seasonality template; lines can then be edited one by
one). An expense is charged to the budget line of its month: the spender's unit's budget for the
category, or the nearest unit above with one. The line's control mode decides what happens when
an expense would exceed it: ``warn`` lets it through with a stored warning, ``stop`` refuses it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.budgets.querysets import (
    BudgetLineQuerySet,
    BudgetQuerySet,
    ExpenseAttachmentQuerySet,
    ExpenseCategoryQuerySet,
    ExpenseQuerySet,
)
from salesdesk.core.versioning import VersionedModel
from salesdesk.customers.models import Customer
from salesdesk.org.models import Company, OrgUnit, Role
from salesdesk.planning.models import Distribution

MONEY = {"max_digits": 18, "decimal_places": 2}


class ExpenseCategory(VersionedModel):
    """差旅 travel, 招待 entertainment, 市场活动 marketing events… — a company setting."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = ExpenseCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("expense category")
        verbose_name_plural = _("expense categories")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="expense_category_code_unique"),
            models.UniqueConstraint(fields=["company", "name"], name="expense_category_name_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the English name on English pages when there is one."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class ControlMode(models.TextChoices):
    WARN = "warn", _("Warn")
    STOP = "stop", _("Stop")


class SplitMethod(models.TextChoices):
    EVEN = "even", _("Evenly")
    DISTRIBUTION = "distribution", _("Seasonality template")


class Budget(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        ExpenseCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="budgets"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    # The year's total: always the sum of the twelve lines (the services keep it so).
    amount = models.DecimalField(_("amount for the year"), **MONEY)
    split_method = models.CharField(
        _("split"), max_length=20, choices=SplitMethod.choices, default=SplitMethod.EVEN
    )
    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("seasonality template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    control_mode = models.CharField(
        _("control mode"), max_length=10, choices=ControlMode.choices, default=ControlMode.WARN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "unit__path", "category__code"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "category", "fiscal_year"], name="budget_unique_per_unit"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(split_method="distribution") | Q(distribution__isnull=False),
                name="budget_distribution_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.category} · {self.fiscal_year}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgets:budget_detail", args=[self.pk])


class BudgetLine(VersionedModel):
    """One month of a budget. ``month`` is the first day of the calendar month."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="lines"
    )
    month = models.DateField(_("month"))
    fiscal_month = models.PositiveSmallIntegerField(_("month of the fiscal year"))
    amount = models.DecimalField(_("amount"), **MONEY)

    history = HistoricalRecords()
    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        ordering = ["budget", "month"]
        verbose_name = _("budget month")
        verbose_name_plural = _("budget months")
        constraints = [
            models.UniqueConstraint(fields=["budget", "month"], name="budget_line_month_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(fiscal_month__gte=1) & Q(fiscal_month__lte=12), name="budget_line_fiscal_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget} · {self.month:%Y-%m}"

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"


class ExpenseApprovalLimit(models.Model):
    """The largest expense a rung approves on its own; above it the next rung up approves too.
    The director is the top of the line and has no limit."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("position"), max_length=20, choices=Role.choices)
    max_amount = models.DecimalField(_("approves up to"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["max_amount"]
        verbose_name = _("expense approval limit")
        verbose_name_plural = _("expense approval limits")
        constraints = [
            models.UniqueConstraint(fields=["company", "role"], name="expense_limit_unique"),
            models.CheckConstraint(condition=Q(max_amount__gte=0), name="expense_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} ≤ {self.max_amount}"


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


class Expense(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=30)
    spender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("spent by"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    # The spender's unit when the expense was filed: the cost centre it is charged to.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        ExpenseCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="expenses"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    incurred_on = models.DateField(_("incurred on"))
    description = models.CharField(_("description"), max_length=500)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("charged to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    budget_warning = models.CharField(_("budget warning"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ExpenseQuerySet.as_manager()

    class Meta:
        ordering = ["-incurred_on", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [
            models.Index(fields=["company", "status", "incurred_on"], name="expense_status_day"),
            models.Index(fields=["budget_line", "status"], name="expense_line_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="expense_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="expense_paid_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgets:expense_detail", args=[self.pk])


class StepDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SKIPPED = "skipped", _("Not reached")


class ExpenseApproval(models.Model):
    """One sign-off an expense needs, up the spender's reporting line (主管 → 经理 → 总监; a
    director's own expenses go to finance). ``approver`` is the person the step was routed to
    when it was submitted; anyone of that rung or higher above the spender may stand in."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField(_("submission"), default=1)
    sequence = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("position"), max_length=20, choices=Role.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=StepDecision.choices, default=StepDecision.PENDING
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
    spender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )  # copied from the expense, so the database itself refuses a self-approval

    class Meta:
        ordering = ["expense", "round", "sequence"]
        verbose_name = _("expense approval step")
        verbose_name_plural = _("expense approval steps")
        constraints = [
            models.UniqueConstraint(fields=["expense", "round", "sequence"], name="expense_step_unique"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("spender")),
                name="expense_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expense} #{self.round}.{self.sequence} {self.role}"


class ExpenseAttachment(models.Model):
    """A receipt (发票, 小票) or other file of an expense. Served only through the expense's scope."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="expenses/%Y/%m/", max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ExpenseAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["expense", "-uploaded_at", "-id"]
        verbose_name = _("expense attachment")
        verbose_name_plural = _("expense attachments")

    def __str__(self) -> str:
        return self.name
