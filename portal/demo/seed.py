"""Idempotent demo data: accounts, courts, public pages, and cases in every state.

Cases carry deterministic refs (uuid5), so running the seed again finds them
and changes nothing. Transitions go through the real services, so timelines,
case numbers and notifications are what production would produce.
"""

import io
import uuid
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from portal.models import (
    Agent,
    ArbitrationAgreement,
    Case,
    CaseAssignment,
    CaseDocument,
    Channel,
    Court,
    IPRight,
    IPType,
    Organisation,
    Party,
    Track,
    User,
)
from portal.services import intake
from portal.services.documents import atomic_with_file_cleanup, store_case_document

PASSWORD = "demo12345"  # noqa: S105 - documented demo password, dev data only
NAMESPACE = uuid.UUID("6f0f3f5e-8a43-4f38-9a8e-2f6f3c1a9e01")

COURTS = [
    ("杭州市西湖区人民法院", "Hangzhou Xihu District People's Court", Court.Level.BASIC, "330106"),
    ("杭州市滨江区人民法院", "Hangzhou Binjiang District People's Court", Court.Level.BASIC, "330108"),
    ("杭州市中级人民法院", "Hangzhou Intermediate People's Court", Court.Level.INTERMEDIATE, "330100"),
    ("杭州知识产权法庭", "Hangzhou Intellectual Property Tribunal", Court.Level.IP, "330100"),
]

USERS = [
    # email, name, role, extra
    ("claimant@demo.test", "王小明", User.Role.PARTY, {"phone": "13800000001"}),
    ("claimant2@demo.test", "李律师", User.Role.PARTY, {"phone": "13800000002"}),
    ("respondent@demo.test", "张三", User.Role.PARTY, {"phone": "13800000003"}),
    ("mediator@demo.test", "陈调解", User.Role.MEDIATOR, {}),
    ("arbitrator@demo.test", "刘仲裁", User.Role.ARBITRATOR, {}),
    ("clerk@demo.test", "周书记员", User.Role.CLERK, {}),
    ("manager@demo.test", "赵立案", User.Role.CASE_MANAGER, {"is_staff": True}),
    ("admin@demo.test", "系统管理员", User.Role.ADMIN, {"is_staff": True, "is_superuser": True}),
]

# Valid check characters (GB 32100 / GB 11643), so the data passes the same validation as real filings.
CLAIMANT_ORG = ("杭州西湖龙井茶业有限公司", "91330106MA2B0XKQ8P")
CLAIMANT2_CLIENT = ("浙江青禾服饰有限公司", "91330108MA2GL5JY1U")
RESPONDENT_ORG = ("义乌市小商品贸易商行", "92330782MA2E8AAN3C")


def _fix_check(code: str) -> str:
    from portal.validators import credit_code_check_char

    return code[:17] + credit_code_check_char(code[:17])


def _pdf_bytes(title: str) -> bytes:
    """A small valid one-page PDF (ASCII text; libmagic sees application/pdf)."""
    content = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _png_bytes(label: str) -> bytes:
    img = Image.new("RGB", (640, 360), (245, 247, 250))
    draw = ImageDraw.Draw(img)
    draw.rectangle([20, 20, 620, 340], outline=(31, 58, 95), width=4)
    draw.text((40, 160), label, fill=(140, 28, 19))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def seed_users() -> dict[str, User]:
    orgs = {
        "claimant": Organisation.objects.get_or_create(
            name=CLAIMANT_ORG[0], defaults={"credit_code": _fix_check(CLAIMANT_ORG[1])})[0],
        "firm": Organisation.objects.get_or_create(name="浙江正和律师事务所",
                                                   defaults={"kind": Organisation.Kind.LAW_FIRM})[0],
        "respondent": Organisation.objects.get_or_create(
            name=RESPONDENT_ORG[0], defaults={"credit_code": _fix_check(RESPONDENT_ORG[1])})[0],
    }
    courts = {}
    for name, name_en, level, region in COURTS:
        courts[name], _ = Court.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "level": level, "region_code": region})
    users = {}
    for email, name, role, extra in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=name, role=role, **extra)
            user.set_password(PASSWORD)
        user.organisation = {"claimant@demo.test": orgs["claimant"], "claimant2@demo.test": orgs["firm"],
                             "respondent@demo.test": orgs["respondent"]}.get(email)
        if role == User.Role.CLERK:
            user.court = courts["杭州市西湖区人民法院"]
        user.save()
        users[email.split("@")[0]] = user
    _grant_back_office(users["manager"])
    return users


