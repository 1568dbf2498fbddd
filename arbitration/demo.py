"""Demo arbitrations in every state, on both procedures (idempotent; called by seed_demo).

Each demo case is brought by a different company: an arbitrator may not sit
twice between the same parties (conflict rule), and the demo keeps the rules."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from arbitration import awards, services
from arbitration.models import Arbitration, ArbitrationState
from portal.demo.seed import PASSWORD, _build_case, _ref
from portal.models import Case, Channel, IPType, Track
from portal.services import intake

S = ArbitrationState
ORDER = [S.FILED, S.FEES_ASSESSED, S.FEES_PAID, S.NOTICE_SERVED, S.CONSTITUTION, S.CONSTITUTED, S.PROCEEDINGS,
         S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED, S.AWARD_ISSUED, S.CLOSED]
ENDINGS = {S.WITHDRAWN: S.FEES_PAID, S.TERMINATED: S.CONSTITUTION, S.SETTLED: S.PROCEEDINGS}
PLACES = ["上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "淳安", "建德", "宁波",
          "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水", "义乌", "东阳", "永康", "海宁", "乐清"]
AWARD = {"claims": "1. 裁决被申请人立即停止销售侵犯申请人注册商标专用权的商品；\n2. 裁决被申请人赔偿经济损失及合理开支。",
         "findings": "申请人系涉案注册商标的权利人。被申请人在其网店销售的茶叶商品包装上使用了与涉案商标相同的标识，"
                     "申请人公证购买的商品与网店页面一致。",
         "reasoning": "被申请人未经许可在同一种商品上使用与注册商标相同的商标，构成侵权，应当承担停止侵权、赔偿损失的责任。"
                      "仲裁庭综合考虑侵权情节、持续时间及申请人的合理开支确定赔偿数额。",
         "operative": ["被申请人立即停止销售侵犯申请人注册商标专用权的商品，并删除相关商品链接。",
                       "被申请人于本裁决作出之日起十日内赔偿申请人经济损失及合理开支共计人民币 30,000 元。"],
         "costs": {"claimant_percent": "20", "note": "其余仲裁费用由被申请人承担。"}}


def _plan():
    plan = []
    for procedure, amount in (("expedited", "200000"), ("ordinary", "8000000")):
        for state in ORDER + list(ENDINGS):
            plan.append((f"arb-{procedure}-{state}", procedure, state, amount))
    return plan


def _reach(arbitration: Arbitration, target: str, users: dict) -> None:
    claimant, respondent, manager = users["claimant"], users["respondent"], users["manager"]
    arbitrators = [users["arbitrator"], users["arbitrator2"], users["arbitrator3"]]
    stop = ENDINGS.get(target, target)
    steps = ORDER[:ORDER.index(stop) + 1]

    def fresh():
        return Arbitration.objects.get(pk=arbitration.pk)

    if S.FEES_ASSESSED in steps:
        services.assess_fees(arbitration=fresh(), by=manager)
    if S.FEES_PAID in steps:
        payment = services.start_payment(assessment=fresh().assessments.get(kind="claim"), by=claimant)
        services.payment_succeeded(payment=payment, provider_data={"demo": True})
    if S.NOTICE_SERVED in steps:
        _, sent = services.serve_notice(arbitration=fresh(), by=manager)
        services.claim_notice(token=sent[0][1], user=respondent)
    if S.CONSTITUTION in steps:
        services.file_answer(arbitration=fresh(), by=respondent,
                             text="被申请人所售商品系从正规渠道进货，不知道是侵权商品，请求驳回赔偿请求。")
        services.transition(arbitration=fresh(), name="begin_constitution", by=respondent)
    if S.CONSTITUTED in steps:
        a = fresh()
        if a.tribunal_size == 1:
            members = [services.appoint(arbitration=a, by=manager, arbitrator=arbitrators[0], role="sole",
                                        nominated_by="centre")]
        else:
            services.nominate(arbitration=a, by=claimant, arbitrator=arbitrators[1])
            services.nominate(arbitration=a, by=respondent, arbitrator=arbitrators[2])
            members = [services.appoint(arbitration=a, by=manager, arbitrator=arbitrators[1], role="co",
                                        nominated_by="claimant"),
                       services.appoint(arbitration=a, by=manager, arbitrator=arbitrators[2], role="co",
                                        nominated_by="respondent"),
                       services.appoint(arbitration=a, by=manager, arbitrator=arbitrators[0], role="presiding",
                                        nominated_by="centre")]
        for m in members:
            services.accept_seat(member=m, by=m.arbitrator, disclosure="")
        services.transition(arbitration=fresh(), name="constitute", by=manager)
    presiding = arbitrators[0]
    if S.PROCEEDINGS in steps:
        services.issue_order(arbitration=fresh(), by=presiding, title="关于证据交换的程序令",
                             text="双方应于十日内提交全部证据及书面意见。",
                             submissions_due=timezone.now() + timedelta(days=10))
        services.submit(arbitration=fresh(), by=claimant, kind="statement",
                        text="申请人补充说明：被申请人网店页面显示累计销量 1,200 件。", order=fresh().orders.first())
        services.schedule_hearing(arbitration=fresh(), by=presiding, mode="online",
                                  starts_at=timezone.now() + timedelta(days=14), duration_minutes=90)
        if target == S.PROCEEDINGS:  # an online hearing about to start, its room open: try it as any party
            from arbitration import hearing_rooms
            from mediation.sessions import rooms

            hearing = services.schedule_hearing(arbitration=fresh(), by=presiding, mode="online",
                                                starts_at=timezone.now() + timedelta(minutes=30), duration_minutes=60)
            room = hearing_rooms.open_room(hearing=hearing, by=presiding)
            for n, (who, text) in enumerate([(presiding, "各方是否已到庭？请确认身份后开始。"),
                                             (claimant, "申请人代理人已到庭。"),
                                             (respondent, "被申请人已到庭。")], start=1):
                rooms.post_text(room=room, author=who, client_id=f"demo-{n}", text=text)
    if target == S.SETTLED:
        award = awards.draft(arbitration=fresh(), by=presiding, kind="consent", content={
            **AWARD, "operative": ["双方自愿达成和解：被申请人于十日内支付申请人人民币 20,000 元，并删除全部侵权商品链接。"]})
        _sign_majority(award, fresh())
        awards.issue(arbitration=fresh(), by=manager)
        return
    if S.PROCEEDINGS_CLOSED in steps:
        services.transition(arbitration=fresh(), name="close_proceedings", by=presiding, note="双方无新的证据提交。")
    if S.AWARD_DRAFTED in steps:
        award = awards.draft(arbitration=fresh(), by=presiding, content=AWARD)
        if S.AWARD_ISSUED in steps:
            _sign_majority(award, fresh())
            awards.issue(arbitration=fresh(), by=manager)
    if S.CLOSED in steps:
        Arbitration.objects.filter(pk=arbitration.pk).update(correction_until=timezone.now())
        services.run_deadlines(now=timezone.now() + timedelta(seconds=1))
    if target == S.WITHDRAWN:
        services.transition(arbitration=fresh(), name="withdraw", by=claimant, note="双方已庭外和解，申请撤回仲裁申请。")
    if target == S.TERMINATED:
        services.transition(arbitration=fresh(), name="terminate", by=manager, note="申请人未按期补正仲裁请求。")


def _sign_majority(award, arbitration) -> None:
    members = list(arbitration.members.filter(status="accepted").order_by("role"))
    needed = arbitration.tribunal_size // 2 + 1
    for member in members[:needed]:
        awards.sign(award=award, by=member.arbitrator, password=PASSWORD)


def seed_arbitrations(users) -> dict:
    from arbitration.defaults import ensure_defaults

    ensure_defaults()  # the procedures and fees, if the database was emptied
    created = 0
    for n, (key, procedure, target, amount) in enumerate(_plan()):
        if Case.objects.filter(ref=_ref(key)).exists():
            continue
        company = f"{PLACES[n % len(PLACES)]}青禾知识产权运营有限公司"
        code = f"91330{n:03d}MA2C{n:02d}XKQ8"[:17]
        with transaction.atomic():
            case = _build_case(key=key, filer=users["claimant"], claimant=(company, code),
                               claimant_user=users["claimant"], agent_user=None, track=Track.ARBITRATION,
                               channel=Channel.ONLINE, ip=(IPType.TRADEMARK, "“青禾”文字商标", "第 23456789 号"),
                               amount=amount, respondent_user=None,
                               facts="被申请人在其网店销售假冒“青禾”商标的茶叶。双方签订的经销合同约定争议提交本中心仲裁。")
            intake.submit_case(case=case, by=users["claimant"])
            intake.docket_case(case=case, by=users["manager"], note="仲裁申请材料齐全，予以受理。")
            arbitration = Arbitration.objects.get(case=case)
            assert arbitration.rule_set.code == procedure, (key, arbitration.rule_set.code)
            _reach(arbitration, target, users)
            assert Arbitration.objects.get(pk=arbitration.pk).state == target, key
        created += 1
    return {"arbitrations_created": created}
