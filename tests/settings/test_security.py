"""Headers and rules every environment shares: CSP, password rules, session lifetime."""

import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# JSON-LD is data, not script: the policy does not run it, so it is the one inline block allowed.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/ld\+json\")[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


class ContentSecurityPolicyTests:
    def test_reader_pages_forbid_inline_script_and_style(self, client):
        article = ArticleFactory(title="Budget passes")
        for url in ("/", article.get_absolute_url(), "/search/?q=budget"):
            response = client.get(url)
            assert response.status_code == 200, url
            policy = csp(response)
            assert policy["script-src"] == "script-src 'self'", url
            assert policy["style-src"] == "style-src 'self'", url
            assert policy["object-src"] == "object-src 'none'"
            assert policy["frame-ancestors"] == "frame-ancestors 'none'"

    def test_reader_pages_have_no_inline_script_style_or_handler(self, client):
        article = ArticleFactory(title="Budget passes")
        for url in ("/", article.get_absolute_url(), "/search/?q=budget", "/no-such-page/"):
            html = client.get(url).content.decode()
            assert not INLINE_SCRIPT.search(html), url
            assert "<style" not in html, url
            assert not EVENT_HANDLER.search(html), url
            assert not STYLE_ATTR.search(html), url

    def test_server_error_page_has_no_inline_style(self, rf):
        from dastan.web.views.errors import server_error

        html = server_error(rf.get("/")).content.decode()
        assert "<style" not in html
        assert not STYLE_ATTR.search(html)
        assert 'rel="stylesheet"' in html

    def test_admin_allows_inline_style_but_not_script(self, client):
        client.force_login(User.objects.create_superuser("root", password="pw"))
        policy = csp(client.get("/admin/content/article/"))
        assert "'unsafe-inline'" in policy["style-src"]
        assert policy["script-src"] == "script-src 'self'"


class PasswordRulesTests:
    @pytest.mark.parametrize(
        "password", ["short-pw-1", "123456789012345", "password1234", "aigerim2024!"]
    )
    def test_weak_passwords_are_refused(self, password):
        user = User(username="aigerim", first_name="Aigerim", last_name="Nurlanova")
        with pytest.raises(ValidationError):
            validate_password(password, user)

    def test_a_long_passphrase_passes(self):
        validate_password("steppe ferry wind 1994 koumiss", User(username="aigerim"))


class SessionTests:
    def test_staff_session_ends_at_browser_close_and_after_eight_hours(self, settings):
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
