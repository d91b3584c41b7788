from django.utils import timezone
from django_tasks import task

from salesdesk.org.models import Company
from salesdesk.receivables import baddebt, dunning


@task()
def run_dunning() -> int:
    """Nightly: the dunning notices due today, then the doubtful / bad debt rules."""
    today = timezone.localdate()
    created = dunning.run_dunning(today=today)
    for company_id in Company.objects.values_list("pk", flat=True):
        baddebt.classify_by_rules(today=today, company_id=company_id)
    return created
