# ruff: noqa: RUF001 - Russian titles are what the edition tests are about
"""Every feed read as readers and validators do: feedparser, then the XML rules themselves."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from dastan.content.models import Article
from dastan.feeds.generators import xml_text
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
    library_image,
)
from tests.feeds.conftest import BASE, fetch, xml_of

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
# RFC 822 as RSS 2.0 uses it (with four-digit years, as the RSS Advisory Board recommends).
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTENT_TYPES = {
    "feed/": "application/rss+xml; charset=utf-8",
    "feed/atom/": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}


@pytest.fixture
def story():
    """A full article: two authors, a section, a tag, a place, an image, relative links."""
    section = SectionFactory(name="Economy", slug="economy", names={"ru": "Экономика"})
    item = ArticleFactory(
        title="Steppe rail link opens",
        slug="rail-link",
        section=section,
        tags=[TagFactory(name="Rail", slug="rail")],
        places=[PlaceFactory(name="Almaty", slug="almaty")],
        authors=[AuthorFactory(name="Aigerim", slug="aigerim"), AuthorFactory(name="Timur")],
        featured_image_url="https://cdn.example.org/rail.png",
        body='<p>Trains <a href="/tag/rail/">run</a> daily.<img src="/media/map.jpg" alt="map">'
        "<script>alert(1)</script></p>",
    )
    return item


def read_feed(content: bytes) -> tuple[list[str], str]:
    """Return a feed's item titles and home address: feedparser for XML, json for JSON Feed.

    feedparser 6.0 reads no JSON Feed (its JSON support is unreleased).
    """
    if content.lstrip().startswith(b"{"):
        data = json.loads(content.decode("utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert all(isinstance(item["id"], str) for item in data["items"])
        return [item["title"] for item in data["items"]], data["home_page_url"]
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [e.title for e in parsed.entries], parsed.feed.link


def rss_items(doc):
    return doc.findall("channel/item")


class RssTests:
    def test_parses_without_errors_and_names_the_channel(self, client, story):
        response = fetch(client, "/feed/")
        assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "rss20"
        assert parsed.entries[0].title == "Steppe rail link opens"

    def test_required_elements_dates_and_absolute_addresses(self, client, story):
        doc = xml_of(fetch(client, "/feed/"))
        assert doc.tag == "rss" and doc.get("version") == "2.0"
        channel = doc.find("channel")
        for name in ("title", "link", "description"):
            assert (channel.findtext(name) or "").strip(), name
        assert channel.findtext("link") == BASE + "/"
        assert RFC822.match(channel.findtext("lastBuildDate"))
        self_link = channel.find("atom:link[@rel='self']", NS)
        assert self_link.get("href") == BASE + "/feed/"
        (item,) = rss_items(doc)
        assert item.findtext("title") == "Steppe rail link opens"
        assert item.findtext("link") == BASE + story.get_absolute_url()
        pub = item.findtext("pubDate")
        assert RFC822.match(pub)
        assert email.utils.parsedate_to_datetime(pub) == story.published_at.replace(microsecond=0)
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        assert guid.text == f"tag:news.example.org,2026:article:{story.pk}"
        assert [c.text for c in item.findall("dc:creator", NS)] == ["Aigerim", "Timur"]
        assert [c.text for c in item.findall("category")] == ["Economy", "Rail"]
        # No address anywhere comes from the request's Host header.
        assert b"evil.example.com" not in fetch(client, "/feed/").content

    def test_image_is_an_enclosure_and_media_content(self, client, story):
        (item,) = rss_items(xml_of(fetch(client, "/feed/")))
        (enclosure,) = item.findall("enclosure")
        assert enclosure.attrib == {
            "url": "https://cdn.example.org/rail.png",
            "length": "0",
            "type": "image/png",
        }
        media = item.find("media:content", NS)
        assert media.get("url") == "https://cdn.example.org/rail.png"
        assert media.get("medium") == "image"

    def test_uploaded_image_has_its_length(self, client, settings, tmp_path):
        from django.core.files.base import ContentFile

        from dastan.media.services import image_create
        from tests.factories import image_bytes

        settings.MEDIA_ROOT = tmp_path
        data = image_bytes()
        ArticleFactory(featured_image=image_create(file=ContentFile(data), alt_text="A"))
        (item_el,) = rss_items(xml_of(fetch(client, "/feed/")))
        enclosure = item_el.find("enclosure")
        assert enclosure.get("length") == str(len(data))
        assert enclosure.get("type") == "image/jpeg"
        assert enclosure.get("url").startswith(BASE + "/")

    def test_enclosure_lengths_ask_the_storage_nothing(self, client, settings, tmp_path):
        """An object store would answer each size with a request: the library keeps them."""
        from unittest import mock

        from django.core.files.base import ContentFile
        from django.core.files.storage import storages

        from dastan.media.services import image_create
        from tests.factories import image_bytes

        settings.MEDIA_ROOT = tmp_path
        for number in range(3):
            data = image_bytes(size=(40 + number, 30))
            ArticleFactory(featured_image=image_create(file=ContentFile(data), alt_text="A"))
        with mock.patch.object(type(storages["default"]), "size", side_effect=OSError) as asked:
            items = rss_items(xml_of(fetch(client, "/feed/")))
        assert asked.call_count == 0
        assert all(int(item.find("enclosure").get("length")) > 0 for item in items)

    def test_body_is_sanitised_with_absolute_links(self, client, story):
        (item,) = rss_items(xml_of(fetch(client, "/feed/")))
        body = item.findtext("content:encoded", namespaces=NS)
        assert f'href="{BASE}/tag/rail/"' in body
        assert f'src="{BASE}/media/map.jpg"' in body
        assert "<script" not in body
        assert item.findtext("description") == story.teaser

    def test_library_image_in_the_body_is_an_absolute_img(self, client):
        """A body's <picture> reaches feed readers as its <img>, every address absolute."""
        image = library_image((1600, 900), alt_text="Ferry")
        ArticleFactory(
            body=f'<figure class="wp-block-image"><img class="wp-library-image-{image.pk}"'
            ' src="/media/r/x/full-960.jpg" alt=""><figcaption>The ferry</figcaption></figure>'
        )
        (item,) = rss_items(xml_of(fetch(client, "/feed/")))
        body = item.findtext("content:encoded", namespaces=NS)
        assert "<picture" not in body and "<source" not in body
        assert f'src="{BASE}/media/r/{image.sha256}/full-960.jpg"' in body
        assert f'srcset="{BASE}/media/r/{image.sha256}/full-480.jpg 480w, ' in body
        assert 'alt="Ferry"' in body and "<figcaption>The ferry</figcaption>" in body

    def test_excerpt_setting_leaves_the_body_out(self, client, settings, story):
        settings.DASTAN_FEEDS = {"CONTENT": "excerpt"}
        (item,) = rss_items(xml_of(fetch(client, "/feed/")))
        assert item.find("content:encoded", NS) is None
        assert item.findtext("description") == story.teaser
        data = json.loads(fetch(client, "/feed.json").content)
        assert data["items"][0]["content_text"] == story.teaser
        assert "content_html" not in data["items"][0]

    def test_item_count_setting(self, client, settings):
        for _ in range(5):
            ArticleFactory()
        settings.DASTAN_FEEDS = {"ITEMS": 3}
        assert len(rss_items(xml_of(fetch(client, "/feed/")))) == 3


