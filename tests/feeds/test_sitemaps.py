# ruff: noqa: RUF001, RUF002, RUF003
"""Sitemaps: the index, article sitemaps by edition and month, listings, the news sitemap.

Every file is validated against the sitemaps.org schemas (``shared/fixtures/schemas``);
the elements of other namespaces (``xhtml:link``, ``news:news``) are checked by their own
rules first and then removed, as that folder's README describes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from dastan.content import services
from dastan.content.models import Article
from dastan.feeds.sitemap_selectors import (
    article_file_limit,
    month_bounds,
    month_table_sql,
)
from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, SectionFactory, TagFactory

BASE = "https://news.example.org"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "xhtml": XHTML, "news": NEWS}
ROOT = Path(__file__).resolve().parents[2]
# The shared folder sits beside the checkout (CI's clone, /work/main); worktrees are deeper.
SCHEMA_DIRS = [
    ROOT.parent / "shared" / "fixtures" / "schemas",
    Path("/work/shared/fixtures/schemas"),
]
# W3C Datetime with seconds and a zone (what Dastan writes).
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("site_address"),
]


@pytest.fixture
def site_address(settings):
    settings.DASTAN_SITE = {**getattr(settings, "DASTAN_SITE", {}), "BASE_URL": BASE}


def _schema(name: str) -> etree.XMLSchema:
    for folder in SCHEMA_DIRS:
        if (folder / name).is_file():
            return etree.XMLSchema(etree.parse(str(folder / name)))
    raise AssertionError(f"{name} is missing: looked in {[str(d) for d in SCHEMA_DIRS]}")


def fetch(client, url: str, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def at(year, month, day, hour=12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def check_alternates(url: etree._Element) -> list[tuple[str, str]]:
    """Check ``xhtml:link`` by Google's rules (rel alternate, hreflang, absolute href)."""
    found = []
    for link in url.findall("xhtml:link", NS):
        assert link.get("rel") == "alternate"
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?|x-default", link.get("hreflang"))
        assert link.get("href").startswith(BASE + "/")
        assert len(link) == 0 and not (link.text or "").strip()
        found.append((link.get("hreflang"), link.get("href")))
    return found


def check_news(url: etree._Element, now: dt.datetime) -> dict:
    """Check one ``<url>`` of a news sitemap by Google's rules; return its values."""
    news = url.findall("news:news", NS)
    assert len(news) == 1
    publication = news[0].find("news:publication", NS)
    name = publication.findtext("news:name", namespaces=NS)
    language = publication.findtext("news:language", namespaces=NS)
    published = news[0].findtext("news:publication_date", namespaces=NS)
    title = news[0].findtext("news:title", namespaces=NS)
    assert name and language and published and title is not None
    assert re.fullmatch(r"[a-z]{2,3}|zh-cn|zh-tw", language), language
    assert W3C.match(published), published
    when = dt.datetime.fromisoformat(published)
    assert now - dt.timedelta(days=2, seconds=1) <= when <= now
    return {"name": name, "language": language, "published": when, "title": title}


def valid_urlset(
    body: bytes, *, news_now: dt.datetime | None = None, allow_empty: bool = False
) -> tuple[list, list]:
    """Validate a ``<urlset>``; return its ``<url>`` values and the news values found.

    The schema wants at least one ``<url>``; ``allow_empty`` accepts a bare ``<urlset>``
    (a news sitemap on a day without news, a file whose every slug has no address).
    """
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    doc = etree.fromstring(body)
    assert doc.tag == f"{{{SM}}}urlset"
    rows, news = [], []
    for url in doc.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc.startswith(BASE + "/") and len(loc) < 2048
        lastmod = url.findtext("sm:lastmod", namespaces=NS)
        assert lastmod is None or W3C.match(lastmod)
        alternates = check_alternates(url)
        if news_now is not None:
            news.append({"loc": loc, **check_news(url, news_now)})
        for extra in url.findall("xhtml:link", NS) + url.findall("news:news", NS):
            url.remove(extra)
        rows.append((loc, lastmod, alternates))
    if allow_empty and len(doc) == 0:
        return rows, news
    schema = _schema("sitemap.xsd")
    assert schema.validate(doc), schema.error_log
    return rows, news


