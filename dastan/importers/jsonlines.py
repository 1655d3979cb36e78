"""Load articles from JSON lines: one article object a line.

Fields: ``title``, ``slug``, ``body_html``, ``excerpt`` (optional), ``author``
(a name or a list of names), ``categories`` (section names, the first is the
primary section), ``tags``, ``places`` (optional), ``language`` (default
``en``), ``published_at`` (ISO 8601 with offset), ``status`` (default
``published``). A bad line is reported with its number and the reason; the
good lines still load.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import DatabaseError

from dastan.content.models import Article, Language
from dastan.content.services import ArticleRecord, articles_upsert

BATCH_SIZE = 500
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

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)


# Longest names the content model stores (Section/Tag/Place.name, Author.name).
NAME_LIMITS = {"author": 160, "categories": 120, "tags": 120, "places": 120}
TITLE_LIMIT = 300
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
    slug = _text(obj, "slug", required=True).strip()
    if len(slug) > 200 or "/" in slug or any(c.isspace() for c in slug):
        raise LineError(f"invalid slug {slug!r}")
    status = _text(obj, "status") or Article.Status.PUBLISHED
    if status not in STATUSES:
        raise LineError(f"unknown status {status!r} (one of {', '.join(sorted(STATUSES))})")
    language = _text(obj, "language") or Language.ENGLISH
    if language not in LANGUAGES:
        raise LineError(f"unknown language {language!r} (one of {', '.join(sorted(LANGUAGES))})")
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


def read_records(lines: Iterable[str]) -> Iterator[tuple[int, ArticleRecord | LineError]]:
    """Yield ``(line number, record or error)`` for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, record_from_json(json.loads(line))
        except json.JSONDecodeError as exc:
            yield number, LineError(f"invalid JSON: {exc.msg} at column {exc.colno}")
        except LineError as exc:
            yield number, exc


def articles_load(
    stream: IO[str], *, on_progress: Callable[[int], None] | None = None
) -> LoadReport:
    """Load every good line of ``stream`` in batches; report the bad ones."""
    report = LoadReport()
    batch: dict[str, tuple[int, ArticleRecord]] = {}

    def count(result) -> None:
        report.created += len(result.created)
        report.updated += len(result.updated)
        report.unchanged += result.unchanged

    def flush() -> None:
        try:
            count(articles_upsert([record for _, record in batch.values()]))
        except DatabaseError:
            # One line the database refuses must not cost the batch: load line by line.
            for number, record in batch.values():
                try:
                    count(articles_upsert([record]))
                except DatabaseError as exc:
                    report.errors.append((number, f"refused by the database: {exc}".strip()))
            report.errors.sort()
        if on_progress:
            on_progress(len(batch))
        batch.clear()

    for number, item in read_records(stream):
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
    return report
