"""Reads behind the sitemaps: which files exist, what each holds, and when it last changed.

An article sitemap holds one edition's public articles of one month (in the site's
time zone, as article addresses are dated), in publication order, cut into numbered
parts when the month holds more than a file may. New articles land in the current
month, so an old month's file changes only when one of its own articles does.

The index never reads articles one by one: one aggregate per edition joins the
articles to a short list of month ranges (each a range seek on the
``(language, published_at)`` index), so its cost grows with the months, not the
articles' rows fetched into Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from dastan.content.conf import site_setting
from dastan.content.models import (
    Article,
    local_date,
)
from dastan.content.slugs import slug_is_valid
from dastan.editions.conf import edition_codes, editions_all
from dastan.feeds.sitemap_conf import sitemap_setting

PUBLIC = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
# A slug character percent-encodes to at most 12 bytes (4 UTF-8 bytes, each "%XX").
_ENCODED_CHAR_MAX = 12
_URL_ENTRY = "<url><loc></loc><lastmod>0000-00-00T00:00:00+00:00</lastmod></url>\n"
_ALTERNATE = '<xhtml:link rel="alternate" hreflang="" href=""/>'
_FILE_OVERHEAD = 400


def article_lastmod(published_at: dt.datetime | None, revised_at: dt.datetime | None):
    """Return when an article last really changed: its publication or its marked revision.

    ``updated_at`` moves on every save (a typo fix, a re-import touching a million
    rows), so it would tell crawlers that everything changed; the revision an editor
    marks is the update the page itself shows as "Updated".
    """
    if revised_at is not None and published_at is not None and revised_at > published_at:
        return revised_at
    return published_at


def site_url(path: str) -> str:
    return site_setting("BASE_URL").rstrip("/") + path


def file_limit(slug_max: int, *, alternates: int) -> int:
    """Return the URLs one file may hold so that even the longest ones stay under MAX_BYTES."""
    code_max = max(len(code) for code in edition_codes())
    loc = len(site_setting("BASE_URL")) + code_max + 2 + 20 + slug_max * _ENCODED_CHAR_MAX
    entry = len(_URL_ENTRY) + loc
    if alternates > 1:
        entry += (alternates + 1) * (len(_ALTERNATE) + code_max + 8 + loc)
    by_size = (int(sitemap_setting("MAX_BYTES")) - _FILE_OVERHEAD) // entry
    return max(1, min(int(sitemap_setting("URL_LIMIT")), by_size))


def article_file_limit() -> int:
    """Return the articles one article sitemap holds (alternates included in the size bound)."""
    return file_limit(Article._meta.get_field("slug").max_length, alternates=len(edition_codes()))


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC instants where the site's month starts and the next one starts.

    At the calendar's ends (January of year 1 east of UTC) the bound is the calendar's end.
    """
    zone = timezone.get_default_timezone()
    after = (year + 1, 1) if month == 12 else (year, month + 1)

    def utc(y: int, m: int, fallback: dt.datetime) -> dt.datetime:
        try:
            return dt.datetime(y, m, 1, tzinfo=zone).astimezone(dt.UTC)
        except (OverflowError, ValueError):
            return fallback

    return (
        utc(year, month, dt.datetime.min.replace(tzinfo=dt.UTC)),
        utc(*after, dt.datetime.max.replace(tzinfo=dt.UTC)),
    )


@dataclass(frozen=True)
class ArticleFile:
    """One article sitemap: an edition's month, or a numbered part of it."""

    edition: str
    year: int
    month: int
    part: int
    parts: int
    count: int
    lastmod: dt.datetime | None = None

    @property
    def path(self) -> str:
        suffix = f"-{self.part}" if self.part > 1 else ""
        return f"/sitemaps/{self.edition}/articles-{self.year:04d}-{self.month:02d}{suffix}.xml"

    def month_articles(self, *, now: dt.datetime) -> QuerySet[Article]:
        """Return the public articles of the file's month, in file order."""
        start, stop = month_bounds(self.year, self.month)
        return (
            Article.objects.public(now=now)
            .filter(language=self.edition, published_at__gte=start, published_at__lt=stop)
            .order_by("published_at", "id")
        )

    def articles(self, *, now: dt.datetime) -> QuerySet[Article]:
        """Return the file's own articles (the month's, or the part's slice of them)."""
        articles = self.month_articles(now=now)
        if self.parts == 1:
            return articles
        limit = article_file_limit()
        return articles[(self.part - 1) * limit : self.part * limit]


