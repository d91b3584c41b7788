"""Leads and opportunities: the path 线索 → 需求调研 → 方案报价 → 商务谈判 → 赢单 / 输单."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.customers.models import Contact, Customer
from salesdesk.org.models import Company, OrgUnit
from salesdesk.pipeline.querysets import LeadQuerySet, OpportunityQuerySet
from salesdesk.products.models import Product


class LeadSource(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition")
    SALON = "salon", _("Industry salon")
    REFERRAL = "referral", _("Referral")
    WEBSITE = "website", _("Website")
    CAMPAIGN = "campaign", _("Campaign")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class Lead(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    company_name = models.CharField(_("company name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    region = models.CharField(_("province / region"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.OTHER
    )
    campaign = models.CharField(_("campaign"), max_length=200, blank=True)
    need = models.TextField(_("need"), blank=True)
    estimated_amount = models.DecimalField(
        _("estimated amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Unassigned leads of a team are handed out round-robin."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    disqualify_reason = models.CharField(_("reason"), max_length=200, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # When the current owner got the lead: round-robin hands the next one to the rep after the last.
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="lead_external_id_unique"),
        ]
        indexes = [models.Index(fields=["team", "assigned_at"], name="lead_team_assigned_idx")]

    def __str__(self) -> str:
        return self.company_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pipeline:lead_detail", args=[self.pk])


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")
    OMITTED = "omitted", _("Omitted")


class StageOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Stage(models.Model):
    """A pipeline stage, configurable per company. Exactly one won and one lost stage close deals."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("order"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    forecast_category = models.CharField(
        _("forecast category"), max_length=20, choices=ForecastCategory.choices
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="stage_code_unique"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_percent"),
            models.UniqueConstraint(
                fields=["company", "outcome"], condition=~Q(outcome="open"), name="stage_one_won_one_lost"
            ),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name


class LossReason(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loss reason")
        verbose_name_plural = _("loss reasons")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="loss_reason_unique")]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name


class Opportunity(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # Imported deals may come without a customer (early prospecting); new ones always have one.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    lead = models.ForeignKey(
        Lead,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"))
    expected_close_on = models.DateField(_("expected close"), null=True, blank=True)
    engaged_on = models.DateField(_("engaged on"), db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    loss_reason = models.ForeignKey(
        LossReason,
        verbose_name=_("loss reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    loss_note = models.TextField(_("loss note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-engaged_on", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="opportunity_external_id_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_not_negative"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="opportunity_probability_percent"),
        ]
        indexes = [
            models.Index(fields=["owner", "closed_on"], name="opportunity_owner_closed_idx"),
            models.Index(fields=["customer", "closed_on"], name="opp_customer_closed_idx"),
            models.Index(fields=["company", "stage", "closed_on"], name="opportunity_stage_closed_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("pipeline:opportunity_detail", args=[self.pk])


class OpportunityLine(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="opportunity_line_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class StageChange(models.Model):
    """Each move of an opportunity between stages, for the funnel, conversion and cycle times."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"


class CreditSplit(models.Model):
    """Who gets credit for a deal, in percent (the rows add up to 100). Targets and commission
    read these; a deal without rows credits its owner fully."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="credit_splits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("credit split")
        verbose_name_plural = _("credit splits")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user"], name="credit_split_once_per_person"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="credit_split_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.percent}%"
