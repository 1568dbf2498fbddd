"""Demo public site (idempotent): home page, guides, the filing page, the
neutrals directory, typical cases, statistics, the infringer list, news and
rules, in Chinese (the default locale) and in English.

The English pages are wagtail-localize translations of the Chinese ones
(cms.demo_english holds their text), so editors see them in the back office
as translations to keep in step when the Chinese page changes."""

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from cms import demo_english as english
from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    FilingCategory,
    FilingPage,
    GuidePage,
    HomePage,
    InfringerListPage,
    NeutralDirectoryPage,
    NewsIndexPage,
    NewsPage,
    RulesPage,
    StatisticsPage,
)
from portal.demo.content import FILING, GUIDES, HOME


def _stream(items):
    blocks = []
    for kind, value in items:
        if kind == "notice":
            blocks.append(("notice", {"text": value}))
        else:
            blocks.append((kind, value))
    return blocks


def _ensure_tree_root() -> Page:
    """Wagtail's migrations create the default locale and a root page; a database
    flushed since (transactional tests) lacks them, so recreate them here."""
    from wagtail.coreutils import get_supported_content_language_variant

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))
    return root


# --- the pages, built from their text in either language -----------------------------------------

def _home_page(text: dict) -> HomePage:
    return HomePage(title=text["title"], slug="home", intro=text["intro"], lead=text["lead"], body=[
        ("steps", {"heading": text["steps_heading"], "steps": [{"title": t, "text": x} for t, x in text["steps"]]})])


def _guide_page(text: dict) -> GuidePage:
    return GuidePage(title=text["title"], slug=text["slug"], summary=text["summary"], body=_stream(text["body"]),
                     show_in_menus=True)


def _filing_page(text: dict) -> FilingPage:
    page = FilingPage(title=text["title"], slug="file", intro=text["intro"], before_you_start=text["before_you_start"],
                      show_in_menus=True)
    # An explicit sort_order: without it the categories' order is the database's choice (PostgreSQL's
    # differs from SQLite's), and the English text is paired with the categories in order.
    page.categories = [FilingCategory(ip_type=t, guidance=g, sort_order=i) for i, (t, g) in enumerate(text["categories"])]
    return page


def _directory_page(text: dict) -> NeutralDirectoryPage:
    return NeutralDirectoryPage(title=text["title"], slug="neutrals", intro=text["intro"], show_in_menus=True)


def _case_study_index_page(text: dict) -> CaseStudyIndexPage:
    return CaseStudyIndexPage(title=text["title"], slug="typical-cases", intro=text["intro"], show_in_menus=True)


def _statistics_page(text: dict) -> StatisticsPage:
    return StatisticsPage(title=text["title"], slug="statistics", intro=text["intro"], notes=text["notes"],
                          show_in_menus=True)


def _infringer_list_page(text: dict) -> InfringerListPage:
    return InfringerListPage(title=text["title"], slug="infringer-list", intro=text["intro"],
                             objection_info=text["objection_info"], show_in_menus=True)


def _news_index_page(text: dict) -> NewsIndexPage:
    return NewsIndexPage(title=text["title"], slug="news", show_in_menus=True)


def _news_page(slug: str, text: dict) -> NewsPage:
    return NewsPage(title=text["title"], slug=slug, date=text["date"], intro=text["intro"],
                    body=[("paragraph", text["body"])])


def _rules_page(slug: str, title: str, summary: str, body: list, **extra) -> RulesPage:
    return RulesPage(title=title, slug=slug, summary=summary, body=_stream(body), **extra)


@transaction.atomic
def seed_pages(users=None) -> dict:
    created = 0
    root = _ensure_tree_root()
    chinese = Locale.get_default()
    home = HomePage.objects.filter(locale=chinese).first()
    if home is None:
        # Wagtail's placeholder "Welcome" page (a plain Page) is replaced by ours.
        for placeholder in root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore"):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        root.refresh_from_db()
        home = _home_page({**HOME, "steps_heading": "办理流程"})
        root.add_child(instance=home)
        home.save_revision().publish()
        created += 1
        Site.objects.update_or_create(is_default_site=True, defaults={
            "hostname": "localhost", "port": 80, "root_page": home, "site_name": "知识产权纠纷调解仲裁中心"})
    for guide in GUIDES:
        if GuidePage.objects.filter(slug=guide["slug"], locale=chinese).exists():
            continue
        _child(home, _guide_page(guide))
        created += 1
    if not FilingPage.objects.filter(locale=chinese).exists():
        _child(home, _filing_page(FILING))
        created += 1
    if not NeutralDirectoryPage.objects.filter(locale=chinese).exists():
        _child(home, _directory_page(DIRECTORY))
        created += 1
    created += _seed_public_sections(home)
    report = {"pages_created": created, **_seed_english(home)}
    _grant_page_permissions(root)
    if users:
        report.update(_seed_case_study_draft(users))
        report.update(_seed_infringer_listing(users))
    return report


