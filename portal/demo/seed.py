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
    NeutralProfile,
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
    ("mediator2@demo.test", "沈雅琴", User.Role.MEDIATOR, {}),
    ("mediator3@demo.test", "何文斌", User.Role.MEDIATOR, {}),
    ("arbitrator2@demo.test", "楼建华", User.Role.ARBITRATOR, {}),
    ("arbitrator3@demo.test", "叶思远", User.Role.ARBITRATOR, {}),
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
        content_type__app_label="portal", content_type__model__in=["court", "organisation", "neutralprofile"],
        codename__regex=r"^(add|change|view)_"))
    # Neutrals' photos: upload and choose images in the root collection.
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is not None:
        for perm in Permission.objects.filter(content_type__app_label="wagtailimages",
                                              codename__in=["add_image", "choose_image"]):
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=perm)
    manager.groups.add(group)


# --- neutrals -------------------------------------------------------------------------------

NEUTRALS = [
    # login, English name, mediator, arbitrator, specialities, industries, languages, region, organisation,
    # years, availability, bio
    ("mediator", "Chen Tiaojie", True, False, [IPType.TRADEMARK, IPType.GEO_INDICATION], "茶叶, 农产品, 电子商务", "zh",
     "浙江省杭州市", "杭州市知识产权保护中心", 12, NeutralProfile.Availability.AVAILABLE,
     "<p>长期从事商标与地理标志纠纷调解工作，熟悉“西湖龙井”等地理标志产品的保护实践。"
     "擅长在电商平台投诉与线下调解之间衔接，促成当事人就停止侵权、下架链接与赔偿数额达成一揽子协议。</p>"),
    ("arbitrator", "Liu Zhongcai", False, True, [IPType.PATENT, IPType.TRADE_SECRET], "装备制造, 新材料", "zh,en",
     "浙江省杭州市", "浙江大学知识产权学院", 18, NeutralProfile.Availability.LIMITED,
     "<p>法学博士，教授，主要研究专利法与商业秘密保护。曾参与多部地方知识产权保护条例的起草论证，"
     "担任仲裁员以来审理专利许可合同、技术秘密侵权等案件数十件。</p>"),
    ("mediator2", "Shen Yaqin", True, False, [IPType.COPYRIGHT, IPType.TRADEMARK], "服装, 文化创意, 直播电商", "zh,en",
     "浙江省宁波市", "宁波市知识产权纠纷人民调解委员会", 9, NeutralProfile.Availability.AVAILABLE,
     "<p>原宁波市某基层法院知识产权庭法官，退休后从事专职调解。擅长服装图案、美术作品著作权及"
     "直播带货中的商标侵权纠纷，注重当事人长期合作关系的维护。</p>"),
    ("mediator3", "He Wenbin", True, True, [IPType.PATENT, IPType.PLANT_VARIETY], "农业, 种业, 生物技术", "zh",
     "浙江省金华市", "杭州某律师事务所", 15, NeutralProfile.Availability.UNAVAILABLE,
     "<p>执业律师、专利代理师，专注植物新品种权和农业专利纠纷。代理及调解案件覆盖杂交水稻、"
     "茶树品种等领域，能够结合技术鉴定意见组织双方协商。</p>"),
    ("arbitrator2", "Lou Jianhua", False, True, [IPType.TRADEMARK, IPType.COPYRIGHT, IPType.OTHER],
     "小商品, 跨境电商, 外贸", "zh,en,ko", "浙江省义乌市", "浙江正和律师事务所", 21, NeutralProfile.Availability.AVAILABLE,
     "<p>高级合伙人，长期为义乌小商品市场经营户和跨境电商企业提供知识产权合规服务，"
     "熟悉涉外商标与平台规则，可使用英语、韩语审理涉外案件。</p>"),
    ("arbitrator3", "Ye Siyuan", True, True, [IPType.TRADE_SECRET, IPType.COPYRIGHT], "软件, 互联网, 数字经济", "zh,en,ja",
     "浙江省温州市", "温州大学法学院", 7, NeutralProfile.Availability.LIMITED,
     "<p>副教授，研究方向为数据与软件知识产权保护。担任调解员和仲裁员处理软件著作权、"
     "源代码商业秘密及数据爬取纠纷，具备计算机专业背景。</p>"),
]


def seed_neutrals(users: dict[str, User]) -> int:
    """Directory profiles for the demo mediators and arbitrators (one per account)."""
    created = 0
    for (login, name_en, is_mediator, is_arbitrator, specialities, industries, languages, region, organisation,
         years, availability, bio) in NEUTRALS:
        user = users[login]
        if NeutralProfile.objects.filter(user=user).exists():
            continue
        profile = NeutralProfile(
            user=user, display_name=user.full_name, name_en=name_en, is_mediator=is_mediator,
            is_arbitrator=is_arbitrator, ip_specialities=[str(t) for t in specialities], industries=industries,
            languages=languages, region=region, organisation=organisation, years_of_practice=years,
            availability=availability, is_public=True, bio=bio,
            bio_en=f"<p>{name_en} serves on the centre's panel ({organisation}).</p>")
        profile.full_clean()
        profile.save()
        created += 1
    return created


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
    report = {"users": len(users), "cases_created": seed_cases(users), "neutrals_created": seed_neutrals(users)}
    for seeder in _SEEDERS:
        report.update(seeder(users) or {})
    return report
