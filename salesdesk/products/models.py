from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from salesdesk.core.versioning import VersionedModel
from salesdesk.org.models import Company
from salesdesk.products.querysets import PriceListQuerySet, ProductQuerySet


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


class PriceList(VersionedModel):
    """Prices for one group of customers: a customer tier, a region, both, or everyone (both blank).

    ``customer_tier`` holds a customers.Tier code; products sits beside customers in the layers
    and cannot import it, so the orders app (which sees both) checks the code when a list is saved.
    When several lists fit a customer, the most specific one wins (tier and region, then tier,
    then region, then the company's general list)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    customer_tier = models.CharField(_("customer tier"), max_length=20, blank=True)
    region = models.CharField(_("province / region"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PriceListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="price_list_name_unique"),
            models.UniqueConstraint(
                fields=["company", "customer_tier", "region"],
                condition=Q(is_active=True),
                name="price_list_one_active_per_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    """A product's price on a list and its floor: no quote line may go below the floor, whoever
    approves the discount."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(_("price"), max_digits=18, decimal_places=2)
    floor_price = models.DecimalField(_("floor price"), max_digits=18, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["price_list", "product"]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_list_item_unique"),
            models.CheckConstraint(condition=Q(floor_price__gte=0), name="price_list_floor_not_negative"),
            models.CheckConstraint(
                condition=Q(floor_price__lte=models.F("price")), name="price_list_floor_at_most_price"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list}: {self.product}"
