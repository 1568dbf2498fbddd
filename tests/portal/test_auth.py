"""Accounts: email login, lockout after repeated failures, TOTP enforced for staff."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from tests.factories import ManagerFactory, UserFactory

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
