"""API endpoints (docs/api.md). Thin: validate, call a service, serialise.

Every query starts from the token's organisation, so another organisation's
complaint, referral or packet is simply not found (404).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from mediation.models import JudicialConfirmation, MediationState
from notary.models import CustodyEvent
from notary.uploads import HashingUploadHandler
from portal.api import idempotency, services
from portal.api.exceptions import WRONG_STATE_CODES, PayloadTooLarge, WrongState
from portal.api.pagination import query_param
from portal.api.parsers import LimitedJSONParser, declared_length
from portal.api.serializers import (
    BulkComplaintsSerializer,
    BulkResultSerializer,
    ComplaintStatusSerializer,
    ConfirmationPacketSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    OutcomeSerializer,
    ReferralSerializer,
    ReferralStatusSerializer,
    RulingSerializer,
)
from portal.api.throttling import BulkRateThrottle, TokenRateThrottle
from portal.models import ApiScope, Case, CaseState, Channel

IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, pattern=r"^[!-~]{1,255}$",
    description="A new unique value (e.g. a UUID) per request. A retry with the same key and the same request "
                "returns the stored response; the same key with a different request is refused (422).")

MSG_UPLOAD_TOO_LARGE = _("The upload is larger than the limit of %(limit)d bytes.")
MSG_UNKNOWN_PARAMETER = _("Unknown query parameter.")
MSG_CASE_CLOSED = _("Evidence cannot be added to a case that is rejected or withdrawn.")


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """Downloads answer with the file whatever Accept says (errors are problem+json anyway)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StrictQueryParams:
    """Unknown query parameters are refused (400), so a misspelt filter is
    noticed instead of silently listing everything."""

    query_params_allowed: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = set(self.query_params_allowed)
        if isinstance(self, generics.ListAPIView):
            allowed |= {"limit", "offset"}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise serializers.ValidationError({name: [MSG_UNKNOWN_PARAMETER] for name in unknown})


def _case_status_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("mediation", "arbitration").order_by("-created_at", "-id")


def _stream_upload(request, *, max_bytes: int) -> None:
    """Refuse a body over the limit before reading it; hash files while they stream in."""
    if declared_length(request) > max_bytes + 1024 * 1024:
        raise PayloadTooLarge(MSG_UPLOAD_TOO_LARGE % {"limit": max_bytes})
    request._request.upload_handlers = [HashingUploadHandler(request._request, max_bytes=max_bytes)]


def _check_streamed(request) -> None:
    request.data  # noqa: B018 - parse now, so the handler has seen every chunk
    if any(getattr(h, "too_large", False) for h in request._request.upload_handlers):
        raise PayloadTooLarge(MSG_UPLOAD_TOO_LARGE % {"limit": settings.PORTAL_UPLOAD_MAX_BYTES})


# --- platforms: complaints ---------------------------------------------------------------------

class ComplaintBulkView(StrictQueryParams, APIView):
    required_scope = ApiScope.COMPLAINTS
    throttle_classes = [TokenRateThrottle, BulkRateThrottle]

    @extend_schema(
        operation_id="complaints_bulk_create", tags=["complaints"], parameters=[IDEMPOTENCY_KEY],
        request=BulkComplaintsSerializer, responses={201: BulkResultSerializer},
        summary="File up to 500 complaints at once",
        description="All or nothing: if any complaint is invalid, nothing is filed and the 400 problem lists every "
                    "error with a JSON Pointer into the request (`/complaints/3/claimant/credit_code`). Filed "
                    "complaints are submitted to the centre's intake queue (mediation unless `track` says otherwise).")
    def post(self, request):
        organisation = request.auth.organisation

        def work() -> Response:
            serializer = BulkComplaintsSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            items = serializer.validated_data["complaints"]
            cases = services.file_disputes(organisation=organisation, by=request.user, items=items,
                                           channel=Channel.PLATFORM)
            complaints = [{"index": i, "id": str(case.ref), "external_reference": item.get("external_reference", ""),
                           "status": case.state, "url": reverse("api:complaint-detail", kwargs={"ref": case.ref})}
                          for i, (case, item) in enumerate(zip(cases, items, strict=True))]
            return Response({"count": len(cases), "complaints": complaints}, status=status.HTTP_201_CREATED)

        return idempotency.run(request=request, organisation=organisation, work=work)


class _ComplaintMixin(StrictQueryParams):
    required_scope = ApiScope.COMPLAINTS
    lookup_field = "ref"

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return _case_status_queryset().select_related("platform_complaint").filter(
            platform_complaint__organisation=self.request.auth.organisation)

    def get_case(self) -> Case:
        return get_object_or_404(self.get_queryset(), ref=self.kwargs["ref"])


