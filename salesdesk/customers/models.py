"""The customer archive (客户档案): the four classic parts of a customer card — basic
information, characteristics, business status, transaction status — plus classifications,
contacts, the visit log and the public pool (公海)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.customers.querysets import ContactQuerySet, CustomerQuerySet, VisitQuerySet
from salesdesk.org.models import Company


class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic (战略)")
    KEY = "key", _("Key (重点)")
    POTENTIAL = "potential", _("Potential (潜力)")
    GENERAL = "general", _("General (一般)")


class Nature(models.TextChoices):
    GOVERNMENT = "government", _("Government (政府)")
    SPECIAL = "special", _("Special (特殊)")
    ENTERPRISE = "enterprise", _("Enterprise (普通企业)")
    INDIVIDUAL = "individual", _("Individual (个人)")
    PARTNER = "partner", _("Partner (合作伙伴)")


class Lifecycle(models.TextChoices):
    PROSPECT = "prospect", _("Prospect (潜在)")
    NEW = "new", _("New (新)")
    EXISTING = "existing", _("Existing (老)")
    CHURNED = "churned", _("Churned (流失)")


class ValueClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Customer(VersionedModel):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    # Basic information
    name = models.CharField(_("name"), max_length=200)
    # The name folded for duplicate detection (rules.name_key): case, spaces and full-width forms ignored.
    name_key = models.CharField(max_length=200, editable=False, default="")
    tax_id = models.CharField(_("tax id"), max_length=30, blank=True, help_text=_("统一社会信用代码"))
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.CharField(_("province / region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    year_established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    parent_name = models.CharField(_("subsidiary of"), max_length=200, blank=True)
    # Characteristics
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    sales_capacity = models.TextField(_("sales capacity"), blank=True)
    growth_potential = models.TextField(_("growth potential"), blank=True)
    business_policy = models.TextField(_("business policy"), blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    # Business status
    purchase_history = models.TextField(_("purchase history with us"), blank=True)
    competitor_relations = models.TextField(_("relations with competitors"), blank=True)
    cooperation_attitude = models.TextField(_("attitude to cooperation"), blank=True)
    # Transaction status
    trade_terms = models.TextField(_("trade terms"), blank=True)
    credit_status = models.CharField(_("credit status"), max_length=200, blank=True)
    credit_problems = models.TextField(_("past credit problems"), blank=True)
    # Classifications
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.GENERAL)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices, default=Nature.ENTERPRISE)
    lifecycle = models.CharField(
        _("lifecycle"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    value_class = models.CharField(_("ABC class"), max_length=1, choices=ValueClass.choices, blank=True)
    # Ownership and the public pool: a customer without owner is in the pool.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    last_follow_up_on = models.DateField(_("last follow-up"), null=True, blank=True)
    # The day the pool clock and the visit plan count from: creation, the last follow-up, or the day
    # the current owner got the customer (a claim or a reassignment restarts the clock).
    activity_on = models.DateField(
        _("last follow-up or assignment"), default=timezone.localdate, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_follow_up_on", "activity_on", "name_key"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="customer_external_id_unique"),
            models.UniqueConstraint(
                fields=["company", "tax_id"], condition=~Q(tax_id=""), name="customer_tax_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(pooled_at__isnull=False), name="customer_owned_or_pooled"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "name"], name="customer_name_idx"),
            models.Index(fields=["company", "name_key"], name="customer_name_key_idx"),
            models.Index(fields=["owner", "activity_on"], name="customer_owner_activity_idx"),
            models.Index(fields=["company", "tier", "activity_on"], name="customer_tier_activity_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("customers:customer_detail", args=[self.pk])

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None


class Department(models.TextChoices):
    PURCHASING = "purchasing", _("Purchasing")
    QUALITY = "quality", _("Quality")
    FINANCE = "finance", _("Finance")
    MANAGEMENT = "management", _("Management")
    TECHNICAL = "technical", _("Technical")
    OTHER = "other", _("Other")


class Contact(VersionedModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, default=Department.OTHER
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    # Personal notes on owners and managers: what a rep must know before the meeting.
    character = models.TextField(_("character"), blank=True)
    hobbies = models.TextField(_("hobbies"), blank=True)
    background = models.TextField(_("background"), blank=True)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "external_id"], name="contact_external_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"


class VisitChannel(models.TextChoices):
    ON_SITE = "on_site", _("On-site visit")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting at our office")
    EXHIBITION = "exhibition", _("Exhibition")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Visit(models.Model):
    """A visit or follow-up: planned first, then done (or cancelled), with what came of it."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="visits"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=VisitChannel.choices, default=VisitChannel.ON_SITE
    )
    planned_on = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_on = models.DateField(_("next date"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="visit_done_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "done_on"], name="visit_owner_done_idx"),
            models.Index(fields=["owner", "planned_on"], name="visit_owner_planned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.planned_on}"


class TierPolicy(models.Model):
    """How a tier is served, per company: the service plan, how often someone must follow up,
    and after how many days without follow-up the customer returns to the public pool."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    service_plan = models.CharField(_("service plan"), max_length=300)
    visit_interval_days = models.PositiveSmallIntegerField(_("follow up every (days)"))
    pool_after_days = models.PositiveSmallIntegerField(
        _("returns to the pool after (days without follow-up)")
    )
    warn_days_before = models.PositiveSmallIntegerField(_("warn the owner (days before)"), default=7)

    class Meta:
        verbose_name = _("tier policy")
        verbose_name_plural = _("tier policies")
        constraints = [models.UniqueConstraint(fields=["company", "tier"], name="tier_policy_unique")]

    def __str__(self) -> str:
        return self.get_tier_display()


class CustomerPolicy(models.Model):
    """Company-wide customer rules: ABC cut-offs and the pool's claim limits."""

    company = models.OneToOneField(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    # Cumulative shares of the last 12 months' won value: the top customers making up the first
    # `a_share` percent are A, up to `b_share` percent B, the rest C (Pareto).
    a_share = models.PositiveSmallIntegerField(_("A class: top share of value (%)"), default=70)
    b_share = models.PositiveSmallIntegerField(_("B class: up to share of value (%)"), default=90)
    # Stricter than "customers held from the pool": every claim in the last 30 days counts, even one
    # released again, so claiming and releasing cannot get round the cap.
    pool_claim_cap = models.PositiveSmallIntegerField(
        _("most claims from the pool per rep in 30 days"), default=50
    )
    pool_cooldown_days = models.PositiveSmallIntegerField(
        _("days before a former owner may claim again"), default=30
    )

    class Meta:
        verbose_name = _("customer policy")
        verbose_name_plural = _("customer policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_share__lt=models.F("b_share")) & Q(b_share__lte=100), name="abc_cutoffs_ordered"
            ),
        ]

    def __str__(self) -> str:
        return str(self.company)


class OwnershipReason(models.TextChoices):
    CREATED = "created", _("Created")
    CLAIMED = "claimed", _("Claimed from the pool")
    RELEASED = "released", _("Released to the pool")
    EXPIRED = "expired", _("Returned to the pool: no follow-up")
    REASSIGNED = "reassigned", _("Reassigned")
    IMPORTED = "imported", _("Imported")


class OwnershipChange(models.Model):
    """Every change of a customer's owner, including moves in and out of the pool."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ownership_changes"
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("new owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=OwnershipReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["to_owner", "reason", "changed_at"], name="ownership_claims_idx")]
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")

    def __str__(self) -> str:
        return f"{self.customer}: {self.from_owner} → {self.to_owner}"
