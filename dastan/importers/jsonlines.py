"""Load articles from JSON lines: one article object a line.

Fields: ``title``, ``slug``, ``body_html``, ``excerpt`` (optional), ``author``
(a name or a list of names), ``categories`` (section names, the first is the
primary section), ``tags``, ``places`` (optional), ``language`` (default
``en``), ``published_at`` (ISO 8601 with offset), ``status`` (default
``published``), ``translation_of`` (optional: the slug of the article this
one translates, loaded before or in the same file; the two are linked as
translations once every line is loaded). A bad line is reported with its
number and the reason; the good lines still load.

The file is read in bytes and decoded line by line, so one line that is not
UTF-8 is one bad line, not the end of the import. A slug outside Django's
slug rules is made one (``slug_normalise``), and two lines that would then
share a slug get ``-2``, ``-3``...; each change is a note in the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import DatabaseError, transaction

from dastan.content.dates import published_at_error
from dastan.content.models import Article, Language
from dastan.content.services import (
    ArticleRecord,
    articles_upsert,
    record_teaser,
    statistics_refresh,
    translations_link,
)
from dastan.content.slugs import slug_is_valid, slug_normalise, slug_with_suffix
from dastan.importers.forked import can_fork, items_forked
from dastan.search.conf import search_setting
from dastan.search.indexing import index_bulk_load
from dastan.search.pretext import text_prepare, texts_ready

# FTS5 writes its pending terms as a new segment at every batch's savepoint, and
# smaller segments are merged more often. Writing 20,000 harness articles took 14.6 s
# of CPU in batches of 500, 12.6 s in 1,000 and 13.0 s in 2,000 (peaks 164, 182 and
# 228 MB), measured back to back on a busy machine.
BATCH_SIZE = 1000
# A file of fewer bytes (about 500 articles) is read in the writing process:
# a second process only pays off over many batches.
PARALLEL_MIN_BYTES = 2_000_000
COMMIT_EVERY = 10_000
STATUSES = {s.value for s in Article.Status}
LANGUAGES = {lang.value for lang in Language}


class LineError(ValueError):
    """A line that cannot become an article; the message says why."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Lines loaded with a change worth knowing (a slug made valid or unique).
    notes: list[tuple[int, str]] = field(default_factory=list)
    # Articles linked to the one they translate (``translation_of``), and the
    # lines whose article loaded but could not be linked, with the reason.
    linked: int = 0
    unlinked: list[tuple[int, str]] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


# Longest names the content model stores (Section/Tag/Place.name, Author.name).
NAME_LIMITS = {"author": 160, "categories": 120, "tags": 120, "places": 120}
TITLE_LIMIT = 300
SLUG_LIMIT = Article._meta.get_field("slug").max_length
# JSON keys -> the article fields and link kinds they supply.
FIELD_KEYS = {
    "title": "title",
    "body_html": "body",
    "excerpt": "excerpt",
    "language": "language",
    "published_at": "published_at",
    "status": "status",
}
LINK_KEYS = {"author": "authors", "categories": "sections", "tags": "tags", "places": "places"}


