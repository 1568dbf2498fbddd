import pytest
from django.utils import translation
from wagtail.models import Page, Site

from cms.models import HomePage


@pytest.fixture(autouse=True)
def default_language():
    """Start and end each test in the default language: a request served by the test
    client leaves its language (say English, for /en/) active in the thread, and
    page URLs, site search URLs and the filing guidance follow the active language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def home(db):
    """A site whose root is a fresh HomePage."""
    root = Page.get_first_root_node()
    page = root.add_child(instance=HomePage(title="Home", slug="home-test"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": page})
    return page


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def back_office_manager(manager):
    """A case manager who may enter the Wagtail back office."""
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                        codename="access_admin"))
    return manager
