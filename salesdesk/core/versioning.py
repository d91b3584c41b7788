"""Optimistic locking: every editable record carries a version, and a write names the version it
was based on. A compare-and-set UPDATE claims the next version before the row is saved, so of two
concurrent writers exactly one wins on SQLite and PostgreSQL alike; the other gets StaleVersion."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from salesdesk.core.errors import StaleVersion


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


def claim_version(obj: VersionedModel, *, expected_version: int, acting_user) -> None:
    """Advance ``obj`` to the next version, or raise StaleVersion naming who changed it last.

    Call inside the service's transaction, then set the fields and ``save()``.
    """
    manager = type(obj)._default_manager
    claimed = manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        current = manager.select_related("updated_by").get(pk=obj.pk)
        who = str(current.updated_by) if current.updated_by else str(_("someone"))
        raise StaleVersion(changed_by=who, changed_at=current.updated_at, current_version=current.version)
    obj.version = expected_version + 1
    obj.updated_by = acting_user
