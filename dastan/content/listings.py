"""The listing entries behind section, tag, place and author pages, kept exact on every write.

An article's entries are rebuilt from its own rows whenever it or one of its links changes
(the same signals that keep the search index exact; bulk writes send ``articles_changed``).
Whether an entry is public *now* is decided when the page is read (``published_at`` against
the clock), so a scheduled story goes live on time without any write. The same writes copy
the article's edition and publication time onto its corrections, for the corrections page,
and add what changed to each listing's size (``ListingSize``), for the pager.

On PostgreSQL a size row stays locked from the write that changes it to its transaction's
commit: articles published into one section at once are committed one after the other,
and a bulk import holds its listings' sizes for each batch of articles it commits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from dastan.content.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    ListingEntry,
    ListingSize,
    Place,
    Section,
    Tag,
)

# SQLite allows 999 parameters a statement in older builds.
BATCH = 500
# The statuses whose articles are listed (from their publication time on), in SQL too.
SHOWN = (Article.Status.PUBLISHED.value, Article.Status.SCHEDULED.value)
_SHOWN_SQL = "a.status IN ({})".format(", ".join(f"'{status}'" for status in SHOWN))
# The listing of every listed article of an edition (the archives by date read it); its
# size is kept per day (UTC), as ``archive_day_key`` names it.
ARCHIVE = "e"


def listing_key(obj: Section | Tag | Place | Author) -> str:
    """Return the listing of ``obj``: its kind letter and id ("s4")."""
    letter = {Section: "s", Tag: "t", Place: "p", Author: "a"}[type(obj)]
    return f"{letter}{obj.pk}"


def archive_day_key(day: dt.date) -> str:
    """Return the size key of the archive's entries published on ``day`` (a UTC date)."""
    return f"d{day.isoformat()}"


def _entries_sql(marks: str) -> str:
    """Return the INSERT that writes the entries of the articles whose ids fill ``marks``."""
    return (
        f"INSERT INTO {ListingEntry._meta.db_table} (listing, article_id, language, published_at) "
        + _entries_select(marks)
    )


def _entries_select(marks: str | None) -> str:
    """Return the SELECT of the entries of the articles whose ids fill ``marks`` (None: all).

    Its parameters are the ids once for each of its seven parts.
    """
    article = Article._meta.db_table
    visible = f"{_SHOWN_SQL} AND a.is_listed AND a.published_at IS NOT NULL"
    if marks is not None:
        visible += f" AND a.id IN ({marks})"
    columns = "a.id, a.language, a.published_at"
    parts = [
        # The edition's archive: every listed article, for the archives by day and the sizes.
        f"SELECT '{ARCHIVE}', {columns} FROM {article} a WHERE {visible}",
        f"SELECT 's' || a.section_id, {columns} FROM {article} a "
        f"WHERE a.section_id IS NOT NULL AND {visible}",
        f"SELECT 's' || l.section_id, {columns} FROM {Article.sections.through._meta.db_table} l "
        f"JOIN {article} a ON a.id = l.article_id WHERE {visible}",
        f"SELECT 't' || l.tag_id, {columns} FROM {Article.tags.through._meta.db_table} l "
        f"JOIN {article} a ON a.id = l.article_id WHERE {visible}",
        f"SELECT 'a' || l.author_id, {columns} FROM {ArticleAuthor._meta.db_table} l "
        f"JOIN {article} a ON a.id = l.article_id WHERE {visible}",
        f"SELECT 'p' || l.place_id, {columns} FROM {Article.places.through._meta.db_table} l "
        f"JOIN {article} a ON a.id = l.article_id WHERE {visible}",
        # A country's page lists the articles about any place in it.
        f"SELECT 'p' || p.country_id, {columns} FROM {Article.places.through._meta.db_table} l "
        f"JOIN {Place._meta.db_table} p ON p.id = l.place_id "
        f"JOIN {article} a ON a.id = l.article_id WHERE p.country_id IS NOT NULL AND {visible}",
    ]
    return " UNION ".join(parts)


def listings_sync(article_ids: Iterable[int]) -> None:
    """Rebuild the listing entries of these articles from their rows and links."""
    ids = sorted({int(i) for i in article_ids if i is not None})
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            before = _entries_counted(cursor, marks, chunk)
            cursor.execute(
                f"DELETE FROM {ListingEntry._meta.db_table} WHERE article_id IN ({marks})", chunk
            )
            cursor.execute(_entries_sql(marks), chunk * 7)
            change = _entries_counted(cursor, marks, chunk)
            change.subtract(before)
            _sizes_add(cursor, change)
            cursor.execute(_corrections_sql(marks), chunk)


