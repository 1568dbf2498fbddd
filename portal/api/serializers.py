"""What the API accepts and returns. Input serializers require everything
Case.missing_items() asks for, so a dispute filed through the API is complete
when it is submitted."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from arbitration.models import ArbitrationState
from mediation.models import JudicialConfirmation, MediationState
from portal.api import services
from portal.models import CaseState, IPType, Party, Track
from portal.validators import MSG_CREDIT_CODE, MSG_ID_NUMBER, is_valid_credit_code, is_valid_id_number

MSG_IDENTIFIER_REQUIRED = _("Give the unified social credit code or the ID number.")
MSG_CONTACT_REQUIRED = _("Give a phone number or an email address.")
MSG_CLAIM_REQUIRED = _("Make at least one claim.")
MSG_VALIDITY_ORDER = _("The end of validity is before its start.")

PHONE = r"^[0-9+\-\s()]{5,30}$"
REGION = r"^[0-9]{6}$"


# --- input -------------------------------------------------------------------------------------

class _PartySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(Party.Kind.choices, required=False,
                                   help_text="Legal entity or natural person; inferred from the identifier if left out.")
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                        help_text="Unified social credit code (18 characters, check character verified).")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                      help_text="Resident ID number (18 characters, check digit verified).")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.RegexField(PHONE, max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    region_code = serializers.RegexField(REGION, required=False, allow_blank=True,
                                         help_text="GB/T 2260 code of the district of residence or seat.")

    def validate_credit_code(self, value: str) -> str:
        value = value.strip().upper()
        if value and not is_valid_credit_code(value):
            raise serializers.ValidationError(MSG_CREDIT_CODE, code="credit_code")
        return value

    def validate_id_number(self, value: str) -> str:
        value = value.strip().upper()
        if value and not is_valid_id_number(value):
            raise serializers.ValidationError(MSG_ID_NUMBER, code="id_number")
        return value

    def validate(self, data: dict) -> dict:
        if not (data.get("phone") or data.get("email")):
            raise serializers.ValidationError({"email": [MSG_CONTACT_REQUIRED]}, code="contact_required")
        return data


class ClaimantSerializer(_PartySerializer):
    """The rights holder (权利人)."""

    def validate(self, data: dict) -> dict:
        if not (data.get("credit_code") or data.get("id_number")):
            raise serializers.ValidationError({"credit_code": [MSG_IDENTIFIER_REQUIRED]}, code="identifier_required")
        return super().validate(data)


class RespondentSerializer(_PartySerializer):
    """The seller complained of."""

    shop_url = serializers.URLField(max_length=500, required=False, allow_blank=True,
                                    help_text="The seller's shop on the platform.")


class IPRightSerializer(serializers.Serializer):
    type = serializers.ChoiceField(IPType.choices)
    title = serializers.CharField(max_length=200, help_text="The mark, the title of the work, the invention…")
    registration_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    holder = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                   help_text="Defaults to the claimant.")
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate(self, data: dict) -> dict:
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise serializers.ValidationError({"valid_until": [MSG_VALIDITY_ORDER]}, code="validity_order")
        return data


class ClaimsSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True,
                                      help_text="Damages claimed, CNY.")
    cease_infringement = serializers.BooleanField(required=False, default=False)
    remove_listings = serializers.BooleanField(required=False, default=False)
    destroy_stock = serializers.BooleanField(required=False, default=False)
    apology = serializers.BooleanField(required=False, default=False)
    costs = serializers.BooleanField(required=False, default=False)
    other = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        if not (data.get("amount") or data.get("other", "").strip()
                or any(data.get(k) for k in services.CLAIM_FIELDS)):
            raise serializers.ValidationError(MSG_CLAIM_REQUIRED, code="claim_required")
        return data


class DisputeSerializer(serializers.Serializer):
    track = serializers.ChoiceField(Track.choices, required=False, default=Track.MEDIATION,
                                    help_text="Arbitration asks the respondent to agree to arbitrate.")
    claimant = ClaimantSerializer()
    respondent = RespondentSerializer()
    ip_rights = IPRightSerializer(many=True, min_length=1, max_length=20)
    facts = serializers.CharField(max_length=20000, help_text="Facts and reasons.")
    claims = ClaimsSerializer()


class ComplaintSerializer(DisputeSerializer):
    external_reference = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                               help_text="The platform's own reference, returned with the complaint.")
    listing_urls = serializers.ListField(child=serializers.URLField(max_length=2000), min_length=1, max_length=100,
                                         help_text="The infringing listings.")


class BulkComplaintsSerializer(serializers.Serializer):
    complaints = ComplaintSerializer(many=True, min_length=1, max_length=settings.API_BULK_MAX_ITEMS)


class ReferralSerializer(DisputeSerializer):
    track = None  # 诉前委派调解 is mediation by definition
    court_reference = serializers.CharField(max_length=64, help_text="The court's reference number for the dispute.")
    listing_urls = serializers.ListField(child=serializers.URLField(max_length=2000), required=False, max_length=100)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, image, text, Word, Excel, MP4 or MP3; checked by content.")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StrictBooleanField(serializers.BooleanField):
    """Required in form data too (a plain BooleanField reads a missing form field as false)."""

    default_empty_html = empty


class RulingSerializer(serializers.Serializer):
    confirmed = StrictBooleanField(help_text="true: the agreement is confirmed; false: not confirmed.")
    ruling_number = serializers.CharField(max_length=80)
    ruling_date = serializers.DateField()
    ruling_pdf = serializers.FileField(required=False, help_text="The civil ruling (民事裁定书) as a PDF.")


# --- output ------------------------------------------------------------------------------------

class CreatedComplaintSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position in the request's `complaints`.")
    id = serializers.UUIDField()
    external_reference = serializers.CharField()
    status = serializers.ChoiceField(CaseState.choices)
    url = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    complaints = CreatedComplaintSerializer(many=True)


class _CaseStatusSerializer(serializers.Serializer):
    """Where a case stands. The instance is a Case."""

    id = serializers.UUIDField(source="ref")
    case_number = serializers.CharField(source="number", allow_null=True)
    track = serializers.ChoiceField(Track.choices)
    status = serializers.ChoiceField(CaseState.choices, source="state")
    status_label = serializers.CharField(source="get_state_display")
    mediation_state = serializers.ChoiceField(MediationState.choices, source="mediation.state", allow_null=True)
    mediation_state_label = serializers.SerializerMethodField()
    arbitration_state = serializers.ChoiceField(ArbitrationState.choices, source="arbitration.state",
                                                allow_null=True)
    arbitration_state_label = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    final = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    docketed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_mediation_state_label(self, case) -> str | None:
        mediation = services.one(case, "mediation")
        return str(mediation.get_state_display()) if mediation else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_arbitration_state_label(self, case) -> str | None:
        arbitration = services.one(case, "arbitration")
        return str(arbitration.get_state_display()) if arbitration else None

    @extend_schema_field(serializers.ChoiceField(choices=services.RESULTS, allow_null=True))
    def get_result(self, case) -> str | None:
        return services.result_of(case)[0]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_final(self, case) -> bool:
        return services.result_of(case)[1]


class ComplaintStatusSerializer(_CaseStatusSerializer):
    external_reference = serializers.CharField(source="platform_complaint.external_reference")
    listing_urls = serializers.ListField(child=serializers.CharField(), source="platform_complaint.listing_urls")
    url = serializers.SerializerMethodField()
    outcome_url = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()

    def get_url(self, case) -> str:
        return reverse("api:complaint-detail", kwargs={"ref": case.ref})

    def get_outcome_url(self, case) -> str:
        return reverse("api:complaint-outcome", kwargs={"ref": case.ref})

    def get_evidence_url(self, case) -> str:
        return reverse("api:complaint-evidence", kwargs={"ref": case.ref})


class ReferralStatusSerializer(_CaseStatusSerializer):
    court_reference = serializers.CharField()
    referring_court = serializers.CharField(source="referring_court.name")
    url = serializers.SerializerMethodField()

    def get_url(self, case) -> str:
        return reverse("api:referral-detail", kwargs={"ref": case.ref})


class DocumentSerializer(serializers.Serializer):
    """A notarised document of an outcome (services.OutcomeDocument)."""

    id = serializers.UUIDField(source="item.uid")
    kind = serializers.ChoiceField(services.DOCUMENT_KINDS)
    name = serializers.CharField(source="item.original_name")
    content_type = serializers.CharField(source="item.content_type")
    size = serializers.IntegerField(source="item.size")
    sha256 = serializers.CharField(source="item.sha256")
    registered_at = serializers.DateTimeField(source="item.registered_at")
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document) -> str:
        return reverse("api:complaint-document", kwargs={"ref": self.context["case"].ref, "uid": document.item.uid})


class OutcomeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(CaseState.choices)
    result = serializers.ChoiceField(services.RESULTS, allow_null=True,
                                     help_text="How the dispute ended; null while it is open.")
    final = serializers.BooleanField(help_text="Nothing more will change the result.")
    documents = DocumentSerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    """A notarised evidence file."""

    id = serializers.UUIDField(source="uid")
    name = serializers.CharField(source="original_name")
    description = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    registered_at = serializers.DateTimeField()
    timestamp_time = serializers.DateTimeField(allow_null=True)
    log_index = serializers.IntegerField(source="leaf.index")
    certificate_number = serializers.CharField()


class ConfirmationPacketSerializer(serializers.Serializer):
    """A joint application for judicial confirmation addressed to the court."""

    id = serializers.IntegerField()
    case_id = serializers.UUIDField(source="mediation.case.ref")
    case_number = serializers.CharField(source="mediation.case.number", allow_null=True)
    court_reference = serializers.CharField(source="mediation.case.court_reference")
    court = serializers.CharField(source="court.name")
    state = serializers.ChoiceField(MediationState.choices, source="mediation.state")
    submitted_at = serializers.DateTimeField(allow_null=True)
    ruling = serializers.ChoiceField(JudicialConfirmation.Ruling.choices, allow_blank=True)
    ruling_number = serializers.CharField()
    ruling_date = serializers.DateField(allow_null=True)
    download_url = serializers.SerializerMethodField()
    ruling_url = serializers.SerializerMethodField()

    def get_download_url(self, application) -> str:
        return reverse("api:packet-download", kwargs={"pk": application.pk})

    def get_ruling_url(self, application) -> str:
        return reverse("api:packet-ruling", kwargs={"pk": application.pk})
