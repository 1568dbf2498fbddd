"""A platform's client written from /api/schema/ alone files complaints, adds
evidence, follows them through docketing and mediation, and receives the
outcome with its documents."""

import hashlib
import uuid

import pytest
from django.core import mail

from mediation import agreements
from mediation import services as mediation_services
from mediation.models import Mediation
from notary.models import CustodyEvent
from portal.services import intake
from tests.api.helpers import bulk
from tests.factories import PDF_BYTES, ManagerFactory, MediatorFactory, UserFactory, pdf_upload
from tests.mediation.helpers import TERMS, set_password

pytestmark = pytest.mark.django_db


class SchemaClient:
    """Knows the API only through its OpenAPI document: every call names an operationId."""

    def __init__(self, api):
        self.api = api
        schema = api.client.get("/api/schema/", {"format": "json"}).json()
        assert schema["openapi"].startswith("3.")
        self.operations = {op["operationId"]: (method, path)
                           for path, item in schema["paths"].items() for method, op in item.items()}
        self.schema = schema

    def path(self, operation_id: str, **params) -> tuple[str, str]:
        method, template = self.operations[operation_id]
        return method, template.format(**params)

    def call(self, operation_id: str, data=None, files=None, **params):
        method, path = self.path(operation_id, **params)
        if method == "get":
            return self.api.get(path)
        if files is not None:
            return self.api.upload(path, files)
        return self.api.post(path, data)


def test_a_platform_files_follows_and_receives_the_outcome(platform_api, platform,
                                                            django_capture_on_commit_callbacks):
    api = SchemaClient(platform_api)
    assert "bearerToken" in api.schema["components"]["securitySchemes"]
    rights_holder = UserFactory(email="legal0@rights.example.test")  # the claimant of complaint 0 has an account

    # File two complaints.
    filed = api.call("complaints_bulk_create", bulk(2))
    assert filed.status_code == 201, filed.content
    ref = filed.json()["complaints"][0]["id"]
    listed = api.call("complaints_list").json()
    assert {c["id"] for c in listed["results"]} == {c["id"] for c in filed.json()["complaints"]}
    assert api.call("complaints_retrieve", ref=ref).json()["status"] == "submitted"

    # Evidence, notarised.
    evidence = api.call("complaints_evidence_create", files={"file": pdf_upload("listing.pdf"),
                                                             "description": "商品页面"}, ref=ref)
    assert evidence.status_code == 201, evidence.content
    assert evidence.json()["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert evidence.json()["certificate_number"].startswith("NC-")

    # The centre dockets it: mediation opens and the seller is invited.
    from portal.models import Case

    case = Case.objects.get(ref=ref)
    manager, mediator = ManagerFactory(), MediatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        intake.docket_case(case=case, by=manager)
    status = api.call("complaints_retrieve", ref=ref).json()
    assert status["status"] == "docketed" and status["case_number"]
    assert status["mediation_state"] == "awaiting_consent"
    assert api.call("complaints_outcome_retrieve", ref=ref).json() == {
        "id": ref, "status": "docketed", "result": None, "final": False, "documents": []}

    # The seller consents, a mediator is appointed, both sides sign the settlement.
    invitation = next(m for m in mail.outbox if m.to == ["seller0@example.test"])
    token = invitation.body.split("/mediation/invitations/")[1].split("/")[0]
    seller = UserFactory()
    mediation = Mediation.objects.get(case=case)
    mediation_services.claim_invitation(token=token, user=seller)
    mediation_services.consent(mediation=mediation, by=seller)
    mediation_services.propose_mediator(mediation=mediation, mediator=mediator, by=manager)
    mediation = mediation_services.accept_appointment(mediation=mediation, by=mediator, disclosure="")
    version = agreements.draft_version(mediation=mediation, by=mediator, terms=TERMS)
    for who in (rights_holder, seller):
        agreements.sign(version=version, by=who, password=set_password(who))

    # The outcome, with the signed agreement to download.
    assert api.call("complaints_retrieve", ref=ref).json()["mediation_state"] == "agreement_signed"
    outcome = api.call("complaints_outcome_retrieve", ref=ref).json()
    assert (outcome["result"], outcome["final"]) == ("settled", False)
    [document] = outcome["documents"]
    assert document["kind"] == "settlement_agreement"
    method, path = api.path("complaints_documents_retrieve", ref=ref, uid=document["id"])
    assert path == document["download_url"]
    download = platform_api.get(path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document["sha256"]
    platform.organisation.refresh_from_db()
    assert CustodyEvent.objects.filter(item__uid=document["id"], action=CustodyEvent.Action.DOWNLOADED,
                                       actor=platform.organisation.api_account).exists()
    # Only outcome documents can be fetched this way, not the case's other files.
    _, evidence_path = api.path("complaints_documents_retrieve", ref=ref, uid=evidence.json()["id"])
    assert platform_api.get(evidence_path).status_code == 404
    assert platform_api.get(api.path("complaints_documents_retrieve", ref=ref, uid=uuid.uuid4())[1]).status_code == 404