def _names(value, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LineError(f"{name!r} must be a string or a list of strings")
    names = [v.strip() for v in value if v.strip()]
    too_long = [n for n in names if len(n) > NAME_LIMITS[name]]
    if too_long:
        raise LineError(f"{name!r} has a name over {NAME_LIMITS[name]} characters")
    return names


def _text(obj: dict, name: str, *, required: bool = False) -> str:
    value = obj.get(name)
    if value is None or value == "":
        if required:
            raise LineError(f"missing {name!r}")
        return ""
    if not isinstance(value, str):
        raise LineError(f"{name!r} must be a string")
    return value


def record_from_json(obj: object) -> ArticleRecord:
    """Return the article that one decoded JSON line describes, or raise LineError."""
    if not isinstance(obj, dict):
        raise LineError("a line must hold a JSON object")
    title = _text(obj, "title", required=True).strip()
    if len(title) > TITLE_LIMIT:
        raise LineError(f"title is over {TITLE_LIMIT} characters")
    slug = slug_normalise(_text(obj, "slug", required=True).strip(), max_length=SLUG_LIMIT)
    status = _text(obj, "status") or Article.Status.PUBLISHED
    if status not in STATUSES:
        raise LineError(f"unknown status {status!r} (one of {', '.join(sorted(STATUSES))})")
    language = _text(obj, "language") or Language.ENGLISH
    if language not in LANGUAGES:
        raise LineError(f"unknown language {language!r} (one of {', '.join(sorted(LANGUAGES))})")
    target = _text(obj, "translation_of").strip()
    if len(target) > SLUG_LIMIT:
        raise LineError(f"translation_of is over {SLUG_LIMIT} characters")
    if target and target == _text(obj, "slug").strip():
        raise LineError("translation_of names the article itself")
    raw_date = _text(obj, "published_at")
    published_at = None
    if raw_date:
        try:
            published_at = dt.datetime.fromisoformat(raw_date)
        except ValueError as exc:
            raise LineError(f"published_at {raw_date!r} is not ISO 8601") from exc
        if published_at.tzinfo is None:
            raise LineError(f"published_at {raw_date!r} has no UTC offset")
        try:
            published_at = published_at.astimezone(dt.UTC)
        except OverflowError as exc:
            raise LineError(f"published_at {raw_date!r} is out of range") from exc
        problem = published_at_error(published_at)
        if problem:
            raise LineError(problem)
    elif status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        raise LineError(f"a {status} article needs published_at")
    return ArticleRecord(
        title=title,
        slug=slug,
        body=_text(obj, "body_html"),
        excerpt=_text(obj, "excerpt"),
        authors=_names(obj.get("author"), "author"),
        sections=_names(obj.get("categories"), "categories"),
        tags=_names(obj.get("tags"), "tags"),
        places=_names(obj.get("places"), "places"),
        language=language,
        published_at=published_at,
        status=status,
        # On an existing article only what the line carries is updated: a line
        # without a status leaves an article an editor unpublished alone.
        fields=frozenset(field for key, field in FIELD_KEYS.items() if key in obj),
        links=frozenset(kind for key, kind in LINK_KEYS.items() if key in obj),
    )


class _Slugs:
    """The slugs of one file: a slug that had to change never takes another line's.

    Lines with the same given slug are one article (the later line wins), so
    the given slug, not the line, owns its result.
    """

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}  # slug -> the given slug it came from, when changed
        self.kept: set[str] = set()  # given slugs that were valid as they came
        self.given: dict[str, str] = {}  # changed given slug -> its slug

    def assign(self, given: str, slug: str) -> str:
        """Return the slug for a line that gave ``given`` and normalises to ``slug``."""
        if given == slug and slug not in self.owners:
            self.kept.add(slug)
            return slug
        if given in self.given:
            return self.given[given]
        if slug in self.kept or self.owners.get(slug, given) != given:
            slug = slug_with_suffix(slug, _Taken(self), max_length=SLUG_LIMIT)
        self.owners[slug] = given
        self.given[given] = slug
        return slug


class _Taken:
    def __init__(self, slugs: _Slugs) -> None:
        self.slugs = slugs

    def __contains__(self, slug: object) -> bool:
        return slug in self.slugs.kept or slug in self.slugs.owners


def _decoded(line: str | bytes, number: int) -> str:
    if isinstance(line, str):
        return line
    if number == 1:
        line = line.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark some editors write
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineError(
            f"not UTF-8: byte 0x{line[exc.start]:02x} at byte {exc.start + 1} of the line"
        ) from exc


