"""Signing in to the back office: lockout after repeated failures, and the TOTP code."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dastan.newsroom.roles import EDITOR

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def sign_in(client, password: str, token: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password, "otp_token": token, "next": "/admin/"},
    )


def current_token(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the device's key."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


class LockoutTests:
    def test_right_password_refused_after_five_failures(self, client, editor):
        for _ in range(4):
            assert sign_in(client, "wrong password").status_code == 200
        # The fifth failure is answered with the lockout page, and so is the right password.
        assert sign_in(client, "wrong password").status_code == 429
        response = sign_in(client, PASSWORD)
        assert response.status_code == 429
        text = response.content.decode()
        assert "Too many failed sign-ins (5)" in text
        assert "try again in 15 minutes" in text
        assert "dastan staff unlock editor" in text
        assert "_auth_user_id" not in client.session

    def test_four_failures_then_the_right_password_signs_in(self, client, editor):
        for _ in range(4):
            sign_in(client, "wrong password")
        response = sign_in(client, PASSWORD)
        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == editor.pk
        # A success clears the count (AXES_RESET_ON_SUCCESS).
        assert not AccessAttempt.objects.filter(username="editor", failures_since_start__gt=0)

    def test_lockout_is_per_username_and_address(self, client, editor):
        for _ in range(5):
            sign_in(client, "wrong password")
        other = client.post(
            "/admin/login/",
            {"username": "editor", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        )
        assert other.status_code == 302

    def test_operator_unlocks(self, client, editor):
        for _ in range(5):
            sign_in(client, "wrong password")
        call_command("staff", "unlock", "editor")
        assert sign_in(client, PASSWORD).status_code == 302


class TOTPSignInTests:
    @pytest.fixture
    def device(self, editor) -> TOTPDevice:
        return TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)

    def test_code_from_the_device_signs_in_verified(self, client, editor, device):
        response = sign_in(client, PASSWORD, current_token(device))
        assert response.status_code == 302
        assert client.session["otp_device_id"] == device.persistent_id
        assert client.get("/admin/").status_code == 200

    def test_password_alone_is_refused(self, client, editor, device):
        response = sign_in(client, PASSWORD)
        assert response.status_code == 200
        assert "Enter the code from your authenticator app." in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_wrong_code_is_refused_and_counts_towards_lockout(self, client, editor, device):
        wrong = str((int(current_token(device)) + 1) % 1_000_000).zfill(6)
        response = sign_in(client, PASSWORD, wrong)
        assert "That code is wrong or has expired." in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AccessAttempt.objects.get(username="editor").failures_since_start == 1

    def test_user_without_a_device_signs_in_with_a_password(self, client, editor):
        assert sign_in(client, PASSWORD).status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_session_without_the_code_is_sent_to_sign_in(self, client, editor, device):
        """A session from before the app was set up no longer opens the back office."""
        client.force_login(editor)
        response = client.get("/admin/content/article/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
