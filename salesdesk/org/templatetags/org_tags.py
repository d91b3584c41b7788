from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_LABELS = {
    "active": _("active"),
    "scheduled": _("scheduled"),
    "ended": _("ended"),
    "revoked": _("revoked"),
}


@register.filter
def status_on(delegation, today):
    return delegation.status_on(today)


@register.filter
def delegation_status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
