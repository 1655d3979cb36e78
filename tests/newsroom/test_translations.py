"""The article admin's editions: filter, translations panel, "Translate into" another edition."""

from __future__ import annotations

import re

import pytest

from dastan.content.models import Article
from dastan.content.services import article_translation_create, translations_link
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, SectionFactory, TagFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db


def translate_url(article: Article) -> str:
    return f"/admin/content/article/{article.pk}/translate/"


class TranslationCreateTests:
    def test_draft_keeps_the_filing_and_joins_the_group(self):
        section, extra = SectionFactory(name="Economy"), SectionFactory(name="Energy")
        tags, places = [TagFactory(), TagFactory()], [PlaceFactory()]
        first, second = AuthorFactory(), AuthorFactory()
        article = ArticleFactory(
            section=section,
            tags=tags,
            places=places,
            authors=[first, second],
            featured_image_url="https://example.org/dam.jpg",
            featured_image_caption="The dam",
            featured_image_credit="Staff",
        )
        article.sections.set([extra])
        editor = staff("editor", EDITOR)

        draft = article_translation_create(article, language="ru", user=editor)

        draft.refresh_from_db()
        article.refresh_from_db()
        assert draft.language == "ru"
        assert draft.status == Article.Status.DRAFT and draft.published_at is None
        assert draft.created_by == editor
        assert draft.title == f"[RU] {article.title}"
        assert draft.slug == f"{article.slug}-ru"
        assert draft.section == section
        assert list(draft.sections.all()) == [extra]
        assert set(draft.tags.all()) == set(tags)
        assert list(draft.places.all()) == places
        assert [b.author for b in draft.bylines.all()] == [first, second]
        assert (draft.featured_image_url, draft.featured_image_caption) == (
            "https://example.org/dam.jpg",
            "The dam",
        )
        assert draft.translation_group == article.translation_group is not None

    def test_an_edition_gets_one_translation(self):
        article = ArticleFactory()
        article_translation_create(article, language="ru")
        with pytest.raises(ValueError):
            article_translation_create(article, language="ru")
        with pytest.raises(ValueError):
            article_translation_create(article, language="en")
        assert Article.objects.count() == 2

    def test_a_taken_slug_gets_a_suffix(self):
        article = ArticleFactory(slug="budget")
        ArticleFactory(slug="budget-ru")
        assert article_translation_create(article, language="ru").slug == "budget-ru-2"


