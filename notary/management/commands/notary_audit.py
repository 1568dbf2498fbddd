from django.core.management.base import BaseCommand, CommandError

from notary.services.audit import audit


class Command(BaseCommand):
    help = ("Re-hash every stored file, recompute the log and check every published checkpoint. "
            "Exits non-zero and lists each mismatch.")

    def handle(self, *args, **options):
        problems = audit()
        if problems:
            for problem in problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"notary audit failed: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("notary audit: every file, log entry, timestamp and checkpoint checks."))