def _entries_counted(cursor, marks: str | None, ids: list[int]) -> Counter:
    """Return how many entries these articles (None: all) have in each (listing, edition).

    The archive's entries are counted by the UTC day of their publication instead.
    """
    day = (
        "to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        if connection.vendor == "postgresql"
        # Django stores SQLite's times as UTC text, "2024-05-03 09:15:00".
        else "substr(published_at, 1, 10)"
    )
    where = "" if marks is None else f"WHERE article_id IN ({marks}) "
    cursor.execute(
        f"SELECT CASE WHEN listing = '{ARCHIVE}' THEN 'd' || {day} ELSE listing END AS size, "
        f"language, COUNT(*) FROM {ListingEntry._meta.db_table} {where}GROUP BY size, language",
        ids,
    )
    return Counter({(size, language): n for size, language, n in cursor.fetchall()})


def _sizes_add(cursor, change: Counter) -> None:
    """Add ``change`` to the listings' sizes, writing only the sizes that moved.

    An edit that leaves an article's listings as they were writes (and locks) nothing;
    the sizes are written in key order so that two writers lock them in the same order.
    """
    moved = sorted((key, n) for key, n in change.items() if n)
    table = ListingSize._meta.db_table
    for start in range(0, len(moved), BATCH):
        rows = moved[start : start + BATCH]
        cursor.execute(
            f"INSERT INTO {table} (listing, language, entries) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + f" ON CONFLICT (listing, language) DO UPDATE SET entries = {table}.entries "
            "+ excluded.entries",
            [value for (listing, language), n in rows for value in (listing, language, n)],
        )


def _corrections_sync(article_id: int) -> None:
    """Copy the article's edition and publication onto its corrections (nothing else moved)."""
    with connection.cursor() as cursor:
        cursor.execute(_corrections_sql("%s"), [article_id])


def _corrections_sql(marks: str) -> str:
    """Return the UPDATE copying their article's edition and publication onto its corrections."""
    article = Article._meta.db_table
    return (
        f"UPDATE {Correction._meta.db_table} SET "
        f"language = (SELECT a.language FROM {article} a WHERE a.id = article_id), "
        f"public_from = (SELECT CASE WHEN {_SHOWN_SQL} "
        f"THEN a.published_at END FROM {article} a WHERE a.id = article_id) "
        f"WHERE article_id IN ({marks})"
    )


def listings_rebuild() -> None:
    """Rebuild every article's entries, sizes and copies (after a write around the services)."""
    ListingEntry.objects.all().delete()
    ListingSize.objects.all().delete()
    last = 0
    while True:
        ids = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:5000]
        )
        if not ids:
            return
        listings_sync(ids)
        last = ids[-1]


@dataclass(frozen=True)
class ListingsReport:
    """What ``listings_check`` found: rows missing or extra, and sizes or copies that differ."""

    missing: int
    extra: int
    sizes: int
    corrections: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.sizes or self.corrections)


def listings_check() -> ListingsReport:
    """Compare the entries, sizes and corrections' copies with what the articles give.

    For an operator after writes around the services (raw SQL, a partial restore): it
    reads every entry (6 s at 100,000 articles on SQLite), so it is not a nightly job;
    ``listings_rebuild`` repairs what it finds.
    """
    table = ListingEntry._meta.db_table
    stored = f"SELECT listing, article_id, language, published_at FROM {table}"
    # A subquery: a compound's operators bind left to right ("a EXCEPT b UNION c").
    expected = f"SELECT * FROM ({_entries_select(None)}) AS expected"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({expected} EXCEPT {stored}) AS missing")
        missing = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM ({stored} EXCEPT {expected}) AS extra")
        extra = cursor.fetchone()[0]
        counted = _entries_counted(cursor, None, [])
    sizes = Counter(
        {
            (listing, language): n
            for listing, language, n in ListingSize.objects.values_list(
                "listing", "language", "entries"
            )
            if n
        }
    )
    wrong = sum(1 for key in counted.keys() | sizes.keys() if counted[key] != sizes[key])
    copies = Correction.objects.values_list(
        "language", "public_from", "article__language", "article__status", "article__published_at"
    )
    corrections = sum(
        1
        for language, public_from, edition, status, published in copies.iterator(2000)
        if (language, public_from) != (edition, published if status in SHOWN else None)
    )
    return ListingsReport(missing, extra, wrong, corrections)


