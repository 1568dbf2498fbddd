import time

from django.core.management.base import BaseCommand

from mediation.services import run_deadlines


class Command(BaseCommand):
    help = ("Fire every expired deadline (consent, mediation period) and send reminders. "
            "Run it from a scheduler, or with --loop N to repeat every N seconds (make run does).")

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, loop: int = 0, **options):
        while True:
            counts = run_deadlines()
            if any(counts.values()) or not loop:
                self.stdout.write(f"deadlines: {counts}")
            if not loop:
                return
            time.sleep(loop)