def _datetime(value) -> dt.datetime | None:
    """Return a database value (SQLite gives text to raw SQL) as an aware UTC datetime."""
    if value is None or isinstance(value, dt.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _months_between(first: dt.datetime, last: dt.datetime) -> list[tuple[int, int]]:
    begin, end = local_date(first), local_date(last)
    months = []
    year, month = begin.year, begin.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_table_sql(
    edition: str, now: dt.datetime, months: list[tuple[int, int]], *, part_size: int = 0
):
    """Return the SQL and parameters of the per-month aggregate over ``months``.

    ``CROSS JOIN`` keeps the month list as SQLite's outer loop (PostgreSQL plans it
    as any join): each month is then one range of ``article_sitemap_months``, an
    index that holds every column read, so no article row is visited. With
    ``part_size`` each month is cut into parts of that many articles in file order
    (a window function numbers the rows), one result row per part.
    """
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    for key, (year, month) in enumerate(months):
        start, stop = month_bounds(year, month)
        params += [key, adapt(start), adapt(stop)]
    q = connection.ops.quote_name
    pub, rev = q("published_at"), q("revised_at")
    values = ", ".join(["(%s, %s, %s)"] * len(months))
    where = (
        f"FROM months CROSS JOIN {q(Article._meta.db_table)} a "
        f"WHERE a.{pub} >= months.month_start AND a.{pub} < months.month_stop "
        f"AND a.{q('language')} = %s AND a.{q('status')} IN (%s, %s) AND a.{pub} <= %s"
    )
    head = f"WITH months (month_key, month_start, month_stop) AS (VALUES {values}) "
    if part_size:
        numbered = (
            f"SELECT months.month_key AS month_key, a.{pub} AS published, a.{rev} AS revised, "
            f"(ROW_NUMBER() OVER (PARTITION BY months.month_key ORDER BY a.{pub}, a.{q('id')})"
            f" - 1) / {int(part_size)} AS part {where}"
        )
        sql = (
            f"{head}SELECT month_key, part, COUNT(*), MAX(published), MAX(revised) "
            f"FROM ({numbered}) numbered GROUP BY month_key, part ORDER BY month_key, part"
        )
    else:
        sql = (
            f"{head}SELECT months.month_key, 0, COUNT(*), MAX(a.{pub}), MAX(a.{rev}) {where} "
            "GROUP BY months.month_key ORDER BY months.month_key"
        )
    return sql, [*params, edition, *PUBLIC, adapt(now)]


# Months per query: three parameters each keeps far below SQLite's 32,766 (an article stored
# in the year 1 would otherwise ask for 24,000 months at once).
MONTHS_PER_QUERY = 2_000


def _month_rows(edition: str, now: dt.datetime, months: list[tuple[int, int]], part_size=0):
    """Return (year, month, part, articles, newest lastmod) rows of the aggregate."""
    found = []
    for first in range(0, len(months), MONTHS_PER_QUERY):
        batch = months[first : first + MONTHS_PER_QUERY]
        sql, params = month_table_sql(edition, now, batch, part_size=part_size)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        for key, part, count, newest, revised in rows:
            year, month = batch[int(key)]
            lastmod = article_lastmod(_datetime(newest), _datetime(revised))
            found.append((year, month, int(part) + 1, int(count), lastmod))
    return found


def article_files(*, edition: str, now: dt.datetime | None = None) -> list[ArticleFile]:
    """Return an edition's article sitemaps, oldest month first, each with its lastmod.

    Two or three queries whatever the number of articles: the edition's first and
    last publication (index ends), the per-month aggregate, and, only when some
    month holds more than a file may, the per-part aggregate of those months.
    """
    now = now or timezone.now()
    public = Article.objects.public(now=now).filter(language=edition)
    ends = public.aggregate(first=Min("published_at"), last=Max("published_at"))
    if ends["first"] is None:
        return []
    limit = article_file_limit()
    rows = _month_rows(edition, now, _months_between(ends["first"], ends["last"]))
    split = [(year, month) for year, month, _, count, _ in rows if count > limit]
    parts = {}
    if split:
        for year, month, part, count, lastmod in _month_rows(edition, now, split, limit):
            parts.setdefault((year, month), []).append((part, count, lastmod))
    files = []
    for year, month, _, count, lastmod in rows:
        cut = parts.get((year, month), [(1, count, lastmod)])
        files += [
            ArticleFile(edition, year, month, part, len(cut), size, stamp)
            for part, size, stamp in cut
        ]
    return files


def article_file_get(
    *, edition: str, year: int, month: int, part: int, now: dt.datetime
) -> ArticleFile | None:
    """Return the article sitemap named by an address, or None when it has no articles."""
    probe = ArticleFile(edition, year, month, 1, 1, 0)
    count = probe.month_articles(now=now).count()
    parts = math.ceil(count / article_file_limit())
    if not 1 <= part <= parts:
        return None
    return ArticleFile(edition, year, month, part, parts, count)


def article_file_validators(file: ArticleFile, *, now: dt.datetime) -> tuple[str, dt.datetime]:
    """Return an ETag source and a Last-Modified time for an article sitemap, by aggregates.

    The body depends on the file's public articles (ids, slugs, dates, revisions)
    and on their translations (the alternates). A save moves ``updated_at``; an
    unpublished article leaves the file but its ``updated_at`` stays in the month;
    a scheduled one arriving changes the count and brings its ``published_at``.
    """
    own = Article.objects.filter(pk__in=file.articles(now=now).values("pk"))
    mine = own.aggregate(
        n=Count("id"),
        ids=Sum("id"),
        saved=Max("updated_at"),
        published=Max("published_at"),
        revised=Max("revised_at"),
    )
    start, stop = month_bounds(file.year, file.month)
    month_saved = Article.objects.filter(
        language=file.edition, published_at__gte=start, published_at__lt=stop
    ).aggregate(saved=Max("updated_at"))["saved"]
    public = Q(status__in=PUBLIC, published_at__lte=now)
    # The groups as a list: given the subquery, SQLite scanned every article (2.4 s at 1,000,000).
    groups = list(
        own.exclude(translation_group=None)
        .order_by()
        .values_list("translation_group", flat=True)
        .distinct()
    )
    linked = {"n": 0, "ids": 0, "saved": None}
    if groups:
        linked = Article.objects.filter(translation_group__in=groups).aggregate(
            n=Count("id", filter=public), ids=Sum("id", filter=public), saved=Max("updated_at")
        )
    config = (site_setting("BASE_URL"), article_file_limit(), edition_codes(), settings.TIME_ZONE)
    source = repr((sorted(mine.items()), sorted(linked.items()), config))
    times = [mine["saved"], mine["published"], month_saved, linked["saved"]]
    return source, max(t for t in times if t is not None)


class ArticleAddresses:
    """Article addresses without a URL resolver per row: one reverse per edition.

    ``tests/feeds/test_sitemaps.py`` holds them equal to ``Article.get_absolute_url``.
    """

    def __init__(self) -> None:
        self.prefixes = {}
        for code in edition_codes():
            with translation.override(code):
                sample = reverse(
                    "web:article", kwargs={"year": 2000, "month": "01", "day": "01", "slug": "x"}
                )
            self.prefixes[code] = site_url(sample[: sample.rindex("2000/01/01/x/")])

    def url(self, edition: str, slug: str, published_at: dt.datetime) -> str:
        """Return the absolute address, or '' for a slug that has none (see ``slug_reverse``)."""
        if not slug_is_valid(slug):
            return ""
        day = local_date(published_at)
        return (
            f"{self.prefixes[edition]}{day.year:04d}/{day.month:02d}/{day.day:02d}/"
            f"{quote(slug, safe='-_')}/"
        )


@dataclass(frozen=True)
class ArticleEntry:
    url: str
    lastmod: dt.datetime | None
    alternates: tuple[tuple[str, str], ...]


def article_entries(file: ArticleFile, *, now: dt.datetime) -> Iterator[list[ArticleEntry]]:
    """Yield the file's entries a chunk at a time: one query per chunk for the alternates.

    Rows come through ``iterator(chunk_size=...)`` (a server-side cursor on
    PostgreSQL), so no more than a chunk of articles is held at once.
    """
    chunk_size = int(sitemap_setting("CHUNK_SIZE"))
    addresses = ArticleAddresses()
    hreflangs = {e.code: e.hreflang for e in editions_all()}
    default = settings.LANGUAGE_CODE
    rows = (
        file.articles(now=now)
        .values_list("slug", "published_at", "revised_at", "translation_group")
        .iterator(chunk_size=chunk_size)
    )
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield _entries(chunk, file.edition, addresses, hreflangs, default, now)
            chunk = []
    if chunk:
        yield _entries(chunk, file.edition, addresses, hreflangs, default, now)


def _entries(chunk, edition, addresses, hreflangs, default, now) -> list[ArticleEntry]:
    groups = {group for *_, group in chunk if group is not None}
    members: dict = {}
    if groups:
        translations = (
            Article.objects.public(now=now)
            .filter(translation_group__in=groups, language__in=list(hreflangs))
            .order_by("id")
            .values_list("translation_group", "language", "slug", "published_at")
        )
        for group, language, slug, published_at in translations:
            url = addresses.url(language, slug, published_at)
            if url:
                members.setdefault(group, {}).setdefault(language, url)
    entries = []
    for slug, published_at, revised_at, group in chunk:
        url = addresses.url(edition, slug, published_at)
        if not url:
            continue
        found = dict(members.get(group, {}))
        found[edition] = url
        alternates: tuple[tuple[str, str], ...] = ()
        if len(found) > 1:
            alternates = tuple((hreflangs[c], found[c]) for c in hreflangs if c in found)
            if default in found:
                alternates += (("x-default", found[default]),)
        entries.append(ArticleEntry(url, article_lastmod(published_at, revised_at), alternates))
    return entries


def digest(value: str | bytes) -> str:
    """Return a strong ETag value for ``value``."""
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()[:32]
