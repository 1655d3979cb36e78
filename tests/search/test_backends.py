# ruff: noqa: RUF001, RUF002, RUF003 - Cyrillic and Uzbek letters are what these tests are about
"""One contract for every search backend, run on SQLite FTS5 and on PostgreSQL.

``get_backend()`` follows the test database: the SQLite pass of the suite runs
``SqliteFts5BackendTests``; ``make test-postgres`` (``DASTAN_DATABASE_URL`` set
to a PostgreSQL server, ``pytest -m postgres``) runs ``PostgresBackendTests``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article, ArticleAuthor, Place
from dastan.search.backends import get_backend
from dastan.search.backends.base import Filters
from dastan.search.query import parse
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)


def ids(
    query: str, *, order: str = "relevance", now=None, limit: int = 50, offset: int = 0, **filters
):
    """Return the article ids found for ``query``."""
    result = get_backend().search(
        parse(query),
        filters=Filters(**filters),
        now=now or timezone.now(),
        order=order,
        limit=limit,
        offset=offset,
    )
    return result.ids


def ago(**kwargs) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


class BackendContract:
    """Behaviour every backend must show."""

    def test_word_is_found_in_title_and_body(self):
        """A word is found wherever it is in an article."""
        a = ArticleFactory(title="Wheat harvest", body="<p>Nothing here.</p>")
        b = ArticleFactory(title="Other news", body="<p>The wheat crop grew.</p>")
        ArticleFactory(title="Unrelated", body="<p>Nothing.</p>")
        assert set(ids("wheat")) == {a.pk, b.pk}

    def test_words_are_anded(self):
        """Every word must match."""
        a = ArticleFactory(title="Oil prices rise", body="<p>Oil and prices.</p>")
        ArticleFactory(title="Oil output", body="<p>Only oil.</p>")
        assert ids("oil prices") == [a.pk]

    def test_phrase_needs_adjacent_words(self):
        """A quoted phrase matches only words side by side, in order."""
        a = ArticleFactory(title="News", body="<p>The central bank raised rates.</p>")
        ArticleFactory(title="News", body="<p>The bank in the central district.</p>")
        assert ids('"central bank"') == [a.pk]

    def test_exclusion(self):
        """``-word`` leaves out articles with that word."""
        a = ArticleFactory(title="Election day", body="<p>Voters came.</p>")
        ArticleFactory(title="Election law", body="<p>The parliament voted.</p>")
        assert ids("election -parliament") == [a.pk]

    def test_or(self):
        """``OR`` finds either word."""
        a = ArticleFactory(title="Coal mine", body="<p>x</p>")
        b = ArticleFactory(title="Gas field", body="<p>y</p>")
        ArticleFactory(title="Solar farm", body="<p>z</p>")
        assert set(ids("coal OR gas")) == {a.pk, b.pk}

    def test_stop_words_are_words_on_every_backend(self):
        """``the``, ``-the`` and "to be or not to be" behave the same on both backends."""
        a = ArticleFactory(title="The cat sat", body="<p>To be or not to be, said the cat.</p>")
        b = ArticleFactory(title="Dog barks", body="<p>A dog barked.</p>")
        assert ids("the") == [a.pk]
        assert ids('"to be or not to be"') == [a.pk]
        assert ids("dog -the") == [b.pk]
        assert ids("cat -the") == []

    def test_stemming_and_possessive(self):
        """``Kazakhstan's`` finds ``Kazakhstan``; ``elections`` finds ``election``."""
        a = ArticleFactory(title="Kazakhstan grows", body="<p>An election was held.</p>")
        assert ids("Kazakhstan's") == [a.pk]
        assert ids("elections") == [a.pk]

    def test_russian_stemming_and_yo(self):
        """``судом`` finds ``суд``; ``ёлка`` finds ``елка``."""
        a = ArticleFactory(title="Суд вынес решение", body="<p>Новогодняя елка.</p>", language="ru")
        assert ids("судом", language="ru") == [a.pk]
        assert ids("ёлка", language="ru") == [a.pk]

    def test_case_and_diacritics_do_not_matter(self):
        """Upper case and accents are folded."""
        a = ArticleFactory(title="Café society", body="<p>x</p>")
        assert ids("CAFE") == [a.pk]

    @pytest.mark.parametrize(
        "query, written",
        [
            ("Tokayev", "Токаев"),
            ("Токаев", "Tokayev"),
            ("Алматы", "Almaty"),
            ("Almaty", "Алматы"),
            ("Nazarbayev", "Назарбаева"),
            ("Bishkek", "Бишкеке"),
            ("Zhambyl", "Жамбыл"),
            ("Ташкент", "Tashkent"),
            ("Qaraghandy", "Қарағанды"),
            ("Karaganda", "Қарағанды"),
            ("Қарағанды", "Qaraghandy"),
            ("Zhanaozen", "Жаңаөзен"),
            ("Жаңаөзен", "Zhanaozen"),
            ("Oʻzbekiston", "Ўзбекистон"),
            ("O'zbekiston", "Ўзбекистон"),
            ("Ўзбекистон", "O‘zbekiston"),
        ],
    )
    def test_names_are_found_across_scripts(self, query, written):
        """A name typed in one script finds an article that writes it only in the other."""
        a = ArticleFactory(title="News of the day", body=f"<p>Today {written} was in the news.</p>")
        ArticleFactory(title="Other", body="<p>Nothing about names.</p>")
        assert ids(query) == [a.pk]

    def test_title_match_ranks_above_body_match(self):
        """An article with the word in its title comes before one with it only in the body."""
        body = ArticleFactory(title="Budget talk", body="<p>The drought hurt farms.</p>")
        title = ArticleFactory(title="Drought in the south", body="<p>Farms hurt.</p>")
        assert ids("drought") == [title.pk, body.pk]

    def test_recent_story_ranks_above_an_equal_old_one(self):
        """Equally relevant, this week's story comes before one from 2015."""
        old = ArticleFactory(
            title="Flood warning", body="<p>Rivers rose.</p>", published_at=ago(days=3650)
        )
        new = ArticleFactory(
            title="Flood warning", body="<p>Rivers rose.</p>", published_at=ago(days=2)
        )
        assert ids("flood") == [new.pk, old.pk]

    def test_sort_by_date(self):
        """``order="date"`` lists newest first, whatever the relevance."""
        older = ArticleFactory(
            title="Uranium uranium", body="<p>uranium</p>", published_at=ago(days=9)
        )
        newer = ArticleFactory(title="Mines", body="<p>uranium</p>", published_at=ago(days=1))
        assert ids("uranium", order="date") == [newer.pk, older.pk]

    def test_drafts_and_unpublished_are_never_found(self):
        """Only public articles are found."""
        ArticleFactory(title="Secret saxaul plan", status=Article.Status.DRAFT, published_at=None)
        gone = ArticleFactory(title="Saxaul forest")
        services.article_unpublish(gone)
        assert ids("saxaul") == []

    def test_scheduled_article_appears_at_its_time(self):
        """A scheduled article is invisible until its time, then found with no job running."""
        at = timezone.now() + dt.timedelta(hours=2)
        a = ArticleFactory(title="Marmot census", status=Article.Status.SCHEDULED, published_at=at)
        assert ids("marmot") == []
        assert ids("marmot", now=at + dt.timedelta(seconds=1)) == [a.pk]

    def test_edit_publish_unpublish_delete_follow(self):
        """The index follows every change made through the content services."""
        a = ArticleFactory(
            title="Apricot season", body="<p>x</p>", status=Article.Status.DRAFT, published_at=None
        )
        assert ids("apricot") == []
        services.article_publish(a)
        assert ids("apricot") == [a.pk]
        a.title = "Pomegranate season"
        a.body = "<p>Fruit.</p>"
        services.article_save(a)
        assert ids("apricot") == [] and ids("pomegranate") == [a.pk]
        services.article_unpublish(a)
        assert ids("pomegranate") == []
        services.article_publish(a)
        a.delete()
        assert ids("pomegranate") == []

    def test_index_rolls_back_with_the_change(self):
        """A change rolled back leaves the index as it was (same transaction)."""
        a = ArticleFactory(title="Juniper grove", body="<p>x</p>")
        with pytest.raises(RuntimeError), transaction.atomic():
            a.title = "Tamarisk grove"
            a.body = "<p>y</p>"
            services.article_save(a)
            raise RuntimeError
        assert ids("juniper") == [a.pk] and ids("tamarisk") == []

    def test_bulk_upsert_is_indexed(self):
        """Articles loaded in bulk (no post_save) are indexed through articles_changed."""
        result = services.articles_upsert(
            [
                services.ArticleRecord(
                    title="Kumis festival",
                    slug="kumis",
                    body="<p>Mares milk.</p>",
                    published_at=ago(hours=1),
                    sections=["Culture"],
                    tags=["Food"],
                )
            ]
        )
        assert ids("kumis") == result.created

    def test_filters(self):
        """Section, tag, place, author, language and dates narrow the results."""
        section, tag, place = SectionFactory(), TagFactory(), PlaceFactory()
        author = AuthorFactory()
        a = ArticleFactory(
            title="Cotton",
            section=section,
            tags=[tag],
            places=[place],
            authors=[author],
            published_at=ago(days=10),
        )
        b = ArticleFactory(title="Cotton", language="ru", published_at=ago(days=400))
        assert set(ids("cotton")) == {a.pk, b.pk}
        assert ids("cotton", section=section.pk) == [a.pk]
        assert ids("cotton", tag=tag.pk) == [a.pk]
        assert ids("cotton", place=place.pk) == [a.pk]
        assert ids("cotton", author=author.pk) == [a.pk]
        assert ids("cotton", language="ru") == [b.pk]
        assert ids("cotton", start=ago(days=30)) == [a.pk]
        assert ids("cotton", end=ago(days=30)) == [b.pk]

    def test_extra_section_and_tag_edits_are_followed(self):
        """Tags set in the admin (m2m_changed) are searchable filters at once."""
        tag = TagFactory()
        a = ArticleFactory(title="Yurt makers")
        assert ids("yurt", tag=tag.pk) == []
        a.tags.add(tag)
        assert ids("yurt", tag=tag.pk) == [a.pk]

    def test_count_and_paging(self):
        """``total`` counts every match; ``offset``/``limit`` page through them."""
        made = [ArticleFactory(title=f"Melon {i}", published_at=ago(days=i)) for i in range(7)]
        backend = get_backend()
        first = backend.search(
            parse("melon"), filters=Filters(), now=timezone.now(), order="date", limit=3
        )
        second = backend.search(
            parse("melon"), filters=Filters(), now=timezone.now(), order="date", offset=3, limit=3
        )
        assert first.total == 7 and first.exact
        assert first.ids + second.ids == [a.pk for a in made[:6]]
        assert backend.count(parse("melon"), filters=Filters(), now=timezone.now()) == (7, True)

    def test_section_counts(self):
        """Per-section counts are given for the query, ignoring the section filter."""
        one, two = SectionFactory(), SectionFactory()
        for _ in range(2):
            ArticleFactory(title="Walnut", section=one)
        ArticleFactory(title="Walnut", section=two)
        result = get_backend().search(
            parse("walnut"), filters=Filters(section=two.pk), now=timezone.now()
        )
        assert result.ids and dict(result.sections) == {one.pk: 2, two.pk: 1}

    def test_nothing_to_search(self):
        """A query with only exclusions or no words finds nothing, without error."""
        ArticleFactory(title="Anything")
        assert ids("-anything") == [] and ids("*** :: ((") == []

    def test_rebuild_and_check(self):
        """``rebuild`` recreates the index from the articles; ``check`` finds and repairs a miss."""
        from django.core.management import call_command

        from dastan.search.management.commands.search import index_check

        a = ArticleFactory(title="Mulberry trees")
        get_backend().remove([a.pk])
        report = index_check()
        assert report.missing == [a.pk]
        index_check(repair=True)
        assert index_check().ok and ids("mulberry") == [a.pk]
        call_command("search", "rebuild", "--no-progress", "--workers", "0")
        assert ids("mulberry") == [a.pk]

    def test_section_counts_count_every_section_of_an_article(self):
        """An article filed in two sections counts in both, as each section filter finds it."""
        one, two = SectionFactory(), SectionFactory()
        both = ArticleFactory(title="Saiga", section=one)
        both.sections.add(two)
        only_two = ArticleFactory(title="Saiga", section=two)
        result = get_backend().search(parse("saiga"), filters=Filters(), now=timezone.now())
        assert dict(result.sections) == {one.pk: 1, two.pk: 2} and result.sections_exact
        for section, n in result.sections:
            assert len(ids("saiga", section=section)) == n
        assert set(ids("saiga", section=two.pk)) == {both.pk, only_two.pk}

    def test_section_counts_scaled_from_a_window_are_not_exact(self, settings):
        """Past FACET_WINDOW matches the counts are scaled estimates, and say so."""
        for _ in range(3):
            ArticleFactory(title="Steppe eagle")
        settings.DASTAN_SEARCH = {"FACET_WINDOW": 2}
        result = get_backend().search(parse("eagle"), filters=Filters(), now=timezone.now())
        assert result.total == 3 and result.exact
        assert not result.sections_exact

    def test_a_count_at_the_bound_is_exact(self, settings):
        """Exactly EXACT_COUNT matches are counted, not estimated; one more is an estimate."""
        settings.DASTAN_SEARCH = {"EXACT_COUNT": 3}
        made = [ArticleFactory(title="Caspian seal", published_at=ago(days=i)) for i in range(3)]
        backend = get_backend()
        assert backend.count(parse("seal"), filters=Filters(), now=timezone.now()) == (3, True)
        result = backend.search(
            parse("seal"), filters=Filters(), now=timezone.now(), order="date", limit=2
        )
        assert (result.total, result.exact) == (3, True)
        made.append(ArticleFactory(title="Caspian seal", published_at=ago(days=9)))
        total, exact = backend.count(parse("seal"), filters=Filters(), now=timezone.now())
        assert total >= 4 and not exact

    def test_place_filter_finds_the_cities_of_a_country(self):
        """Filtering by a country finds articles about its cities, as the place page does."""
        country = PlaceFactory(kind=Place.Kind.COUNTRY)
        city = PlaceFactory(country=country)
        a = ArticleFactory(title="Tulip fields", places=[city])
        b = ArticleFactory(title="Tulip fields", places=[country])
        ArticleFactory(title="Tulip fields")
        assert set(ids("tulip", place=country.pk)) == {a.pk, b.pk}
        assert ids("tulip", place=city.pk) == [a.pk]

    def test_a_place_moved_to_another_country_moves_its_articles(self):
        """Editing a city's country re-indexes its articles under the new country."""
        old, new = PlaceFactory(kind=Place.Kind.COUNTRY), PlaceFactory(kind=Place.Kind.COUNTRY)
        city = PlaceFactory(country=old)
        a = ArticleFactory(title="Tulip fields", places=[city])
        city.country = new
        city.save()
        assert ids("tulip", place=new.pk) == [a.pk] and ids("tulip", place=old.pk) == []

    def test_clearing_a_tag_from_its_side_is_followed(self):
        """``tag.articles.clear()`` re-indexes the articles it had (read before the clear)."""
        tag = TagFactory()
        a = ArticleFactory(title="Falconry", tags=[tag])
        b = ArticleFactory(title="Falconry", tags=[tag])
        assert set(ids("falconry", tag=tag.pk)) == {a.pk, b.pk}
        tag.articles.clear()
        assert ids("falconry", tag=tag.pk) == []
        from dastan.search.management.commands.search import index_check

        assert index_check().ok

    def test_check_finds_text_and_filters_changed_behind_its_back(self):
        """Bulk updates and link deletes that skip signals show as stale; repair fixes them."""
        from dastan.search.management.commands.search import index_check

        tag, place, author = TagFactory(), PlaceFactory(), AuthorFactory()
        titled = ArticleFactory(title="Sturgeon")
        tagged = ArticleFactory(title="Caviar", tags=[tag])
        placed = ArticleFactory(title="Beluga", places=[place])
        sectioned = ArticleFactory(title="Sterlet")
        written = ArticleFactory(title="Roe")
        untouched = ArticleFactory(title="Carp")
        assert index_check().ok
        Article.objects.filter(pk=titled.pk).update(title="Paddlefish")
        Article.tags.through.objects.filter(article_id=tagged.pk).delete()
        Article.places.through.objects.filter(article_id=placed.pk).delete()
        Article.sections.through.objects.bulk_create(
            [Article.sections.through(article_id=sectioned.pk, section_id=SectionFactory().pk)]
        )
        ArticleAuthor.objects.filter(article_id=written.pk).update(author=author)
        report = index_check()
        assert report.stale == sorted([titled.pk, tagged.pk, placed.pk, sectioned.pk, written.pk])
        assert untouched.pk not in report.stale and not report.missing and not report.extra
        index_check(repair=True)
        assert index_check().ok
        assert ids("paddlefish") == [titled.pk] and ids("caviar", tag=tag.pk) == []
        assert ids("roe", author=author.pk) == [written.pk]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the test database is not SQLite")
