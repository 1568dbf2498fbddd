"""factory_boy factories for the case-intake domain."""

from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import (
    Agent,
    Case,
    CaseAssignment,
    CaseDocument,
    Channel,
    Court,
    IPRight,
    IPType,
    Party,
    Track,
    User,
)
from portal.validators import credit_code_check_char, id_number_check_char

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def valid_credit_code(n: int) -> str:
    first17 = f"9133010{n:010d}"[:17]
    return first17 + credit_code_check_char(first17)


def valid_id_number(n: int) -> str:
    first17 = f"3301061990{n:07d}"[:17]
    return first17 + id_number_check_char(first17)


def pdf_upload(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court

    name = factory.Sequence(lambda n: f"测试区人民法院{n}")
    level = Court.Level.BASIC
    region_code = "330106"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.PARTY
    password = factory.PostGenerationMethodCall("set_password", "pw-123456!")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ManagerFactory(UserFactory):
    role = User.Role.CASE_MANAGER
    is_staff = True


class ClerkFactory(UserFactory):
    role = User.Role.CLERK
    court = factory.SubFactory(CourtFactory)


class MediatorFactory(UserFactory):
    role = User.Role.MEDIATOR


class CaseFactory(factory.django.DjangoModelFactory):
    """A draft; use complete=True for one that satisfies every submit condition."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)
    channel = Channel.ONLINE
    track = Track.MEDIATION

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        if not (create and extracted):
            return
        obj.facts = "被申请人销售假冒商品。"
        obj.claim_amount = Decimal("10000")
        obj.claim_cease_infringement = True
        obj.save()
        PartyFactory(case=obj, side=Party.Side.CLAIMANT, user=obj.created_by)
        PartyFactory(case=obj, side=Party.Side.RESPONDENT)
        IPRightFactory(case=obj)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    side = Party.Side.CLAIMANT
    kind = Party.Kind.ENTITY
    name = factory.Sequence(lambda n: f"测试公司{n}")
    credit_code = factory.Sequence(valid_credit_code)
    phone = "13800000000"


class IPRightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IPRight

    case = factory.SubFactory(CaseFactory)
    ip_type = IPType.TRADEMARK
    title = "测试商标"
    registration_number = "12345678"
    holder = "测试公司"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseDocument

    case = factory.SubFactory(CaseFactory)
    kind = CaseDocument.Kind.EVIDENCE
    file = factory.LazyFunction(lambda: pdf_upload())
    original_name = "evidence.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("case.created_by")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    case = factory.SubFactory(CaseFactory)
    party = factory.SubFactory(PartyFactory, case=factory.SelfAttribute("..case"))
    name = "李律师"
    email = factory.Sequence(lambda n: f"lawyer{n}@example.test")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAssignment

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(MediatorFactory)
    role = CaseAssignment.Role.MEDIATOR


class NeutralProfileFactory(factory.django.DjangoModelFactory):
    """A public mediator profile; pass user=ArbitratorFactory(), is_arbitrator=True for an arbitrator."""

    class Meta:
        model = "portal.NeutralProfile"

    user = factory.SubFactory(MediatorFactory)
    display_name = factory.SelfAttribute("user.full_name")
    is_mediator = True
    ip_specialities = factory.LazyFunction(lambda: [IPType.TRADEMARK.value])
    languages = "zh"
    region = "浙江省杭州市"
    organisation = "杭州市知识产权保护中心"
    years_of_practice = 5
    is_public = True


class ArbitratorFactory(UserFactory):
    role = User.Role.ARBITRATOR
