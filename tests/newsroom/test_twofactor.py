"""Enrolling an authenticator app; Editors must, writers may; operators reset."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import staff_user as staff
from tests.newsroom.test_forms import current_token

pytestmark = pytest.mark.django_db


class RequiredEnrolmentTests:
    @pytest.fixture(autouse=True)
    def _editors_must(self, settings):
        settings.DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": [EDITOR]}

    def test_editor_without_a_device_is_sent_to_enrol(self, client):
        client.force_login(staff("editor", EDITOR))
        for url in ("/admin/", "/admin/content/article/", "/newsroom/preview/1/"):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == "/newsroom/two-factor/"

    def test_enrolment_page_shows_a_qr_code_drawn_here(self, client):
        client.force_login(staff("editor", EDITOR))
        response = client.get("/newsroom/two-factor/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Your role needs a second factor" in html
        assert 'class="segno"' in html  # the QR code, drawn here as SVG
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # nothing inline, nothing remote
        assert 'src="http' not in html
        device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
        assert device.config_url.split("secret=")[1].split("&")[0] in html

    def test_confirming_a_code_opens_the_back_office(self, client):
        client.force_login(staff("editor", EDITOR))
        client.get("/newsroom/two-factor/")
        device = TOTPDevice.objects.get(user__username="editor")
        response = client.post("/newsroom/two-factor/", {"token": current_token(device)})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/admin/content/article/").status_code == 200

    def test_a_wrong_code_confirms_nothing(self, client):
        client.force_login(staff("editor", EDITOR))
        client.get("/newsroom/two-factor/")
        device = TOTPDevice.objects.get(user__username="editor")
        wrong = str((int(current_token(device)) + 1) % 1_000_000).zfill(6)
        response = client.post("/newsroom/two-factor/", {"token": wrong})
        assert "does not match" in response.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        assert client.get("/admin/").status_code == 302

    def test_writer_is_not_forced(self, client):
        client.force_login(staff("writer", WRITER))
        assert client.get("/admin/").status_code == 200


class OptInTests:
    def test_writer_may_enrol_and_then_needs_the_code(self, client):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        client.get("/newsroom/two-factor/")
        device = TOTPDevice.objects.get(user=writer)
        client.post("/newsroom/two-factor/", {"token": current_token(device)})
        assert TOTPDevice.objects.get(user=writer).confirmed
        client.logout()
        response = client.post("/admin/login/", {"username": "writer", "password": "pw"})
        assert "Enter the code from your authenticator app." in response.content.decode()

    def test_demo_settings_do_not_force_editors(self, client):
        """The test settings, like dev and the demo, leave REQUIRE_2FA_FOR empty."""
        client.force_login(staff("editor", EDITOR))
        assert client.get("/admin/").status_code == 200


class ResetTests:
    def test_operator_removes_a_lost_device(self, client):
        editor = staff("editor", EDITOR)
        TOTPDevice.objects.create(user=editor, name="lost phone", confirmed=True)
        call_command("staff", "reset-2fa", "editor")
        assert not TOTPDevice.objects.filter(user=editor).exists()
        response = client.post("/admin/login/", {"username": "editor", "password": "pw"})
        assert response.status_code == 302


class DeviceAdminTests:
    def test_no_admin_page_shows_a_device_secret(self, client):
        """django-otp's own device admin drew any device's key as a QR code for a superuser."""
        editor = staff("editor", EDITOR)
        device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
        client.force_login(User.objects.create_superuser("root", password="pw"))
        for url in (
            "/admin/otp_totp/totpdevice/",
            f"/admin/otp_totp/totpdevice/{device.pk}/config/",
            f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
            "/admin/otp_totp/totpdevice/0/config/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert device.key not in response.content.decode()
