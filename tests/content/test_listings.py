"""The listing entries stay exact on every write a listing page could show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from dastan.content import services
from dastan.content.listings import archive_day_key, listing_key, listings_rebuild
from dastan.content.models import Article, Correction, ListingEntry, ListingSize, Place
from dastan.content.selectors import Listing, articles_between, corrections_public
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def listed(obj, *, edition: str = "en", now: dt.datetime | None = None) -> list[int]:
    """Return the ids a listing page of ``obj`` shows, newest first (its pager counts them)."""
    listing = Listing(listing_key(obj), edition=edition, now=now)
    ids = [a.pk for a in listing[0:1000]]
    assert listing.count() == len(ids), obj
    return ids


def entries() -> set[tuple]:
    """Return every derived row: the entries, the listings' sizes, what corrections copy."""
    return (
        set(ListingEntry.objects.values_list("listing", "article_id", "language", "published_at"))
        | set(Correction.objects.values_list("pk", "article_id", "language", "public_from"))
        | set(ListingSize.objects.exclude(entries=0).values_list("listing", "language", "entries"))
    )


def corrected(*, edition: str = "en", now: dt.datetime | None = None) -> list[int]:
    """Return the ids the corrections page of ``edition`` shows, newest first."""
    return list(corrections_public(edition=edition, now=now).values_list("pk", flat=True))


