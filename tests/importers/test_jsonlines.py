import contextlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dastan.content.models import Article
from dastan.content.services import article_save
from dastan.importers.jsonlines import articles_load
from dastan.search.backends import get_backend

pytestmark = pytest.mark.django_db


def line(**overrides) -> str:
    obj = {
        "title": "Som steadies",
        "slug": "som-steadies",
        "body_html": "<p>The som held steady.</p>",
        "author": "Aida K",
        "categories": ["Economy", "Politics"],
        "tags": ["som", "inflation"],
        "places": ["Bishkek"],
        "published_at": "2025-04-03T10:00:00+05:00",
    }
    obj.update(overrides)
    return json.dumps(obj, ensure_ascii=False)


class ArticlesLoadTests:
    def test_loads_and_creates_missing_names(self):
        report = articles_load(io.StringIO(line() + "\n"))
        assert report.created == 1
        article = Article.objects.get()
        assert article.section.name == "Economy"
        assert article.status == "published" and article.language == "en"
        assert article.published_at.isoformat() == "2025-04-03T05:00:00+00:00"

    def test_a_load_leaves_postgresqls_planner_its_statistics(self):
        """PostgreSQL plans an unanalysed archive as if it were empty (15 s home pages)."""
        with CaptureQueriesContext(connection) as captured:
            articles_load(io.StringIO(line() + "\n"))
        analysed = " ".join(q["sql"] for q in captured.captured_queries if "ANALYZE" in q["sql"])
        if connection.vendor == "postgresql":
            for table in ("content_article", "content_listingentry", "content_articleauthor"):
                assert f'"{table}"' in analysed
        else:
            assert analysed == ""

    def test_same_file_twice_changes_nothing(self):
        text = "\n".join(line(slug=f"s-{i}", author=["A", "B"]) for i in range(5)) + "\n"
        articles_load(io.StringIO(text))
        report = articles_load(io.StringIO(text))
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
        assert Article.objects.count() == 5

    def test_bad_lines_reported_with_number_and_reason_good_ones_load(self):
        text = "\n".join(
            [
                line(slug="good-1"),
                "{not json",
                line(slug="bad-date", published_at="yesterday"),
                line(slug="no-offset", published_at="2025-04-03T10:00:00"),
                json.dumps({"slug": "no-title"}),
                line(slug="bad-status", status="live"),
                line(slug="good-2", language="ru"),
            ]
        )
        report = articles_load(io.StringIO(text))
        assert report.created == 2
        numbers = [n for n, _ in report.errors]
        assert numbers == [2, 3, 4, 5, 6]
        reasons = dict(report.errors)
        assert "invalid JSON" in reasons[2]
        assert "ISO 8601" in reasons[3]
        assert "offset" in reasons[4]
        assert "title" in reasons[5]
        assert "status" in reasons[6]

    def test_reimport_keeps_what_editors_changed_and_the_line_does_not_carry(self):
        articles_load(io.StringIO(line() + "\n"))
        article = Article.objects.get()
        article.standfirst = "Written by an editor."
        article.is_featured = True
        article.status = "unpublished"
        article_save(article)
        report = articles_load(io.StringIO(line() + "\n"))
        assert report.unchanged == 1
        article.refresh_from_db()
        assert article.standfirst == "Written by an editor."
        assert article.is_featured
        assert article.status == "unpublished"

    def test_a_changed_line_updates_only_what_it_carries(self):
        articles_load(io.StringIO(line() + "\n"))
        Article.objects.update(standfirst="Kept.")
        report = articles_load(io.StringIO(line(title="Som steadies again", tags=["som"]) + "\n"))
        assert report.updated == 1
        article = Article.objects.get()
        assert article.title == "Som steadies again"
        assert [t.name for t in article.tags.all()] == ["som"]
        assert article.standfirst == "Kept."
        assert [p.name for p in article.places.all()] == ["Bishkek"]

    def test_explicit_status_in_the_line_is_applied(self):
        articles_load(io.StringIO(line() + "\n"))
        articles_load(io.StringIO(line(status="unpublished") + "\n"))
        assert Article.objects.get().status == "unpublished"

    @pytest.mark.parametrize(
        "overrides, reason",
        [
            ({"title": "x" * 301}, "title is over 300"),
            ({"tags": ["t" * 121]}, "'tags' has a name over 120"),
            ({"author": "a" * 161}, "'author' has a name over 160"),
            ({"published_at": "0001-01-01T00:00:00+05:00"}, "out of range"),
        ],
    )
    def test_values_the_database_cannot_hold_are_bad_lines(self, overrides, reason):
        text = "\n".join([line(slug="good"), line(slug="bad", **overrides), line(slug="good-2")])
        report = articles_load(io.StringIO(text))
        assert report.created == 2
        assert len(report.errors) == 1
        number, message = report.errors[0]
        assert number == 2 and reason in message

    def test_a_batch_the_database_refuses_is_loaded_line_by_line(self, monkeypatch):
        """The good lines of a refused batch still load; the refused one is reported."""
        from django.db import DatabaseError

        from dastan.importers import jsonlines

        real = jsonlines.articles_upsert

        def refuse_bad(records):
            if any(r.slug == "bad" for r in records):
                raise DatabaseError("value too long")
            return real(records)

        monkeypatch.setattr(jsonlines, "articles_upsert", refuse_bad)
        text = "\n".join([line(slug="good"), line(slug="bad"), line(slug="good-2")])
        report = articles_load(io.StringIO(text))
        assert report.created == 2
        assert report.errors == [(2, "refused by the database: value too long")]

    def test_command_prints_summary_and_errors(self, tmp_path):
        path = tmp_path / "a.jsonl"
        path.write_text(line() + "\n[]\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command("import", "articles", str(path), "--quiet-progress", stdout=out, stderr=err)
        assert "1 created" in out.getvalue()
        assert f"{path}:2: a line must hold a JSON object" in err.getvalue()

    def test_command_fails_when_nothing_loads(self, tmp_path):
        path = tmp_path / "a.jsonl"
        path.write_text("oops\n", encoding="utf-8")
        with pytest.raises(CommandError):
            call_command(
                "import",
                "articles",
                str(path),
                "--quiet-progress",
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )


class InvalidUtf8Tests:
    """Issue 9, item 4: one line that is not UTF-8 is one bad line."""

    def test_one_bad_byte_on_line_601_of_701_loads_the_other_700(self, tmp_path):
        lines = [line(slug=f"s-{i}").encode() for i in range(1, 702)]
        lines[600] = lines[600].replace(b"Som steadies", b"Som \xff steadies")
        path = tmp_path / "a.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        out, err = io.StringIO(), io.StringIO()
        call_command("import", "articles", str(path), "--quiet-progress", stdout=out, stderr=err)
        assert Article.objects.count() == 700
        assert not Article.objects.filter(slug="s-601").exists()
        assert Article.objects.filter(slug="s-701").exists()
        assert "700 created" in out.getvalue() and "1 bad line(s)" in out.getvalue()
        assert f"{path}:601: not UTF-8: byte 0xff" in err.getvalue()

    def test_a_byte_order_mark_on_the_first_line_is_not_an_error(self):
        report = articles_load(io.BytesIO(b"\xef\xbb\xbf" + line().encode() + b"\n"))
        assert report.created == 1 and not report.errors

    def test_text_streams_still_load(self):
        assert articles_load(io.StringIO(line() + "\n")).created == 1


class SlugNormalisationTests:
    """Issue 9, item 2: a slug from a file is made a valid slug, and the change reported."""

    @pytest.mark.parametrize(
        "given, stored",
        [
            ("ctrl\u0001recent", "ctrlrecent"),
            ("jl?x=1#frag", "jlx1frag"),
            ("..", "item"),
            ("a b/c", "a-bc"),
            ("%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82", "привет"),
        ],
    )
    def test_a_slug_outside_the_rules_is_normalised_and_noted(self, given, stored):
        report = articles_load(io.StringIO(line(slug=given) + "\n"))
        assert report.created == 1 and not report.errors
        assert Article.objects.get().slug == stored
        assert report.notes == [(1, f"slug {given!r} is not a valid slug: loaded as {stored!r}")]

    def test_valid_slugs_keep_their_case_and_script(self):
        text = "\n".join([line(slug="Som-Steadies"), line(slug="сом-стабилен")])
        report = articles_load(io.StringIO(text))
        assert set(Article.objects.values_list("slug", flat=True)) == {
            "Som-Steadies",
            "сом-стабилен",
        }
        assert report.notes == []

    def test_slugs_that_collide_after_normalisation_get_a_suffix(self):
        text = "\n".join(
            [line(slug="ab", title="Clean"), line(slug="a?b", title="Odd"), line(slug="a#b")]
        )
        report = articles_load(io.StringIO(text))
        assert report.created == 3
        assert Article.objects.get(slug="ab").title == "Clean"
        assert Article.objects.get(slug="ab-2").title == "Odd"
        assert Article.objects.filter(slug="ab-3").exists()
        assert report.notes == [
            (2, "slug 'a?b' is not a valid slug: loaded as 'ab-2'"),
            (3, "slug 'a#b' is not a valid slug: loaded as 'ab-3'"),
        ]

    def test_a_clean_slug_after_a_normalised_one_does_not_overwrite_it(self):
        text = "\n".join([line(slug="a?b", title="Odd"), line(slug="ab", title="Clean")])
        report = articles_load(io.StringIO(text))
        assert report.created == 2
        assert Article.objects.get(slug="ab").title == "Odd"
        assert Article.objects.get(slug="ab-2").title == "Clean"
        assert report.notes[-1] == (2, "slug 'ab' is taken by another line: loaded as 'ab-2'")

    def test_reloading_a_file_with_changed_slugs_changes_nothing(self):
        text = "\n".join([line(slug="ab"), line(slug="a?b", title="Odd")])
        articles_load(io.StringIO(text))
        report = articles_load(io.StringIO(text))
        assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
        assert Article.objects.get(slug="ab-2").title == "Odd"

    def test_command_prints_slug_notes_with_line_numbers(self, tmp_path):
        path = tmp_path / "a.jsonl"
        path.write_text(line(slug="jl?x=1#frag") + "\n", encoding="utf-8")
        err = io.StringIO()
        call_command(
            "import", "articles", str(path), "--quiet-progress", stdout=io.StringIO(), stderr=err
        )
        assert f"{path}:1: note: slug 'jl?x=1#frag' is not a valid slug" in err.getvalue()


class PublishedAtRangeTests:
    """Issue 9, item 3: a publication date outside the accepted range is a bad line."""

    @pytest.mark.parametrize(
        "value", ["9999-12-31T00:00:00+00:00", "1899-12-31T23:59:59+00:00", "2300-01-01T00:00Z"]
    )
    def test_out_of_range_dates_are_bad_lines(self, value):
        text = "\n".join([line(slug="good"), line(slug="bad", published_at=value)])
        report = articles_load(io.StringIO(text))
        assert report.created == 1
        assert report.errors[0][0] == 2 and "outside 1900.." in report.errors[0][1]

    def test_a_scheduled_date_within_the_range_loads(self):
        report = articles_load(
            io.StringIO(line(status="scheduled", published_at="2031-01-01T00:00:00+00:00"))
        )
        assert report.created == 1


def load(*lines: str):
    return articles_load(io.StringIO("\n".join(lines) + "\n"))


class TranslationOfTests:
    def test_a_translation_is_linked_to_its_original(self):
        """``translation_of`` names the original's slug; the two share a group."""
        report = load(
            line(),
            line(
                slug="som-ustoyal", title="Сом устоял", language="ru", translation_of="som-steadies"
            ),
        )
        assert report.created == 2 and report.linked == 1 and report.unlinked == []
        original = Article.objects.get(slug="som-steadies")
        russian = Article.objects.get(slug="som-ustoyal")
        assert original.translation_group is not None
        assert russian.translation_group == original.translation_group

    def test_the_original_may_come_later_or_be_loaded_before(self):
        load(line(slug="a-en", title="A"))
        report = load(
            line(slug="b-ru", title="Б", language="ru", translation_of="c-en"),
            line(slug="c-en", title="C"),
            line(slug="a-ru", title="Атырау", language="ru", translation_of="a-en"),
        )
        assert report.linked == 2
        groups = dict(Article.objects.values_list("slug", "translation_group"))
        assert groups["b-ru"] == groups["c-en"] is not None
        assert groups["a-ru"] == groups["a-en"] is not None
        assert groups["a-en"] != groups["c-en"]

    def test_a_missing_or_same_language_target_is_reported_and_the_article_loads(self):
        report = load(
            line(slug="other-en", title="Other"),
            line(slug="x-ru", title="Хроника", language="ru", translation_of="no-such-article"),
            line(slug="y-en", title="Y", translation_of="other-en"),
        )
        assert report.created == 3 and report.errors == [] and report.linked == 0
        assert report.unlinked == [
            (2, "translation_of 'no-such-article': no such article"),
            (3, "translation_of 'other-en' is in the same language (en)"),
        ]
        assert not Article.objects.exclude(translation_group=None).exists()

    def test_a_group_that_has_the_language_already_is_refused(self):
        load(
            line(),
            line(slug="ru-1", title="Один", language="ru", translation_of="som-steadies"),
        )
        report = load(line(slug="ru-2", title="Два", language="ru", translation_of="som-steadies"))
        assert report.linked == 0 and report.unlinked[0][0] == 1
        assert "one article per language" in report.unlinked[0][1]
        assert Article.objects.get(slug="ru-2").translation_group is None

    def test_loading_twice_links_once_and_writes_nothing(self):
        lines = (
            line(),
            line(slug="som-ru", title="Сом", language="ru", translation_of="som-steadies"),
        )
        load(*lines)
        before = list(Article.objects.order_by("pk").values())
        report = load(*lines)
        assert report.unchanged == 2 and report.linked == 0 and report.unlinked == []
        assert list(Article.objects.order_by("pk").values()) == before

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            (12, "'translation_of' must be a string"),
            ("som-steadies", "translation_of names the article itself"),
            ("x" * 201, "translation_of is over 200 characters"),
        ],
    )
    def test_bad_values_are_bad_lines(self, value, reason):
        report = load(line(translation_of=value))
        assert report.errors == [(1, reason)]

    def test_command_prints_unlinked_lines(self, tmp_path):
        path = tmp_path / "articles.jsonl"
        path.write_text(line(translation_of="nowhere", language="ru") + "\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        call_command("import", "articles", str(path), "--quiet-progress", stdout=out, stderr=err)
        assert (
            f"{path}:1: loaded, not linked: translation_of 'nowhere': no such article"
            in err.getvalue()
        )
        assert "1 not linked" in out.getvalue()


class ParallelLoadTests:
    """A large file is read, checked and prepared in a second process while this one writes."""

    def lines(self) -> str:
        rows = [line(slug=f"p-{i}", title=f"Tokayev visit {i}") for i in range(12)]
        rows[3] = "{not json"
        rows[5] = line(slug="Bad Slug")
        rows[7] = line(slug="p-8-ru", language="ru", translation_of="p-1", title="Визит Токаева")
        return "\n".join(rows) + "\n"

    def test_the_same_report_and_articles_as_one_process(self, monkeypatch):
        from dastan.importers import jsonlines

        monkeypatch.setattr(jsonlines, "BATCH_SIZE", 4)
        alone = articles_load(io.BytesIO(self.lines().encode()), parallel=False)
        stored = sorted(Article.objects.values_list("slug", "title", "teaser", "translation_group"))
        Article.objects.all().delete()
        paired = articles_load(io.BytesIO(self.lines().encode()), parallel=True)
        assert paired == alone
        assert (paired.created, paired.linked, len(paired.notes)) == (11, 1, 1)
        assert paired.errors[0][0] == 4
        after = sorted(Article.objects.values_list("slug", "title", "teaser", "translation_group"))
        assert [row[:3] for row in after] == [row[:3] for row in stored]
        assert sum(1 for row in after if row[3]) == 2

    def test_articles_are_searchable_with_the_text_prepared_in_the_reader(self, monkeypatch):
        from django.utils import timezone

        from dastan.search import pretext
        from dastan.search.backends import backend_path, get_backend
        from dastan.search.backends.base import Filters
        from dastan.search.query import parse

        used = []
        real = pretext.text_analysed

        def spy(title, standfirst, body, analyse):
            return real(title, standfirst, body, lambda *a: used.append(title) or analyse(*a))

        monkeypatch.setattr(f"{backend_path()}.text_analysed", spy)
        articles_load(io.BytesIO(self.lines().encode()), parallel=True)
        # Each article's text came from the reading process; only the pair linked as
        # translations after the load was indexed again, and analysed here.
        assert sorted(used) == ["Tokayev visit 1", "Визит Токаева"]
        found = get_backend().search(
            parse("Tokayev"), filters=Filters(), now=timezone.now(), limit=20, offset=0
        )
        assert found.total == 10  # nine English titles and the Russian one

    def test_an_error_in_the_reading_process_reaches_the_writer(self):
        class Broken(io.BytesIO):
            def __iter__(self):
                yield line(slug="one").encode()
                raise OSError("disk gone")

        with pytest.raises(OSError, match="disk gone"):
            articles_load(Broken(), parallel=True)


def bulk_mode_spy(monkeypatch) -> list[str]:
    """Record when the search backend's bulk mode is entered and left, with the article count."""
    events: list[str] = []

    @contextlib.contextmanager
    def bulk_load(self):
        events.append(f"enter {Article.objects.count()}")
        yield
        events.append(f"leave {Article.objects.count()}")

    monkeypatch.setattr(type(get_backend()), "bulk_load", bulk_load)
    return events


class IndexBulkModeTests:
    def spy(self, monkeypatch) -> list[str]:
        return bulk_mode_spy(monkeypatch)

    def test_a_load_that_indexes_runs_in_the_index_bulk_mode(self, monkeypatch):
        """The whole load, every batch, is inside the index's bulk mode."""
        events = self.spy(monkeypatch)
        text = "".join(line(slug=f"a-{i}") + "\n" for i in range(3))
        articles_load(io.StringIO(text))
        assert events == ["enter 0", "leave 3"]

    def test_a_load_that_does_not_index_leaves_the_index_alone(self, monkeypatch, settings):
        events = self.spy(monkeypatch)
        settings.DASTAN_SEARCH = {"AUTO_INDEX": False}
        articles_load(io.StringIO(line() + "\n"))
        assert events == []


class IndexWithoutReadBackTests:
    def test_a_load_indexes_what_it_wrote_without_reading_it_back(self):
        """The index gets the loaded articles from the load itself: no body is read back."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from dastan.search.backends.base import Filters
        from dastan.search.query import parse

        text = "".join(line(slug=f"a-{i}", title=f"Saiga {i}") + "\n" for i in range(3))
        with CaptureQueriesContext(connection) as queries:
            articles_load(io.StringIO(text))
        reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
        by_id = '"content_article"."id" IN'
        assert not [sql for sql in reads if '"content_article"."body"' in sql and by_id in sql]
        found = get_backend().search(parse("saiga"), filters=Filters(), now=timezone.now())
        assert found.total == 3
