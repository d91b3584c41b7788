"""Demo data for aging, dunning and bad debt: run after the receivables demo. Classifies old
invoices by the rules, marks one doubtful by hand, approves one write-off and leaves one pending,
and runs the dunning ladder for today."""

from datetime import date

from django.db.models import F

from salesdesk.org.models import Company, Employee
from salesdesk.receivables import baddebt, dunning
from salesdesk.receivables.models import Invoice


def _person(company: Company, role: str):
    employee = (
        Employee.objects.filter(company=company, position__role=role, status="active")
        .select_related("user")
        .first()
    )
    return employee.user if employee else None


def build(company: Company, today: date, rng) -> None:
    finance, director = _person(company, "finance"), _person(company, "director")
    baddebt.classify_by_rules(today=today, company_id=company.pk)
    open_old = list(
        Invoice.objects.filter(
            company=company, status="open", allocated__lt=F("amount"), due_on__lt=today
        ).order_by("due_on")[:3]
    )
    if finance is not None and len(open_old) >= 1:
        baddebt.classify_invoice(
            acting_user=finance, invoice=open_old[0], debt_class="doubtful", reason="客户经营困难，回款存疑"
        )
    if finance is not None and director is not None and len(open_old) >= 3:
        approved = baddebt.request_write_off(acting_user=finance, invoice=open_old[1], reason="客户破产清算")
        baddebt.approve_write_off(acting_user=director, request=approved, note="同意核销", today=today)
        baddebt.request_write_off(
            acting_user=finance, invoice=open_old[2], reason="多次催收无果，诉讼成本过高"
        )
    dunning.run_dunning(today=today, company_id=company.pk)
