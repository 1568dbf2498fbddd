"""Judicial confirmation (司法确认): the joint application, the court packet,
and the clerk's ruling.

Civil Procedure Law art. 205 (2023): the parties apply jointly within 30 days of
the agreement taking effect, to the court that invited or referred the
mediation; otherwise to a basic people's court where a party resides, where the
subject matter is, or where the mediation organisation is — or, where the
dispute belongs to an intermediate court, the intermediate court of that place.
The portal offers only those courts, enforces the window, and needs one
re-authenticated signature from each side.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import notifications, rules
from mediation.models import JudicialConfirmation, Mediation, MediationState
from mediation.services import MSG_NOT_ALLOWED, MediationError, _transition
from portal.models import Case, CaseCourtAccess, Court, IPType, User
from portal.services.signing import reauthenticate as _reauthenticate

# IP disputes heard at first instance by intermediate (or specialised IP) courts.
INTERMEDIATE_IP_TYPES = {IPType.PATENT, IPType.PLANT_VARIETY, IPType.TRADE_SECRET}


def eligible_courts(case: Case) -> QuerySet[Court]:
    if case.referring_court_id:
        return Court.objects.filter(pk=case.referring_court_id)
    regions = {settings.PORTAL_CENTRE_REGION_CODE} | {p.region_code for p in case.parties.all() if p.region_code}
    if set(case.ip_types) & INTERMEDIATE_IP_TYPES:
        cities = {code[:4] for code in regions}
        query = Q()
        for city in cities:
            query |= Q(region_code__startswith=city)
        return Court.objects.filter(query, level__in=[Court.Level.INTERMEDIATE, Court.Level.IP])
    return Court.objects.filter(level=Court.Level.BASIC, region_code__in=regions)


def _side(mediation: Mediation, user: User) -> str:
    if rules.is_claimant_side(mediation, user):
        return "claimant"
    if rules.is_respondent_side(mediation, user):
        return "respondent"
    raise PermissionDenied(MSG_NOT_ALLOWED)


def sign_application(*, mediation: Mediation, by: User, court: Court, password: str, otp_token: str = "",
                     ip: str | None = None) -> JudicialConfirmation:
    """One side signs the joint application to `court`; when both sides have
    signed for the same court, it is filed."""
    side = _side(mediation, by)
    with transaction.atomic():
        mediation = Mediation.objects.select_for_update().select_related("case").get(pk=mediation.pk)
        if mediation.state != MediationState.AGREEMENT_SIGNED:
            raise MediationError(_("Only an agreement in effect can be confirmed."), code="wrong_state")
        if not mediation.confirmation_window_open():
            raise MediationError(_("The 30 days for applying for judicial confirmation have passed (%(date)s).")
                                 % {"date": timezone.localtime(mediation.confirmation_deadline()).strftime("%Y-%m-%d")},
                                 code="window_closed")
        if not eligible_courts(mediation.case).filter(pk=court.pk).exists():
            raise MediationError(_("This court cannot confirm this agreement."), code="court_not_eligible")
        _reauthenticate(by, password, otp_token)
        application = JudicialConfirmation.objects.filter(mediation=mediation).first()
        if application is None:
            application = JudicialConfirmation.objects.create(mediation=mediation, court=court, created_by=by)
        elif application.court_id != court.pk:
            # A different court voids the other side's signature: both sign for one court.
            application.court = court
            application.claimant_signed_at = application.respondent_signed_at = None
            application.claimant_signed_by = application.respondent_signed_by = None
        now = timezone.now()
        setattr(application, f"{side}_signed_at", now)
        setattr(application, f"{side}_signed_by", by)
        application.save()
        if application.is_jointly_signed():
            _file(mediation=mediation, application=application, by=by)
    return application


def _file(*, mediation: Mediation, application: JudicialConfirmation, by: User) -> None:
    mediation = _transition(mediation=mediation, name="apply_for_confirmation", by=by,
                            note=_("Joint application to %(court)s.") % {"court": application.court.name})
    case = mediation.case
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    CaseCourtAccess.objects.get_or_create(case=case, court=application.court,
                                          defaults={"reason": "judicial confirmation"})
    transaction.on_commit(lambda: notifications.confirmation_filed(application=application))
    generate_documents(mediation=mediation, application=application, by=by)


#: The documents the portal issues for the court packet: (template, title, English label).
GENERATED_DOCUMENTS = (
    ("pdf/confirmation_application.html", "司法确认申请书", "judicial confirmation application"),
    ("pdf/mediator_statement.html", "调解情况说明", "mediator's statement"),
    ("pdf/evidence_list.html", "证据清单", "evidence list"),
    ("pdf/case_timeline.html", "案件时间线", "case timeline"),
)


def generate_documents(*, mediation: Mediation, application: JudicialConfirmation, by: User) -> list:
    """Render, sign (PAdES) and notarise the application's documents, and attach
    them to it: the part of the court packet the portal writes itself."""
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    case = mediation.case
    context = {"case": case, "mediation": mediation, "application": application, "parties": case.parties.all(),
               "agents": case.agents.select_related("party"), "agreement": mediation.agreement,
               "version": mediation.agreement.current_version(),
               "evidence": case.notary_items.select_related("leaf").exclude(kind=NotaryItem.Kind.DOCUMENT)
               .filter(private_to_side=""),
               "events": case.events.select_related("actor").order_by("at", "id")}
    items = []
    for template, title, label in GENERATED_DOCUMENTS:
        pdf = sign_pdf(render_pdf(template, context), reason=f"{title} / {label}")
        item = register_file(case=case, fileobj=ContentFile(pdf, name="doc.pdf"),
                             original_name=f"{title}-{case.number}.pdf", content_type="application/pdf",
                             submitter=by, kind=NotaryItem.Kind.DOCUMENT, description=title)
        application.documents.add(item)
        items.append(item)
    return items


def packet_items(application: JudicialConfirmation) -> list:
    """Every file of the court packet, each a notarised item."""
    from notary.models import NotaryItem

    case = application.mediation.case
    # The packet reads each item's case (custody entry) and log leaf (proof): fetched with the items.
    items = list(application.documents.select_related("case", "leaf"))
    items.append(NotaryItem.objects.select_related("case", "leaf").get(
        pk=application.mediation.agreement.signed_document_id))
    items += list(NotaryItem.objects.filter(case=case, case_document__kind__in=["identity", "power_of_attorney"])
                  .select_related("case", "leaf"))
    return items


def build_packet(application: JudicialConfirmation, *, by: User, ip: str | None = None) -> bytes:
    """The court packet (notary/packets.py): every file, a proof per file, and a manifest."""
    from notary.packets import build_packet as build

    return build(items=packet_items(application), by=by, ip=ip,
                 header={"case": application.mediation.case.number, "court": application.court.name},
                 custody_detail=f"court packet for {application.court.name}")


def record_ruling(*, mediation: Mediation, by: User, confirmed: bool, ruling_number: str, ruling_date,
                  ruling_pdf=None) -> Mediation:
    """The clerk records the court's ruling; the case moves on and the parties are told."""
    from notary.models import NotaryItem
    from notary.services.items import register_file
    from portal.services.documents import sniff_type

    if not ruling_number.strip() or ruling_date is None:
        raise ValidationError(_("Give the ruling number and date."))
    with transaction.atomic():
        name = "confirm" if confirmed else "reject_confirmation"
        mediation = _transition(mediation=mediation, name=name, by=by,
                                note=_("Ruling %(number)s of %(date)s.") % {"number": ruling_number,
                                                                           "date": ruling_date})
        application = mediation.confirmation
        application.ruling = JudicialConfirmation.Ruling.CONFIRMED if confirmed else JudicialConfirmation.Ruling.REJECTED
        application.ruling_number, application.ruling_date, application.ruled_by = ruling_number.strip(), ruling_date, by
        if ruling_pdf is not None:
            ruling_pdf.seek(0)
            if sniff_type(ruling_pdf.read(8192), ruling_pdf.name) != "application/pdf":
                raise ValidationError(_("The ruling must be a PDF."))
            ruling_pdf.seek(0)
            application.ruling_document = register_file(
                case=mediation.case, fileobj=ruling_pdf, original_name=f"民事裁定书-{ruling_number}.pdf",
                content_type="application/pdf", submitter=by, kind=NotaryItem.Kind.DOCUMENT,
                description=_("Civil ruling %(number)s") % {"number": ruling_number})
        application.save()
    return mediation

