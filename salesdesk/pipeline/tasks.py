"""Background jobs of the pipeline: take ids, re-fetch, call a service."""

from datetime import date

from django_tasks import task

from salesdesk.org.models import Company
from salesdesk.pipeline import services


@task()
def recompute_customer_classes(company_id: int, today: str) -> dict[str, int] | None:
    """The nightly ABC class and lifecycle run for one company; ``today`` is an ISO date."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return None
    result = services.recompute_customer_classes(company=company, today=date.fromisoformat(today))
    return {
        "customers": result.customers,
        "value_classes_changed": result.value_classes_changed,
        "lifecycles_changed": result.lifecycles_changed,
    }