@extend_schema(tags=["complaints"], parameters=[
    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseState.values, description="Only complaints in this status."),
    OpenApiParameter("external_reference", OpenApiTypes.STR, description="Only complaints with this reference."),
])
class ComplaintListView(_ComplaintMixin, generics.ListAPIView):
    """The organisation's complaints, newest first."""

    query_params_allowed = ("status", "external_reference")

    serializer_class = ComplaintStatusSerializer

    def get_queryset(self) -> QuerySet[Case]:
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        status_ = query_param(self.request, "status")
        if status_ is not None:
            if status_ not in CaseState.values:
                raise serializers.ValidationError({"status": [_("Not a valid status.")]})
            qs = qs.filter(state=status_)
        reference = query_param(self.request, "external_reference")
        if reference is not None:
            qs = qs.filter(platform_complaint__external_reference=reference)
        return qs


@extend_schema(tags=["complaints"])
class ComplaintDetailView(_ComplaintMixin, generics.RetrieveAPIView):
    """Where one complaint stands: status, case number, mediation or arbitration state, result."""

    serializer_class = ComplaintStatusSerializer


class ComplaintEvidenceView(_ComplaintMixin, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="complaints_evidence_create", tags=["complaints"], parameters=[IDEMPOTENCY_KEY],
        request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer},
        summary="Add an evidence file (notarised)",
        description="The file is checked by content (not by name), size-limited, hashed (SHA-256), timestamped "
                    "(RFC 3161) and appended to the notary log, like evidence uploaded in the portal.")
    def post(self, request, ref):
        from notary.services.items import register_file
        from portal.services.documents import check_upload, clean_display_name

        case = self.get_case()
        _stream_upload(request, max_bytes=settings.PORTAL_UPLOAD_MAX_BYTES)
        _check_streamed(request)

        def work() -> Response:
            serializer = EvidenceUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            if case.state in (CaseState.REJECTED, CaseState.WITHDRAWN):
                raise WrongState(MSG_CASE_CLOSED)
            upload = serializer.validated_data["file"]
            try:
                checked = check_upload(upload)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"file": exc.messages}) from exc
            item = register_file(case=case, fileobj=upload, original_name=clean_display_name(upload.name),
                                 content_type=checked.content_type, submitter=request.user,
                                 description=serializer.validated_data.get("description", ""),
                                 sha256=checked.sha256, size=checked.size, ip=client_ip(request))
            return Response(EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)

        return idempotency.run(request=request, organisation=request.auth.organisation, work=work)


class ComplaintOutcomeView(_ComplaintMixin, APIView):
    @extend_schema(operation_id="complaints_outcome_retrieve", tags=["complaints"], responses={200: OutcomeSerializer},
                   summary="How the complaint ended, with the documents that say so")
    def get(self, request, ref):
        case = self.get_case()
        outcome = services.outcome_of(case)
        data = {"id": case.ref, "status": case.state, "result": outcome.result, "final": outcome.final,
                "documents": outcome.documents}
        return Response(OutcomeSerializer(data, context={"case": case}).data)


class ComplaintDocumentView(_ComplaintMixin, APIView):
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(operation_id="complaints_documents_retrieve", tags=["complaints"],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                        description="The document (PDF).")},
                   summary="Download an outcome document",
                   description="Only documents listed in the complaint's outcome. Each download is recorded in the "
                               "document's chain of custody.")
    def get(self, request, ref, uid):
        from notary.services.items import record_custody
        from portal.views.cases import safe_attachment

        case = self.get_case()
        document = next((d for d in services.outcome_of(case).documents if d.item.uid == uid), None)
        if document is None:
            raise Http404
        record_custody(item=document.item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED,
                       ip=client_ip(request), detail="API")
        return safe_attachment(document.item.file.open("rb"), document.item.original_name, document.item.content_type)


# --- courts: referrals -------------------------------------------------------------------------

class _ReferralMixin(StrictQueryParams):
    required_scope = ApiScope.REFERRALS
    lookup_field = "ref"
    serializer_class = ReferralStatusSerializer

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return _case_status_queryset().select_related("referring_court").filter(
            channel=Channel.COURT, referring_court_id=self.request.auth.organisation.court_id)


@extend_schema(tags=["referrals"])
class ReferralListView(_ReferralMixin, generics.ListAPIView):
    """Disputes the court referred (through the API or the portal), newest first."""

    @extend_schema(operation_id="referrals_create", parameters=[IDEMPOTENCY_KEY], request=ReferralSerializer,
                   responses={201: ReferralStatusSerializer}, summary="Refer a dispute for pre-litigation mediation",
                   description="诉前委派调解: the dispute is filed on the court channel with the token's court as the "
                               "referring court, and submitted to the centre's intake queue.")
    def post(self, request):
        organisation = request.auth.organisation

        def work() -> Response:
            serializer = ReferralSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            [case] = services.file_disputes(organisation=organisation, by=request.user,
                                            items=[serializer.validated_data], channel=Channel.COURT,
                                            referring_court=organisation.court)
            case = self.get_queryset().get(pk=case.pk)
            return Response(ReferralStatusSerializer(case).data, status=status.HTTP_201_CREATED)

        return idempotency.run(request=request, organisation=organisation, work=work)


