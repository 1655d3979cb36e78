import datetime as dt

import pytest
from django.contrib.auth.models import Group, User

from dastan.content.models import Article, Section, Tag
from dastan.newsroom.roles import EDITOR
from tests.factories import ArticleFactory, SectionFactory
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(user)
    return user


class SlugAdminTests:
    """Issue 9, item 2: a slug typed in the admin is made a valid slug, with a warning."""

    @pytest.mark.parametrize(
        "typed, stored", [("ctrl\u0001recent", "ctrlrecent"), ("jl?x=1#frag", "jlx1frag")]
    )
    def test_article_slug_is_normalised_and_reported(self, client, editor, typed, stored):
        response = client.post("/admin/content/article/add/", article_form(slug=typed), follow=True)
        assert Article.objects.get().slug == stored
        warning = f"The slug {typed!r} is not a valid slug: saved as {stored!r}."
        assert warning in [str(m) for m in response.context["messages"]]

    def test_a_valid_slug_is_saved_as_typed_without_warning(self, client, editor):
        response = client.post(
            "/admin/content/article/add/", article_form(slug="бюджет-принят"), follow=True
        )
        assert Article.objects.get().slug == "бюджет-принят"
        assert not any("slug" in str(m) for m in response.context["messages"])

    def test_a_slug_that_collides_after_normalisation_is_refused(self, client, editor):
        ArticleFactory(slug="ab")
        response = client.post("/admin/content/article/add/", article_form(slug="a?b"))
        assert response.status_code == 200
        assert "slug" in response.context["adminform"].form.errors
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("model, kind", [(Section, "section"), (Tag, "tag")])
    def test_taxonomy_slugs_are_normalised(self, client, model, kind):
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        data = {"name": "Odd", "slug": "..x..", "position": 0, "in_navigation": "on"}
        client.post(f"/admin/content/{kind}/add/", data)
        assert model.objects.get().slug == "x"


class PublishedAtAdminTests:
    """Issue 9, item 3: the admin refuses a publication time outside the accepted range."""

    @pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31"])
    def test_out_of_range_time_is_refused(self, client, editor, day):
        response = client.post(
            "/admin/content/article/add/",
            article_form(status="published", published_at_0=day, published_at_1="00:00:00"),
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["published_at"]
        assert "outside 1900.." in errors[0]
        assert not Article.objects.exists()

    def test_a_scheduled_time_a_few_years_ahead_is_accepted(self, client, editor):
        client.post(
            "/admin/content/article/add/",
            article_form(status="scheduled", published_at_0="2031-01-01", published_at_1="09:00"),
        )
        assert Article.objects.get().status == Article.Status.SCHEDULED


class PublishedYearFilterTests:
    def test_lists_years_and_narrows_to_one(self, client, editor):
        ArticleFactory(title="Old", published_at=dt.datetime(2019, 5, 1, tzinfo=dt.UTC))
        ArticleFactory(title="New", published_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
        Article.objects.filter(title="New").update(
            published_at=dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)
        )
        page = client.get("/admin/content/article/")
        assert page.status_code == 200
        assert "?year=9999" in page.content.decode() and "?year=2019" in page.content.decode()
        narrowed = client.get("/admin/content/article/?year=2019")
        assert [a.title for a in narrowed.context["cl"].result_list] == ["Old"]
        last = client.get("/admin/content/article/?year=9999")
        assert [a.title for a in last.context["cl"].result_list] == ["New"]

    @pytest.mark.parametrize("query", ["published_at__year=1", "published_at__gte=0001-01-01"])
    def test_a_date_outside_the_calendar_is_a_bad_filter_not_a_500(self, client, editor, query):
        SectionFactory()
        ArticleFactory()
        response = client.get(f"/admin/content/article/?{query}")
        assert response.status_code in (200, 302)
