from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from portal.demo.seed import PASSWORD, USERS, seed_all


class Command(BaseCommand):
    help = "Create demo accounts, courts, public pages and cases in every state (idempotent)."

    def handle(self, *args, **options):
        # Demo cases go through the real services; their emails would only be noise.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = seed_all()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {report}"))
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for email, name, role, _extra in USERS:
            self.stdout.write(f"  {email:<24} {role:<14} {name}")
        if not settings.PORTAL_REQUIRE_STAFF_2FA:
            self.stdout.write("Two-factor authentication for staff is off in these development settings.")
