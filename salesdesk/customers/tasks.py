from django.utils import timezone
from django_tasks import task

from salesdesk.customers import services


@task()
def return_inactive_customers() -> int:
    """Nightly: customers nobody followed up in time go back to the public pool."""
    return services.return_inactive_customers(today=timezone.localdate())
