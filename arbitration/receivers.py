"""Docketed arbitration cases are handed to this app."""

from django.dispatch import receiver

from portal.models import Track
from portal.signals import case_docketed


@receiver(case_docketed)
def open_arbitration_on_docketing(sender, case, by, **kwargs):
    if case.track == Track.ARBITRATION:
        from arbitration.services import open_arbitration

        open_arbitration(case=case, by=by)