def valid_index(body: bytes) -> list[tuple[str, str | None]]:
    doc = etree.fromstring(body)
    schema = _schema("siteindex.xsd")
    assert schema.validate(doc), schema.error_log
    entries = [
        (s.findtext("sm:loc", namespaces=NS), s.findtext("sm:lastmod", namespaces=NS))
        for s in doc.findall("sm:sitemap", NS)
    ]
    assert all(loc.startswith(BASE + "/sitemaps/") for loc, _ in entries)
    return entries


def index_entries(client) -> dict[str, str | None]:
    response, body = fetch(client, "/sitemap.xml")
    assert response.status_code == 200
    return {loc.removeprefix(BASE): lastmod for loc, lastmod in valid_index(body)}


def locs(client, path: str) -> list[str]:
    response, body = fetch(client, path)
    assert response.status_code == 200, path
    return [loc.removeprefix(BASE) for loc, _, _ in valid_urlset(body)[0]]


def w3c(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat()


class SitemapIndexTests:
    def test_index_names_every_edition_and_month_and_each_file_validates(self, client):
        """Articles by edition and month, listings, pages: every file is schema-valid."""
        tag, place, author = TagFactory(), PlaceFactory(), AuthorFactory()
        ArticleFactory(published_at=at(2025, 3, 5), tags=[tag], places=[place], authors=[author])
        ArticleFactory(published_at=at(2025, 4, 2))
        ArticleFactory(published_at=at(2025, 4, 9), language="ru", slug="новости-дня")
        entries = index_entries(client)
        for path in (
            "/sitemaps/en/pages.xml",
            "/sitemaps/en/sections.xml",
            "/sitemaps/en/tags.xml",
            "/sitemaps/en/places.xml",
            "/sitemaps/en/authors.xml",
            "/sitemaps/en/articles-2025-03.xml",
            "/sitemaps/en/articles-2025-04.xml",
            "/sitemaps/ru/pages.xml",
            "/sitemaps/ru/sections.xml",
            "/sitemaps/ru/articles-2025-04.xml",
        ):
            assert path in entries, path
        # The Russian article has no tag, place or author of its own edition's listings.
        assert "/sitemaps/ru/articles-2025-03.xml" not in entries
        assert "/sitemaps/ru/tags.xml" not in entries
        for path in entries:
            assert locs(client, path), path
        assert locs(client, "/sitemaps/ru/articles-2025-04.xml") == [
            "/ru/2025/04/09/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8-%D0%B4%D0%BD%D1%8F/"
        ]

    def test_file_lastmod_is_the_newest_article_change_in_it(self, client):
        """A month's lastmod is its newest publication or marked revision, not a mere save."""
        ArticleFactory(published_at=at(2025, 4, 2))
        revised = ArticleFactory(published_at=at(2025, 4, 3), revised_at=at(2025, 4, 20))
        ArticleFactory(published_at=at(2025, 4, 10))
        ArticleFactory(published_at=at(2025, 3, 10))
        entries = index_entries(client)
        assert entries["/sitemaps/en/articles-2025-04.xml"] == w3c(at(2025, 4, 20))
        assert entries["/sitemaps/en/articles-2025-03.xml"] == w3c(at(2025, 3, 10))
        _, body = fetch(client, "/sitemaps/en/articles-2025-04.xml")
        rows = {loc.removeprefix(BASE): lastmod for loc, lastmod, _ in valid_urlset(body)[0]}
        assert rows[revised.get_absolute_url()] == w3c(at(2025, 4, 20))
        # A save (a typo fix) moves updated_at only: the sitemap does not claim a change.
        Article.objects.filter(pk=revised.pk).update(updated_at=at(2025, 6, 1))
        assert index_entries(client)["/sitemaps/en/articles-2025-04.xml"] == w3c(at(2025, 4, 20))

    def test_only_public_articles_count(self, client):
        ArticleFactory(published_at=at(2025, 4, 2))
        ArticleFactory(published_at=at(2025, 5, 2), status=Article.Status.DRAFT)
        ArticleFactory(published_at=at(2025, 6, 2), status=Article.Status.UNPUBLISHED)
        future = timezone.now() + dt.timedelta(days=3)
        ArticleFactory(published_at=future, status=Article.Status.SCHEDULED)
        months = [p for p in index_entries(client) if "/articles-" in p]
        assert months == ["/sitemaps/en/articles-2025-04.xml"]
        assert fetch(client, "/sitemaps/en/articles-2025-05.xml")[0].status_code == 404

    def test_months_follow_the_site_time_zone(self, client):
        """20:00 UTC on 30 April is 1 May in Almaty: the May file, as its address says."""
        article = ArticleFactory(published_at=dt.datetime(2025, 4, 30, 20, tzinfo=dt.UTC))
        assert article.get_absolute_url().startswith("/2025/05/01/")
        assert "/sitemaps/en/articles-2025-05.xml" in index_entries(client)
        assert locs(client, "/sitemaps/en/articles-2025-05.xml") == [article.get_absolute_url()]

    def test_articles_at_the_calendars_ends_still_give_an_index(self, client):
        """A raw edit can store the year 2: thousands of empty months, still one valid index."""
        old = ArticleFactory(published_at=at(2025, 4, 2))
        Article.objects.filter(pk=old.pk).update(published_at=at(2, 3, 1))
        ArticleFactory(published_at=at(2025, 4, 2))
        entries = index_entries(client)
        assert "/sitemaps/en/articles-0002-03.xml" in entries
        assert "/sitemaps/en/articles-2025-04.xml" in entries
        assert len(locs(client, "/sitemaps/en/articles-0002-03.xml")) == 1

    def test_index_queries_do_not_grow_with_the_articles(self, client):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/sitemap.xml").status_code == 200
            return len(queries)

        for day in (1, 2):
            ArticleFactory(published_at=at(2025, 3, day), tags=[TagFactory()])
            ArticleFactory(published_at=at(2025, 4, day), language="ru")
        few = count()
        for day in range(3, 28):
            ArticleFactory(published_at=at(2025, 3, day), tags=[TagFactory()])
            ArticleFactory(published_at=at(2025, 4, day), language="ru")
        assert count() == few

    def test_the_index_is_kept_until_the_content_changes(self, client):
        ArticleFactory(published_at=at(2025, 4, 2))
        client.get("/sitemap.xml")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sitemap.xml").status_code == 200
        assert not [q["sql"] for q in queries if "content_article" in q["sql"]]
        services.article_publish(ArticleFactory(status=Article.Status.DRAFT, published_at=None))
        month = timezone.localtime(timezone.now()).strftime("%Y-%m")
        assert f"/sitemaps/en/articles-{month}.xml" in index_entries(client)

    def test_the_month_aggregate_reads_only_the_sitemap_index(self):
        """The query plan: one index range per month, never the article rows."""
        months = [(2025, 3), (2025, 4)]
        sql, params = month_table_sql("en", timezone.now(), months)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "COVERING INDEX article_sitemap_months" in plan, plan
            else:
                # An empty test table is cheapest to scan; forbid that to see an index is usable.
                # On an empty table the planner may take either index that starts with
                # (language, published_at); both give one range per edition, not a scan.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "Seq Scan on content_article" not in plan, plan
                assert re.search(
                    r"Index (Only )?Scan using article_(sitemap_months|lang_published_shown)", plan
                ), plan

    def test_sitemaps_answer_get_and_head_only_with_xml(self, client):
        ArticleFactory(published_at=at(2025, 4, 2))
        for path in ("/sitemap.xml", "/sitemaps/en/articles-2025-04.xml", "/news-sitemap.xml"):
            response = client.get(path)
            assert response["Content-Type"] == "application/xml; charset=utf-8"
            head = client.head(path)
            assert head.status_code == 200 and head.content == b""
            assert client.post(path).status_code == 405


class ArticleSitemapTests:
    def test_a_month_past_the_url_limit_is_split_into_numbered_parts(self, client, settings):
        settings.DASTAN_SITEMAPS = {"URL_LIMIT": 2}
        made = [ArticleFactory(published_at=at(2025, 4, day)) for day in (9, 1, 5, 3, 7)]
        made.sort(key=lambda a: a.published_at)
        Article.objects.filter(pk=made[2].pk).update(revised_at=at(2025, 5, 20))
        entries = index_entries(client)
        parts = [p for p in entries if "/articles-2025-04" in p]
        assert parts == [
            "/sitemaps/en/articles-2025-04.xml",
            "/sitemaps/en/articles-2025-04-2.xml",
            "/sitemaps/en/articles-2025-04-3.xml",
        ]
        assert [entries[p] for p in parts] == [
            w3c(at(2025, 4, 3)),
            w3c(at(2025, 5, 20)),
            w3c(at(2025, 4, 9)),
        ]
        seen = [locs(client, p) for p in parts]
        assert [len(s) for s in seen] == [2, 2, 1]
        assert [loc for part in seen for loc in part] == [a.get_absolute_url() for a in made]
        for missing in ("-4", "-1", "-02"):
            assert client.get(f"/sitemaps/en/articles-2025-04{missing}.xml").status_code == 404

    def test_the_default_limit_is_the_protocols(self):
        assert article_file_limit() <= 50_000

    def test_no_file_passes_the_byte_limit_even_with_the_longest_addresses(self, client, settings):
        settings.DASTAN_SITEMAPS = {"MAX_BYTES": 30_000}
        limit = article_file_limit()
        assert 1 <= limit < 10
        for n in range(limit * 2 + 1):
            en = ArticleFactory(published_at=at(2025, 4, 1 + n), slug=("ж" * 195) + f"{n:03d}")
            ru = ArticleFactory(
                published_at=at(2025, 4, 1 + n), slug=("я" * 195) + f"{n:03d}", language="ru"
            )
            services.translations_link([en, ru])
        entries = index_entries(client)
        parts = [p for p in entries if "/sitemaps/en/articles-" in p]
        assert len(parts) == 3
        for path in parts:
            response, body = fetch(client, path)
            assert 0 < len(body) <= 30_000
            valid_urlset(body)

    def test_addresses_are_the_articles_own(self, client):
        """The fast address builder agrees with ``get_absolute_url`` (Cyrillic, edges of a day)."""
        made = [
            ArticleFactory(published_at=dt.datetime(2025, 4, 3, 18, 59, tzinfo=dt.UTC)),
            ArticleFactory(published_at=dt.datetime(2025, 4, 3, 19, 0, tzinfo=dt.UTC)),
            ArticleFactory(published_at=at(2025, 4, 5), slug="Қазақ_тілі-2"),
        ]
        assert sorted(locs(client, "/sitemaps/en/articles-2025-04.xml")) == sorted(
            a.get_absolute_url() for a in made
        )

    def test_a_slug_without_an_address_is_left_out(self, client):
        kept = ArticleFactory(published_at=at(2025, 4, 2))
        odd = ArticleFactory(published_at=at(2025, 4, 3))
        Article.objects.filter(pk=odd.pk).update(slug="jl?x=1&y=<b>")
        assert locs(client, "/sitemaps/en/articles-2025-04.xml") == [kept.get_absolute_url()]

    def test_translations_carry_hreflang_alternates(self, client):
        en = ArticleFactory(published_at=at(2025, 4, 2), slug="water-deal")
        ru = ArticleFactory(published_at=at(2025, 4, 2), slug="vodnaya-sdelka", language="ru")
        alone = ArticleFactory(published_at=at(2025, 4, 3))
        services.translations_link([en, ru])
        _, body = fetch(client, "/sitemaps/en/articles-2025-04.xml")
        rows = {loc.removeprefix(BASE): alts for loc, _, alts in valid_urlset(body)[0]}
        pair = [
            ("en", BASE + en.get_absolute_url()),
            ("ru", BASE + ru.get_absolute_url()),
            ("x-default", BASE + en.get_absolute_url()),
        ]
        assert rows[en.get_absolute_url()] == pair
        assert rows[alone.get_absolute_url()] == []
        _, body = fetch(client, "/sitemaps/ru/articles-2025-04.xml")
        assert valid_urlset(body)[0][0][2] == pair
        services.article_unpublish(ru)
        _, body = fetch(client, "/sitemaps/en/articles-2025-04.xml")
        rows = {loc.removeprefix(BASE): alts for loc, _, alts in valid_urlset(body)[0]}
        assert rows[en.get_absolute_url()] == []

    def test_unknown_edition_or_empty_month_is_404(self, client):
        ArticleFactory(published_at=at(2025, 4, 2))
        for path in (
            "/sitemaps/kk/articles-2025-04.xml",
            "/sitemaps/en/articles-2025-13.xml",
            "/sitemaps/en/articles-1999-04.xml",
            "/sitemaps/en/articles-0000-04.xml",
            "/sitemaps/kk/tags.xml",
            "/sitemaps/en/pages-2.xml",
        ):
            assert client.get(path).status_code == 404, path

    def test_an_article_sitemap_streams(self, client):
        ArticleFactory(published_at=at(2025, 4, 2))
        assert client.get("/sitemaps/en/articles-2025-04.xml").streaming

    def test_an_old_month_does_not_change_when_news_is_published(self, client):
        ArticleFactory(published_at=at(2025, 3, 2))
        before, body = fetch(client, "/sitemaps/en/articles-2025-03.xml")
        services.article_publish(ArticleFactory(status=Article.Status.DRAFT, published_at=None))
        after, again = fetch(client, "/sitemaps/en/articles-2025-03.xml")
        assert again == body and after["ETag"] == before["ETag"]
        assert after["Last-Modified"] == before["Last-Modified"]


class ConditionalGetTests:
    def test_article_sitemap_answers_304_until_it_changes(self, client):
        article = ArticleFactory(published_at=at(2025, 4, 2))
        first, _ = fetch(client, "/sitemaps/en/articles-2025-04.xml")
        etag, modified = first["ETag"], first["Last-Modified"]
        path = "/sitemaps/en/articles-2025-04.xml"
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304
        assert client.get(path, headers={"if-modified-since": modified}).status_code == 304
        services.article_mark_revised(article, note="New figures")
        changed = client.get(path, headers={"if-none-match": etag})
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_a_slug_change_is_a_change(self, client):
        """Not a real update (no new lastmod), but the address in the file moved."""
        article = ArticleFactory(published_at=at(2025, 4, 2))
        etag = client.get("/sitemaps/en/articles-2025-04.xml")["ETag"]
        article.slug = "a-better-slug"
        services.article_save(article)
        response, body = fetch(
            client, "/sitemaps/en/articles-2025-04.xml", headers={"if-none-match": etag}
        )
        assert response.status_code == 200 and b"a-better-slug" in body

    def test_a_translation_appearing_is_a_change(self, client):
        en = ArticleFactory(published_at=at(2025, 4, 2))
        ru = ArticleFactory(published_at=at(2025, 4, 2), language="ru", slug="perevod")
        etag = client.get("/sitemaps/en/articles-2025-04.xml")["ETag"]
        services.translations_link([en, ru])
        response = client.get("/sitemaps/en/articles-2025-04.xml", headers={"if-none-match": etag})
        assert response.status_code == 200

    @pytest.mark.parametrize("path", ["/sitemap.xml", "/news-sitemap.xml", "/sitemaps/en/tags.xml"])
    def test_built_files_answer_304_to_their_etag(self, client, path):
        ArticleFactory(tags=[TagFactory()])
        etag = client.get(path)["ETag"]
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304
        # A new month (the index), a new article of the day (news), a new tag (tags).
        ArticleFactory(tags=[TagFactory()], published_at=at(2025, 4, 2))
        ArticleFactory(tags=[TagFactory()], published_at=timezone.now() - dt.timedelta(minutes=5))
        assert client.get(path, headers={"if-none-match": etag}).status_code == 200


class ListingSitemapTests:
    def test_listings_with_articles_in_the_edition_only(self, client):
        economy, sport = SectionFactory(name="Economy"), SectionFactory(name="Sport")
        extra = SectionFactory(name="Extra")
        used, unused, ru_tag = TagFactory(), TagFactory(), TagFactory()
        country = PlaceFactory(name="Kazakhstan", kind="country")
        city = PlaceFactory(name="Almaty", country=country)
        writer, ru_writer = AuthorFactory(), AuthorFactory()
        article = ArticleFactory(section=economy, tags=[used], places=[city], authors=[writer])
        article.sections.add(extra)
        ArticleFactory(section=sport, status=Article.Status.DRAFT, tags=[unused])
        ArticleFactory(section=sport, is_listed=False, tags=[unused])
        ArticleFactory(
            section=sport, language="ru", tags=[ru_tag], authors=[ru_writer], slug="statya"
        )
        assert set(locs(client, "/sitemaps/en/sections.xml")) == {
            economy.get_absolute_url(),
            extra.get_absolute_url(),
        }
        assert locs(client, "/sitemaps/en/tags.xml") == [used.get_absolute_url()]
        assert set(locs(client, "/sitemaps/en/places.xml")) == {
            city.get_absolute_url(),
            country.get_absolute_url(),
        }
        assert locs(client, "/sitemaps/en/authors.xml") == [writer.get_absolute_url()]
        assert locs(client, "/sitemaps/ru/sections.xml") == [f"/ru/section/{sport.slug}/"]
        assert locs(client, "/sitemaps/ru/tags.xml") == [f"/ru/tag/{ru_tag.slug}/"]
        assert locs(client, "/sitemaps/en/pages.xml") == ["/"]
        assert locs(client, "/sitemaps/ru/pages.xml") == ["/ru/"]
        assert "/sitemaps/ru/places.xml" not in index_entries(client)

    def test_many_tags_are_split_by_the_url_limit(self, client, settings):
        settings.DASTAN_SITEMAPS = {"URL_LIMIT": 2}
        tags = [TagFactory() for _ in range(5)]
        ArticleFactory(tags=tags)
        entries = index_entries(client)
        parts = [p for p in entries if "/sitemaps/en/tags" in p]
        assert parts == [
            "/sitemaps/en/tags.xml",
            "/sitemaps/en/tags-2.xml",
            "/sitemaps/en/tags-3.xml",
        ]
        found = [loc for part in parts for loc in locs(client, part)]
        assert found == [t.get_absolute_url() for t in tags]


class NewsSitemapTests:
    def test_last_two_days_newest_first_in_each_articles_language(self, client):
        now = timezone.now()
        old = ArticleFactory(published_at=now - dt.timedelta(days=2, minutes=1))
        en = ArticleFactory(published_at=now - dt.timedelta(hours=3), title="Water & power <deal>")
        ru = ArticleFactory(
            published_at=now - dt.timedelta(hours=1),
            language="ru",
            title="Сделка по воде",
            slug="sdelka",
        )
        ArticleFactory(published_at=now - dt.timedelta(hours=2), is_listed=False)
        ArticleFactory(published_at=now - dt.timedelta(hours=2), status=Article.Status.DRAFT)
        ArticleFactory(published_at=now + dt.timedelta(hours=1), status=Article.Status.SCHEDULED)
        response, body = fetch(client, "/news-sitemap.xml")
        _, news = valid_urlset(body, news_now=timezone.now())
        assert [n["loc"] for n in news] == [
            BASE + ru.get_absolute_url(),
            BASE + en.get_absolute_url(),
        ]
        assert [(n["language"], n["title"], n["name"]) for n in news] == [
            ("ru", "Сделка по воде", "Dastan"),
            ("en", "Water & power <deal>", "Dastan"),
        ]
        assert news[0]["published"] == ru.published_at.replace(microsecond=0)
        assert BASE + old.get_absolute_url() not in body.decode()

    def test_a_day_without_news_is_an_empty_sitemap(self, client):
        ArticleFactory(published_at=timezone.now() - dt.timedelta(days=3))
        response, body = fetch(client, "/news-sitemap.xml")
        assert response.status_code == 200
        assert valid_urlset(body, news_now=timezone.now(), allow_empty=True) == ([], [])

    def test_at_most_a_thousand(self, client):
        now = timezone.now()
        section = SectionFactory()
        Article.objects.bulk_create(
            Article(
                title=f"Story {n}",
                slug=f"story-{n}",
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(minutes=n + 1),
                section=section,
            )
            for n in range(1001)
        )
        _, body = fetch(client, "/news-sitemap.xml")
        _, news = valid_urlset(body, news_now=timezone.now())
        assert len(news) == 1000
        assert news[0]["title"] == "Story 0" and news[-1]["title"] == "Story 999"

    @hypothesis_settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(title=st.text(min_size=1, max_size=120))
    def test_any_stored_title_gives_a_valid_news_sitemap(self, client, title):
        """Control characters, markup, lone ampersands: the file stays XML and valid."""
        if connection.vendor == "postgresql":
            title = title.replace("\x00", "")
        article = Article.objects.filter(slug="hostile").first() or ArticleFactory(slug="hostile")
        Article.objects.filter(pk=article.pk).update(title=title)
        response, body = fetch(client, "/news-sitemap.xml")
        assert response.status_code == 200
        valid_urlset(body, news_now=timezone.now())


class FreshnessTests:
    def test_publish_edit_unpublish_change_the_sitemaps_at_once(self, client):
        draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        assert not [p for p in index_entries(client) if "/articles-" in p]
        services.article_publish(draft)
        month = timezone.localtime(draft.published_at).strftime("%Y-%m")
        path = f"/sitemaps/en/articles-{month}.xml"
        assert index_entries(client)[path] == w3c(draft.published_at)
        assert locs(client, path) == [draft.get_absolute_url()]
        assert BASE + draft.get_absolute_url() in fetch(client, "/news-sitemap.xml")[1].decode()
        with mock.patch(
            "django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(minutes=5)
        ):
            services.article_mark_revised(draft, note="Casualty figures updated")
            assert index_entries(client)[path] == w3c(draft.revised_at)
        services.article_unpublish(draft)
        assert path not in index_entries(client)
        assert client.get(path).status_code == 404
        assert draft.slug not in fetch(client, "/news-sitemap.xml")[1].decode()

    def test_a_scheduled_article_appears_at_its_time(self, client):
        when = timezone.now() + dt.timedelta(minutes=10)
        article = ArticleFactory(status=Article.Status.SCHEDULED, published_at=when)
        month = timezone.localtime(when).strftime("%Y-%m")
        path = f"/sitemaps/en/articles-{month}.xml"
        assert path not in index_entries(client)
        etag = client.get("/news-sitemap.xml")["ETag"]
        with mock.patch("django.utils.timezone.now", return_value=when + dt.timedelta(seconds=1)):
            assert path in index_entries(client)
            assert locs(client, path) == [article.get_absolute_url()]
            news = client.get("/news-sitemap.xml", headers={"if-none-match": etag})
            assert news.status_code == 200
            assert article.slug in news.content.decode()


def test_whatever_is_stored_every_sitemap_answers_and_parses(client):
    """Odd slugs, dates at the calendar's ends, a language no edition has, hostile names."""
    section = SectionFactory()
    tag = TagFactory()
    odd_tag = TagFactory(name="odd")
    Article.objects.bulk_create(
        Article(
            title=title,
            slug=slug,
            status=Article.Status.PUBLISHED,
            published_at=when,
            revised_at=revised,
            language=language,
            section=section,
        )
        for title, slug, when, revised, language in [
            ("ok", "ok", at(2025, 4, 2), None, "en"),
            ("\x01\x0b<&>\ufffe", "ctrl\x01x", at(2025, 4, 3), at(9999, 12, 30), "en"),
            ("year one", "year-one", dt.datetime(1, 1, 2, tzinfo=dt.UTC), None, "ru"),
            ("kk", "kazakh", at(2025, 4, 4), None, "kk"),
            ("dots", "..", timezone.now() - dt.timedelta(hours=1), None, "en"),
        ]
    )
    Article.tags.through.objects.create(article=Article.objects.get(slug="ok"), tag=tag)
    Article.tags.through.objects.create(article=Article.objects.get(slug="ok"), tag=odd_tag)
    from dastan.content.models import Tag

    Tag.objects.filter(pk=odd_tag.pk).update(slug="a b?c")
    for path in [*index_entries(client), "/news-sitemap.xml"]:
        response, body = fetch(client, path)
        assert response.status_code == 200, path
        news_now = timezone.now() if "news" in path else None
        # The month of the ".." article (no address) and the news sitemap hold nothing else.
        valid_urlset(body, news_now=news_now, allow_empty=True)
    assert locs(client, "/sitemaps/en/articles-2025-04.xml") == ["/2025/04/02/ok/"]
    assert locs(client, "/sitemaps/en/tags.xml") == [tag.get_absolute_url()]


def test_month_bounds_cover_the_calendars_ends():
    assert month_bounds(1, 1)[0] == dt.datetime.min.replace(tzinfo=dt.UTC)
    assert month_bounds(9999, 12)[1] == dt.datetime.max.replace(tzinfo=dt.UTC)
