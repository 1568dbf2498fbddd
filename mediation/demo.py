"""Demo mediations in each state reached so far (idempotent; called by seed_demo)."""

from django.db import transaction
from django.utils import timezone

from mediation import agreements, confirmation, services
from mediation.models import Mediation
from portal.demo.seed import PASSWORD, _build_case, _ref
from portal.models import Case, Channel, Court, IPType, Track
from portal.services import intake

# Each demo mediation is brought by a different company of the claimant's group:
# a mediator may not mediate twice between the same parties (conflict rule).
PLAN = [
    # key, how far, description, claimant company, credit code (check character fixed at seeding)
    ("med-consented", "consented", "被申请人已同意调解，待指定调解员", "杭州龙井茶叶销售有限公司", "91330106MA2B1XKQ8"),
    ("med-in-progress", "in_progress", "调解进行中", "杭州西湖茶业电子商务有限公司", "91330106MA2B2XKQ8"),
    ("med-drafted", "agreement_drafted", "调解协议已起草，待双方签署", "浙江龙井茶业集团有限公司", "91330106MA2B3XKQ8"),
    ("med-signed", "agreement_signed", "调解协议已签署生效", "杭州梅家坞茶业有限公司", "91330106MA2B4XKQ8"),
    ("med-declined", "declined", "被申请人拒绝调解", "杭州狮峰茶业有限公司", "91330106MA2B5XKQ8"),
    ("med-terminated", "terminated", "调解终结", "杭州虎跑茶业有限公司", "91330106MA2B6XKQ8"),
    ("med-suspended", "suspended", "调解中止", "杭州云栖茶业有限公司", "91330106MA2B7XKQ8"),
    ("med-applied", "confirmation_applied", "已共同申请司法确认", "杭州翁家山茶业有限公司", "91330106MA2B8XKQ8"),
    ("med-confirmed", "confirmed", "调解协议已经法院司法确认", "杭州满觉陇茶业有限公司", "91330106MA2B9XKQ8"),
]

TERMS = {"payment_amount": "20000", "instalments": [], "cease_infringement": True,
         "remove_urls": ["https://shop.example.cn/store/10086/item/1"], "remove_by": "2026-12-15",
         "destroy_stock": True, "public_apology": "", "confidentiality": True, "costs": "各自承担",
         "default_consequences": "逾期未删除链接的，每日支付违约金 500 元。", "other": ""}


def seed_mediations(users) -> dict:
    created = 0
    claimant, respondent, manager, mediator = users["claimant"], users["respondent"], users["manager"], users["mediator"]
    for key, target, facts, company, code in PLAN:
        if Case.objects.filter(ref=_ref(key)).exists():
            continue
        with transaction.atomic():
            case = _build_case(key=key, filer=claimant, claimant=(company, code), claimant_user=claimant, agent_user=None,
                               track=Track.MEDIATION, channel=Channel.ONLINE,
                               ip=(IPType.TRADEMARK, "“西湖龙井”图文商标", "第 12345678 号"), amount="50000",
                               facts=f"{facts}。被申请人在网店销售使用相同商标的茶叶。", respondent_user=respondent)
            intake.submit_case(case=case, by=claimant)
            case = intake.docket_case(case=case, by=manager, note="材料齐全，予以立案。")
            m = Mediation.objects.get(case=case)
            if target == "declined":
                services.decline(mediation=m, by=respondent, reason="双方已自行协商处理。")
            else:
                m = services.consent(mediation=m, by=respondent)
                if target != "consented":
                    services.propose_mediator(mediation=m, mediator=mediator, by=manager)
                    m = services.accept_appointment(mediation=m, by=mediator, disclosure="")
                if target in ("agreement_drafted", "agreement_signed", "confirmation_applied", "confirmed"):
                    version = agreements.draft_version(mediation=m, by=mediator, terms=TERMS)
                    agreements.sign(version=version, by=claimant, password=PASSWORD)
                    if target != "agreement_drafted":
                        agreements.sign(version=version, by=respondent, password=PASSWORD)
                if target in ("confirmation_applied", "confirmed"):
                    court = Court.objects.get(name="杭州市西湖区人民法院")
                    for party_user in (claimant, respondent):
                        confirmation.sign_application(mediation=Mediation.objects.get(pk=m.pk), by=party_user,
                                                      court=court, password=PASSWORD)
                if target == "confirmed":
                    confirmation.record_ruling(mediation=Mediation.objects.get(pk=m.pk), by=users["clerk"],
                                               confirmed=True, ruling_number="（2026）浙0106民特88号",
                                               ruling_date=timezone.localdate())
                if target == "terminated":
                    services.terminate(mediation=m, by=respondent, reason="双方对赔偿金额分歧过大。")
                if target == "suspended":
                    services.suspend(mediation=m, by=mediator, reason="被申请人申请暂停，以便核查库存。")
        created += 1
    return {"mediations_created": created}
