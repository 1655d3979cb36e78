"""The back office speaks each staff member's chosen language, and only the back office does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from dastan.newsroom.models import StaffPreference
from dastan.newsroom.preferences import staff_language_get, staff_language_set
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db


class StaffLanguageTests:
    def test_default_is_the_site_language(self):
        assert staff_language_get(staff("writer", WRITER)) == "en"

    def test_a_language_no_longer_offered_falls_back(self, settings):
        writer = staff("writer", WRITER)
        staff_language_set(writer, "ru")
        settings.LANGUAGES = [("en", "English")]
        assert staff_language_get(writer) == "en"

    def test_only_offered_languages_are_stored(self):
        with pytest.raises(ValueError):
            staff_language_set(staff("writer", WRITER), "de")
        assert not StaffPreference.objects.exists()


class LanguageViewTests:
    def test_choosing_russian_turns_the_admin_russian(self, client):
        client.force_login(staff("editor", EDITOR))
        assert "Recent actions" in client.get("/admin/").content.decode()

        response = client.post("/newsroom/language/", {"language": "ru"}, follow=True)

        html = response.content.decode()
        assert response.redirect_chain[-1][0] == "/admin/"
        assert "Последние действия" in html
        assert response["Content-Language"] == "ru"
        changelist = client.get("/admin/content/article/").content.decode()
        assert "Выберите" in changelist  # "Select article to change", Django's own catalogue

    def test_the_newsrooms_own_admin_words_are_russian_too(self, client):
        editor = staff("editor", EDITOR)
        staff_language_set(editor, "ru")
        client.force_login(editor)
        article = ArticleFactory()
        changelist = client.get("/admin/content/article/").content.decode()
        assert "Редакция Dastan" in changelist
        assert "Опубликовать выбранные статьи сейчас" in changelist
        assert "Publish selected" not in changelist
        form = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        assert "Главное изображение" in form and "Featured image</h2>" not in form
        assert ">Заголовок:</label>" in form and ">Title:</label>" not in form
        done = client.post(
            "/admin/content/article/",
            {"action": "unpublish", "_selected_action": [article.pk]},
            follow=True,
        )
        assert "Снята с публикации 1 статья." in done.content.decode()  # noqa: RUF001

    def test_the_form_offers_each_language_in_its_own_name(self, client):
        client.force_login(staff("writer", WRITER))
        html = client.get("/newsroom/language/").content.decode()
        assert "Русский" in html and "English" in html

    @pytest.mark.parametrize("language", ["de", "", "ru-RU", "x" * 50])
    def test_an_unknown_language_is_refused(self, client, language):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        response = client.post("/newsroom/language/", {"language": language})
        assert response.status_code == 200
        assert not StaffPreference.objects.filter(user=writer).exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client):
        response = client.post("/newsroom/language/", {"language": "ru"})
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert not StaffPreference.objects.exists()


class StaffMiddlewareLanguageTests:
    def test_the_choice_is_per_person(self, client):
        staff_language_set(staff("editor", EDITOR), "ru")
        client.force_login(User.objects.get(username="editor"))
        assert "Последние действия" in client.get("/admin/").content.decode()
        client.force_login(staff("writer", WRITER))
        assert "Recent actions" in client.get("/admin/").content.decode()

    def test_the_browser_language_does_not_choose_the_back_office(self, client):
        client.force_login(staff("writer", WRITER))
        response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")
        assert "Recent actions" in response.content.decode()

    def test_reader_pages_do_not_follow_the_staff_choice(self, client):
        editor = staff("editor", EDITOR)
        staff_language_set(editor, "ru")
        client.force_login(editor)
        article = ArticleFactory()
        client.get("/admin/")
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert response.get("Content-Language") != "ru"
        assert translation.get_language() != "ru"  # nothing left behind in this thread

    def test_the_choice_wins_over_locale_middleware(self, client, settings):
        """Editions bring LocaleMiddleware, which reads the browser; the back office does not."""
        at = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
        settings.MIDDLEWARE = [
            *settings.MIDDLEWARE[: at + 1],
            "django.middleware.locale.LocaleMiddleware",
            *settings.MIDDLEWARE[at + 1 :],
        ]
        editor, writer = staff("editor", EDITOR), staff("writer", WRITER)
        staff_language_set(editor, "ru")
        client.force_login(writer)
        response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")
        assert "Recent actions" in response.content.decode()
        assert response["Content-Language"] == "en"
        client.force_login(editor)
        response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
        assert "Последние действия" in response.content.decode()
        assert response["Content-Language"] == "ru"

    def test_the_sign_in_page_uses_the_site_language(self, client):
        response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru")
        assert response["Content-Language"] == "en"