class TranslateViewTests:
    def test_editor_translates_and_lands_on_the_draft(self, client):
        editor = staff("editor", EDITOR)
        client.force_login(editor)
        article = ArticleFactory(title="Rogun reaches a milestone")

        response = client.post(translate_url(article), {"language": "ru"})

        draft = Article.objects.get(language="ru")
        assert response.status_code == 302
        assert response["Location"] == f"/admin/content/article/{draft.pk}/change/"
        assert draft.created_by == editor
        page = client.get(response["Location"]).content.decode()
        assert f'href="/admin/content/article/{article.pk}/change/"' in page
        assert "Rogun reaches a milestone" in page

    def test_get_creates_nothing(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory()
        response = client.get(translate_url(article))
        assert response.status_code == 302
        assert Article.objects.count() == 1

    def test_an_existing_translation_is_opened_not_duplicated(self, client):
        client.force_login(staff("editor", EDITOR))
        article, russian = ArticleFactory(), ArticleFactory(language="ru")
        translations_link([article, russian])

        response = client.post(translate_url(article), {"language": "ru"}, follow=True)

        assert response.redirect_chain[-1][0] == f"/admin/content/article/{russian.pk}/change/"
        assert "already has this translation" in response.content.decode()
        assert Article.objects.count() == 2

    @pytest.mark.parametrize("language", ["", "de", "en", "<script>"])
    def test_an_edition_outside_the_list_or_the_own_is_refused(self, client, language):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory()
        response = client.post(translate_url(article), {"language": language}, follow=True)
        assert response.status_code == 200
        assert "Choose another edition" in response.content.decode()
        assert Article.objects.count() == 1

    def test_writer_translates_a_published_article_into_an_own_draft(self, client):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        article = ArticleFactory()

        response = client.post(translate_url(article), {"language": "ru"})

        draft = Article.objects.get(language="ru")
        assert response["Location"] == f"/admin/content/article/{draft.pk}/change/"
        assert draft.created_by == writer and draft.status == Article.Status.DRAFT
        assert client.get(response["Location"]).status_code == 200

    def test_writer_cannot_translate_another_writers_draft(self, client):
        client.force_login(staff("writer", WRITER))
        other = ArticleFactory(status="draft", published_at=None, created_by=staff("other", WRITER))
        response = client.post(translate_url(other), {"language": "ru"})
        assert response.status_code == 404
        assert Article.objects.count() == 1

    def test_writer_is_not_shown_another_writers_draft_translation(self, client):
        """The edition is said to be taken; the draft's title and address stay hidden."""
        client.force_login(staff("writer", WRITER))
        article = ArticleFactory()
        hidden = ArticleFactory(
            title="Secret draft headline",
            language="ru",
            status="draft",
            published_at=None,
            created_by=staff("other", WRITER),
        )
        translations_link([article, hidden])

        page = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        response = client.post(translate_url(article), {"language": "ru"}, follow=True)
        refusal = response.content.decode()

        for html in (page, refusal):
            assert "Secret draft headline" not in html
            assert f"/admin/content/article/{hidden.pk}/" not in html
        assert 'value="ru"' not in page  # no button for a taken edition
        assert response.redirect_chain[-1][0] == f"/admin/content/article/{article.pk}/change/"
        assert "already has a translation" in refusal
        assert Article.objects.count() == 2


class TranslationsPanelTests:
    def test_change_page_lists_translations_and_offers_the_missing_editions(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory()
        page = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        assert "No translations yet." in page
        button = re.search(r'<button[^>]*value="ru"[^>]*>Translate into Russian</button>', page)
        assert button is not None
        assert f'formaction="{translate_url(article)}"' in button.group(0)

        russian = ArticleFactory(
            title="Рогунская ГЭС", language="ru", status="draft", published_at=None
        )
        translations_link([article, russian])
        page = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        assert f'<a href="/admin/content/article/{russian.pk}/change/">Рогунская ГЭС</a>' in page
        assert "(Russian, Draft)" in page
        assert "Translate into Russian" not in page

    def test_add_page_has_no_panel(self, client):
        client.force_login(staff("editor", EDITOR))
        page = client.get("/admin/content/article/add/").content.decode()
        assert 'id="translations"' not in page

    def test_a_stored_title_is_escaped(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory()
        russian = ArticleFactory(title="<img src=x onerror=alert(1)>", language="ru")
        translations_link([article, russian])
        page = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        assert "<img src=x onerror" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


class EditionFilterTests:
    def test_list_narrows_to_one_edition(self, client):
        client.force_login(staff("editor", EDITOR))
        ArticleFactory(title="English story")
        ArticleFactory(title="Русская новость", language="ru")

        page = client.get("/admin/content/article/?edition=ru").content.decode()
        assert "Русская новость" in page and "English story" not in page
        page = client.get("/admin/content/article/?edition=xx").content.decode()
        assert "Русская новость" in page and "English story" in page

    def test_writer_sees_the_button_on_a_published_article_they_cannot_edit(self, client):
        """The view-only page still has the admin's form, so the button can post."""
        client.force_login(staff("writer", WRITER))
        article = ArticleFactory()
        page = client.get(f"/admin/content/article/{article.pk}/change/").content.decode()
        form = re.search(r'<form[^>]*id="article_form".*?</form>', page, flags=re.S)
        assert form is not None
        assert "csrfmiddlewaretoken" in form.group(0)
        assert 'value="ru">Translate into Russian</button>' in form.group(0)