class AtomTests:
    def test_parses_and_has_the_required_elements(self, client, story):
        response = fetch(client, "/feed/atom/")
        assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        doc = xml_of(response)
        assert doc.tag == "{http://www.w3.org/2005/Atom}feed"
        for name in ("id", "title", "updated"):
            assert (doc.findtext(f"atom:{name}", namespaces=NS) or "").strip(), name
        assert RFC3339.match(doc.findtext("atom:updated", namespaces=NS))
        assert doc.findtext("atom:author/atom:name", namespaces=NS) == "Dastan"
        assert doc.find("atom:link[@rel='self']", NS).get("href") == BASE + "/feed/atom/"
        (entry,) = doc.findall("atom:entry", NS)
        assert entry.findtext("atom:id", namespaces=NS) == (
            f"tag:news.example.org,2026:article:{story.pk}"
        )
        assert entry.findtext("atom:title", namespaces=NS) == "Steppe rail link opens"
        for name in ("published", "updated"):
            assert RFC3339.match(entry.findtext(f"atom:{name}", namespaces=NS)), name
        assert entry.find("atom:link[@rel='alternate']", NS).get("href") == (
            BASE + story.get_absolute_url()
        )
        enclosure = entry.find("atom:link[@rel='enclosure']", NS)
        assert enclosure.get("href") == "https://cdn.example.org/rail.png"
        assert enclosure.get("type") == "image/png"
        names = [a.findtext("atom:name", namespaces=NS) for a in entry.findall("atom:author", NS)]
        assert names == ["Aigerim", "Timur"]
        uri = entry.findtext("atom:author/atom:uri", namespaces=NS)
        assert uri == BASE + "/author/aigerim/"
        assert entry.find("atom:content", NS).get("type") == "html"

    def test_updated_is_the_real_update_not_every_save(self, client, story):
        revised = story.published_at + dt.timedelta(minutes=30)
        Article.objects.filter(pk=story.pk).update(revised_at=revised)
        entry = feedparser.parse(fetch(client, "/feed/atom/").content).entries[0]
        assert entry.updated_parsed[:6] == revised.astimezone(dt.UTC).timetuple()[:6]
        assert entry.published_parsed[:6] == story.published_at.astimezone(dt.UTC).timetuple()[:6]
        # A save without a marked update (a typo fix) leaves "updated" alone.
        story.refresh_from_db()
        story.revised_at = None
        story.save()
        entry = feedparser.parse(fetch(client, "/feed/atom/").content).entries[0]
        assert entry.updated_parsed == entry.published_parsed