class ListingEntryTests:
    def test_every_link_lists_a_published_article(self):
        """Primary and extra sections, tags, authors, places and the place's country."""
        country = PlaceFactory(name="Kazakhstan", slug="kz", kind=Place.Kind.COUNTRY)
        city = PlaceFactory(name="Almaty", slug="almaty", country=country)
        extra, tag, author = SectionFactory(), TagFactory(), AuthorFactory()
        article = ArticleFactory(tags=[tag], places=[city], authors=[author])
        article.sections.add(extra)
        for obj in (article.section, extra, tag, author, city, country):
            assert listed(obj) == [article.pk], obj

    def test_unpublish_and_publish_again(self):
        article = ArticleFactory()
        services.article_unpublish(article)
        assert listed(article.section) == []
        services.article_publish(article)
        assert listed(article.section) == [article.pk]

    def test_unlisted_and_draft_articles_are_not_listed(self):
        section = SectionFactory()
        ArticleFactory(section=section, is_listed=False)
        ArticleFactory(section=section, status=Article.Status.DRAFT, published_at=None)
        assert listed(section) == []

    def test_refiled_article_moves_to_its_new_section(self):
        old, new = SectionFactory(), SectionFactory()
        article = ArticleFactory(section=old)
        article.section = new
        services.article_save(article)
        assert listed(old) == [] and listed(new) == [article.pk]

    def test_deleting_an_article_removes_its_entries(self):
        article = ArticleFactory(tags=[TagFactory()])
        kept = ArticleFactory(section=article.section)
        article.delete()
        assert set(ListingEntry.objects.values_list("article_id", flat=True)) == {kept.pk}
        assert listed(kept.section) == [kept.pk]

    def test_a_scheduled_article_appears_when_its_time_comes(self):
        """No write happens at that time: the page read decides."""
        when = timezone.now() + dt.timedelta(hours=2)
        article = ArticleFactory()
        services.article_schedule(article, at=when)
        assert listed(article.section) == []
        later = when + dt.timedelta(seconds=1)
        assert listed(article.section, now=later) == [article.pk]

    def test_each_edition_lists_its_own_articles(self):
        section = SectionFactory()
        english = ArticleFactory(section=section)
        russian = ArticleFactory(section=section, language="ru")
        assert listed(section) == [english.pk]
        assert listed(section, edition="ru") == [russian.pk]

    def test_links_removed_from_either_side(self):
        tag, other = TagFactory(), TagFactory()
        article = ArticleFactory(tags=[tag, other])
        article.tags.remove(tag)
        assert listed(tag) == [] and listed(other) == [article.pk]
        other.articles.clear()
        assert listed(other) == []

    def test_byline_removed(self):
        author = AuthorFactory()
        article = ArticleFactory(authors=[author, AuthorFactory()])
        article.bylines.get(author=author).delete()
        assert listed(author) == []

    def test_place_moved_to_another_country(self):
        first = PlaceFactory(kind=Place.Kind.COUNTRY)
        second = PlaceFactory(kind=Place.Kind.COUNTRY)
        city = PlaceFactory(country=first)
        article = ArticleFactory(places=[city])
        city.country = second
        city.save()
        assert listed(first) == [] and listed(second) == [article.pk]
        city.delete()
        assert listed(second) == []

    def test_a_deleted_tag_leaves_no_entries(self):
        tag = TagFactory()
        ArticleFactory(tags=[tag])
        key = listing_key(tag)
        tag.delete()
        assert not ListingEntry.objects.filter(listing=key).exists()
        assert not ListingSize.objects.filter(listing=key).exists()

    def test_bulk_upsert_writes_entries(self):
        when = timezone.now() - dt.timedelta(days=1)
        services.articles_upsert(
            [
                services.ArticleRecord(
                    title="Loaded",
                    slug="loaded",
                    sections=["Economy"],
                    tags=["oil"],
                    authors=["A. Writer"],
                    published_at=when,
                )
            ]
        )
        article = Article.objects.get(slug="loaded")
        assert listed(article.section) == [article.pk]
        assert listed(article.tags.get()) == [article.pk]

    def test_listing_pages_newest_first_with_a_true_count(self):
        section = SectionFactory()
        now = timezone.now()
        ids = [
            ArticleFactory(section=section, published_at=now - dt.timedelta(hours=h)).pk
            for h in range(1, 9)
        ]
        listing = Listing(listing_key(section), edition="en")
        assert listing.count() == 8
        assert [a.pk for a in listing[2:5]] == ids[2:5]

    def test_the_count_reads_the_size_and_the_scheduled_entries_only(self):
        """The pager's count does not read the listing's published entries (issue #15)."""
        section = SectionFactory()
        ArticleFactory.create_batch(3, section=section)
        later = ArticleFactory(section=section)
        services.article_schedule(later, at=timezone.now() + dt.timedelta(hours=1))
        size = ListingSize.objects.get(listing=listing_key(section), language="en")
        assert size.entries == 4
        ListingSize.objects.filter(pk=size.pk).update(entries=40)
        assert Listing(listing_key(section), edition="en").count() == 39

    def test_an_edit_that_keeps_the_listings_writes_no_size(self):
        """Only a change of an article's listings locks their sizes."""
        article = ArticleFactory(tags=[TagFactory()])
        article.title = "Retitled"
        with CaptureQueriesContext(connection) as queries:
            services.article_save(article)
        assert not [q for q in queries if "listingsize" in q["sql"].lower()]


class CorrectionsPageTests:
    def test_each_edition_shows_the_corrections_of_its_public_articles(self):
        english = CorrectionFactory()
        russian = CorrectionFactory(article=ArticleFactory(language="ru"))
        CorrectionFactory(article=ArticleFactory(status=Article.Status.DRAFT, published_at=None))
        assert corrected() == [english.pk]
        assert corrected(edition="ru") == [russian.pk]

    def test_unpublish_and_publish_again(self):
        correction = CorrectionFactory()
        services.article_unpublish(correction.article)
        assert corrected() == []
        services.article_publish(correction.article)
        assert corrected() == [correction.pk]

    def test_an_article_moved_to_the_other_edition_takes_its_corrections(self):
        correction = CorrectionFactory()
        article = correction.article
        article.language = "ru"
        services.article_save(article)
        assert (corrected(), corrected(edition="ru")) == ([], [correction.pk])

    def test_a_scheduled_articles_correction_appears_when_its_time_comes(self):
        when = timezone.now() + dt.timedelta(hours=2)
        correction = CorrectionFactory()
        services.article_schedule(correction.article, at=when)
        assert corrected() == []
        assert corrected(now=when + dt.timedelta(seconds=1)) == [correction.pk]

    def test_the_page_is_newest_first(self):
        now = timezone.now()
        made = [CorrectionFactory(created_at=now - dt.timedelta(hours=h)) for h in (3, 1, 2)]
        assert corrected() == [made[1].pk, made[2].pk, made[0].pk]


