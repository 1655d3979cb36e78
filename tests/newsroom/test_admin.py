import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db


def article_form(**overrides) -> dict:
    data = {
        "title": "Budget passes",
        "slug": "budget-passes",
        "standfirst": "",
        "body": "<p>The budget passed.</p>",
        "excerpt": "",
        "language": "en",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "revision_note": "",
        "featured_image_url": "",
        "featured_image_caption": "",
        "featured_image_credit": "",
        "legacy_url": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


class WriterTests:
    def test_writer_creates_a_draft(self, client):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        response = client.post("/admin/content/article/add/", article_form())
        assert response.status_code == 302
        article = Article.objects.get(slug="budget-passes")
        assert article.status == Article.Status.DRAFT
        assert article.created_by == writer

    def test_writer_cannot_publish_through_the_form(self, client):
        """The status field is read-only for a writer: a posted 'published' is ignored."""
        client.force_login(staff("writer", WRITER))
        now = timezone.localtime()
        client.post(
            "/admin/content/article/add/",
            article_form(
                status="published",
                published_at_0=now.strftime("%Y-%m-%d"),
                published_at_1=now.strftime("%H:%M:%S"),
            ),
        )
        article = Article.objects.get(slug="budget-passes")
        assert article.status == Article.Status.DRAFT
        assert not Article.objects.public().exists()

    def test_writer_has_no_publish_action(self, client):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        article = ArticleFactory(status="draft", published_at=None, created_by=writer)
        response = client.post(
            "/admin/content/article/",
            {"action": "publish", "_selected_action": [article.pk]},
        )
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
        assert response.status_code in (200, 302)

    def test_writer_cannot_edit_others_or_published_articles(self, client):
        client.force_login(staff("writer", WRITER))
        other = ArticleFactory(status="draft", published_at=None)
        published = ArticleFactory()
        # Another writer's draft does not exist for this writer; a published story is read-only.
        for article, status in ((other, 404), (published, 403)):
            response = client.post(
                f"/admin/content/article/{article.pk}/change/", article_form(title="Hijacked")
            )
            assert response.status_code == status
            article.refresh_from_db()
            assert article.title != "Hijacked"

    def test_writer_sets_ordered_bylines(self, client):
        client.force_login(staff("writer", WRITER))
        first, second = AuthorFactory(name="Aida"), AuthorFactory(name="Bakyt")
        response = client.post(
            "/admin/content/article/add/",
            article_form(
                **{
                    "bylines-TOTAL_FORMS": "2",
                    "bylines-0-author": first.pk,
                    "bylines-0-position": "0",
                    "bylines-1-author": second.pk,
                    "bylines-1-position": "1",
                }
            ),
        )
        assert response.status_code == 302
        article = Article.objects.get(slug="budget-passes")
        assert [b.author.name for b in article.bylines.all()] == ["Aida", "Bakyt"]

    def test_writer_cannot_mark_an_update(self, client):
        """Marking a real update is an editor's call: the posted box is ignored."""
        writer = staff("writer", WRITER)
        client.force_login(writer)
        article = ArticleFactory(status="draft", published_at=None, created_by=writer)
        response = client.post(
            f"/admin/content/article/{article.pk}/change/",
            article_form(
                title=article.title,
                slug=article.slug,
                mark_revised="on",
                revision_note="Writer's update",
            ),
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.revised_at is None
        assert not article.corrections.exists()


class EditorTests:
    def test_publishing_without_a_time_publishes_now(self, client):
        client.force_login(staff("editor", EDITOR))
        response = client.post("/admin/content/article/add/", article_form(status="published"))
        assert response.status_code == 302
        assert Article.objects.get(slug="budget-passes").is_public

    def test_scheduling_without_a_time_is_a_form_error(self, client):
        client.force_login(staff("editor", EDITOR))
        response = client.post("/admin/content/article/add/", article_form(status="scheduled"))
        assert response.status_code == 200
        assert "needs its publication time" in response.content.decode()
        assert not Article.objects.exists()

    def test_editor_publishes_with_the_action(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory(status="draft", published_at=None)
        client.post(
            "/admin/content/article/", {"action": "publish", "_selected_action": [article.pk]}
        )
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED and article.is_public

    def test_editor_schedules_with_the_action(self, client):
        client.force_login(staff("editor", EDITOR))
        at = timezone.now() + dt.timedelta(days=1)
        article = ArticleFactory(status="draft", published_at=at)
        client.post(
            "/admin/content/article/", {"action": "schedule", "_selected_action": [article.pk]}
        )
        article.refresh_from_db()
        assert article.status == Article.Status.SCHEDULED and not article.is_public

    def test_editor_marks_a_real_update(self, client):
        client.force_login(staff("editor", EDITOR))
        section = SectionFactory()
        article = ArticleFactory(section=section)
        local = timezone.localtime(article.published_at)
        response = client.post(
            f"/admin/content/article/{article.pk}/change/",
            article_form(
                title=article.title,
                slug=article.slug,
                status="published",
                published_at_0=local.strftime("%Y-%m-%d"),
                published_at_1=local.strftime("%H:%M:%S"),
                section=section.pk,
                mark_revised="on",
                revision_note="Adds the ministry's response.",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
        assert article.revised_at is not None
        assert article.corrections.get().text == "Adds the ministry's response."

    def test_changelist_filters_and_search_work(self, client):
        client.force_login(staff("editor", EDITOR))
        ArticleFactory(title="Cotton harvest")
        ArticleFactory(title="Gas deal")
        html = client.get("/admin/content/article/?q=cotton&status__exact=published").content
        assert b"Cotton harvest" in html and b"Gas deal" not in html


class PrefillTests:
    @pytest.mark.parametrize(
        "query",
        [
            "section=x",
            "section=%C2%B2",
            "tags=1,x",
            "tags=" + "9" * 30,
            "places=1,%00",
            "published_at=x",
            "published_at=2024-01-01",
        ],
    )
    def test_bad_prefill_gives_the_form(self, client, query):
        """A query string the fields refuse leaves the add form empty instead of a 500.

        Django hands these values to the widgets unchecked: the autocomplete widget
        queried with "x" (ValueError) and the date-time widget expected a datetime.
        """
        client.force_login(staff("editor", EDITOR))
        response = client.get(f"/admin/content/article/add/?{query}")
        assert response.status_code == 200
        assert response.context["adminform"].form.initial.keys() <= {"status", "language"}

    @pytest.mark.parametrize(
        "field", [{"section": "9" * 25}, {"tags": ["9" * 25]}, {"places": ["1", "٣"]}]
    )
    def test_a_posted_id_no_column_holds_is_a_form_error(self, client, field):
        """SQLite refused an id past 64 bits with OverflowError: the posted form answered 500."""
        client.force_login(staff("editor", EDITOR))
        response = client.post("/admin/content/article/add/", article_form(**field))
        assert response.status_code == 200
        name = next(iter(field))
        assert "Select a valid choice" in str(response.context["adminform"].form.errors[name])
        assert not Article.objects.exists()

    def test_good_prefill_is_kept(self, client):
        """A prefill the fields accept still fills the form (the admin's own links use it)."""
        section = SectionFactory(name="Economy", slug="economy")
        client.force_login(staff("editor", EDITOR))
        response = client.get(f"/admin/content/article/add/?section={section.pk}&title=Hello")
        initial = response.context["adminform"].form.initial
        assert initial["section"] == str(section.pk)
        assert initial["title"] == "Hello"

    def test_correction_prefill_checked_too(self, client):
        client.force_login(staff("editor", EDITOR))
        assert client.get("/admin/content/correction/add/?article=x").status_code == 200


class ToFieldTests:
    @pytest.mark.parametrize("view", ["change", "delete"])
    def test_empty_to_field_is_the_primary_key(self, client, view):
        """An empty ?_to_field= finds the object by its id, as no _to_field does.

        Django passed "" on as a field name: FieldDoesNotExist, a 500.
        """
        editor = staff("editor", EDITOR)
        client.force_login(editor)
        article = ArticleFactory(title="Budget passes")
        response = client.get(f"/admin/content/article/{article.pk}/{view}/?_to_field=")
        assert response.status_code == 200
        assert "Budget passes" in response.content.decode()

    def test_user_and_group_admins_too(self, client):
        root = User.objects.create_superuser("root", password="pw")
        client.force_login(root)
        group = Group.objects.get(name=EDITOR)
        assert client.get(f"/admin/auth/user/{root.pk}/change/?_to_field=").status_code == 200
        assert client.get(f"/admin/auth/group/{group.pk}/delete/?_to_field=").status_code == 200


class PreviewTests:
    def test_staff_preview_of_a_draft_is_noindex(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory(title="Embargoed story", status="draft", published_at=None)
        response = client.get(f"/newsroom/preview/{article.pk}/")
        assert response.status_code == 200
        assert b"Embargoed story" in response.content
        assert response["X-Robots-Tag"] == "noindex"

    def test_writer_cannot_preview_another_writers_draft(self, client):
        client.force_login(staff("writer", WRITER))
        article = ArticleFactory(status="draft", published_at=None)
        assert client.get(f"/newsroom/preview/{article.pk}/").status_code == 403

    def test_readers_cannot_preview(self, client):
        article = ArticleFactory(status="draft", published_at=None)
        response = client.get(f"/newsroom/preview/{article.pk}/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class WriterVisibilityTests:
    """A writer meets another writer's draft nowhere in the admin (preview already refuses)."""

    @pytest.fixture
    def setup(self, client):
        writer = staff("writer", WRITER)
        other = staff("other", WRITER)
        client.force_login(writer)
        return {
            "own": ArticleFactory(
                title="Own draft", status="draft", published_at=None, created_by=writer
            ),
            "hidden": ArticleFactory(
                title="Secret scoop", status="draft", published_at=None, created_by=other
            ),
            "embargoed": ArticleFactory(
                title="Embargoed budget",
                status="scheduled",
                published_at=timezone.now() + dt.timedelta(days=1),
                created_by=other,
            ),
            "published": ArticleFactory(title="Published story", created_by=other),
        }

    def test_changelist_lists_own_and_published_only(self, client, setup):
        html = client.get("/admin/content/article/").content.decode()
        assert "Own draft" in html and "Published story" in html
        assert "Secret scoop" not in html and "Embargoed budget" not in html

    def test_changelist_search_does_not_find_hidden_drafts(self, client, setup):
        html = client.get("/admin/content/article/?q=scoop").content.decode()
        assert "Secret scoop" not in html

    def test_change_and_history_pages_answer_404(self, client, setup):
        for key in ("hidden", "embargoed"):
            pk = setup[key].pk
            for url in (
                f"/admin/content/article/{pk}/change/",
                f"/admin/content/article/{pk}/history/",
                f"/admin/content/article/{pk}/delete/",
            ):
                response = client.get(url)
                assert response.status_code == 404, url
                assert b"Secret scoop" not in response.content

    def test_published_article_is_read_only(self, client, setup):
        response = client.get(f"/admin/content/article/{setup['published'].pk}/change/")
        assert response.status_code == 200
        assert b"Published story" in response.content
        assert b'name="_save"' not in response.content

    def test_autocomplete_omits_hidden_drafts(self, client, setup):
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "content", "model_name": "correction", "field_name": "article"},
        )
        assert response.status_code == 200
        titles = {item["text"] for item in response.json()["results"]}
        assert "Own draft" in titles and "Published story" in titles
        assert "Secret scoop" not in titles and "Embargoed budget" not in titles

    def test_view_on_site_does_not_reveal_a_hidden_address(self, client, setup):
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Article).pk
        response = client.get(f"/admin/r/{ct}/{setup['hidden'].pk}/")
        assert response.status_code == 404
        assert "Location" not in response
        own = client.get(f"/admin/r/{ct}/{setup['own'].pk}/")
        assert own.status_code == 302

    def test_corrections_of_hidden_drafts_are_not_listed(self, client, setup):
        from dastan.content.models import Correction

        Correction.objects.create(article=setup["hidden"], text="Fixed the scoop's date")
        html = client.get("/admin/content/correction/").content.decode()
        assert "Secret scoop" not in html

    def test_editor_still_sees_every_draft(self, client, setup):
        client.force_login(staff("editor", EDITOR))
        html = client.get("/admin/content/article/").content.decode()
        assert "Secret scoop" in html and "Embargoed budget" in html
        assert client.get(f"/admin/content/article/{setup['hidden'].pk}/change/").status_code == 200
