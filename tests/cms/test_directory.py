"""The public directory of mediators and arbitrators, and its back-office list."""

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, NeutralDirectoryPage
from portal.models import CaseAssignment, CaseState, IPType, NeutralProfile
from tests.conftest import verified_client
from tests.factories import ArbitratorFactory, AssignmentFactory, CaseFactory, NeutralProfileFactory


class DirectoryPageTreeTests(WagtailPageTestCase):
    def test_directory_is_a_leaf_under_home(self):
        self.assertAllowedParentPageTypes(NeutralDirectoryPage, {HomePage})
        self.assertAllowedSubpageTypes(NeutralDirectoryPage, {})


@pytest.fixture
def directory(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="home-test"))
    page = home.add_child(instance=NeutralDirectoryPage(title="名录", slug="neutrals", intro="<p>名录</p>"))
    from wagtail.models import Site

    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return page


def names(response) -> set[str]:
    return {p.display_name for p in response.context["profiles"]}


def test_directory_lists_only_public_profiles(client, directory):
    NeutralProfileFactory(display_name="公开调解员")
    NeutralProfileFactory(display_name="未公开调解员", is_public=False)
    response = client.get(directory.url)
    assert response.status_code == 200
    assert names(response) == {"公开调解员"}
    assert "未公开调解员" not in response.content.decode()


def test_role_filter(client, directory):
    NeutralProfileFactory(display_name="调解员甲")
    NeutralProfileFactory(display_name="仲裁员乙", user=ArbitratorFactory(), is_mediator=False, is_arbitrator=True)
    NeutralProfileFactory(display_name="两者丙", is_arbitrator=True)
    assert names(client.get(directory.url, {"role": "arbitrator"})) == {"仲裁员乙", "两者丙"}
    assert names(client.get(directory.url, {"role": "mediator"})) == {"调解员甲", "两者丙"}


def test_ip_type_filter_matches_whole_values(client, directory):
    NeutralProfileFactory(display_name="商标", ip_specialities=[IPType.TRADEMARK.value])
    NeutralProfileFactory(display_name="商业秘密", ip_specialities=[IPType.TRADE_SECRET.value, IPType.PATENT.value])
    assert names(client.get(directory.url, {"ip": "trademark"})) == {"商标"}
    assert names(client.get(directory.url, {"ip": "patent"})) == {"商业秘密"}


def test_region_filter(client, directory):
    NeutralProfileFactory(display_name="杭州", region="浙江省杭州市")
    NeutralProfileFactory(display_name="宁波", region="浙江省宁波市")
    assert names(client.get(directory.url, {"region": "浙江省宁波市"})) == {"宁波"}


def test_language_filter_matches_whole_codes(client, directory):
    NeutralProfileFactory(display_name="中英", languages="zh,en")
    NeutralProfileFactory(display_name="中文", languages="zh")
    assert names(client.get(directory.url, {"language": "en"})) == {"中英"}
    assert names(client.get(directory.url, {"language": "zh"})) == {"中英", "中文"}


def test_availability_filter(client, directory):
    NeutralProfileFactory(display_name="有空", availability=NeutralProfile.Availability.AVAILABLE)
    NeutralProfileFactory(display_name="没空", availability=NeutralProfile.Availability.UNAVAILABLE)
    assert names(client.get(directory.url, {"availability": "unavailable"})) == {"没空"}


@pytest.mark.parametrize("q", ["沈雅琴", "Shen", "宁波大学", "直播", "服装图案"])
def test_search_covers_names_organisation_industries_and_bio(client, directory, q):
    NeutralProfileFactory(display_name="沈雅琴", name_en="Shen Yaqin", organisation="宁波大学法学院",
                          industries="直播电商, 服装", bio="<p>擅长服装图案著作权纠纷。</p>")
    NeutralProfileFactory(display_name="其他人", organisation="杭州某律师事务所", industries="茶叶")
    assert names(client.get(directory.url, {"q": q})) == {"沈雅琴"}


def test_unknown_filter_values_are_ignored(client, directory):
    NeutralProfileFactory()
    response = client.get(directory.url, {"ip": "nonsense", "language": "xx", "availability": "'"})
    assert len(response.context["profiles"]) == 1


def test_profile_page_renders(client, directory):
    profile = NeutralProfileFactory(display_name="陈调解", name_en="Chen Tiaojie", bio="<p>长期从事商标纠纷调解。</p>")
    response = client.get(f"{directory.url}{profile.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "陈调解" in html and "Chen Tiaojie" in html and "长期从事商标纠纷调解" in html


def test_profile_page_of_a_hidden_profile_is_404(client, directory):
    profile = NeutralProfileFactory(is_public=False)
    assert client.get(f"{directory.url}{profile.pk}/").status_code == 404
    assert client.get(f"{directory.url}999999/").status_code == 404


def test_caseload_counts_only_active_assignments_on_open_cases(db):
    profile = NeutralProfileFactory()
    AssignmentFactory(user=profile.user, case=CaseFactory())
    AssignmentFactory(user=profile.user, case=CaseFactory(), active=False)
    AssignmentFactory(user=profile.user, case=CaseFactory(state=CaseState.WITHDRAWN))
    AssignmentFactory(case=CaseFactory())  # someone else's
    assert profile.current_caseload == 1
    annotated = NeutralProfile.objects.with_caseload().get(pk=profile.pk)
    assert annotated.current_caseload == 1


def test_profile_needs_a_role_and_known_values(db):
    from django.core.exceptions import ValidationError

    profile = NeutralProfileFactory.build(user=NeutralProfileFactory().user, is_mediator=False)
    with pytest.raises(ValidationError):
        profile.full_clean()
    profile = NeutralProfileFactory(ip_specialities=["trademark", "bogus"])
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_directory_query_count_does_not_grow_with_profiles(client, directory, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def profiles_with_cases(n):
        for _ in range(n):
            profile = NeutralProfileFactory()
            AssignmentFactory(user=profile.user, case=CaseFactory())

    profiles_with_cases(3)
    client.get(directory.url)  # warm caches (site root, content types)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(directory.url).context["profiles"]) == 3
    profiles_with_cases(9)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert len(client.get(directory.url).context["profiles"]) == 12


def test_case_manager_opens_the_neutrals_list_in_the_back_office(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    from portal.models import User

    manager = User.objects.get(email="manager@demo.test")
    response = verified_client(client, manager).get("/admin/neutrals/")
    assert response.status_code == 200
    assert "沈雅琴" in response.content.decode()
    assert verified_client(client, manager).get("/admin/neutrals/?availability=limited").status_code == 200


def test_demo_directory_shows_the_seeded_neutrals(client, db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    page = NeutralDirectoryPage.objects.get(locale=Locale.get_default())
    response = client.get(page.url)
    assert len(response.context["profiles"]) == 6
    mediator = NeutralProfile.objects.get(user__email="mediator@demo.test")
    docketed = CaseAssignment.objects.filter(user=mediator.user, active=True).count()
    assert docketed > 0
    assert mediator.current_caseload == docketed
