import io
import json

import pytest
from django.core.management import CommandError, call_command

from dastan.content.models import Article
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
