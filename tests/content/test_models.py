import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from dastan.content.models import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    Article,
    Author,
    Correction,
    Place,
    Section,
    Tag,
    local_date,
)
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

BAD_SLUGS = ["ctrl\u0001recent", "jl?x=1#frag", "..", ""]
WHEN = dt.datetime(2025, 4, 3, 10, tzinfo=dt.UTC)


def stored_with_slug(slug: str) -> Article:
    """An article filed everywhere, its slug and its relations' slugs set by raw update."""
    section, tag, place, author = SectionFactory(), TagFactory(), PlaceFactory(), AuthorFactory()
    article = ArticleFactory(
        published_at=WHEN, section=section, tags=[tag], places=[place], authors=[author]
    )
    extra = SectionFactory()
    article.sections.add(extra)
    # update() bypasses validation, as a raw SQL edit would.
    for model in (Article, Section, Tag, Place, Author):
        model.objects.exclude(pk=extra.pk if model is Section else None).update(slug=slug)
    Section.objects.filter(pk=extra.pk).update(slug=slug + "\u0002")
    return Article.objects.get()


class AbsoluteUrlTests:
    @pytest.mark.parametrize("slug", BAD_SLUGS)
    def test_a_bad_slug_gives_no_address_instead_of_raising(self, slug):
        for model in (SectionFactory, TagFactory, PlaceFactory, AuthorFactory):
            obj = model()
            type(obj).objects.filter(pk=obj.pk).update(slug=slug)
            obj.refresh_from_db()
            assert obj.get_absolute_url() == ""

    @pytest.mark.parametrize("slug", BAD_SLUGS)
    def test_an_article_with_a_bad_slug_links_to_its_day(self, slug):
        article = ArticleFactory(published_at=WHEN)
        Article.objects.filter(pk=article.pk).update(slug=slug)
        article.refresh_from_db()
        assert article.get_absolute_url() == "/2025/04/03/"

    def test_a_date_at_the_end_of_the_calendar_keeps_its_utc_day(self):
        end = dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)
        assert local_date(end) == dt.date(9999, 12, 31)
        article = Article(slug="end", published_at=end)
        assert article.get_absolute_url() == "/9999/12/31/end/"


class StoredBadSlugPagesTests:
    """Issue 9, item 2: whatever slug is stored, the pages around it render."""

    @pytest.mark.parametrize("slug", BAD_SLUGS)
    def test_reader_pages_render(self, client, slug):
        stored_with_slug(slug)
        for url in ["/", "/search/?q=article", "/2025/", "/2025/04/", "/2025/04/03/"]:
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, url

    def test_the_article_address_with_a_bad_slug_never_redirects_to_itself(self, client):
        stored_with_slug("jl?x=1#frag")
        response = client.get("/2025/04/03/jl%3Fx=1%23frag/")
        assert response.status_code == 301
        assert response["Location"] == "/2025/04/03/"
        assert client.get(response["Location"]).status_code == 200

    @pytest.mark.parametrize("slug", ["jl?x=1#frag", ".."])
    def test_listing_pages_of_bad_slugs_render(self, client, slug):
        from urllib.parse import quote

        stored_with_slug(slug)
        for kind in ("section", "tag", "place", "author"):
            response = client.get(f"/{kind}/{quote(slug, safe='')}/")
            assert response.status_code in (200, 404), kind

    @pytest.mark.parametrize("slug", BAD_SLUGS)
    def test_admin_list_change_and_preview_render(self, client, slug):
        article = stored_with_slug(slug)
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        for url in [
            "/admin/content/article/",
            f"/admin/content/article/{article.pk}/change/",
            f"/newsroom/preview/{article.pk}/",
        ]:
            assert client.get(url).status_code == 200, url


class StoredOutOfRangeDatePagesTests:
    """Issue 9, item 3: a stored 9999-12-31 takes no page down."""

    @pytest.mark.parametrize(
        "when",
        [
            dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
            dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
            dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        ],
    )
    def test_admin_list_preview_and_archives_render(self, client, when):
        article = ArticleFactory(published_at=WHEN)
        Article.objects.filter(pk=article.pk).update(published_at=when)
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        day = f"/{when.year:04d}/{when.month:02d}/{when.day:02d}/"
        for url in [
            "/admin/content/article/",
            f"/admin/content/article/?published_at__year={when.year}",
            f"/admin/content/article/?published_at__year={when.year}&published_at__month=12",
            f"/admin/content/article/{article.pk}/change/",
            f"/newsroom/preview/{article.pk}/",
            "/",
            f"/{when.year:04d}/",
            day,
        ]:
            cache.clear()
            assert client.get(url).status_code < 500, url

    @pytest.mark.parametrize(
        "when",
        [dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC), dt.datetime(1, 1, 1, tzinfo=dt.UTC)],
    )
    def test_every_stored_time_of_an_article_and_its_corrections(self, client, when):
        """Not only published_at: revised, created and updated times and a correction's time
        are shown by the admin's widgets, its read-only fields and the corrections page."""
        article = ArticleFactory(published_at=WHEN)
        correction = Correction.objects.create(article=article, kind="correction", text="Fixed")
        Article.objects.filter(pk=article.pk).update(
            published_at=when, revised_at=when, created_at=when, updated_at=when
        )
        Correction.objects.filter(pk=correction.pk).update(created_at=when)
        client.force_login(User.objects.create_superuser("boss", password="pw"))
        for url in [
            f"/admin/content/article/{article.pk}/change/",
            "/admin/content/correction/",
            f"/admin/content/correction/{correction.pk}/change/",
            f"/newsroom/preview/{article.pk}/",
            "/corrections/",
        ]:
            cache.clear()
            assert client.get(url).status_code == 200, url


class CalendarSafeDateTimeFieldTests:
    def test_times_at_the_calendars_ends_are_read_a_day_inside(self):
        article = ArticleFactory(published_at=WHEN)
        Article.objects.filter(pk=article.pk).update(
            published_at=dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC),
            revised_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        )
        article.refresh_from_db()
        assert article.published_at == CALENDAR_LAST
        assert article.revised_at == CALENDAR_FIRST
        # Both convert to the site's zone (UTC+5) and back without leaving the calendar.
        assert local_date(article.published_at).year == 9999
        assert local_date(article.revised_at).year == 1

    def test_ordinary_times_are_read_as_stored(self):
        article = ArticleFactory(published_at=WHEN)
        article.refresh_from_db()
        assert article.published_at == WHEN
