"""Load the demo data set once; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meks.demo.accounts import DEMO_ACCOUNTS, demo_password
from meks.demo.builder import build_demo, demo_is_loaded


class Command(BaseCommand):
    help = "Load the deterministic demo data set (first run only) and list the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, **options):
        if not settings.MEKS_DEMO_ENABLED:
            raise CommandError("The demo data set is disabled in these settings (never loaded in production).")
        if demo_is_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            build_demo()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["quiet_accounts"]:
            self.stdout.write(f"Demo accounts (password: {demo_password()}):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.username:<18} {account.label}")
