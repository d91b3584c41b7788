from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from salesdesk.org.demo import DEMO_PASSWORD, build_demo_org


class Command(BaseCommand):
    help = "Build the demo company (deterministic for --seed) and print a login for each role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="wipe the whole database first")

    def handle(self, *args, seed: int, reset: bool, **options):
        if reset:
            call_command("flush", "--no-input", verbosity=0)
            call_command("migrate", "--no-input", verbosity=0)
        with translation.override("zh-hans"):
            logins = build_demo_org(seed)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<10} {login.full_name} · {login.unit}")
