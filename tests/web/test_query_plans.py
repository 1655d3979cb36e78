"""Every reader page's queries read ranges of indexes, never a whole archive table (issue #15).

A query whose cost grows with the archive hides on a small test database and takes a
page down at 100,000 articles, so each cold page's queries are explained here on the
configured backend. On PostgreSQL sequential scans are switched off first: an empty
table is cheapest to scan, and the test asks whether an index can serve the query.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dastan.rates.models import RateObservation
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Tables that grow with the archive (the listings' sizes hold a row per day too). Sections,
# authors and the other named things grow with the newsroom, the rates with the calendar.
ARCHIVE_TABLES = (
    "content_article",
    "content_article_tags",
    "content_article_places",
    "content_article_sections",
    "content_articleauthor",
    "content_listingentry",
    "content_listingsize",
    "content_correction",
)

PAGES = {
    "home": "/",
    "Russian home": "/ru/",
    "section": "/section/politics/",
    "section page 2": "/section/politics/?page=2",
    "tag": "/tag/water/",
    "place": "/place/osh/",
    "author": "/author/aida/",
    "year archive": "/2025/",
    "month archive": "/2025/05/",
    "day archive": "/2025/05/01/",
    "corrections": "/corrections/",
    "markets": "/markets/",
}


@pytest.fixture
def site():
    """A small archive with every page type, an article at /2025/05/01/story-0/."""
    section = SectionFactory(name="Politics", slug="politics")
    tag = TagFactory(name="water", slug="water")
    place = PlaceFactory(name="Osh", slug="osh")
    author = AuthorFactory(name="Aida", slug="aida")
    when = timezone.make_aware(dt.datetime(2025, 5, 1, 9))
    articles = [
        ArticleFactory(
            slug=f"story-{n}",
            section=section,
            tags=[tag],
            places=[place],
            authors=[author],
            published_at=when - timedelta(minutes=n),
        )
        for n in range(25)
    ]
    CorrectionFactory(article=articles[0])
    for back in range(3):
        RateObservation.objects.create(
            currency="USD",
            quote="KZT",
            rate=Decimal("478.77"),
            nominal=1,
            rate_date=timezone.localdate() - timedelta(days=back),
            source="nbk",
            fetched_at=timezone.now(),
        )
    return articles


def plans(client, url: str) -> list[tuple[str, str]]:
    """Return each SELECT of a cold request for ``url`` with its query plan."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    explained = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        try:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                if connection.vendor == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
                else:
                    cursor.execute("EXPLAIN " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                explained.append((sql, plan))
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_seqscan")
    return explained


def archive_scans(plan: str) -> list[str]:
    """Return the lines of ``plan`` that read a whole archive table."""
    if connection.vendor == "sqlite":
        # "SCAN t" reads every row; "SCAN t USING (COVERING) INDEX i" walks all of an index.
        pattern = r"^\s*SCAN ({})\b".format("|".join(ARCHIVE_TABLES))
    else:
        pattern = r"(Seq Scan|Parallel Seq Scan) on ({})\b".format("|".join(ARCHIVE_TABLES))
    return [line for line in plan.splitlines() if re.search(pattern, line.strip())]


class QueryPlanTests:
    @pytest.mark.parametrize("page", PAGES)
    def test_no_reader_page_reads_a_whole_archive_table(self, client, site, page):
        for sql, plan in plans(client, PAGES[page]):
            assert not archive_scans(plan), f"{page}: {sql}\n{plan}"

    def test_the_article_page_reads_no_whole_archive_table(self, client, site):
        for sql, plan in plans(client, site[0].get_absolute_url()):
            assert not archive_scans(plan), f"{sql}\n{plan}"

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
    def test_with_statistics_an_editions_home_walks_the_editions_own_index(self, client, site):
        """After ANALYZE of a big archive in one edition, /ru/ does not walk the time index.

        That index orders by time and key alone, so ordering the newest articles by the bare
        key made SQLite walk it across every edition (811 ms at 100,000 articles).
        """
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # What ANALYZE wrote for the harness corpus's 100,000 articles, all in English.
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'content_article'")
            cursor.executemany(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('content_article', %s, %s)",
                [
                    ("article_lang_published_shown", "100000 100000 1 1 1"),
                    ("article_section_lang_published", "100000 8334 8334 1"),
                    ("article_sitemap_months", "100000 100000 1 1 1"),
                    ("content_article_section_id_d4b9d947", "100000 8334"),
                    ("content_article_published_at_ab2ac7cb", "100000 1"),
                    ("sqlite_autoindex_content_article_1", "100000 1"),
                ],
            )
            cursor.execute("ANALYZE sqlite_schema")
        newest = [
            plan
            for sql, plan in plans(client, "/ru/")
            if sql.startswith('SELECT "content_article"."id" AS "pk" FROM "content_article"')
        ]
        # An edition's range of an index that starts with the language, never the time alone.
        assert newest and all("(language=? AND" in plan for plan in newest), newest