def _grant_page_permissions(root: Page) -> None:
    """Case managers edit and publish the public pages, and submit them for translation."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _ = Group.objects.get_or_create(name="Case managers")
    for codename in ("add_page", "change_page", "publish_page"):
        perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="wagtail_localize",
                                                     codename="submit_translation"))


# --- typical cases, statistics, infringer list, news, rules ------------------------------------

DIRECTORY = {
    "title": "调解员与仲裁员名录",
    "intro": "<p>本中心调解员、仲裁员均经遴选并接受年度考核。当事人可按纠纷类型、地区、工作语言查找；"
             "具体案件的调解员、仲裁员由当事人选定或由中心依规则指定。</p>",
}

CASE_STUDY_INDEX = {
    "title": "典型案例",
    "intro": "<p>以下案例均来自本中心已办结的纠纷，当事人名称和身份信息已作匿名处理，经编辑审核后发布。</p>",
}
CASE_STUDIES = [
    {
        "slug": "tea-trademark-online-shop", "title": "某茶业公司诉某网店商标侵权纠纷调解案", "ip_type": "trademark",
        "track": "mediation", "outcome": "settled", "year": 2025,
        "summary": "网店销售使用相同商标的茶叶，经在线调解，双方当日达成协议，被申请人下架链接并赔偿，协议经法院司法确认。",
        "facts": "<p>申请人A公司是“西湖龙井”图文商标的注册人。A公司发现，被申请人B商行在某电商平台开设的网店中，"
                 "销售外包装使用与该商标相同标识的茶叶，累计销量逾千件。A公司通过本中心在线提交调解申请，"
                 "请求B商行停止侵权、下架链接并赔偿损失。</p>",
        "result": "<p>调解员组织双方在线视频调解，先分别背对背沟通，再共同协商。B商行承认进货渠道不规范，"
                  "同意立即下架全部链接、销毁库存包装，并分两期赔偿 2 万元。双方签署调解协议后共同申请司法确认，"
                  "法院裁定确认协议有效。</p>",
        "significance": "<p>电商侵权纠纷标的小、证据多在线上，适合全程在线调解。调解协议经司法确认后具有强制执行力，"
                        "权利人无需另行起诉即可申请执行。</p>",
    },
    {
        "slug": "clothing-pattern-copyright", "title": "某服饰公司服装图案著作权纠纷调解案", "ip_type": "copyright",
        "track": "mediation", "outcome": "settled", "year": 2025,
        "summary": "直播间销售的服装使用了他人享有著作权的图案。双方在调解中达成许可合作，纠纷转化为长期合作。",
        "facts": "<p>申请人A公司对其《青禾》系列服装图案享有著作权。被申请人B公司在直播间销售的多款服装使用了相似图案。"
                 "A公司提交了作品登记证书和直播录屏存证。</p>",
        "result": "<p>调解员在核实存证材料后，引导双方着眼于长期合作。B公司支付已售商品的许可费，"
                  "并与A公司签订为期两年的图案许可合同。</p>",
        "significance": "<p>调解不仅能解决已发生的侵权，还能促成合法的商业合作。经本中心存证的直播录屏，"
                        "哈希值和可信时间戳可供离线核验，为双方快速认定事实提供了基础。</p>",
    },
    {
        "slug": "utility-model-teaware", "title": "某茶具实用新型专利纠纷调解终结案", "ip_type": "patent",
        "track": "mediation", "outcome": "not_settled", "year": 2026,
        "summary": "双方对是否落入专利保护范围分歧较大，调解未能达成协议，中心出具调解终结书，当事人转入诉讼。",
        "facts": "<p>申请人A公司是一种便携式茶具实用新型专利的权利人，认为被申请人D公司生产销售的茶具落入其专利保护范围。"
                 "D公司认为其产品采用了不同的技术方案。</p>",
        "result": "<p>调解期间，双方各自提交了技术比对意见，但对赔偿金额和技术特征是否相同分歧过大。"
                  "调解期满未能达成协议，本中心依规则终结调解并出具经签名、存证的调解终结书。</p>",
        "significance": "<p>调解不成的，调解终结书和调解中已存证的材料可供后续诉讼使用；"
                        "当事人在调解中的让步不作为对其不利的证据。</p>",
    },
]


STATISTICS = {
    "title": "统计数据",
    "intro": "<p>本页数据由案件系统实时生成，可按立案年度筛选，并可下载 CSV 文件。</p>",
    "notes": "<p>案件数按立案时间统计。调解成功率 = 达成调解协议的案件 ÷ 已结束调解的案件；"
             "司法确认率 = 经法院确认的调解协议 ÷ 达成的调解协议；办理天数为立案至结案的中位数。</p>",
}

INFRINGER_LIST = {
    "title": "重复侵权、故意侵权企业名录",
    "intro": "<p>在两年内有两起以上经法院司法确认的调解协议或仲裁裁决认定侵权的企业，经本中心审核后列入本名录，"
             "公示期为一年。</p>",
    "objection_info": "<p>被列入名录的企业会收到通知，可通过通知中的链接提出异议。异议审查期间，相关条目暂停公示；"
                      "异议成立的，条目移除。</p>",
}

NEWS_INDEX = {"title": "新闻公告"}

NEWS = {
    "electronic-evidence-platform": {
        "date": datetime.date(2026, 11, 18), "title": "电子存证平台上线运行",
        "intro": "本中心电子存证平台正式上线，存证文件可离线核验。",
        "body": "<p>自即日起，当事人可在线上传证据文件或对网页进行取证。平台对每份文件计算哈希值、加盖可信时间戳，"
                "并写入透明日志，出具的存证证明可由法院离线核验。</p>",
    },
    "english-language-mediation": {
        "date": datetime.date(2026, 10, 9), "title": "可使用英语进行调解",
        "intro": "境外当事人现在可以使用英语调解知识产权纠纷。",
        "body": "<p>本中心名册现已包括以英语、日语和韩语工作的调解员和仲裁员。提交纠纷时请选择工作语言；"
                "在线调解、调解协议和各类通知均可使用英语。</p>",
    },
    "court-referral-docking": {
        "date": datetime.date(2026, 9, 1), "title": "与杭州市西湖区人民法院建立诉前委派调解对接机制",
        "intro": "法院可在线委派知识产权纠纷，调解协议可直接申请司法确认。",
        "body": "<p>本中心与杭州市西湖区人民法院签署诉调对接协议。法院立案前委派的知识产权纠纷，通过平台在线移送；"
                "调解成功的，当事人可在协议生效后30日内共同向法院申请司法确认。</p>",
    },
}

RULES = {
    "title": "规则与收费标准", "slug": "rules",
    "summary": "调解规则、仲裁规则和收费标准。",
    "body": [
        ("paragraph", "<p>本中心依据《调解规则》和《仲裁规则》处理知识产权纠纷。调解不收取费用；"
                      "仲裁按争议金额分段收取受理费和处理费，简易程序适用于争议金额不超过500万元的案件。</p>"),
        ("notice", "<p>以下规则为摘要，以本中心公布的正式文本为准。</p>"),
    ],
    "children": [
        ("mediation-rules", "调解规则（摘要）", "被申请人同意、调解期限、调解协议与司法确认。", [
            ("heading", "调解的开始"),
            ("paragraph", "<p>被申请人应在收到调解邀请后7日内答复是否同意调解；逾期未答复的，视为不同意调解。</p>"),
            ("heading", "调解期限"),
            ("paragraph", "<p>调解期限为30日，自被申请人同意之日起计算；经双方同意，可延长一次。</p>"),
            ("heading", "司法确认"),
            ("paragraph", "<p>调解协议生效后30日内，双方可共同向有管辖权的人民法院申请司法确认。</p>"),
        ]),
        ("arbitration-rules", "仲裁规则（摘要）", "普通程序与简易程序的期限、仲裁庭组成。", [
            ("heading", "普通程序"),
            ("paragraph", "<p>被申请人应在45日内提交答辩书；仲裁庭由三名仲裁员组成，当事人另有约定的除外；"
                          "仲裁庭应在组庭后6个月内作出裁决。</p>"),
            ("heading", "简易程序"),
            ("paragraph", "<p>争议金额不超过500万元或当事人约定适用的，适用简易程序：20日内答辩，"
                          "由独任仲裁员审理，组庭后3个月内作出裁决。</p>"),
        ]),
    ],
}


def _child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _seed_public_sections(home: HomePage) -> int:
    created = 0
    chinese = home.locale
    index = CaseStudyIndexPage.objects.filter(locale=chinese).first()
    if index is None:
        index = _child(home, _case_study_index_page(CASE_STUDY_INDEX))
        created += 1
    for study in CASE_STUDIES:
        if CaseStudyPage.objects.filter(slug=study["slug"], locale=chinese).exists():
            continue
        _child(index, CaseStudyPage(**study))
        created += 1
    if not StatisticsPage.objects.filter(locale=chinese).exists():
        _child(home, _statistics_page(STATISTICS))
        created += 1
    if not InfringerListPage.objects.filter(locale=chinese).exists():
        _child(home, _infringer_list_page(INFRINGER_LIST))
        created += 1
    news_index = NewsIndexPage.objects.filter(locale=chinese).first()
    if news_index is None:
        news_index = _child(home, _news_index_page(NEWS_INDEX))
        created += 1
    for slug, text in NEWS.items():
        if NewsPage.objects.filter(slug=slug, locale=chinese).exists():
            continue
        _child(news_index, _news_page(slug, text))
        created += 1
    rules = RulesPage.objects.filter(slug=RULES["slug"], locale=chinese).first()
    if rules is None:
        rules = _child(home, _rules_page(RULES["slug"], RULES["title"], RULES["summary"], RULES["body"],
                                         show_fee_schedule=True, show_in_menus=True))
        created += 1
    for slug, title, summary, body in RULES["children"]:
        if RulesPage.objects.filter(slug=slug, locale=chinese).exists():
            continue
        _child(rules, _rules_page(slug, title, summary, body))
        created += 1
    return created


# --- English translations ------------------------------------------------------------------------

def _english_pages() -> list[tuple[type[Page], str, Page]]:
    """(model, slug, the page built from its English text), parents before children."""
    study_fields = ("title", "summary", "facts", "result", "significance")
    pages = [(HomePage, "home", _home_page(english.HOME))]
    pages += [(GuidePage, guide["slug"], _guide_page(guide)) for guide in english.GUIDES]
    pages += [
        (FilingPage, "file", _filing_page(english.FILING)),
        (NeutralDirectoryPage, "neutrals", _directory_page(english.DIRECTORY)),
        (CaseStudyIndexPage, "typical-cases", _case_study_index_page(english.CASE_STUDY_INDEX)),
    ]
    pages += [(CaseStudyPage, slug, CaseStudyPage(slug=slug, **{name: text[name] for name in study_fields}))
              for slug, text in english.CASE_STUDIES.items()]
    pages += [
        (StatisticsPage, "statistics", _statistics_page(english.STATISTICS)),
        (InfringerListPage, "infringer-list", _infringer_list_page(english.INFRINGER_LIST)),
        (NewsIndexPage, "news", _news_index_page(english.NEWS_INDEX)),
    ]
    pages += [(NewsPage, slug, _news_page(slug, text)) for slug, text in english.NEWS.items()]
    pages.append((RulesPage, RULES["slug"], _rules_page(RULES["slug"], english.RULES["title"],
                                                        english.RULES["summary"], english.RULES["body"])))
    pages += [(RulesPage, slug, _rules_page(slug, title, summary, body))
              for slug, (title, summary, body) in english.RULES["children"].items()]
    return pages


def _seed_english(home: HomePage) -> dict:
    """Translate each demo page that has no English version yet into English."""
    english_locale, _ = Locale.objects.get_or_create(language_code="en")
    created = 0
    for model, slug, text in _english_pages():
        page = model.objects.filter(locale=home.locale, slug=slug).first()
        if page is not None and page.live and page.get_translation_or_none(english_locale) is None:
            translate_page(page, text, english_locale)
            created += 1
    return {"english_pages_created": created} if created else {}


UUID_IN_PATH = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


def translate_page(page: Page, translated: Page, locale: Locale) -> Page:
    """Publish the translation of `page` into `locale` through wagtail-localize,
    taking the translated strings from `translated` (an unsaved page of the same
    type and shape, written in that language).

    The strings are paired in order with the page's translatable segments
    (title, slug, each paragraph or list item of rich text, each block of the
    body...); a different shape is a mistake in the text and raises ValueError."""
    from wagtail_localize.models import StringTranslation, Translation, TranslationSource
    from wagtail_localize.segments import StringSegmentValue
    from wagtail_localize.segments.extract import extract_segments

    for field in translated._meta.get_fields():
        if isinstance(field, StreamField):  # unsaved blocks have no ids yet; segment paths need them
            setattr(translated, field.name, field.to_python(getattr(translated, field.name).get_prep_value()))
    source, _ = TranslationSource.update_or_create_from_instance(page)
    segments = list(source.stringsegment_set.select_related("string", "context").order_by("order"))
    strings = [segment for segment in extract_segments(translated) if isinstance(segment, StringSegmentValue)]
    shape = [UUID_IN_PATH.sub("*", segment.context.path) for segment in segments]
    if shape != [UUID_IN_PATH.sub("*", string.path) for string in strings]:
        raise ValueError(f"The {locale.language_code} text of {page.url_path} does not have the shape of the "
                         f"page: {shape} ≠ {[UUID_IN_PATH.sub('*', string.path) for string in strings]}")
    for segment, string in zip(segments, strings, strict=True):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string, locale=locale, context=segment.context,
            defaults={"data": string.string.data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL})
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=locale)
    # Published here rather than by save_target(publish=True), which defers publishing to the end of
    # the transaction and then saves the page as it was before its children were added (numchild=0).
    translation.save_target(publish=False)
    translated = page.get_translation(locale)
    translated.latest_revision.publish()
    return translated


def _seed_case_study_draft(users) -> dict:
    """The confirmed demo mediation, drafted as a typical case and waiting in the Editors' review."""
    from cms.case_studies import create_case_study_draft
    from portal.demo.seed import _ref
    from portal.models import Case

    case = Case.objects.filter(ref=_ref("med-confirmed")).first()
    if case is None or CaseStudyPage.objects.filter(source_case=case).exists():
        return {}
    create_case_study_draft(case=case, by=users["manager"])
    return {"case_study_drafts_created": 1}


