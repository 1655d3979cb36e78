"""The second pass: mapped posts in batches, read in this process or in a child process."""

from __future__ import annotations

import multiprocessing
import os
import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management.base import CommandError, OutputWrapper
from django.db import transaction

from dastan.content.models import Article
from dastan.content.services import record_teaser
from dastan.importers.forked import ReadingProcessError
from dastan.importers.models import WordPressAttachment, WordPressItem
from dastan.importers.wordpress import batches, command, load
from dastan.importers.wordpress.batches import plan_batches
from dastan.importers.wordpress.load import wordpress_import
from dastan.importers.wordpress.mapping import index_export, post_plan
from dastan.importers.wordpress.media import MediaLibrary
from dastan.importers.wordpress.wxr import WxrError
from dastan.redirects.models import LegacyRedirect
from tests.factories import image_bytes

DATA = Path(__file__).parents[1] / "data" / "wxr"
THEME = DATA / "theme-unit-test-data.xml"
WPTEST = DATA / "wptest.xml"
FEATURED = "wordpress/2013/03/featured-image-horizontal.jpg"


@pytest.fixture
def no_hang():
    """Fail a test that would wait forever on a reading process."""

    def stop(signum, frame):
        raise TimeoutError("the import waited for its reading process for 60 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    assert multiprocessing.active_children() == []


def in_child_only(real, action, *, call: int = 12):
    """Return ``real`` made to run ``action`` at its ``call``-th call, only in a child process."""
    parent = os.getpid()
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            assert os.getpid() != parent, "the posts were read in the writing process"
            action()
        return real(*args, **kwargs)

    return wrapped


def site_view() -> dict:
    """Return what an import wrote, without ids (they differ between two runs)."""
    articles = []
    for a in Article.objects.prefetch_related("tags", "sections", "bylines__author"):
        articles.append(
            (
                a.slug,
                a.title,
                a.body,
                a.teaser,
                a.excerpt,
                a.status,
                a.published_at,
                a.section.slug if a.section else "",
                sorted(t.slug for t in a.tags.all()),
                sorted(s.slug for s in a.sections.all()),
                [b.author.slug for b in a.bylines.all()],
                a.legacy_url,
                a.featured_image_url,
            )
        )
    redirects = [
        (
            r.old_path,
            r.kind,
            r.article.slug if r.article else "",
            r.section.slug if r.section else "",
            r.tag.slug if r.tag else "",
            r.author.slug if r.author else "",
            r.target_url,
        )
        for r in LegacyRedirect.objects.select_related("article", "section", "tag", "author")
    ]
    items = WordPressItem.objects.values_list(
        "site", "wp_id", "guid", "post_type", "article__slug", "content_hash"
    )
    attachments = WordPressAttachment.objects.values_list("wp_id", "article__slug", "url", "alt")
    return {
        "articles": sorted(articles),
        "redirects": sorted(redirects),
        "items": sorted(items),
        "attachments": sorted(attachments),
    }


def import_and_forget(path: Path, **options) -> tuple[dict, dict]:
    """Import, read back what was written and the report, then roll the import back."""
    with transaction.atomic():
        report = wordpress_import(path, **options).as_dict()
        view = site_view()
        transaction.set_rollback(True)
    del report["seconds"]
    return report, view


class PlanBatchesTests:
    def test_batches_hold_the_batch_size_and_what_was_skipped(self):
        """Every batch but the last holds batch_size plans; skipped items and bytes are counted."""
        index = index_export(WPTEST)
        media = MediaLibrary(None, [])
        made = list(plan_batches(WPTEST, index, media, batch_size=10))
        assert [len(b.plans) for b in made] == [10, 10, 10, 10, 10, 2]
        reasons = [reason for b in made for reason, _ in b.skipped]
        assert reasons.count("menu item") == 102
        assert sum(b.read for b in made) == WPTEST.stat().st_size

    def test_plans_carry_their_teaser(self):
        """The teaser is made with the plan, so the writing process does not make it."""
        index = index_export(THEME)
        for batch in plan_batches(THEME, index, MediaLibrary(None, [])):
            for plan in batch.plans:
                assert plan.record.teaser is not None
                assert plan.record.teaser == record_teaser(plan.record)


@pytest.mark.django_db(transaction=False)
class ParallelImportTests:
    @pytest.mark.parametrize("path", [THEME, WPTEST], ids=["theme", "wptest"])
    def test_same_site_and_report_in_either_process(self, path, no_hang):
        """Reading the posts in a second process writes the same site and the same report."""
        alone = import_and_forget(path, parallel=False, batch_size=7)
        paired = import_and_forget(path, parallel=True, batch_size=7)
        assert paired[0] == alone[0]
        assert paired[1] == alone[1]
        assert alone[0]["articles"]["created"] > 50

    @pytest.mark.parametrize("path", [THEME, WPTEST], ids=["theme", "wptest"])
    def test_same_media_report_in_either_process(self, path, tmp_path, no_hang):
        """What the reading process finds in the media folder reaches the report."""
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(image_bytes())
        default_storage.delete(FEATURED)
        options = {"media_dir": media, "dry_run": True, "batch_size": 7}
        alone = import_and_forget(path, parallel=False, **options)
        paired = import_and_forget(path, parallel=True, **options)
        assert paired[0]["media"] == alone[0]["media"]
        assert paired[0] == alone[0]
        media_report = alone[0]["media"]
        assert len(media_report["kept_original_url"] + media_report["missing_on_own_host"]) > 30

    def test_reimport_is_a_no_op(self, no_hang):
        """A second parallel import of the same export changes nothing."""
        wordpress_import(THEME, parallel=True, batch_size=7)
        before = site_view()
        report = wordpress_import(THEME, parallel=True, batch_size=7)
        assert report.articles == {"unchanged": 58 + 21}
        assert site_view() == before

    def test_media_found_by_the_reader_are_copied_by_the_writer(self, tmp_path, no_hang):
        """The reading process finds the file; the writing process stores it."""
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(image_bytes())
        default_storage.delete(FEATURED)  # the in-memory storage outlives a test
        report = wordpress_import(WPTEST, media_dir=media, parallel=True, batch_size=7)
        assert default_storage.exists(FEATURED)
        assert report.media["copied"] == 1 and report.media["would_copy"] == 0
        assert len(report.media["missing_on_own_host"]) == 43
        article = Article.objects.get(slug="featured-image-horizontal")
        assert article.featured_image_url == default_storage.url(FEATURED)

    def test_dry_run_writes_and_copies_nothing(self, tmp_path, no_hang):
        """A parallel dry run reports what it would do and leaves database and storage alone."""
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(image_bytes())
        default_storage.delete(FEATURED)
        report = wordpress_import(WPTEST, media_dir=media, dry_run=True, parallel=True)
        assert report.articles["created"] == 37 + 15
        assert report.media["would_copy"] == 1 and report.media["copied"] == 0
        assert not default_storage.exists(FEATURED)
        assert Article.objects.count() == LegacyRedirect.objects.count() == 0


@pytest.mark.django_db
class ReadingProcessErrorTests:
    def test_mapping_error_stops_the_import_with_the_line(self, monkeypatch, no_hang):
        """An item the reader cannot map stops the import with its line; nothing is written."""

        def fail():
            raise ValueError("odd value")

        monkeypatch.setattr(batches, "post_plan", in_child_only(post_plan, fail))
        with pytest.raises(WxrError, match=r"line \d+: post \d+ cannot be imported") as caught:
            wordpress_import(WPTEST, parallel=True, batch_size=5)
        text = WPTEST.read_text(encoding="utf-8").splitlines()
        assert "<item>" in text[caught.value.line - 1]
        assert Article.objects.count() == WordPressItem.objects.count() == 0

    def test_other_error_comes_back_with_the_readers_traceback(self, monkeypatch, no_hang):
        """Any other error in the reader is raised in the writer, with where it happened."""

        def fail():
            raise OSError("disk gone")

        monkeypatch.setattr(batches, "record_teaser", in_child_only(record_teaser, fail))
        with pytest.raises(OSError, match="disk gone") as caught:
            wordpress_import(WPTEST, parallel=True, batch_size=5)
        assert "In the process reading the export" in caught.value.__notes__[0]
        assert "fail" in caught.value.__notes__[0]
        assert Article.objects.count() == 0

    def test_error_that_cannot_travel_is_described(self, monkeypatch, no_hang):
        """An exception that cannot be pickled arrives as a ReadingProcessError naming it."""

        class Local(Exception):
            pass

        def fail():
            raise Local("only here")

        monkeypatch.setattr(batches, "record_teaser", in_child_only(record_teaser, fail))
        with pytest.raises(ReadingProcessError, match="Local.*only here"):
            wordpress_import(WPTEST, parallel=True, batch_size=5)
        assert Article.objects.count() == 0

    def test_reader_that_dies_is_an_error_not_a_hang(self, monkeypatch, no_hang):
        """A reader killed mid-way (out of memory, say) ends the command with an error."""
        monkeypatch.setattr(batches, "post_plan", in_child_only(post_plan, lambda: os._exit(7)))
        monkeypatch.setattr(load, "PARALLEL_MIN_POSTS", 10)
        with pytest.raises(CommandError, match=r"exit code 7.*nothing was imported"):
            command.handle(
                {"export": str(WPTEST), "quiet_progress": True}, OutputWrapper(StringIO())
            )
        assert Article.objects.count() == LegacyRedirect.objects.count() == 0

    def test_writer_error_stops_the_reader(self, monkeypatch, no_hang):
        """When writing fails, the reading process is stopped too (no_hang checks it is gone)."""
        calls = []

        def upsert(records):
            calls.append(len(records))
            if len(calls) == 2:
                raise RuntimeError("database full")
            return real(records)

        real = load.articles_upsert
        monkeypatch.setattr(load, "articles_upsert", upsert)
        with pytest.raises(RuntimeError, match="database full"):
            wordpress_import(WPTEST, parallel=True, batch_size=5)
        assert Article.objects.count() == 0


@pytest.mark.django_db
class ProcessChoiceTests:
    def spy(self, monkeypatch) -> list[bool]:
        chosen: list[bool] = []
        real = load.batches_planned

        def spied(*args, parallel, **kwargs):
            chosen.append(parallel)
            return real(*args, parallel=parallel, **kwargs)

        monkeypatch.setattr(load, "batches_planned", spied)
        return chosen

    def test_small_export_is_read_in_one_process(self, monkeypatch):
        """A sample-sized export does not pay for starting a process."""
        chosen = self.spy(monkeypatch)
        wordpress_import(THEME)
        assert chosen == [False]

    def test_large_export_is_read_in_a_second_process(self, monkeypatch, no_hang):
        """From PARALLEL_MIN_POSTS posts and pages on, a second process reads them."""
        chosen = self.spy(monkeypatch)
        monkeypatch.setattr(load, "PARALLEL_MIN_POSTS", 79)
        report = wordpress_import(THEME)
        assert chosen == [True]
        assert report.articles["created"] == 58 + 21