class JsonFeedTests:
    def test_required_keys_and_types(self, client, story):
        response = fetch(client, "/feed.json")
        assert response["Content-Type"] == "application/feed+json; charset=utf-8"
        data = json.loads(response.content.decode("utf-8"))
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        assert isinstance(data["title"], str) and data["title"]
        assert data["home_page_url"] == BASE + "/"
        assert data["feed_url"] == BASE + "/feed.json"
        (item,) = data["items"]
        assert isinstance(item["id"], str)
        assert item["id"] == f"tag:news.example.org,2026:article:{story.pk}"
        assert item["url"] == BASE + story.get_absolute_url()
        assert isinstance(item["content_html"], str)
        assert RFC3339.match(item["date_published"]) and RFC3339.match(item["date_modified"])
        assert item["image"] == "https://cdn.example.org/rail.png"
        assert [a["name"] for a in item["authors"]] == ["Aigerim", "Timur"]
        assert item["tags"] == ["Economy", "Rail"]


class ListingFeedTests:
    @pytest.mark.parametrize("ending", list(CONTENT_TYPES))
    @pytest.mark.parametrize(
        "listing", ["/section/economy/", "/tag/rail/", "/place/almaty/", "/author/aigerim/"]
    )
    def test_every_listing_has_every_format(self, client, story, listing, ending):
        ArticleFactory(title="Elsewhere")  # another section, tag, place and author
        response = fetch(client, listing + ending)
        assert response["Content-Type"] == CONTENT_TYPES[ending]
        titles, link = read_feed(response.content)
        assert titles == ["Steppe rail link opens"]
        assert link == BASE + listing

    def test_unknown_listing_is_a_404(self, client):
        assert client.get("/tag/nothing/feed/").status_code == 404
        assert client.get("/ru/section/nothing/feed.json").status_code == 404

    def test_russian_edition_has_its_own_feeds(self, client, story):
        russian = ArticleFactory(
            title="Новая железная дорога", slug="novaya", language="ru", section=story.section
        )
        doc = xml_of(fetch(client, "/ru/section/economy/feed/"))
        channel = doc.find("channel")
        assert channel.findtext("language") == "ru"
        assert channel.findtext("title") == "Dastan: Экономика"
        assert channel.findtext("link") == BASE + "/ru/section/economy/"
        assert [i.findtext("title") for i in rss_items(doc)] == ["Новая железная дорога"]
        assert rss_items(doc)[0].findtext("link") == BASE + russian.get_absolute_url()
        assert read_feed(fetch(client, "/ru/feed.json").content)[0] == ["Новая железная дорога"]
        english = feedparser.parse(fetch(client, "/feed/atom/").content)
        assert [e.title for e in english.entries] == ["Steppe rail link opens"]

    def test_ids_survive_a_new_title_and_slug(self, client, story):
        before = json.loads(fetch(client, "/feed.json").content)["items"][0]["id"]
        story.title, story.slug = "Rail link opens at last", "rail-link-at-last"
        story.save()
        after = json.loads(fetch(client, "/feed.json").content)["items"][0]
        assert after["title"] == "Rail link opens at last"
        assert after["id"] == before

    def test_aliases_redirect_to_the_one_address(self, client):
        assert client.get("/rss/")["Location"] == "/feed/"
        assert client.get("/atom/").status_code == 301
        assert client.get("/atom/")["Location"] == "/feed/atom/"
        assert client.get("/ru/rss/")["Location"] == "/ru/feed/"


