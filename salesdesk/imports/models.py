from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesdesk.imports.querysets import ImportJobQuerySet
from salesdesk.org.models import Company


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    PRODUCTS = "products", _("Products")
    EMPLOYEES = "employees", _("Employees")
    LEADS = "leads", _("Leads")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    TARGETS = "targets", _("Targets")


class ImportMapping(models.Model):
    """A saved, reusable mapping: which file column feeds which field, and value aliases
    (e.g. product "GTXPro" → "GTX Pro")."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("field → column header in the file"))
    aliases = models.JSONField(
        _("value aliases"), default=dict, help_text=_("field → {value in file: value to use}")
    )
    defaults = models.JSONField(
        _("defaults"), default=dict, blank=True, help_text=_("field → value for empty cells")
    )
    scales = models.JSONField(
        _("scales"),
        default=dict,
        blank=True,
        help_text=_("field → factor, e.g. revenue in millions → 1000000"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "name"], name="import_mapping_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed: nothing imported")
    PARTIAL = "partial", _("Partly imported")


class ImportJob(models.Model):
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.ForeignKey(
        ImportMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The mapping as it was when the job started (a saved mapping may change later).
    mapping_spec = models.JSONField(_("mapping"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    partial = models.BooleanField(_("import the good rows even if some are bad"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("imports:job_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        """The progress bar: reading and checking rows fills it to 99 %; the commit completes it."""
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)
