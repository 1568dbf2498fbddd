"""Accounts: email login, lockout after repeated failures, TOTP enforced for staff."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.case_studies import EDITORS_GROUP
from portal.models import User
from tests.conftest import verified_client
from tests.factories import (
    ArbitratorFactory,
    CaseFactory,
    ClerkFactory,
    ManagerFactory,
    MediatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def login(client, email, password="pw-123456!"):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_with_email_and_password(client):
    user = UserFactory(email="a@example.test")
    response = login(client, "a@example.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_account_locks_after_repeated_failures(client, settings):
    UserFactory(email="b@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "b@example.test", "wrong")
    response = login(client, "b@example.test")  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_registration_creates_a_party_account(client):
    response = client.post(reverse("register"), {
        "full_name": "新用户", "email": "New@Example.test", "phone": "138", "preferred_language": "zh-hans",
        "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026"})
    assert response.status_code == 302
    user = User.objects.get(email="new@example.test")
    assert user.role == User.Role.PARTY
    assert not user.is_staff


def test_registration_refuses_duplicate_email_and_weak_password(client):
    UserFactory(email="dup@example.test")
    response = client.post(reverse("register"), {
        "full_name": "x", "email": "DUP@example.test", "preferred_language": "zh-hans",
        "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"email", "password1"}
    assert User.objects.filter(email__iexact="dup@example.test").count() == 1


def test_registration_cannot_choose_a_staff_role(client):
    client.post(reverse("register"), {
        "full_name": "x", "email": "sneaky@example.test", "preferred_language": "zh-hans", "role": "case_manager",
        "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026"})
    assert User.objects.get(email="sneaky@example.test").role == User.Role.PARTY


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    manager = ManagerFactory()
    client.force_login(manager)
    for url in (reverse("dashboard"), reverse("intake_queue"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_setup"))


def test_staff_enrol_totp_and_then_get_in(client):
    manager = ManagerFactory()
    client.force_login(manager)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=manager)
    response = client.post(reverse("two_factor_setup"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert response.status_code == 200  # wrong code
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a failed code throttles the next try for a second
    response = client.post(reverse("two_factor_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get(reverse("intake_queue")).status_code == 200


def test_staff_with_device_must_verify_each_session(client):
    manager = ManagerFactory()
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    response = client.get(reverse("dashboard"))
    assert response.url.startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": f"{(totp(device.bin_key) + 1) % 1000000:06d}"})
    assert client.get(reverse("dashboard")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    client.post(reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("dashboard")).status_code == 200


def test_parties_are_not_asked_for_two_factor(client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard")).status_code == 200


def test_verify_page_refuses_open_redirects(client):
    manager = ManagerFactory()
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    response = client.post(reverse("two_factor_verify") + "?next=https://evil.example/",
                           {"token": f"{totp(device.bin_key):06d}"})
    assert response.url == reverse("dashboard") or response.url == "dashboard" or not response.url.startswith("http")


def test_lockout_is_per_account_not_per_address(client, settings):
    UserFactory(email="victim@example.test")
    other = UserFactory(email="other@example.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "victim@example.test", "wrong")
    assert login(client, "other@example.test").status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


# --- two-factor: who must use it, and where -------------------------------------------------------------

def _admin():
    return UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)


STAFF = {"case manager": ManagerFactory, "administrator": _admin}
# Portal pages, the public site, the API docs and both back offices: nothing but the 2FA pages.
EVERYWHERE = ["/", "/dashboard/", "/cases/", "/cases/queue/", "/cases/file/", "/notifications/",
              "/notary/verify/", "/arbitration/fees/calculator/", "/api/docs/",
              "/admin/", "/admin/pages/", "/django-admin/", "/django-admin/portal/user/"]


@pytest.mark.parametrize("role", STAFF)
def test_unverified_staff_are_sent_to_two_factor_from_every_page(client, role):
    user = STAFF[role]()
    client.force_login(user)
    for url in EVERYWHERE:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor_setup") + "?next="), url
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)  # enrolled: each new session verifies
    for url in EVERYWHERE:
        assert client.get(url).url.startswith(reverse("two_factor_verify") + "?next="), url


def test_an_unverified_manager_cannot_act_on_a_case(client):
    manager = ManagerFactory()
    case = CaseFactory(complete=True, state="submitted")
    client.force_login(manager)
    response = client.post(reverse("case_action", args=[case.url_key, "docket"]))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    case.refresh_from_db()
    assert case.state == "submitted"


@pytest.mark.parametrize("role", STAFF)
def test_verified_staff_reach_both_back_offices(client, role):
    user = STAFF[role]()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    verified_client(client, user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


def test_staff_accounts_outside_the_staff_roles_must_verify_for_the_django_admin(client):
    """A mediator given is_staff keeps the portal as a mediator, but enters the
    Django admin only with a TOTP-verified session."""
    mediator = UserFactory(role=User.Role.MEDIATOR, is_staff=True)
    client.force_login(mediator)
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.get("/django-admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))


def test_wagtail_editors_outside_the_staff_roles_must_verify_for_the_wagtail_admin(client):
    """Wagtail's Editors group grants the back office (typical cases are approved there)."""
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    editor = UserFactory()
    editor.groups.add(editors)
    assert not editor.needs_two_factor
    client.force_login(editor)
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    device = TOTPDevice.objects.create(user=editor, name="app", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("factory", [MediatorFactory, ArbitratorFactory, ClerkFactory, UserFactory])
def test_neutrals_clerks_and_parties_use_the_portal_without_two_factor(client, factory):
    """Two-factor is for centre staff (case managers, admins): User.needs_two_factor."""
    user = factory()
    assert not user.needs_two_factor
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get("/admin/").status_code == 302 and not client.get("/admin/").url.startswith("/accounts/2fa/")


def test_people_who_cannot_use_a_back_office_are_not_asked_for_two_factor_there(client):
    client.force_login(UserFactory())
    response = client.get("/django-admin/")
    assert response.status_code == 302 and response.url.startswith("/django-admin/login/")
