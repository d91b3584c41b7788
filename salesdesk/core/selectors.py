from django.db.models import QuerySet

from salesdesk.core import access
from salesdesk.core.models import AuditEvent


def audit_events(user) -> QuerySet[AuditEvent]:
    if not access.can(user, "core.view_audit"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")
