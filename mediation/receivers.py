"""Docketed mediation cases are handed to this app."""

from django.dispatch import receiver

from portal.models import Track
from portal.signals import case_docketed


@receiver(case_docketed)
def open_mediation_on_docketing(sender, case, by, **kwargs):
    if case.track == Track.MEDIATION:
        from mediation.services import open_mediation

        open_mediation(case=case, by=by)