def _on_changed(sender, ids=(), **kwargs) -> None:
    listings_sync(ids)


def _on_article_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        listings_sync([instance.pk])


def _on_links_changed(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        # The other side's links are about to go: remember whose they were.
        instance._listing_cleared = list(
            sender.objects.filter(**{_reverse_field(sender, instance): instance.pk}).values_list(
                "article_id", flat=True
            )
        )
    if not action.startswith("post_"):
        return
    if not reverse:
        listings_sync([instance.pk])
    elif action == "post_clear":
        listings_sync(instance.__dict__.pop("_listing_cleared", ()))
    elif pk_set:
        listings_sync(pk_set)


def _reverse_field(through, instance) -> str:
    """Return the through table's column that points at ``instance`` (a tag, place, section)."""
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return field.attname
    raise LookupError(through)


def _on_correction_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _corrections_sync(instance.article_id)


def _on_byline_changed(sender, instance, raw=False, origin=None, **kwargs) -> None:
    # A byline deleted with its article: writing entries again would point at a deleted row.
    if raw or isinstance(origin, Article) or getattr(origin, "model", None) is Article:
        return
    listings_sync([instance.article_id])


def _on_article_deleting(sender, instance, **kwargs) -> None:
    """Its entries go with it (a cascade of the database's rows): take them off the sizes."""
    with connection.cursor() as cursor:
        change = Counter()
        change.subtract(_entries_counted(cursor, "%s", [instance.pk]))
        _sizes_add(cursor, change)


def _on_place_saving(sender, instance, raw=False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        instance._listing_country = (
            Place.objects.filter(pk=instance.pk).values_list("country_id", flat=True).first()
        )


def _on_place_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A place moved to another country: its articles leave one country's page for another's."""
    before = instance.__dict__.pop("_listing_country", instance.country_id)
    if raw or created or before == instance.country_id:
        return
    through = Article.places.through
    listings_sync(through.objects.filter(place=instance).values_list("article_id", flat=True))


def _on_place_deleting(sender, instance, **kwargs) -> None:
    through = Article.places.through
    instance._listing_articles = list(
        through.objects.filter(place=instance).values_list("article_id", flat=True)
    )


def _on_listed_deleted(sender, instance, **kwargs) -> None:
    # Its id may be given again (SQLite reuses the highest), so its entries must not linger.
    ListingEntry.objects.filter(listing=listing_key(instance)).delete()
    ListingSize.objects.filter(listing=listing_key(instance)).delete()
    # A place's articles were on its country's page too.
    listings_sync(instance.__dict__.pop("_listing_articles", ()))


def connect() -> None:
    """Connect the handlers (called once from the app's ``ready()``)."""
    from dastan.content.signals import articles_changed

    articles_changed.connect(_on_changed, sender=Article, dispatch_uid="listings.changed")
    post_save.connect(_on_article_saved, sender=Article, dispatch_uid="listings.saved")
    pre_delete.connect(_on_article_deleting, sender=Article, dispatch_uid="listings.deleting")
    for through in (Article.tags.through, Article.places.through, Article.sections.through):
        m2m_changed.connect(_on_links_changed, sender=through, dispatch_uid=f"listings.{through}")
    post_save.connect(_on_correction_saved, sender=Correction, dispatch_uid="listings.correction")
    post_save.connect(_on_byline_changed, sender=ArticleAuthor, dispatch_uid="listings.byline")
    post_delete.connect(
        _on_byline_changed, sender=ArticleAuthor, dispatch_uid="listings.byline_deleted"
    )
    pre_delete.connect(_on_place_deleting, sender=Place, dispatch_uid="listings.place_deleting")
    pre_save.connect(_on_place_saving, sender=Place, dispatch_uid="listings.place_saving")
    post_save.connect(_on_place_saved, sender=Place, dispatch_uid="listings.place_saved")
    for model in (Section, Tag, Place, Author):
        post_delete.connect(
            _on_listed_deleted, sender=model, dispatch_uid=f"listings.deleted.{model.__name__}"
        )
