import hashlib
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.access import AccessProfile, DataScope
from salesdesk.core.versioning import VersionedModel
from salesdesk.org.querysets import DelegationQuerySet, EmployeeQuerySet


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    SUPERVISOR = "supervisor", _("Sales supervisor")
    MANAGER = "manager", _("Sales manager")
    DIRECTOR = "director", _("Sales director")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("System administrator")


# The data scope each position starts with; admins change it per position.
DEFAULT_SCOPES = {
    Role.REP: DataScope.OWN,
    Role.SUPERVISOR: DataScope.SUBORDINATES,
    Role.MANAGER: DataScope.SUBTREE,
    Role.DIRECTOR: DataScope.ALL,
    Role.FINANCE: DataScope.OWN,
    Role.ADMIN: DataScope.ALL,
}


class User(AbstractUser):
    """A person who signs in. Everything about their job lives on Employee."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    preferred_language = models.CharField(_("language"), max_length=10, blank=True)

    objects = DjangoUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def access_profile(self) -> AccessProfile:
        from salesdesk.org.selectors import access_profile_for

        return access_profile_for(self)


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGION = "region", _("Region")
    TEAM = "team", _("Team")
    DEPARTMENT = "department", _("Department")


class OrgUnit(models.Model):
    """A node of the org tree (company > region > team, any depth). ``path`` is the
    materialized chain of ids ("/1/4/9/") so a subtree is one indexed prefix match."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="orgunit_code_unique_per_company"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="orgunit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A role in the sales organisation and the data scope that comes with it."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    data_scope = models.CharField(_("data scope"), max_length=20, choices=DataScope.choices)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher ranks lead lower ones.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-rank"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.get_role_display()


class Level(models.TextChoices):
    NEW = "new", _("New (新人)")
    GROWING = "growing", _("Growing (成长)")
    SENIOR = "senior", _("Senior (资深)")


class CareerTrack(models.TextChoices):
    MANAGEMENT = "management", _("Management track")
    EXPERT = "expert", _("Expert track")


class EmployeeStatus(models.TextChoices):
    ACTIVE = "active", _("Employed")
    LEFT = "left", _("Left")


class Employee(VersionedModel):
    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="employee"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="employees"
    )
    employee_no = models.CharField(_("employee number"), max_length=30)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+"
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("direct manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NEW)
    career_track = models.CharField(
        _("career track"), max_length=20, choices=CareerTrack.choices, default=CareerTrack.EXPERT
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hire_date = models.DateField(_("hire date"))
    probation_end = models.DateField(_("probation ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmployeeStatus.choices, default=EmployeeStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = EmployeeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(fields=["company", "employee_no"], name="employee_no_unique_per_company"),
            models.CheckConstraint(condition=~Q(manager=F("id")), name="employee_not_own_manager"),
            models.CheckConstraint(
                condition=Q(probation_end__isnull=True) | Q(probation_end__gte=F("hire_date")),
                name="employee_probation_after_hire",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("org:employee_detail", args=[self.pk])

    def in_probation(self, today: date) -> bool:
        return self.probation_end is not None and today <= self.probation_end


class Delegation(models.Model):
    """A supervisor's 临时工作调动: for a date range, ``delegate`` works on ``delegator``'s
    customers, open deals and tasks. It applies only between its dates, so it reverts by itself."""

    delegator = models.ForeignKey(
        Employee, verbose_name=_("work of"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        Employee, verbose_name=_("handed to"), on_delete=models.PROTECT, related_name="delegations_received"
    )
    granted_by = models.ForeignKey(
        Employee, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="delegations_granted"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DelegationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(delegator=F("delegate")), name="delegation_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.starts_on} – {self.ends_on})"

    def status_on(self, today: date) -> str:
        if self.revoked_at:
            return "revoked"
        if today < self.starts_on:
            return "scheduled"
        if today > self.ends_on:
            return "ended"
        return "active"


class ApiToken(models.Model):
    """A personal token for integrations. Only its SHA-256 is stored; the token is shown once.
    Requests with it act as its user, with exactly that user's rights."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