# A second court-confirmed settlement against the demo respondent, so that it
# qualifies for the infringer list (two within the window) by the real rule.
SECOND_SETTLEMENT = ("infringer-confirmed", "杭州龙坞茶业有限公司", "91330106MA2C1XKQ8")


def _confirmed_settlement(users, key: str, company: str, code: str) -> None:
    from mediation import agreements, confirmation, services
    from mediation.demo import TERMS
    from mediation.models import Mediation
    from portal.demo.seed import PASSWORD, _build_case
    from portal.models import Channel, Court, IPType, Track
    from portal.services import intake

    claimant, respondent, manager, mediator = (users["claimant"], users["respondent"], users["manager"],
                                               users["mediator"])
    case = _build_case(key=key, filer=claimant, claimant=(company, code), claimant_user=claimant, agent_user=None,
                       track=Track.MEDIATION, channel=Channel.ONLINE,
                       ip=(IPType.TRADEMARK, "“西湖龙井”图文商标", "第 12345678 号"), amount="30000",
                       facts="被申请人在网店再次销售使用相同商标的茶叶，此前已就同类行为达成调解协议。",
                       respondent_user=respondent)
    intake.submit_case(case=case, by=claimant)
    case = intake.docket_case(case=case, by=manager, note="材料齐全，予以立案。")
    mediation = services.consent(mediation=Mediation.objects.get(case=case), by=respondent)
    services.propose_mediator(mediation=mediation, mediator=mediator, by=manager)
    mediation = services.accept_appointment(mediation=mediation, by=mediator, disclosure="")
    version = agreements.draft_version(mediation=mediation, by=mediator, terms=TERMS)
    agreements.sign(version=version, by=claimant, password=PASSWORD)
    agreements.sign(version=version, by=respondent, password=PASSWORD)
    court = Court.objects.get(name="杭州市西湖区人民法院")
    for party_user in (claimant, respondent):
        confirmation.sign_application(mediation=Mediation.objects.get(pk=mediation.pk), by=party_user, court=court,
                                      password=PASSWORD)
    confirmation.record_ruling(mediation=Mediation.objects.get(pk=mediation.pk), by=users["clerk"], confirmed=True,
                               ruling_number="（2026）浙0106民特102号", ruling_date=timezone.localdate())


def _seed_infringer_listing(users) -> dict:
    """One approved entry: the demo respondent, with two court-confirmed settlements."""
    from cms.infringers.models import InfringerListing
    from cms.infringers.services import approve_candidate, find_infringer_candidates
    from portal.demo.seed import _ref
    from portal.models import Case

    if InfringerListing.objects.exists():
        return {}
    key, company, code = SECOND_SETTLEMENT
    if not Case.objects.filter(ref=_ref(key)).exists():
        _confirmed_settlement(users, key, company, code)
    listed = 0
    for candidate in find_infringer_candidates():
        approve_candidate(candidate=candidate, by=users["manager"], note="演示数据：两起经司法确认的调解协议。")
        listed += 1
    return {"infringer_entries_listed": listed}
