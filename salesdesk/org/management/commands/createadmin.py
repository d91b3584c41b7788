import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salesdesk.org.models import User


class Command(BaseCommand):
    help = "Create a system administrator. The password is asked for, or read from SALESDESK_ADMIN_PASSWORD."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = os.environ.get("SALESDESK_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        user = User(username=username, email=email, full_name=username, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"administrator {username} created"))
