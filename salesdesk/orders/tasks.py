from django.utils import timezone
from django_tasks import task

from salesdesk.orders import services


@task()
def expire_contracts() -> int:
    """Nightly: signed contracts whose term has passed become expired (safe to run twice)."""
    return services.expire_contracts(today=timezone.localdate())
