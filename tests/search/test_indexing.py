"""Index upkeep: admin saves index each article once, inside the change's transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR
from dastan.search.backends import get_backend
from dastan.search.backends.base import Filters
from dastan.search.indexing import index_deferred
from dastan.search.query import parse
from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, SectionFactory, TagFactory


def ids(query: str, **filters) -> list[int]:
    found = get_backend().search(parse(query), filters=Filters(**filters), now=timezone.now())
    return found.ids


@pytest.fixture
def index_calls(monkeypatch) -> list[list[int]]:
    """Record the article ids of every ``index()`` call the backend gets."""
    calls: list[list[int]] = []
    backend_class = type(get_backend())
    original = backend_class.index

    def spy(self, documents, *, remove=()):
        documents, remove = list(documents), list(remove)
        calls.append(sorted([d.article_id for d in documents] + remove))
        return original(self, documents, remove=remove)

    monkeypatch.setattr(backend_class, "index", spy)
    return calls


def editor_client(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return client


def admin_form(article_fields: dict, *, bylines: list[int]) -> dict:
    now = timezone.localtime()
    data = {
        "standfirst": "",
        "excerpt": "",
        "language": "en",
        "status": "published",
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "revision_note": "",
        "featured_image_url": "",
        "featured_image_caption": "",
        "featured_image_credit": "",
        "legacy_url": "",
        "bylines-TOTAL_FORMS": str(len(bylines)),
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **article_fields,
    }
    for i, author in enumerate(bylines):
        data[f"bylines-{i}-author"] = author
        data[f"bylines-{i}-position"] = str(i)
    return data


@pytest.mark.django_db
class IndexDeferredTests:
    def test_an_admin_save_indexes_the_article_once(self, client, index_calls):
        """Article, sections, tags, places and two bylines saved in the admin: one index call."""
        section, extra = SectionFactory(), SectionFactory()
        tag, place = TagFactory(), PlaceFactory()
        first, second = AuthorFactory(), AuthorFactory()
        response = editor_client(client).post(
            "/admin/content/article/add/",
            admin_form(
                {
                    "title": "Horse games",
                    "slug": "horse-games",
                    "body": "<p>Kokpar at the festival.</p>",
                    "section": section.pk,
                    "sections": [extra.pk],
                    "tags": [tag.pk],
                    "places": [place.pk],
                },
                bylines=[first.pk, second.pk],
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        article = Article.objects.get(slug="horse-games")
        assert index_calls == [[article.pk]]
        assert ids("kokpar", section=extra.pk) == [article.pk]
        assert ids("kokpar", tag=tag.pk) == ids("kokpar", place=place.pk) == [article.pk]
        assert ids("kokpar", author=second.pk) == [article.pk]

    def test_an_admin_edit_indexes_the_article_once(self, client, index_calls):
        """Changing the title and the tags of an article re-indexes it once."""
        section, tag = SectionFactory(), TagFactory()
        article = ArticleFactory(title="Eagle hunters", body="<p>Birds.</p>", section=section)
        index_calls.clear()
        response = editor_client(client).post(
            f"/admin/content/article/{article.pk}/change/",
            admin_form(
                {
                    "title": "Berkutchi",
                    "slug": article.slug,
                    "body": article.body,
                    "section": section.pk,
                    "tags": [tag.pk],
                },
                bylines=[AuthorFactory().pk],
            ),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert index_calls == [[article.pk]]
        assert ids("berkutchi", tag=tag.pk) == [article.pk] and ids("eagle") == []

    def test_an_admin_action_indexes_each_article_once(self, client, index_calls):
        """Publishing three drafts with the action is one index call for the three."""
        drafts = [
            ArticleFactory(title="Ayran", status=Article.Status.DRAFT, published_at=None)
            for _ in range(3)
        ]
        index_calls.clear()
        editor_client(client).post(
            "/admin/content/article/",
            {"action": "publish", "_selected_action": [a.pk for a in drafts]},
        )
        assert index_calls == [sorted(a.pk for a in drafts)]
        assert set(ids("ayran")) == {a.pk for a in drafts}

    def test_the_index_is_written_inside_the_transaction(self, index_calls):
        """The deferred index is written when the block ends, and rolls back with the change."""
        tag = TagFactory()
        article = ArticleFactory(title="Felt carpets")
        index_calls.clear()
        with pytest.raises(RuntimeError), transaction.atomic():
            with index_deferred():
                article.title = "Shyrdak"
                services.article_save(article)
                article.tags.add(tag)
                with index_deferred():
                    article.places.add(PlaceFactory())
                assert index_calls == []
            assert index_calls == [[article.pk]]
            assert ids("shyrdak", tag=tag.pk) == [article.pk]
            raise RuntimeError
        assert ids("felt") == [article.pk] and ids("shyrdak") == []

    def test_a_block_that_raises_indexes_nothing(self, index_calls):
        """An error inside the block leaves the index to the transaction's rollback."""
        article = ArticleFactory(title="Dombra")
        index_calls.clear()
        with pytest.raises(RuntimeError), transaction.atomic(), index_deferred():
            services.article_unpublish(article)
            raise RuntimeError
        assert index_calls == [] and ids("dombra") == [article.pk]

    def test_a_deleted_article_leaves_the_index_at_the_end(self, index_calls):
        """Deleting inside the block drops the article when the block ends."""
        article = ArticleFactory(title="Kumis")
        with transaction.atomic(), index_deferred():
            article.delete()
        assert ids("kumis") == []
