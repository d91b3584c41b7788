from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesdesk.org.models import Company
from salesdesk.receivables import baddebt, dunning


class Command(BaseCommand):
    help = "Run the dunning ladder (notices due today) and the doubtful / bad debt rules for every company."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for (YYYY-MM-DD); today by default")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        created = dunning.run_dunning(today=day)
        classified = sum(
            baddebt.classify_by_rules(today=day, company_id=pk)
            for pk in Company.objects.values_list("pk", flat=True)
        )
        self.stdout.write(f"{created} dunning notices created, {classified} invoices classified.")
