from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from salesdesk.orders import services


class Command(BaseCommand):
    help = (
        "Mark signed contracts whose term ended before the day as expired; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, help="the day to run for (YYYY-MM-DD); today by default"
        )

    def handle(self, *args, today: date | None = None, **options):
        expired = services.expire_contracts(today=today or timezone.localdate())
        self.stdout.write(f"{expired} contracts expired.")
