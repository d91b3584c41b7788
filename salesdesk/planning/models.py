"""Sales plans and the targets they hold.

A plan is one version of a fiscal year's targets (planning → active → archived; one active
version a year). A target is one owner's number for one metric and one period at three levels
(保底 floor / 目标 goal / 冲刺 stretch). Top-down splits record their parent; reps and supervisors
propose their own numbers bottom-up beside them; a change to an active plan's target is an
approved adjustment, so the target in force on any day can be read back.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.org.models import Company, OrgUnit
from salesdesk.planning.querysets import (
    ActionPlanQuerySet,
    AdjustmentQuerySet,
    DistributionQuerySet,
    ProposalQuerySet,
    SalesPlanQuerySet,
    TargetQuerySet,
)

MONEY = {"max_digits": 18, "decimal_places": 2}


class PlanStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class SalesPlan(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    number = models.PositiveSmallIntegerField(_("version"), help_text=_("1, 2, 3… within the fiscal year"))
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.PLANNING
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = SalesPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "-number"]
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")
        constraints = [
            models.UniqueConstraint(fields=["company", "fiscal_year", "number"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["company", "fiscal_year"],
                condition=Q(status="active"),
                name="plan_one_active_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} v{self.number} · {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("planning:plan_detail", args=[self.pk])


class Distribution(VersionedModel):
    """A reusable seasonality template (like ERPNext's Monthly Distribution): twelve weights, one
    per month of the fiscal year, in fiscal order. Targets and budgets are split by it."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    weights = models.JSONField(_("monthly weights"))  # 12 decimal strings, fiscal month order
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = DistributionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="distribution_name_unique")]

    def __str__(self) -> str:
        return self.name


class SplitMethod(models.TextChoices):
    EQUAL = "equal", _("Equal")
    DISTRIBUTION = "distribution", _("Seasonality template")
    LAST_YEAR = "last_year", _("Last year's actual share")
    POTENTIAL = "potential", _("Market potential weights")
    SENIORITY = "seniority", _("By seniority")
    MANUAL = "manual", _("Manual")


class Target(VersionedModel):
    plan = models.ForeignKey(
        SalesPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(_("metric"), max_length=40)
    # A product line for metrics counted per line (quantity sold); "" = all products.
    product_series = models.CharField(_("product series"), max_length=100, blank=True, default="")
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    period_key = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    floor = models.DecimalField(_("floor (保底)"), **MONEY)
    goal = models.DecimalField(_("goal (目标)"), **MONEY)
    stretch = models.DecimalField(_("stretch (冲刺)"), **MONEY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    split_method = models.CharField(
        _("split method"), max_length=20, choices=SplitMethod.choices, blank=True
    )  # how this target was made from its parent

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        indexes = [models.Index(fields=["plan", "metric", "period_key"], name="target_plan_metric_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_unit__isnull=True, owner_user__isnull=False)
                | Q(owner_unit__isnull=False, owner_user__isnull=True),
                name="target_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(floor__gte=0) & Q(goal__gte=F("floor")) & Q(stretch__gte=F("goal")),
                name="target_levels_ordered",
            ),
            models.UniqueConstraint(
                fields=["plan", "metric", "product_series", "owner_unit", "period_key"],
                condition=Q(owner_unit__isnull=False),
                name="target_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["plan", "metric", "product_series", "owner_user", "period_key"],
                condition=Q(owner_user__isnull=False),
                name="target_user_unique",
            ),
        ]

    def __str__(self) -> str:
        measure = f"{self.metric}/{self.product_series}" if self.product_series else self.metric
        return f"{measure} · {self.owner_unit or self.owner_user} · {self.period_key}"


class Proposal(VersionedModel):
    """A bottom-up number: what a rep (for themselves) or a supervisor (for their unit) commits to."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    plan = models.ForeignKey(
        SalesPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="proposals"
    )
    metric = models.CharField(_("metric"), max_length=40)
    # A product line for metrics counted per line (quantity sold); "" = all products.
    product_series = models.CharField(_("product series"), max_length=100, blank=True, default="")
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_key = models.CharField(_("period"), max_length=10)
    amount = models.DecimalField(_("proposed amount"), **MONEY)
    note = models.CharField(_("why this number"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    history = HistoricalRecords()
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["period_key", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_unit__isnull=True, owner_user__isnull=False)
                | Q(owner_unit__isnull=False, owner_user__isnull=True),
                name="proposal_one_owner",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="proposal_amount_not_negative"),
            models.UniqueConstraint(
                fields=["plan", "metric", "product_series", "owner_unit", "period_key"],
                condition=Q(owner_unit__isnull=False),
                name="proposal_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["plan", "metric", "product_series", "owner_user", "period_key"],
                condition=Q(owner_user__isnull=False),
                name="proposal_user_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} · {self.owner_unit or self.owner_user} · {self.period_key}: {self.amount}"


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Adjustment(models.Model):
    """A change to a target of an active plan. It takes effect on ``effective_from`` once approved;
    the target keeps its latest levels and the adjustments keep the earlier ones, so the target in
    force on a past day is the ``old_*`` of the first approved adjustment effective after it."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="adjustments"
    )
    reason = models.CharField(_("reason"), max_length=500)
    effective_from = models.DateField(_("effective from"))
    old_floor = models.DecimalField(_("floor before"), **MONEY)
    old_goal = models.DecimalField(_("goal before"), **MONEY)
    old_stretch = models.DecimalField(_("stretch before"), **MONEY)
    new_floor = models.DecimalField(_("new floor"), **MONEY)
    new_goal = models.DecimalField(_("new goal"), **MONEY)
    new_stretch = models.DecimalField(_("new stretch"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.PENDING
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
    cascaded_from = models.ForeignKey(
        "self",
        verbose_name=_("follows from"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cascaded",
    )  # a parent's approved change re-splits its children: their rows point here

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("target adjustment")
        verbose_name_plural = _("target adjustments")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_floor__gte=0)
                & Q(new_goal__gte=F("new_floor"))
                & Q(new_stretch__gte=F("new_goal")),
                name="adjustment_levels_ordered",
            ),
            # Nobody approves their own request (a cascaded row carries its parent's approver).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | ~Q(decided_by=F("requested_by"))
                | Q(cascaded_from__isnull=False),
                name="adjustment_not_self_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} → {self.new_goal}"


class ActionPlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted for review")
    CHECKED = "checked", _("Checked by supervisor")
    CLOSED = "closed", _("Closed")


class ActionPlan(VersionedModel):
    """行动计划: what a rep behind target will do to close the gap, checked by the supervisor."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.PROTECT, related_name="action_plans"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_plans",
    )
    gap_amount = models.DecimalField(_("gap when planned"), **MONEY)
    summary = models.CharField(_("summary"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionPlanStatus.choices, default=ActionPlanStatus.OPEN
    )
    next_follow_up_on = models.DateField(_("next follow-up"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    supervisor_comment = models.CharField(_("supervisor's comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["next_follow_up_on", "pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(condition=Q(gap_amount__gte=0), name="action_plan_gap_not_negative")
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("planning:action_plan_detail", args=[self.pk])


class ActionItem(models.Model):
    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="items"
    )
    description = models.CharField(_("action"), max_length=300)
    expected_amount = models.DecimalField(_("expected contribution"), default=0, **MONEY)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_amount__gte=0), name="action_item_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description