class ListingRebuildTests(TestCase):
    """Whatever the writes, the maintained entries equal a rebuild from the rows."""

    @settings(max_examples=15, deadline=None)
    @given(
        steps=st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "publish",
                        "unpublish",
                        "schedule",
                        "refile",
                        "tag",
                        "untag",
                        "correct",
                        "delete",
                    ]
                ),
                st.integers(0, 4),
            ),
            max_size=12,
        )
    )
    def test_maintained_entries_equal_a_rebuild(self, steps):
        sections = [SectionFactory() for _ in range(2)]
        tag = TagFactory()
        articles = [ArticleFactory(section=sections[i % 2]) for i in range(5)]
        for action, i in steps:
            article = articles[i]
            if not Article.objects.filter(pk=article.pk).exists():
                continue
            if action == "publish":
                services.article_publish(article)
            elif action == "unpublish":
                services.article_unpublish(article)
            elif action == "schedule":
                services.article_schedule(article, at=timezone.now() + dt.timedelta(hours=1))
            elif action == "refile":
                article.section = sections[(sections.index(article.section) + 1) % 2]
                services.article_save(article)
            elif action == "tag":
                article.tags.add(tag)
            elif action == "untag":
                article.tags.remove(tag)
            elif action == "correct":
                CorrectionFactory(article=article)
            else:
                article.delete()
        maintained = entries()
        for section in sections:
            listed(section)
        listings_rebuild()
        assert maintained == entries()


class ArchiveCountTests(TestCase):
    """Whatever the range, an archive's count is the number of articles its pages show."""

    @settings(max_examples=25, deadline=None)
    @given(
        hours=st.lists(st.integers(-24 * 4, 24 * 2), min_size=1, max_size=8),
        offset=st.integers(-24 * 5, 24 * 2),
        length=st.integers(0, 24 * 5),
        minutes=st.sampled_from([0, 1, 30, 59]),
    )
    def test_the_count_equals_the_rows(self, hours, offset, length, minutes):
        now = timezone.now()
        hour = now.replace(minute=0, second=0, microsecond=0)
        for n, h in enumerate(hours):
            when = hour + dt.timedelta(hours=h, minutes=n)
            article = ArticleFactory(published_at=when, language="ru" if n % 3 == 2 else "en")
            if when > now and n % 2:
                services.article_schedule(article, at=when)
        start = hour + dt.timedelta(hours=offset, minutes=minutes)
        end = start + dt.timedelta(hours=length)
        archive = articles_between(start, end, edition="en")
        shown = [card.pk for card in archive[0:100]]
        public = Article.objects.public().filter(language="en", is_listed=True)
        expected = public.filter(published_at__gte=start, published_at__lt=end).count()
        assert archive.count() == len(shown) == expected

    def test_whole_days_are_read_from_their_sizes(self):
        """A year's count reads a row a day, not the year's articles (issue #15)."""
        when = timezone.now() - dt.timedelta(days=40)
        ArticleFactory.create_batch(2, published_at=when)
        day = archive_day_key(when.astimezone(dt.UTC).date())
        assert ListingSize.objects.get(listing=day, language="en").entries == 2
        ListingSize.objects.filter(listing=day).update(entries=30)
        year = articles_between(
            when - dt.timedelta(days=100), when + dt.timedelta(days=100), edition="en"
        )
        day_only = articles_between(
            when - dt.timedelta(hours=1), when + dt.timedelta(hours=1), edition="en"
        )
        assert (year.count(), day_only.count()) == (30, 2)
