import io
import json

import pytest
from django.core.management import CommandError, call_command

from dastan.content.models import Article
from dastan.content.services import article_save
from dastan.importers.jsonlines import articles_load

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
