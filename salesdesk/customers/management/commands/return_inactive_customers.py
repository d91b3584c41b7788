from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesdesk.customers import services


class Command(BaseCommand):
    help = "Return customers without follow-up for their tier's pool_after_days to the public pool."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for (YYYY-MM-DD); today by default")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        count = services.return_inactive_customers(today=day)
        self.stdout.write(f"{count} customers returned to the pool.")
