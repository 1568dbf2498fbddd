import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CaseFactory, ClerkFactory, ManagerFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test writes uploads to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None}},
    }


def verified_client(client, user):
    """Log a user in and, for staff and back-office users, pass two-factor as a real TOTP login would."""
    client.force_login(user)
    if user.needs_two_factor or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def claimant(db):
    return UserFactory()


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def clerk(db):
    return ClerkFactory()


@pytest.fixture
def draft(claimant):
    return CaseFactory(created_by=claimant, complete=True)


@pytest.fixture
def claimant_client(client, claimant):
    return verified_client(client, claimant)


@pytest.fixture
def manager_client(client, manager):
    return verified_client(client, manager)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live servers, WebSockets) end with a flush that also
    empties what data migrations created: Wagtail's locales and root page, the
    arbitration procedures and fees. Put them back before each such test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))
    transactional = transactional or any(f in request.fixturenames for f in ("transactional_db", "live_server"))
    if transactional:
        request.getfixturevalue("transactional_db")
        from django.conf import settings
        from wagtail.models import Locale, Page

        from arbitration.defaults import ensure_defaults

        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            Locale.objects.get_or_create(language_code=code)
        if Page.get_first_root_node() is None:
            Page.add_root(instance=Page(title="Root", slug="root", url_path="/"))
        ensure_defaults()
    yield


@pytest.fixture
def fresh_channel_layer():
    """A new in-memory channel layer per test: no queue bound to an old event loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