def _grant_back_office(manager: User) -> None:
    """Case managers use the Wagtail back office (cms grants them the page permissions)."""
    group, _ = Group.objects.get_or_create(name="Case managers")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(
        content_type__app_label="portal", content_type__model__in=["court", "organisation"],
        codename__regex=r"^(add|change|view)_"))
    manager.groups.add(group)


# --- cases ----------------------------------------------------------------------------------

def _ref(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _build_case(*, key: str, filer: User, claimant: tuple, claimant_user: User | None, agent_user: User | None,
                track: str, channel: str, ip: tuple, facts: str, amount: str, court: Court | None = None,
                court_reference: str = "", intake_note: str = "", respondent_user: User | None = None) -> Case:
    case = Case(ref=_ref(key), created_by=filer, channel=channel, track=track, referring_court=court,
                court_reference=court_reference, intake_note=intake_note, facts=facts,
                claim_amount=Decimal(amount), claim_cease_infringement=True, claim_remove_listings=True,
                claim_costs=True, wizard_step=7)
    if track == Track.ARBITRATION:
        case.arbitration_agreement = ArbitrationAgreement.UPLOADED
    case.save()
    claimant_party = Party.objects.create(
        case=case, side=Party.Side.CLAIMANT, kind=Party.Kind.ENTITY, name=claimant[0],
        credit_code=_fix_check(claimant[1]), address="浙江省杭州市西湖区文三路 90 号", phone="0571-88000000",
        email=claimant_user.email if claimant_user else "legal@example.cn", user=claimant_user)
    Party.objects.create(
        case=case, side=Party.Side.RESPONDENT, kind=Party.Kind.ENTITY, name=RESPONDENT_ORG[0],
        credit_code=_fix_check(RESPONDENT_ORG[1]), address="浙江省义乌市福田街道 12 号",
        phone="13800000003", email="respondent@demo.test", shop_url="https://shop.example.cn/store/10086",
        user=respondent_user)
    IPRight.objects.create(case=case, ip_type=ip[0], title=ip[1], registration_number=ip[2], holder=claimant[0],
                           valid_from="2019-03-01", valid_until="2029-02-28")
    uploads = [
        ("权利证书.pdf", _pdf_bytes(f"Registration certificate {key}"), CaseDocument.Kind.EVIDENCE, "权利证明"),
        ("侵权商品页面截图.png", _png_bytes(f"Listing screenshot {key}"), CaseDocument.Kind.EVIDENCE, "被控侵权商品页面"),
    ]
    if track == Track.ARBITRATION:
        uploads.append(("仲裁协议.pdf", _pdf_bytes(f"Arbitration agreement {key}"),
                        CaseDocument.Kind.ARBITRATION_AGREEMENT, "仲裁条款"))
    for name, data, kind, desc in uploads:
        store_case_document(case=case, upload=SimpleUploadedFile(name, data), kind=kind, by=filer,
                            description=desc)
    if agent_user is not None:
        poa = store_case_document(case=case, upload=SimpleUploadedFile("授权委托书.pdf", _pdf_bytes(f"Power of attorney {key}")),
                                  kind=CaseDocument.Kind.POWER_OF_ATTORNEY, by=filer, description="授权委托书")
        Agent.objects.create(case=case, party=claimant_party, name=agent_user.full_name, law_firm="浙江正和律师事务所",
                             licence_number="13301201910123456", phone=agent_user.phone, email=agent_user.email,
                             user=agent_user, power_of_attorney=poa)
    return case


STATE_PLAN = [
    # key suffix, final state, track
    ("draft", "draft", Track.MEDIATION),
    ("submitted", "submitted", Track.MEDIATION),
    ("returned", "returned", Track.MEDIATION),
    ("rejected", "rejected", Track.MEDIATION),
    ("withdrawn", "withdrawn", Track.MEDIATION),
    ("docketed-m", "docketed", Track.MEDIATION),
    ("docketed-a", "docketed", Track.ARBITRATION),
]

IP_SAMPLES = [
    (IPType.TRADEMARK, "“西湖龙井”图文商标", "第 12345678 号"),
    (IPType.PATENT, "一种便携式茶具（实用新型）", "ZL 2020 2 1234567.8"),
    (IPType.COPYRIGHT, "《青禾》系列服装图案美术作品", "浙作登字-2021-F-00012345"),
    (IPType.TRADEMARK, "“青禾”文字商标", "第 23456789 号"),
]


def _advance(case: Case, final: str, *, filer: User, manager: User) -> None:
    if final == "draft":
        return
    if final == "withdrawn":
        intake.withdraw_case(case=case, by=filer, note="已与对方自行和解")
        return
    intake.submit_case(case=case, by=filer)
    if final == "returned":
        intake.return_case(case=case, by=manager, note="请补充被控侵权商品的购买凭证，并写明具体侵权链接。")
    elif final == "rejected":
        intake.reject_case(case=case, by=manager, note="所涉权利已于申请前失效，不属于本中心受理范围。")
    elif final == "docketed":
        intake.docket_case(case=case, by=manager, note="材料齐全，予以立案。")


def seed_cases(users: dict[str, User]) -> int:
    created = 0
    plans = [
        ("c1", users["claimant"], CLAIMANT_ORG, users["claimant"], None),
        ("c2", users["claimant2"], CLAIMANT2_CLIENT, None, users["claimant2"]),
    ]
    for who, filer, claimant, claimant_user, agent_user in plans:
        for i, (suffix, final, track) in enumerate(STATE_PLAN):
            key = f"{who}-{suffix}"
            if Case.objects.filter(ref=_ref(key)).exists():
                continue
            ip = IP_SAMPLES[(i + (0 if who == "c1" else 2)) % len(IP_SAMPLES)]
            with atomic_with_file_cleanup():
                case = _build_case(
                    key=key, filer=filer, claimant=claimant, claimant_user=claimant_user, agent_user=agent_user,
                    track=track, channel=Channel.ONLINE, ip=ip, amount="200000" if track == Track.MEDIATION else "800000",
                    facts=(f"申请人系{ip[1]}的权利人。2026年9月，申请人发现被申请人在其网店中销售使用相同标识的商品，"
                           "销量逾千件，导致消费者混淆，损害申请人的合法权益。"),
                    respondent_user=users["respondent"] if final == "docketed" else None,
                )
                _advance(case, final, filer=filer, manager=users["manager"])
                if final == "docketed":
                    role = CaseAssignment.Role.MEDIATOR if track == Track.MEDIATION else CaseAssignment.Role.ARBITRATOR
                    neutral = users["mediator"] if track == Track.MEDIATION else users["arbitrator"]
                    CaseAssignment.objects.get_or_create(case=case, user=neutral, role=role)
            created += 1
    # A court referral and a walk-in filing, both waiting for screening.
    extra = [
        ("court-referral", users["clerk"], Channel.COURT, "（2026）浙0106民诉前调1024号", ""),
        ("walk-in", users["manager"], Channel.WALK_IN, "", "权利人代表于 11 月 20 日到中心窗口现场申请。"),
    ]
    for key, filer, channel, court_ref, note in extra:
        if Case.objects.filter(ref=_ref(key)).exists():
            continue
        with atomic_with_file_cleanup():
            case = _build_case(
                key=key, filer=filer, claimant=("杭州九溪文创有限公司", "91330106MA27XY0128"),
                claimant_user=None, agent_user=None, track=Track.MEDIATION, channel=channel,
                ip=(IPType.COPYRIGHT, "《九溪烟树》插画作品", "浙作登字-2022-F-00067890"), amount="50000",
                facts="被申请人未经许可，在其网店商品详情页中使用申请人享有著作权的插画作品。",
                court=filer.court if channel == Channel.COURT else None, court_reference=court_ref,
                intake_note=note)
            intake.submit_case(case=case, by=filer)
        created += 1
    return created


# Other apps add their own demo data (public pages, mediation, arbitration)
# through register_seeder(), so portal never imports them.
_SEEDERS: list = []


def register_seeder(func) -> None:
    """func(users: dict[str, User]) -> dict of counts; run after users and intake cases."""
    if func not in _SEEDERS:
        _SEEDERS.append(func)


@transaction.atomic
def seed_all() -> dict:
    users = seed_users()
    report = {"users": len(users), "cases_created": seed_cases(users)}
    for seeder in _SEEDERS:
        report.update(seeder(users) or {})
    return report
