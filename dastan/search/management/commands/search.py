"""``dastan search rebuild`` and ``dastan search check [--repair]``."""

from __future__ import annotations

import multiprocessing
import time
from array import array
from collections import deque
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone
from tqdm import tqdm

from dastan.content.models import Article
from dastan.search.backends import get_backend
from dastan.search.backends.base import CheckReport, doc_key, key_article
from dastan.search.documents import documents_all, documents_for, indexable
from dastan.search.indexing import articles_index


def _prepare_ids(ids: list[int]) -> list[tuple]:
    """Read and prepare one batch of articles (runs in a worker with its own connection)."""
    from importlib import import_module

    from dastan.search.backends import backend_path

    prepare = import_module(backend_path()).prepare
    docs, _ = documents_for(ids)
    return [prepare(doc) for doc in docs]


def _unmapped() -> None:
    """Turn SQLite's memory mapping off for this process's connection, as ``dastan import`` does.

    Mapped pages count as the process's memory: with the site's 256 MB
    ``mmap_size`` the rebuild peaked at 454 MB and each worker at 243 MB
    (20,000 articles), for pages the OS caches anyway.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size=0")


def _id_batches(size: int = 2000) -> Iterator[list[int]]:
    """Yield the ids of every indexable article in document-key order, ``size`` at a time.

    Both backends want it: FTS5 writes a segment whenever a key goes down (see
    its ``_insert``), and PostgreSQL's table then lies on disk in key order, so
    the rows of a time slice share pages (in id order the filtered query of
    the benchmark took 64 ms instead of 19 at 1,000,000 articles). The keys
    are sorted in an ``array`` of 8-byte integers: a list of Python ints cost
    about 40 bytes a key.
    """
    rows = indexable().order_by().values_list("id", "published_at", "language")
    keys = array("q", (doc_key(when, pk, language) for pk, when, language in rows.iterator(10_000)))
    keys = array("q", sorted(keys))
    for start in range(0, len(keys), size):
        yield [key_article(key) for key in keys[start : start + size]]


def _imap_bounded(pool, func, items: Iterator, *, ahead: int) -> Iterator:
    """Yield ``func(item)`` for each item, in order, with at most ``ahead`` items in flight.

    ``Pool.imap`` takes every task at once and keeps every finished result
    until it is read: when the writer is slower than the workers the prepared
    rows of the whole archive piled up (544 MB peak at 100,000 articles).
    """
    pending: deque = deque()
    for item in items:
        pending.append(pool.apply_async(func, (item,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def index_check(*, repair: bool = False) -> CheckReport:
    """Compare the index with the articles that can be public; optionally fix every difference.

    Each article's document is built and hashed, not analysed again: a row whose
    key or fingerprint differs is stale, so text, sections, tags, places or
    bylines changed behind the index's back (a bulk ``update()``) are found too.
    """
    indexed = get_backend().indexed()
    report = CheckReport()
    for batch in documents_all():
        for doc in batch:
            found = indexed.pop(doc.article_id, None)
            if found is None:
                report.missing.append(doc.article_id)
            elif found != (doc.key, doc.fingerprint):
                report.stale.append(doc.article_id)
    report.extra = sorted(indexed)
    if repair and not report.ok:
        articles_index([*report.missing, *report.stale, *report.extra])
    return report


class Command(BaseCommand):
    help = "Rebuild or check the archive search index."

    def add_arguments(self, parser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        rebuild = verbs.add_parser("rebuild", help="Rebuild the index from the articles.")
        rebuild.add_argument(
            "--workers",
            type=int,
            default=-1,
            help="Processes that read and prepare text (default: one per CPU; 0: none).",
        )
        rebuild.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        check = verbs.add_parser("check", help="Find articles the index misses or shows wrongly.")
        check.add_argument("--repair", action="store_true", help="Fix what the check finds.")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "rebuild":
            self.run_rebuild(workers=options["workers"], progress=not options["no_progress"])
        else:
            self.run_check(repair=options["repair"])

    def run_rebuild(self, *, workers: int, progress: bool) -> None:
        backend = get_backend()
        started = timezone.now()
        clock = time.perf_counter()
        total = indexable().count()
        bar = tqdm(total=total, unit="article", disable=not progress, desc="Indexing")
        # FTS5 has one writer: this process writes, the others read and prepare.
        # Writing in key order costs about a third of what preparing does, so
        # the writer shares a CPU with a worker rather than keeping one idle.
        workers = multiprocessing.cpu_count() if workers < 0 else workers
        kwargs = {}
        pool = None
        if workers > 0:
            connections.close_all()
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_unmapped)
            kwargs["prepared"] = _imap_bounded(pool, _prepare_ids, _id_batches(), ahead=2 * workers)
        _unmapped()
        try:
            batches = (documents_for(ids)[0] for ids in _id_batches())
            done = backend.rebuild(batches, progress=bar.update, **kwargs)
        finally:
            bar.close()
            if pool:
                pool.close()
                pool.join()
        # Articles written while the new index was built went to the old one.
        changed = list(Article.objects.filter(updated_at__gte=started).values_list("id", flat=True))
        if changed:
            docs, gone = documents_for(changed)
            backend.index(docs, remove=gone)
        seconds = time.perf_counter() - clock
        self.stdout.write(
            f"Indexed {done} articles in {seconds:.1f} s ({done / max(seconds, 1e-9):.0f}/s)."
        )

    def run_check(self, *, repair: bool) -> None:
        report = index_check(repair=repair)
        for name in ("missing", "stale", "extra"):
            ids = getattr(report, name)
            self.stdout.write(f"{name}: {len(ids)}" + (f" (e.g. {ids[:10]})" if ids else ""))
        if report.ok:
            self.stdout.write("The index matches the articles.")
        elif repair:
            self.stdout.write("Repaired.")
        else:
            raise CommandError("The index differs from the articles; run with --repair.")
