import time

from django.core.management.base import BaseCommand

from portal.deadlines import run_deadline_jobs


class Command(BaseCommand):
    help = ("Fire every expired deadline (each app's registered deadline job: mediation consent and period, ...) "
            "and send the deadline reminders. Run it from a scheduler, or with --loop N to repeat every N seconds "
            "(make run does).")

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, loop: int = 0, **options):
        while True:
            counts = run_deadline_jobs()
            if any(counts.values()) or not loop:
                self.stdout.write(f"deadlines: {counts}")
            if not loop:
                return
            time.sleep(loop)
