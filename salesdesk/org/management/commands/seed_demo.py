import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation

from salesdesk.org.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Build the demo company and its sales history (deterministic for --seed); print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="wipe the whole database first")

    def handle(self, *args, seed: int, reset: bool, **options):
        if reset:
            call_command("flush", "--no-input", verbosity=0)
            call_command("migrate", "--no-input", verbosity=0)
        # salesdesk.demo imports every app; org may not import the apps above it (see the layer
        # contract in pyproject.toml), so the builder is looked up only when the command runs.
        demo = importlib.import_module("salesdesk.demo")
        with translation.override("zh-hans"):
            logins = demo.build_demo(seed)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})\n")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<10} {login.full_name} · {login.unit}")
