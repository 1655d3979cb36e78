"""The demo site: two editions with linked translations, and a search index in order."""

from __future__ import annotations

import io
import json
import os
import re
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dastan.content.models import Article, Place, Section, Tag
from dastan.newsroom.demo import DEMO_NAMES, DEMO_TRANSLATIONS, demo_build
from dastan.search.management.commands.search import index_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    demo_build()


class DemoTests:
    def test_fresh_demo_index_is_in_order(self, demo):
        """``dastan search check`` found 2 stale entries: cities were filed under their
        countries by a bulk update() the index never heard of."""
        report = index_check()
        assert (report.missing, report.stale, report.extra) == ([], [], [])
        almaty = Place.objects.get(name="Almaty")
        assert almaty.country.name == "Kazakhstan"
        assert almaty.kind == Place.Kind.CITY


class RussianEditionTests:
    def test_the_russian_edition_has_fifteen_published_articles_in_every_section(self, demo):
        russian = Article.objects.public().filter(language="ru")
        assert russian.count() >= 15
        sections = set(russian.values_list("section__name", flat=True))
        assert {"Politics", "Economy", "Culture", "Sport"} <= sections

    def test_russian_articles_are_written_in_russian(self, demo):
        for article in Article.objects.filter(language="ru"):
            text = re.sub(r"<[^>]+>|\[[^\]]+\]", " ", f"{article.title} {article.body}")
            letters = [c for c in text if c.isalpha()]
            cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
            assert len(cyrillic) / len(letters) > 0.9, article.slug
            assert "lorem" not in text.lower()

    def test_translations_are_linked_in_pairs_of_editions(self, demo):
        pairs = json.loads(DEMO_TRANSLATIONS.read_text(encoding="utf-8"))
        assert len(pairs) >= 5
        for english_slug, russian_slug in pairs:
            english = Article.objects.get(slug=english_slug)
            russian = Article.objects.get(slug=russian_slug)
            assert (english.language, russian.language) == ("en", "ru")
            assert english.translation_group == russian.translation_group is not None
            assert english.section == russian.section
        groups = Article.objects.exclude(translation_group=None).values_list(
            "translation_group", flat=True
        )
        assert len(set(groups)) == len(pairs)

    def test_every_section_tag_and_place_has_a_russian_name(self, demo):
        for model in (Section, Tag, Place):
            unnamed = [o.name for o in model.objects.all() if not o.names.get("ru")]
            assert unnamed == [], model.__name__
        assert Section.objects.get(name="Economy").names == {"ru": "Экономика"}
        assert Place.objects.get(name="Almaty").names == {"ru": "Алматы"}

    def test_the_names_file_names_only_what_the_demo_has(self, demo):
        """A name for a tag the articles never use would be a typo that silently does nothing."""
        kinds = json.loads(DEMO_NAMES.read_text(encoding="utf-8"))["ru"]
        for kind, model in {"sections": Section, "tags": Tag, "places": Place}.items():
            stored = set(model.objects.values_list("name", flat=True))
            assert set(kinds[kind]) == stored, kind

    def test_every_article_has_a_drawn_picture_with_alt_text(self, demo):
        """``make demo`` shows thumbnails: pictures Dastan draws itself, stored once each."""
        from dastan.content.models import Article
        from dastan.media.models import Image

        articles = Article.objects.select_related("featured_image")
        assert all(a.featured_image and a.featured_image.alt_text for a in articles)
        assert Image.objects.count() == articles.count()

    def test_building_again_changes_nothing(self, demo):
        before = dict(Article.objects.values_list("slug", "translation_group"))
        demo_build()
        assert dict(Article.objects.values_list("slug", "translation_group")) == before
        report = index_check()
        assert (report.missing, report.stale, report.extra) == ([], [], [])


class DemoCommandTests:
    def test_no_serve_names_the_address_it_will_be_served_on(self, monkeypatch):
        monkeypatch.setattr("dastan.newsroom.management.commands.demo.demo_build", dict)
        out = io.StringIO()
        call_command("demo", "--no-serve", "--addr", "127.0.0.1:8001", stdout=out)
        text = out.getvalue()
        assert "dastan serve --addr 127.0.0.1:8001" in text
        assert "http://127.0.0.1:8001/admin/" in text
        assert ":8000" not in text

    def test_a_taken_port_stops_the_demo_before_it_builds(self, monkeypatch):
        built = []
        monkeypatch.setattr(
            "dastan.newsroom.management.commands.demo.demo_build", lambda: built.append(1)
        )
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with pytest.raises(CommandError, match="already in use"):
                call_command("demo", "--addr", f"127.0.0.1:{port}")
        assert built == []

    def test_the_served_demo_links_to_its_own_address(self, monkeypatch):
        monkeypatch.setattr("dastan.newsroom.management.commands.demo.demo_build", dict)
        # Recorded as unset, so the demo's setdefault is undone after the test.
        monkeypatch.setenv("DASTAN_BASE_URL", "recorded")
        monkeypatch.delenv("DASTAN_BASE_URL")
        served = []
        monkeypatch.setattr(
            "dastan.newsroom.management.commands.demo.call_command",
            lambda name, **kw: served.append((name, kw, os.environ.get("DASTAN_BASE_URL"))),
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            addr = f"127.0.0.1:{probe.getsockname()[1]}"
        call_command("demo", "--addr", addr, stdout=io.StringIO())
        assert served[-1] == ("serve", {"addr": addr}, f"http://{addr}")
