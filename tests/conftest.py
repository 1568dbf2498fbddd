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
    """Log a user in and, for staff, pass two-factor as a real TOTP login would."""
    client.force_login(user)
    if user.needs_two_factor:
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
