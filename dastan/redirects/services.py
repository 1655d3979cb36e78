"""Writes to the redirect table: old paths from importers, and from own slug changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

from dastan.redirects.models import LegacyRedirect

# Rows per statement; also the size of the ``old_path IN (...)`` look-up.
CHUNK = 500
_COLUMNS = (
    "old_path",
    "kind",
    "article_id",
    "section_id",
    "tag_id",
    "author_id",
    "target_url",
    "language",
)


@dataclass(slots=True)
class RedirectRow:
    """One old path and what it points at (ids, not objects: imports write thousands)."""

    old_path: str
    kind: str
    article_id: int | None = None
    section_id: int | None = None
    tag_id: int | None = None
    author_id: int | None = None
    target_url: str = ""
    # The edition a listing or home address opens in ('' for the reader's current one).
    language: str = ""


@dataclass
class UpsertOutcome:
    """How many rows were written, and the paths another site holds."""

    written: int = 0
    claimed: list[str] = field(default_factory=list)


def redirects_upsert(
    rows: Sequence[RedirectRow],
    *,
    site: str,
    also: Sequence[str] = (),
    source: str = "wordpress",
) -> UpsertOutcome:
    """Create or update redirects for ``site``; return how many were written and which were not.

    A path already held by another site is left to that site (and returned in
    ``claimed``): two blogs imported into one Dastan may share ``/?p=12`` or
    ``/category/news/``, and the first one keeps it rather than the last one
    silently taking it over. ``also`` names sites whose rows this one may
    take over (the same blog before it moved). Plain SQL (``ON CONFLICT ... DO UPDATE``, SQLite
    3.24+ and PostgreSQL): an import writes these by the hundred thousand, and
    building model instances would cost more than the writes.
    """
    outcome = UpsertOutcome()
    if not rows:
        return outcome
    connection = connections[router.db_for_write(LegacyRedirect)]
    quote = connection.ops.quote_name
    table = quote(LegacyRedirect._meta.db_table)
    owners = [site, "", *also]
    columns = [*_COLUMNS, "site", "source", "created_at"]
    updated = [c for c in columns if c not in ("old_path", "source", "created_at")]
    sql = (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({quote('old_path')}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updated)
        # The guard also holds against a concurrent import of another site.
        + f" WHERE {table}.{quote('site')} IN ({', '.join(['%s'] * len(owners))})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            claimed = set(
                LegacyRedirect.objects.filter(old_path__in=[r.old_path for r in chunk])
                .exclude(site__in=owners)
                .values_list("old_path", flat=True)
            )
            kept = [r for r in chunk if r.old_path not in claimed]
            # Built by hand: dataclasses.astuple deep-copies, and costs more than the insert.
            values = [
                (
                    r.old_path,
                    r.kind,
                    r.article_id,
                    r.section_id,
                    r.tag_id,
                    r.author_id,
                    r.target_url,
                    r.language,
                    site,
                    source,
                    now,
                    *owners,
                )
                for r in kept
            ]
            if values:
                cursor.executemany(sql, values)
            outcome.written += len(values)
            outcome.claimed.extend(sorted(claimed))
    return outcome


_KINDS = {
    "article": LegacyRedirect.Kind.ARTICLE,
    "section": LegacyRedirect.Kind.SECTION,
    "tag": LegacyRedirect.Kind.TAG,
    "author": LegacyRedirect.Kind.AUTHOR,
    "place": LegacyRedirect.Kind.PLACE,
}


def redirect_slug_change(obj: Model, *, old_url: str) -> LegacyRedirect | None:
    """Redirect ``old_url`` (the address ``obj`` had before its slug changed) to ``obj``.

    Return the redirect, or None when there is nothing to keep (``old_url``
    is '' when the old slug had no address of its own). The object's new address stops being a
    redirect, so changing a slug back never leaves a redirect on a live page.
    """
    kind = _KINDS[obj._meta.model_name]
    new_path = unquote(obj.get_absolute_url())
    with transaction.atomic():
        LegacyRedirect.objects.filter(old_path=new_path, kind=kind, **{kind: obj}).delete()
        old_path = unquote(old_url)
        if not old_path or old_path == new_path:
            return None
        redirect, _ = LegacyRedirect.objects.update_or_create(
            old_path=old_path,
            defaults={
                "kind": kind,
                **{name: None for name in _KINDS if name != kind},
                kind: obj,
                "target_url": "",
                "language": "",
                "site": "",
                "source": "dastan",
            },
        )
    return redirect
