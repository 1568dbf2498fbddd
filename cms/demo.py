"""Demo public site: home page, guides, the filing page and the neutrals directory (idempotent)."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import FilingCategory, FilingPage, GuidePage, HomePage, NeutralDirectoryPage
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


@transaction.atomic
def seed_pages(users=None) -> dict:
    created = 0
    root = _ensure_tree_root()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's placeholder "Welcome" page (a plain Page) is replaced by ours.
        for placeholder in root.get_children().filter(content_type__model="page", content_type__app_label="wagtailcore"):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        root.refresh_from_db()
        home = HomePage(
            title=HOME["title"], slug="home", intro=HOME["intro"], lead=HOME["lead"],
            body=[("steps", {"heading": "办理流程", "steps": [{"title": t, "text": x} for t, x in HOME["steps"]]})],
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        created += 1
        Site.objects.update_or_create(is_default_site=True, defaults={
            "hostname": "localhost", "port": 80, "root_page": home, "site_name": "知识产权纠纷调解仲裁中心"})
    for guide in GUIDES:
        if GuidePage.objects.filter(slug=guide["slug"]).exists():
            continue
        page = GuidePage(title=guide["title"], slug=guide["slug"], summary=guide["summary"],
                         body=_stream(guide["body"]), show_in_menus=True)
        home.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    if not FilingPage.objects.exists():
        page = FilingPage(title=FILING["title"], slug="file", intro=FILING["intro"],
                          before_you_start=FILING["before_you_start"], show_in_menus=True)
        page.categories = [FilingCategory(ip_type=t, guidance=g) for t, g in FILING["categories"]]
        home.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    if not NeutralDirectoryPage.objects.exists():
        page = NeutralDirectoryPage(
            title="调解员与仲裁员名录", slug="neutrals", show_in_menus=True,
            intro="<p>本中心调解员、仲裁员均经遴选并接受年度考核。当事人可按纠纷类型、地区、工作语言查找；"
                  "具体案件的调解员、仲裁员由当事人选定或由中心依规则指定。</p>")
        home.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    _grant_page_permissions(root)
    return {"pages_created": created}


def _grant_page_permissions(root: Page) -> None:
    """Case managers edit and publish the public pages."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _ = Group.objects.get_or_create(name="Case managers")
    for codename in ("add_page", "change_page", "publish_page"):
        perm = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)
