"""News and notices, site search, rules pages with the fee schedule hook, and the header navigation."""

import datetime

import pytest
from django.urls import reverse
from wagtail import hooks
from wagtail.test.utils import WagtailPageTestCase

from cms.fees import FEE_SCHEDULE_HOOK
from cms.models import (
    CaseStudyIndexPage,
    HomePage,
    NeutralDirectoryPage,
    NewsIndexPage,
    NewsPage,
    RulesPage,
    StatisticsPage,
)
from tests.cms.conftest import publish


class NewsAndRulesTreeTests(WagtailPageTestCase):
    def test_news_items_live_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, {})

    def test_rules_nest_under_home_or_rules(self):
        self.assertAllowedParentPageTypes(RulesPage, {HomePage, RulesPage})
        self.assertAllowedSubpageTypes(RulesPage, {RulesPage})


@pytest.fixture
def news_index(home):
    return publish(home, NewsIndexPage(title="新闻公告", slug="news"))


def add_news(index, n: int, **kwargs):
    return publish(index, NewsPage(title=f"公告{n}", slug=f"news-{n}", date=datetime.date(2026, 1, 1) +
                                   datetime.timedelta(days=n), intro=f"摘要{n}",
                                   body=[("paragraph", f"<p>正文{n}</p>")], **kwargs))


def test_news_listed_newest_first(client, news_index):
    for n in (3, 1, 2):
        add_news(news_index, n)
    response = client.get(news_index.url)
    assert [item.title for item in response.context["news_items"]] == ["公告3", "公告2", "公告1"]


def test_news_list_is_paginated(client, news_index):
    for n in range(12):
        add_news(news_index, n)
    first = client.get(news_index.url)
    second = client.get(news_index.url, {"page": 2})
    assert len(first.context["news_items"]) == 10
    assert [item.title for item in second.context["news_items"]] == ["公告1", "公告0"]
    assert "page=2" in first.content.decode()


def test_news_page_shows_date_and_body(client, news_index):
    page = add_news(news_index, 5)
    html = client.get(page.url).content.decode()
    assert '<time datetime="2026-01-06">' in html and "正文5" in html


# --- search ------------------------------------------------------------------------------------

def test_search_finds_live_pages_by_their_text(client, news_index):
    add_news(news_index, 1)
    draft = NewsPage(title="未发布公告", slug="draft-news", intro="草稿", body=[("paragraph", "<p>正文 草稿</p>")],
                     live=False)
    news_index.add_child(instance=draft)
    response = client.get(reverse("site_search"), {"q": "公告1"})
    assert [page.title for page in response.context["results"]] == ["公告1"]
    assert list(client.get(reverse("site_search"), {"q": "未发布公告"}).context["results"]) == []


def test_chinese_words_are_found_inside_sentences(client, news_index):
    publish(news_index, NewsPage(title="诉调对接", slug="docking", intro="",
                                 body=[("paragraph", "<p>调解成功的，当事人可以共同申请司法确认。</p>")]))
    add_news(news_index, 1)
    for query in ("司法确认", "共同申请", "调解 确认", "诉调"):
        response = client.get(reverse("site_search"), {"q": query})
        assert [page.title for page in response.context["results"]] == ["诉调对接"], query
    assert list(client.get(reverse("site_search"), {"q": "仲裁确认"}).context["results"]) == []


def test_search_results_show_plain_text_snippets(client, home):
    publish(home, RulesPage(title="规则", slug="rules", summary="", search_description="",
                            body=[("paragraph", "<p>x</p>")]))
    publish(home, NewsIndexPage(title="新闻", slug="news", intro="<p>本中心<b>最新</b>公告</p>"))
    html = client.get(reverse("site_search"), {"q": "新闻"}).content.decode()
    assert "本中心最新公告" in html and "&lt;p&gt;" not in html


def test_search_in_english_text(client, news_index):
    publish(news_index, NewsPage(title="Mediation in English", slug="english", intro="Parties from abroad",
                                 body=[("paragraph", "<p>Online sessions in English.</p>")]))
    response = client.get(reverse("site_search"), {"q": "sessions"})
    assert [page.title for page in response.context["results"]] == ["Mediation in English"]


def test_empty_search_shows_the_form(client, home):
    response = client.get(reverse("site_search"))
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_every_page_has_a_labelled_search_box_in_the_header(client, home):
    html = client.get(home.url).content.decode()
    assert f'action="{reverse("site_search")}"' in html
    assert '<label class="visually-hidden" for="site-search-q">' in html


# --- rules and the fee schedule hook -----------------------------------------------------------

@pytest.fixture
def rules(home):
    return publish(home, RulesPage(title="规则与收费标准", slug="rules", show_fee_schedule=True,
                                   body=[("paragraph", "<p>调解不收费。</p>")]))


def test_rules_page_without_a_fee_provider_has_no_fee_section(client, rules, monkeypatch):
    monkeypatch.setattr("cms.fees.hooks.get_hooks", lambda name: [])  # the arbitration app registers one
    response = client.get(rules.url)
    assert response.context["fee_schedule"] is None
    assert "fee-schedule" not in response.content.decode()


def test_registered_fee_provider_fills_the_fee_block(client, rules, tmp_path, settings, monkeypatch):
    (tmp_path / "fees.html").write_text("<table><caption>收费表 {{ fee_schedule.currency }}</caption></table>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]

    def provider(request, page):
        return {"template": "fees.html", "currency": "CNY"}

    monkeypatch.setattr("cms.fees.hooks.get_hooks", lambda name: [provider] if name == FEE_SCHEDULE_HOOK else [])
    html = client.get(rules.url).content.decode()
    assert 'class="card fee-schedule"' in html and "收费表 CNY" in html


def test_fee_section_only_where_the_editor_asked_for_it(client, rules):
    child = publish(rules, RulesPage(title="调解规则", slug="mediation-rules", body=[("paragraph", "<p>x</p>")]))
    with hooks.register_temporarily(FEE_SCHEDULE_HOOK, lambda request, page: {"template": "base.html"}):
        assert client.get(child.url).context["fee_schedule"] is None
    assert "调解规则" in client.get(rules.url).content.decode()  # listed on its parent


# --- navigation --------------------------------------------------------------------------------

def test_header_links_to_the_public_sections(client, home):
    pages = [
        publish(home, NeutralDirectoryPage(title="名录", slug="neutrals")),
        publish(home, CaseStudyIndexPage(title="典型案例", slug="typical-cases")),
        publish(home, StatisticsPage(title="统计", slug="statistics")),
        publish(home, RulesPage(title="规则", slug="rules", body=[("paragraph", "<p>x</p>")])),
        publish(home, NewsIndexPage(title="新闻", slug="news")),
    ]
    html = client.get("/en/").content.decode()  # English labels; the pages stand in for their translations
    nav = html.split('<nav class="main-nav"')[1].split("</nav>")[0]
    for page, label in zip(pages, ["Mediators and arbitrators", "Typical cases", "Statistics", "Rules and fees",
                                   "News"], strict=True):
        assert f'<a href="{page.url}">{label}</a>' in nav
