from django.core.management.base import BaseCommand

from cms.infringers.services import find_infringer_candidates


class Command(BaseCommand):
    help = ("Propose respondents with enough decided infringements for the repeat and wilful infringer list. "
            "Nothing is published until a case manager approves (back office → Infringer list).")

    def handle(self, *args, **options):
        found = find_infringer_candidates()
        for candidate in found:
            self.stdout.write(f"  {candidate.name} ({candidate.credit_code or '—'}): {candidate.case_count} cases")
        self.stdout.write(self.style.SUCCESS(f"{len(found)} candidates awaiting a decision."))