def read_records(
    lines: Iterable[str | bytes],
    *,
    notes: list[tuple[int, str]] | None = None,
    translations: list[tuple[int, str, str]] | None = None,
) -> Iterator[tuple[int, ArticleRecord | LineError]]:
    """Yield ``(line number, record or error)`` for each non-blank line.

    ``lines`` may be bytes (each decoded on its own) or text. A slug that
    was changed is noted in ``notes`` as ``(line number, what changed)``;
    a line's ``translation_of`` goes to ``translations`` as ``(line number,
    slug, the slug it translates)``, for ``translations_apply``.
    """
    slugs = _Slugs()
    for number, raw in enumerate(lines, start=1):
        try:
            line = _decoded(raw, number)
            if not line.strip():
                continue
            obj = json.loads(line)
            record = record_from_json(obj)
        except json.JSONDecodeError as exc:
            yield number, LineError(f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except LineError as exc:
            yield number, exc
            continue
        given = obj["slug"].strip()
        record.slug = slugs.assign(given, record.slug)
        if record.slug != given and notes is not None:
            why = "is taken by another line"
            if not slug_is_valid(given):
                why = "is not a valid slug"
            elif len(given) > SLUG_LIMIT:
                why = f"is over {SLUG_LIMIT} characters"
            notes.append((number, f"slug {given!r} {why}: loaded as {record.slug!r}"))
        target = (obj.get("translation_of") or "").strip()
        if target and translations is not None:
            translations.append((number, record.slug, target))
        yield number, record


def translations_apply(pending: list[tuple[int, str, str]]) -> tuple[int, list[tuple[int, str]]]:
    """Link each loaded article to the one it translates; return how many, and the refusals.

    ``pending`` holds ``(line number, slug, translated slug)``. A target is
    found by its slug as given, else as ``slug_normalise`` makes it. A
    missing target, one in the same language, or a group that already has
    the line's language is refused with the reason; a pair already linked
    is left alone, so loading a file twice writes nothing.
    """
    wanted = {slug for _, slug, _ in pending}
    for _, _, target in pending:
        wanted |= {target, slug_normalise(target, max_length=SLUG_LIMIT)}
    articles = {a.slug: a for a in Article.objects.filter(slug__in=wanted)}
    linked, refused = 0, []
    for number, slug, target in pending:
        article = articles.get(slug)
        if article is None:
            continue  # the line's own article did not load: its error is reported
        other = articles.get(target) or articles.get(slug_normalise(target, max_length=SLUG_LIMIT))
        if other is None:
            refused.append((number, f"translation_of {target!r}: no such article"))
        elif other.language == article.language:
            refused.append(
                (number, f"translation_of {target!r} is in the same language ({article.language})")
            )
        elif article.translation_group and article.translation_group == other.translation_group:
            continue
        else:
            try:
                translations_link([article, other])
            except ValueError as exc:
                refused.append((number, f"translation_of {target!r}: {exc}"))
                continue
            linked += 1
    return linked, refused


@dataclass
class _Chunk:
    """Lines read ahead: their results, and what reading them noted and analysed."""

    items: list[tuple[int, ArticleRecord | LineError]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    translations: list[tuple[int, str, str]] = field(default_factory=list)
    texts: dict = field(default_factory=dict)


def _chunks_read(stream: IO[bytes] | IO[str], *, prepare: bool) -> Iterator[_Chunk]:
    """Yield the records of ``stream`` a batch of lines at a time; with ``prepare``, their
    teasers and search text made too (what the reading process does for the writing one)."""
    notes: list[tuple[int, str]] = []
    translations: list[tuple[int, str, str]] = []
    chunk = _Chunk()
    for number, item in read_records(stream, notes=notes, translations=translations):
        if prepare and not isinstance(item, LineError):
            item.teaser = record_teaser(item)
            key, analysis = text_prepare(
                title=item.title, standfirst=item.standfirst, body=item.body
            )
            chunk.texts[key] = analysis
        chunk.items.append((number, item))
        if len(chunk.items) >= BATCH_SIZE:
            chunk.notes, chunk.translations = notes[:], translations[:]
            # read_records keeps appending to the lists it was given.
            notes.clear()
            translations.clear()
            yield chunk
            chunk = _Chunk()
    chunk.notes, chunk.translations = notes, translations
    yield chunk


@contextlib.contextmanager
def _chunks(stream: IO[bytes] | IO[str], *, parallel: bool) -> Iterator[Iterator[_Chunk]]:
    if not parallel:
        yield _chunks_read(stream, prepare=False)
        return
    prepare = bool(search_setting("AUTO_INDEX"))
    with items_forked(
        lambda: _chunks_read(stream, prepare=prepare), name="dastan-jsonlines-reader"
    ) as chunks:
        yield chunks


def _is_large(stream: IO[bytes] | IO[str]) -> bool:
    """Return whether ``stream`` is a file big enough for a reading process to pay off."""
    try:
        return os.fstat(stream.fileno()).st_size >= PARALLEL_MIN_BYTES
    except (AttributeError, OSError, ValueError):
        return False


class _Transactions:
    """One transaction per ``COMMIT_EVERY`` articles written.

    A commit per batch cost a third of the load on SQLite (its WAL is
    checkpointed into the database file nearly every commit); a single
    transaction would hold a whole large file in the WAL. A line the database
    refuses rolls back only its batch (``articles_upsert`` runs in a savepoint).
    """

    def __init__(self) -> None:
        self.block = None
        self.written = 0

    def __enter__(self) -> _Transactions:
        self.block = transaction.atomic()
        self.block.__enter__()
        return self

    def wrote(self, count: int) -> None:
        self.written += count
        if self.written >= COMMIT_EVERY:
            self.written = 0
            self.block.__exit__(None, None, None)
            self.block = transaction.atomic()
            self.block.__enter__()

    def __exit__(self, *exc_info) -> None:
        self.block.__exit__(*exc_info)


def articles_load(
    stream: IO[bytes] | IO[str],
    *,
    on_progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> LoadReport:
    """Load every good line of ``stream`` (bytes, or text) in batches; report the bad ones.

    ``parallel`` reads, checks and prepares the lines in a second process while
    this one writes; None decides by the size of the file (``PARALLEL_MIN_BYTES``).
    """
    report = LoadReport()
    batch: dict[str, tuple[int, ArticleRecord]] = {}
    translations: list[tuple[int, str, str]] = []
    texts: dict = {}
    if parallel is None:
        parallel = _is_large(stream)
    parallel = parallel and can_fork()

    def count(result) -> None:
        report.created += len(result.created)
        report.updated += len(result.updated)
        report.unchanged += result.unchanged

    def flush() -> None:
        records = [record for _, record in batch.values()]
        try:
            with texts_ready(texts):
                count(articles_upsert(records))
        except DatabaseError:
            # One line the database refuses must not cost the batch: load line by line.
            for number, record in batch.values():
                try:
                    count(articles_upsert([record]))
                except DatabaseError as exc:
                    report.errors.append((number, f"refused by the database: {exc}".strip()))
            report.errors.sort()
        for record in records:
            texts.pop((record.title, record.standfirst, record.body), None)
        if on_progress:
            on_progress(len(batch))
        writes.wrote(len(batch))
        batch.clear()

    # What exists now lives until the end: the collector need not walk it
    # again every few batches.
    gc.freeze()
    try:
        with (
            index_bulk_load(),
            _chunks(stream, parallel=parallel) as chunks,
            _Transactions() as writes,
        ):
            for chunk in chunks:
                report.notes.extend(chunk.notes)
                translations.extend(chunk.translations)
                texts.update(chunk.texts)
                for number, item in chunk.items:
                    if isinstance(item, LineError):
                        report.errors.append((number, str(item)))
                        continue
                    if item.slug in batch:
                        # A later line for the same slug wins, as it would across batches.
                        flush()
                    batch[item.slug] = (number, item)
                    if len(batch) >= BATCH_SIZE:
                        flush()
            if batch:
                flush()
            if translations:
                report.linked, report.unlinked = translations_apply(translations)
    finally:
        gc.unfreeze()
    statistics_refresh()
    return report