@extend_schema(tags=["referrals"])
class ReferralDetailView(_ReferralMixin, generics.RetrieveAPIView):
    """Where one referred dispute stands."""


# --- courts: judicial confirmation ---------------------------------------------------------------

class _PacketMixin(StrictQueryParams):
    required_scope = ApiScope.CONFIRMATIONS
    serializer_class = ConfirmationPacketSerializer

    def get_queryset(self) -> QuerySet[JudicialConfirmation]:
        if getattr(self, "swagger_fake_view", False):
            return JudicialConfirmation.objects.none()
        return (JudicialConfirmation.objects.select_related("mediation__case", "court")
                .filter(court_id=self.request.auth.organisation.court_id, submitted_at__isnull=False)
                .order_by("-submitted_at", "-id"))

    def get_application(self) -> JudicialConfirmation:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


@extend_schema(tags=["confirmation packets"], parameters=[
    OpenApiParameter("state", OpenApiTypes.STR, enum=MediationState.values,
                     description="Only applications whose mediation is in this state (confirmation_applied: "
                                 "awaiting the ruling)."),
])
class PacketListView(_PacketMixin, generics.ListAPIView):
    """Joint applications for judicial confirmation addressed to the court, newest first."""

    query_params_allowed = ("state",)

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        state = query_param(self.request, "state")
        if state is not None:
            if state not in MediationState.values:
                raise serializers.ValidationError({"state": [_("Not a valid state.")]})
            qs = qs.filter(mediation__state=state)
        return qs


@extend_schema(tags=["confirmation packets"])
class PacketDetailView(_PacketMixin, generics.RetrieveAPIView):
    """One application for judicial confirmation."""


class PacketDownloadView(_PacketMixin, APIView):
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(operation_id="confirmation_packets_download", tags=["confirmation packets"],
                   responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                        description="The court packet (ZIP).")},
                   summary="Download the court packet",
                   description="Every file of the application, a proof per file and a manifest, verifiable offline "
                               "(python -m notary.verify). The export is recorded in each file's chain of custody "
                               "with the court's API account as the actor.")
    def get(self, request, pk):
        from mediation.confirmation import build_packet

        application = self.get_application()
        data = build_packet(application, by=request.user, ip=client_ip(request))
        response = HttpResponse(data, content_type="application/zip")
        number = application.mediation.case.number or application.mediation.case.short_ref
        response["Content-Disposition"] = f'attachment; filename="confirmation-{number}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response


class PacketRulingView(_PacketMixin, APIView):
    parser_classes = [LimitedJSONParser, MultiPartParser]

    @extend_schema(operation_id="confirmation_packets_ruling_create", tags=["confirmation packets"],
                   parameters=[IDEMPOTENCY_KEY], request={"multipart/form-data": RulingSerializer,
                                                          "application/json": RulingSerializer},
                   responses={200: ConfirmationPacketSerializer}, summary="Record the court's ruling",
                   description="Confirmed or not, with the ruling's number and date and, optionally, the ruling "
                               "itself as a PDF (notarised). The parties are told.")
    def post(self, request, pk):
        from mediation.confirmation import record_ruling
        from portal.services.documents import check_upload

        application = self.get_application()
        if request.content_type.startswith("multipart/"):
            _stream_upload(request, max_bytes=settings.PORTAL_UPLOAD_MAX_BYTES)
            _check_streamed(request)

        def work() -> Response:
            serializer = RulingSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            pdf = data.get("ruling_pdf")
            if pdf is not None:
                try:
                    check_upload(pdf)
                except DjangoValidationError as exc:
                    raise serializers.ValidationError({"ruling_pdf": exc.messages}) from exc
            try:
                record_ruling(mediation=application.mediation, by=request.user, confirmed=data["confirmed"],
                              ruling_number=data["ruling_number"], ruling_date=data["ruling_date"], ruling_pdf=pdf)
            except DjangoValidationError as exc:
                if getattr(exc, "code", None) in WRONG_STATE_CODES:
                    raise
                raise serializers.ValidationError({"ruling_pdf" if pdf is not None else "ruling_number":
                                                   exc.messages}) from exc
            fresh = self.get_queryset().get(pk=application.pk)
            return Response(ConfirmationPacketSerializer(fresh).data)

        return idempotency.run(request=request, organisation=request.auth.organisation, work=work)
