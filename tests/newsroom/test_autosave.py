import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article
from dastan.newsroom.models import Autosave
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import staff_user as staff
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


def draft(user) -> Article:
    return services.article_save(
        Article(
            title="Budget passes", slug="budget-passes", body="<p>It passed.</p>", created_by=user
        ),
        user=user,
    )


def autosave_url(article: Article) -> str:
    return reverse("newsroom:autosave", args=[article.pk])


class AutosaveEndpointTests:
    def test_the_working_copy_is_kept_privately_and_changes_nothing_public(self, client):
        writer = staff("writer", WRITER)
        article = draft(writer)
        client.force_login(writer)
        data = {"title": "Budget passes", "body": "<p>It passed, narrowly.</p>"}
        response = client.post(
            autosave_url(article), {**data, "opened_version": article.lock_version}
        )
        assert response.status_code == 200 and response.json()["conflict"] is False
        kept = Autosave.objects.get(user=writer, article=article)
        assert kept.body == "<p>It passed, narrowly.</p>"
        # Shown as every admin time: the site's 24-hour format in its time zone.
        shown = timezone.localtime(kept.saved_at).strftime("%H:%M")
        assert response.json()["saved_at_label"] == shown
        stored = Article.objects.get(pk=article.pk)
        assert stored.body == "<p>It passed.</p>" and stored.lock_version == article.lock_version
        assert stored.versions.count() == article.versions.count()

    def test_a_copy_over_a_newer_version_is_kept_and_answered_409(self, client):
        writer = staff("writer", WRITER)
        article = draft(writer)
        opened = article.lock_version
        services.article_save(article)
        client.force_login(writer)
        response = client.post(
            autosave_url(article), {"body": "<p>Mine</p>", "opened_version": opened}
        )
        assert response.status_code == 409
        assert response.json()["lock_version"] == opened + 1
        assert Autosave.objects.get(article=article).base_version == opened

    def test_csrf_is_required(self):
        writer = staff("writer", WRITER)
        article = draft(writer)
        client = Client(enforce_csrf_checks=True)
        client.force_login(writer)
        assert client.post(autosave_url(article), {"body": "x"}).status_code == 403
        assert not Autosave.objects.exists()

    def test_only_someone_who_may_edit_it_autosaves(self, client):
        owner = staff("writer", WRITER)
        article = draft(owner)
        client.force_login(staff("other", WRITER))
        assert client.post(autosave_url(article), {"body": "x"}).status_code == 404
        client.force_login(User.objects.create_user("reader", password="pw"))
        assert client.post(autosave_url(article), {"body": "x"}).status_code == 302
        assert not Autosave.objects.exists()

    def test_get_is_refused_and_anonymous_is_sent_to_sign_in(self, client):
        article = draft(None)
        assert client.post(autosave_url(article), {"body": "x"}).status_code == 302
        client.force_login(staff("editor", EDITOR))
        assert client.get(autosave_url(article)).status_code == 405

    def test_a_new_article_has_one_copy_per_person(self, client):
        writer = staff("writer", WRITER)
        client.force_login(writer)
        url = reverse("newsroom:autosave_new")
        client.post(url, {"title": "First"})
        client.post(url, {"title": "Second"})
        assert list(Autosave.objects.values_list("title", flat=True)) == ["Second"]


class AutosaveFormTests:
    def test_reopening_offers_the_copy_and_restoring_fills_the_form(self, client):
        writer = staff("writer", WRITER)
        article = draft(writer)
        client.force_login(writer)
        client.post(
            autosave_url(article),
            {
                "title": "Budget passes",
                "body": "<p>Kept.</p>",
                "opened_version": article.lock_version,
            },
        )
        change = reverse("admin:content_article_change", args=[article.pk])
        page = client.get(change).content.decode()
        assert 'id="autosave-offer"' in page
        restored = client.get(change + "?autosave=1").content.decode()
        assert "&lt;p&gt;Kept.&lt;/p&gt;" in restored and 'id="autosave-restored"' in restored

    def test_saving_the_article_drops_the_copy(self, client):
        writer = staff("writer", WRITER)
        article = draft(writer)
        client.force_login(writer)
        client.post(
            autosave_url(article), {"body": "<p>Kept.</p>", "opened_version": article.lock_version}
        )
        change = reverse("admin:content_article_change", args=[article.pk])
        form = article_form(body="<p>Kept.</p>", opened_version=article.lock_version)
        form.pop("status")
        response = client.post(change, form)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not Autosave.objects.exists()
        assert 'id="autosave-offer"' not in client.get(change).content.decode()

    def test_discarding_drops_the_copy(self, client):
        writer = staff("writer", WRITER)
        article = draft(writer)
        client.force_login(writer)
        client.post(autosave_url(article), {"body": "<p>Kept.</p>"})
        response = client.post(reverse("newsroom:autosave_discard", args=[article.pk]))
        assert response.status_code == 302
        assert not Autosave.objects.exists()