class SqliteFts5BackendTests(BackendContract):
    def test_backend_is_fts5(self):
        """SQLite databases get the FTS5 backend."""
        assert get_backend().vendor == "sqlite"

    @staticmethod
    def _old_title_and_newer_body_matches(word: str, **old) -> Article:
        """Make one 2015 article with ``word`` in its title and three newer with it in the body."""
        for day in range(3):
            ArticleFactory(
                title="Farm report", body=f"<p>A {word} again.</p>", published_at=ago(days=day)
            )
        old.setdefault("body", "<p>Rivers ran dry.</p>")
        return ArticleFactory(
            title=f"{word.title()} in the south", published_at=ago(days=3650), **old
        )

    def test_an_old_title_match_past_the_window_ranks_first(self, settings):
        """The title table finds title matches older than the newest-matches window."""
        settings.DASTAN_SEARCH = {"RANK_WINDOW": 2}
        old = self._old_title_and_newer_body_matches("drought")
        found = ids("drought")
        assert found[0] == old.pk and len(found) == 4

    def test_the_title_pass_keeps_exclusions_and_filters(self, settings):
        """A title match whose body has an excluded word, or outside the filter, is not found."""
        settings.DASTAN_SEARCH = {"RANK_WINDOW": 2}
        section = SectionFactory()
        old = self._old_title_and_newer_body_matches(
            "drought", body="<p>The parliament met.</p>", section=section
        )
        assert old.pk not in ids("drought -parliament")
        assert old.pk not in ids('drought -"parliament met"')
        assert len(ids("drought -parliament")) == 3
        assert ids("drought", section=section.pk) == [old.pk]
        assert old.pk not in ids("drought", section=SectionFactory().pk)

    def test_the_title_table_follows_edits(self, settings):
        """A retitled article leaves the title table with its old title."""
        settings.DASTAN_SEARCH = {"RANK_WINDOW": 2}
        old = self._old_title_and_newer_body_matches("drought")
        old.title = "Rain in the south"
        services.article_save(old)
        assert old.pk not in ids("drought") and ids("rain") == [old.pk]

    def test_one_walk_serves_ranking_count_and_section_counts(self, settings):
        """The newest matches are read from FTS5 once per search, whatever uses them."""
        from django.db import connection as db
        from django.test.utils import CaptureQueriesContext

        settings.DASTAN_SEARCH = {"RANK_WINDOW": 2, "EXACT_COUNT": 3, "FACET_WINDOW": 2}
        for day in range(5):
            ArticleFactory(title="Saiga herd", published_at=ago(days=day))
        with CaptureQueriesContext(db) as queries:
            result = get_backend().search(
                parse("saiga"), filters=Filters(), now=timezone.now(), limit=1
            )
        walks = [q["sql"] for q in queries if "FROM search_fts WHERE" in q["sql"]]
        assert len(walks) == 1
        assert not result.exact and result.total >= 4 and not result.sections_exact
        assert len(result.ids) == 1

    def test_an_estimate_over_editions_stays_rounded(self, settings):
        """An edition's estimate plus another's exact count is shown as an estimate, rounded."""
        settings.DASTAN_SEARCH = {"EXACT_COUNT": 3}
        for day in (0, 1, 2, 3, 3650):
            ArticleFactory(title="Saiga herd", published_at=ago(days=day, hours=1))
        ArticleFactory(title="Saiga herd", language="ru")
        total, exact = get_backend().count(parse("saiga"), filters=Filters(), now=timezone.now())
        assert not exact and total > 100 and total % 100 == 0

    def test_rows_stored_compressed_before_are_still_read(self):
        """Rows of an index built before #15 (body terms zlib-compressed) score and delete."""
        import zlib

        from dastan.search.backends import sqlite_fts5

        a = ArticleFactory(title="Saiga herd", body="<p>The saiga saiga crossing.</p>")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT body FROM {sqlite_fts5.ENTRY} WHERE article_id = %s", [a.pk])
            packed = zlib.compress(cursor.fetchone()[0].encode(), 1)
            cursor.execute(
                f"UPDATE {sqlite_fts5.ENTRY} SET body = %s WHERE article_id = %s", [packed, a.pk]
            )
        assert ids("saiga crossing") == [a.pk]
        a.body = "<p>Gone.</p>"
        services.article_save(a)
        assert ids("crossing") == [] and ids("gone") == [a.pk]

    def test_a_bulk_load_merges_less_and_restores_the_live_merging(self):
        """Inside ``bulk_load`` both FTS5 tables merge 16 segments at a time, then 4 again."""
        from dastan.search.backends import sqlite_fts5

        def automerge() -> list[int]:
            with connection.cursor() as cursor:
                found = []
                for fts in (sqlite_fts5.FTS, sqlite_fts5.TITLE):
                    cursor.execute(f"SELECT v FROM {fts}_config WHERE k = 'automerge'")
                    found.append(cursor.fetchone()[0])
                return found

        with get_backend().bulk_load():
            assert automerge() == [16, 16]
            a = ArticleFactory(title="Saiga herd")
        assert automerge() == [4, 4]
        assert ids("saiga") == [a.pk]

    def test_install_fills_a_missing_title_table(self, settings):
        """An index built before the title table gets one filled from its stored rows."""
        from dastan.search.backends import sqlite_fts5

        settings.DASTAN_SEARCH = {"RANK_WINDOW": 2}
        old = self._old_title_and_newer_body_matches("drought")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {sqlite_fts5.TITLE}")
        get_backend().install()
        assert ids("drought")[0] == old.pk


@pytest.mark.postgres
@pytest.mark.django_db
class PostgresBackendTests(BackendContract):
    def test_backend_is_postgres(self):
        """PostgreSQL databases get the tsvector backend."""
        assert get_backend().vendor == "postgresql"


@pytest.mark.django_db
class DecomposedTextTests:
    def test_decomposed_letters_find_composed_ones_and_back(self):
        """``Бийлик`` typed with a combining breve (NFD) finds the article and vice versa."""
        import unicodedata

        a = ArticleFactory(title="Бийлик жыйыны", body="<p>Текст.</p>", language="ru")
        decomposed = unicodedata.normalize("NFD", "Бийлик")
        assert decomposed != "Бийлик"
        assert ids(decomposed) == [a.pk]
