"""Files filed with a case are notarised when the filing is submitted."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django_fsm.signals import post_transition

from portal.models import Case

log = logging.getLogger(__name__)


@receiver(post_transition, sender=Case)
def notarise_filed_documents(sender, instance, name, **kwargs):
    if name not in ("submit", "resubmit"):
        return
    case_pk = instance.pk

    def register():
        from notary.services.items import register_case_document
        from portal.models import CaseDocument

        for document in CaseDocument.objects.filter(case_id=case_pk, notary_item__isnull=True):
            try:
                register_case_document(document)
            except Exception:  # the filing stands; the audit lists what is not notarised
                log.exception("Could not notarise case document %s", document.pk)

    transaction.on_commit(register)
