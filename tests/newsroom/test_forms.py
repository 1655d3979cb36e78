"""The back office's forms: signing in (lockout, TOTP code) and the article form's schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dastan.content.models import Article
from dastan.newsroom.forms import ArticleAdminForm
from dastan.newsroom.roles import EDITOR
from tests.factories import ArticleFactory, SectionFactory
from tests.newsroom.test_admin import article_form, staff

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


def change(client, article: Article, *, when: dt.datetime, status: str = "scheduled"):
    local = timezone.localtime(when)
    return client.post(
        f"/admin/content/article/{article.pk}/change/",
        article_form(
            title=article.title,
            slug=article.slug,
            status=status,
            published_at_0=local.strftime("%Y-%m-%d"),
            published_at_1=local.strftime("%H:%M:%S"),
            section=article.section_id,
            standfirst="Edited after it went live.",
        ),
    )


class ScheduleTests:
    def test_article_live_through_its_schedule_can_be_saved_again(self, client):
        """It went live at its time without a status change; saving it asked for a future time."""
        client.force_login(staff("editor", EDITOR))
        went_live = timezone.now() - dt.timedelta(hours=2, microseconds=123)
        article = ArticleFactory(status="scheduled", published_at=went_live)
        assert article.is_public
        response = change(client, article, when=went_live)
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        assert article.standfirst == "Edited after it went live."
        assert article.status == Article.Status.SCHEDULED and article.is_public

    def test_moving_a_schedule_into_the_past_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        soon = timezone.now() + dt.timedelta(days=1)
        article = ArticleFactory(status="scheduled", published_at=soon)
        response = change(client, article, when=timezone.now() - dt.timedelta(days=1))
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()

    def test_scheduling_a_draft_for_a_past_time_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory(status="draft", section=SectionFactory())
        response = change(client, article, when=timezone.now() - dt.timedelta(hours=1))
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

    def test_a_new_article_scheduled_in_the_past_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        local = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
        response = client.post(
            "/admin/content/article/add/",
            article_form(
                status="scheduled",
                published_at_0=local.strftime("%Y-%m-%d"),
                published_at_1=local.strftime("%H:%M:%S"),
            ),
        )
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()


class ArticleBodyParagraphsTests:
    """Without the rich-text editor, blank lines in the body become paragraphs (wpautop)."""

    def form(self, body: str):
        form = ArticleAdminForm(
            data={"title": "T", "slug": "t", "body": body, "language": "en", "status": "draft"}
        )
        form.is_valid()
        return form

    def test_blank_lines_become_paragraphs(self):
        body = self.form("The budget passed.\n\nDeputies voted.").cleaned_data["body"]
        assert body == "<p>The budget passed.</p>\n<p>Deputies voted.</p>"

    def test_a_body_in_paragraphs_is_kept(self):
        body = "<h2>Vote</h2>\n<p>The budget passed.</p>"
        assert self.form(body).cleaned_data["body"] == body

    def test_an_empty_body_stays_empty(self):
        assert self.form("  \n ").cleaned_data["body"] == ""
