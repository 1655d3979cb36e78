import datetime as dt

import pytest
from django.contrib.auth.models import User

from dastan.content.models import Article, Place
from dastan.content.services import article_save
from dastan.redirects.models import LegacyRedirect
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2025, 4, 3, 10, tzinfo=dt.UTC)


def renamed(obj, slug: str):
    obj.slug = slug
    if isinstance(obj, Article):
        article_save(obj)
    else:
        obj.save()
    return obj


class ArticleSlugChangeTests:
    """Issue 9, item 13: an article's old address answers 301 after its slug changes."""

    def test_old_address_redirects_to_the_new_one(self, client):
        article = ArticleFactory(slug="budget-passes", published_at=WHEN)
        renamed(article, "budget-passed")
        response = client.get("/2025/04/03/budget-passes/")
        assert response.status_code == 301
        assert response["Location"] == "/2025/04/03/budget-passed/"
        assert client.get(response["Location"]).status_code == 200

    def test_a_to_b_to_c_leaves_a_and_b_pointing_straight_at_c(self, client):
        article = ArticleFactory(slug="a", published_at=WHEN)
        renamed(renamed(article, "b"), "c")
        for old in ("a", "b"):
            response = client.get(f"/2025/04/03/{old}/")
            assert (response.status_code, response["Location"]) == (301, "/2025/04/03/c/")
        assert LegacyRedirect.objects.count() == 2

    def test_changing_back_removes_the_now_live_redirect(self, client):
        article = ArticleFactory(slug="a", published_at=WHEN)
        renamed(renamed(article, "b"), "a")
        assert list(LegacyRedirect.objects.values_list("old_path", flat=True)) == ["/2025/04/03/b/"]
        assert client.get("/2025/04/03/a/").status_code == 200
        response = client.get("/2025/04/03/b/")
        assert (response.status_code, response["Location"]) == (301, "/2025/04/03/a/")

    def test_a_cyrillic_slug_change_redirects(self, client):
        article = ArticleFactory(slug="бюджет", published_at=WHEN)
        renamed(article, "бюджет-принят")
        assert LegacyRedirect.objects.get().old_path == "/2025/04/03/бюджет/"
        response = client.get("/2025/04/03/%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82/")
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()

    def test_a_slug_change_through_the_admin_redirects(self, client):
        article = ArticleFactory(slug="budget-passes", published_at=WHEN, authors=[])
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        data = article_form(
            slug="budget-passed",
            status="published",
            published_at_0="2025-04-03",
            published_at_1="15:00:00",
        )
        response = client.post(f"/admin/content/article/{article.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert client.get("/2025/04/03/budget-passes/")["Location"] == (
            "/2025/04/03/budget-passed/"
        )

    def test_a_draft_renamed_keeps_its_old_address_hidden(self, client):
        article = ArticleFactory(slug="a", status="draft", published_at=None)
        renamed(article, "b")
        assert client.get(LegacyRedirect.objects.get().old_path).status_code == 404

    def test_a_stored_bad_slug_leaves_no_redirect_when_fixed(self):
        article = ArticleFactory(slug="ok", published_at=WHEN)
        Article.objects.filter(pk=article.pk).update(slug="jl?x=1#frag")
        article.refresh_from_db()
        renamed(article, "jlx1frag")
        assert not LegacyRedirect.objects.exists()

    def test_only_a_slug_change_leaves_a_redirect(self):
        article = ArticleFactory(slug="a", published_at=WHEN)
        article.title = "New title"
        article.published_at = WHEN + dt.timedelta(days=1)
        article_save(article)
        assert not LegacyRedirect.objects.exists()


class TaxonomySlugChangeTests:
    @pytest.mark.parametrize(
        "factory, kind",
        [
            (SectionFactory, "section"),
            (TagFactory, "tag"),
            (AuthorFactory, "author"),
            (PlaceFactory, "place"),
        ],
    )
    def test_old_listing_address_redirects_with_its_page(self, client, factory, kind):
        obj = factory(slug="old")
        ArticleFactory(section=obj) if kind == "section" else None
        renamed(obj, "new")
        response = client.get(f"/{kind}/old/")
        assert (response.status_code, response["Location"]) == (301, f"/{kind}/new/")
        assert client.get(f"/{kind}/old/?page=3")["Location"].startswith(f"/{kind}/new/")

    def test_a_deleted_place_takes_its_redirects_with_it(self):
        place = PlaceFactory(slug="old")
        renamed(place, "new")
        Place.objects.all().delete()
        assert not LegacyRedirect.objects.exists()
