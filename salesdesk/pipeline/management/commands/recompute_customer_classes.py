"""Nightly: recompute every customer's ABC class and lifecycle from the pipeline (run by cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesdesk.org.models import Company
from salesdesk.pipeline import services


class Command(BaseCommand):
    help = "Recompute customers' ABC classes and lifecycles from won and open deals."

    def add_arguments(self, parser):
        parser.add_argument("--company", type=int, help="only this company id")
        parser.add_argument("--today", type=date.fromisoformat, help="the day to compute for (YYYY-MM-DD)")

    def handle(self, *args, company=None, today=None, **options):
        today = today or timezone.localdate()
        companies = Company.objects.order_by("pk")
        if company is not None:
            companies = companies.filter(pk=company)
            if not companies.exists():
                raise CommandError(f"no company with id {company}")
        for each in companies:
            result = services.recompute_customer_classes(company=each, today=today)
            self.stdout.write(
                f"{each}: {result.customers} customers, {result.value_classes_changed} ABC classes and "
                f"{result.lifecycles_changed} lifecycles changed"
            )
