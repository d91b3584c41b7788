from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.org.models import Company
from salesdesk.products.querysets import ProductQuerySet


class Product(VersionedModel):
    """What the company sells. Products sit before the pipeline (opportunities list them) and the
    orders app adds price lists and floor prices on top."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    series = models.CharField(_("series / line"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="台")
    list_price = models.DecimalField(_("list price"), max_digits=18, decimal_places=2)
    cost = models.DecimalField(_("unit cost"), max_digits=18, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="product_code_unique"),
            models.UniqueConstraint(fields=["company", "name"], name="product_name_unique"),
            models.UniqueConstraint(fields=["company", "external_id"], name="product_external_id_unique"),
            models.CheckConstraint(condition=Q(list_price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="product_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("products:product_detail", args=[self.pk])