class QueryCountTests:
    @pytest.mark.parametrize("url", ["/feed/", "/tag/rail/feed/atom/", "/author/aigerim/feed.json"])
    def test_queries_do_not_grow_with_items(self, client, url):
        tag, author = TagFactory(slug="rail"), AuthorFactory(slug="aigerim")

        def count() -> int:
            client.get("/")  # the content version exists before counting
            from django.core.cache import cache

            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        ArticleFactory(tags=[tag], authors=[author, AuthorFactory()])
        few = count()
        for _ in range(8):
            ArticleFactory(tags=[tag, TagFactory()], authors=[author, AuthorFactory()])
        assert count() == few

    @pytest.mark.parametrize("url", ["/feed/", "/section/economy/feed/", "/ru/feed.json"])
    def test_no_query_walks_the_articles(self, client, url):
        """A cold feed's aggregates over articles (its newest change) read a bounded range.

        A query with a LIMIT stops after a page; an aggregate reads all it matches, so it
        must not scan the table nor walk a whole edition (an index searched on the
        language alone), which it did when it OR-ed unpublished and future articles.
        """
        from django.core.cache import cache

        section = SectionFactory(slug="economy")
        ArticleFactory(section=section)
        ArticleFactory(language="ru", status=Article.Status.UNPUBLISHED, published_at=None)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200
            b"".join(response.streaming_content) if response.streaming else response.content
        article_queries = [
            q["sql"]
            for q in queries
            if 'FROM "content_article"' in q["sql"] and re.search(r"\b(MAX|COUNT)\(", q["sql"])
        ]
        assert article_queries
        partial = {index.name for index in Article._meta.indexes if index.condition}
        with connection.cursor() as cursor:
            for sql in article_queries:
                if connection.vendor == "sqlite":
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                    assert not re.search(r"\bSCAN content_article\b", plan), (sql, plan)
                    # A partial index holds only the rows it names (e.g. the unpublished ones).
                    walked = re.findall(r"INDEX (\w+) \(language=\?\)", plan)
                    assert not set(walked) - partial, (sql, plan)
                else:
                    cursor.execute("SET LOCAL enable_seqscan = off")
                    cursor.execute("EXPLAIN " + sql)
                    plan = " ".join(row[0] for row in cursor.fetchall())
                    assert "Seq Scan on content_article" not in plan, (sql, plan)


class ConditionalGetTests:
    def test_etag_and_last_modified_give_304(self, client, story):
        first = fetch(client, "/feed/")
        etag, modified = first["ETag"], first["Last-Modified"]
        assert etag.startswith('"') and modified.endswith("GMT")
        again = client.get("/feed/", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        since = client.get("/feed/", HTTP_IF_MODIFIED_SINCE=modified)
        assert since.status_code == 304
        older = email.utils.format_datetime(
            email.utils.parsedate_to_datetime(modified) - dt.timedelta(minutes=1), usegmt=True
        )
        assert client.get("/feed/", HTTP_IF_MODIFIED_SINCE=older).status_code == 200

    def test_a_change_gives_a_new_etag(self, client, story):
        etag = fetch(client, "/feed/atom/")["ETag"]
        story.title = "Changed"
        story.save()
        response = client.get("/feed/atom/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"] != etag

    def test_editions_have_their_own_etags(self, client, story):
        ArticleFactory(language="ru")
        assert fetch(client, "/feed/")["ETag"] != fetch(client, "/ru/feed/")["ETag"]

    def test_head_answers_with_headers(self, client, story):
        response = client.head("/feed.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/feed+json; charset=utf-8"
        assert response["ETag"]
        assert client.post("/feed/").status_code == 405


# Without NUL: PostgreSQL refuses it in text, so no stored article holds one (xml_text drops it).
HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=60,
)


class HostileTextTests:
    @hypothesis_settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(title=HOSTILE, body=HOSTILE, name=HOSTILE)
    def test_any_stored_text_gives_valid_feeds(self, client, title, body, name):
        """Control characters and markup in any field never break a feed."""
        from django.core.cache import cache

        cache.clear()
        Article.objects.all().delete()
        ArticleFactory(
            title=title + "\x01\x0b\ufffe",
            body=f"<p>{body}\x08</p>",
            authors=[AuthorFactory(name=name + "\x1f")],
            tags=[TagFactory(name=name + "\x0c")],
        )
        for url in CONTENT_TYPES:
            content = fetch(client, "/" + url).content
            assert not FORBIDDEN.search(content.decode("utf-8"))
            assert len(read_feed(content)[0]) == 1
            if url != "feed.json":
                etree.fromstring(content)  # strict: no recovery from a bad character

    def test_xml_text_keeps_what_xml_allows(self):
        assert xml_text("a\tb\nc\rd\x00\x1f\x7f\ufffeé") == "a\tb\nc\rdé"
        assert xml_text(["x\x01", "y"]) == ["x", "y"]
