"""Head metadata read back as a crawler would: lxml for the head, json for JSON-LD."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from dastan.content.models import Article, ArticleAuthor
from dastan.content.selectors import article_public_get, article_relations
from dastan.feeds.meta import article_meta, json_ld, og_locale, text_clean
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

BASE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.DASTAN_SITE = {**getattr(settings, "DASTAN_SITE", {}), "BASE_URL": BASE}
    settings.ALLOWED_HOSTS = ["testserver", "evil.example.com"]


def head_of(client, url: str):
    response = client.get(url, HTTP_HOST="evil.example.com")
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def meta(doc, prop: str) -> list[str]:
    return doc.xpath(f'//head/meta[@property="{prop}"]/@content')


def ld_items(doc) -> dict[str, dict]:
    found = {}
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        found[data["@type"]] = data
    return found


class ArticleHeadTests:
    def test_modified_date_is_the_marked_revision_not_the_last_save(self, client):
        """A typo fix moves updated_at only; crawlers hear of a change when one is marked."""
        item = ArticleFactory()
        Article.objects.filter(pk=item.pk).update(
            updated_at=item.published_at + dt.timedelta(days=2)
        )
        news = ld_items(head_of(client, item.get_absolute_url()))["NewsArticle"]
        assert news["dateModified"] == item.published_at.isoformat()
        revised = item.published_at + dt.timedelta(hours=5)
        Article.objects.filter(pk=item.pk).update(revised_at=revised)
        cache.clear()
        doc = head_of(client, item.get_absolute_url())
        assert ld_items(doc)["NewsArticle"]["dateModified"] == revised.isoformat()
        assert meta(doc, "article:modified_time") == [revised.isoformat()]

    def test_full_article_has_canonical_opengraph_twitter_and_news_article(self, client):
        author = AuthorFactory(name="Aigerim Sadykova", slug="aigerim")
        item = ArticleFactory(
            title="Steppe rail link opens",
            section=SectionFactory(name="Economy", slug="economy"),
            tags=[TagFactory(name="Rail", slug="rail")],
            authors=[author],
            featured_image_url="https://cdn.example.org/rail.jpg",
        )
        doc = head_of(client, item.get_absolute_url())
        url = BASE + item.get_absolute_url()
        assert doc.xpath('//head/link[@rel="canonical"]/@href') == [url]
        assert meta(doc, "og:type") == ["article"]
        assert meta(doc, "og:url") == [url]
        assert meta(doc, "og:locale") == ["en_US"]
        assert meta(doc, "og:image") == ["https://cdn.example.org/rail.jpg"]
        assert meta(doc, "article:section") == ["Economy"]
        assert meta(doc, "article:tag") == ["Rail"]
        assert meta(doc, "article:published_time") == [item.published_at.isoformat()]
        assert meta(doc, "article:modified_time")
        assert doc.xpath('//head/meta[@name="twitter:card"]/@content') == ["summary_large_image"]
        assert doc.xpath('//head/meta[@name="robots"]/@content') == ["max-image-preview:large"]
        items = ld_items(doc)
        news = items["NewsArticle"]
        assert news["headline"] == "Steppe rail link opens"
        assert news["image"] == ["https://cdn.example.org/rail.jpg"]
        assert news["datePublished"] == item.published_at.isoformat()
        assert news["dateModified"]
        assert news["author"] == [
            {"@type": "Person", "name": "Aigerim Sadykova", "url": BASE + author.get_absolute_url()}
        ]
        assert news["publisher"]["name"]
        assert news["publisher"]["logo"]["url"].startswith(BASE + "/")
        assert news["publisher"]["logo"]["url"].endswith(".png")
        crumbs = items["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == [1, 2, 3]
        assert crumbs[1]["name"] == "Economy"
        assert crumbs[-1]["item"] == url
        # No address anywhere comes from the Host header.
        assert "evil.example.com" not in html.tostring(doc, encoding="unicode")

    def test_the_head_reads_nothing_the_page_read_already(self):
        one, two = AuthorFactory(name="Aida"), AuthorFactory(name="Bek")
        item = ArticleFactory(authors=[two, one])
        loaded = article_public_get(slug=item.slug)
        relations = article_relations(loaded.pk)
        with CaptureQueriesContext(connection) as queries:
            head = article_meta(loaded, relations)
        assert queries.captured_queries == []
        names = [a["name"] for a in json.loads(head["json_ld"][0])["author"]]
        assert names == ["Bek", "Aida"]

    def test_article_without_image_or_author_leaves_them_out(self, client):
        item = ArticleFactory(title="Plain story", featured_image_url="")
        ArticleAuthor.objects.filter(article=item).delete()
        doc = head_of(client, item.get_absolute_url())
        news = ld_items(doc)["NewsArticle"]
        assert "image" not in news
        assert "author" not in news
        assert meta(doc, "og:image") == []
        assert doc.xpath('//head/meta[@name="twitter:card"]/@content') == ["summary"]

    def test_russian_article_is_in_its_edition(self, client):
        item = ArticleFactory(title="Новая железная дорога", slug="novaya-doroga", language="ru")
        url = item.get_absolute_url()
        assert url.startswith("/ru/")
        doc = head_of(client, url)
        assert meta(doc, "og:locale") == ["ru_RU"]
        assert meta(doc, "og:locale:alternate") == ["en_US"]
        news = ld_items(doc)["NewsArticle"]
        assert news["headline"] == "Новая железная дорога"
        assert news["inLanguage"] == "ru"
        assert news["url"] == BASE + url

    def test_hostile_title_cannot_leave_the_json_ld_script(self, client):
        title = 'Break </script><script>alert(1)</script> & "quotes"\x01\x1b'
        item = ArticleFactory(title=title, slug="hostile")
        response = client.get(item.get_absolute_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert "<script>alert(1)" not in body
        doc = html.fromstring(response.content)
        ours = doc.xpath('//head/meta[starts-with(@property, "og:")]/@content')
        ours += [s.text for s in doc.xpath('//script[@type="application/ld+json"]')]
        assert ours and not any("\x01" in v or "\x1b" in v for v in ours)
        scripts = doc.xpath("//script")
        assert {s.get("type") for s in scripts} == {"application/ld+json"}
        news = ld_items(doc)["NewsArticle"]
        assert news["headline"] == 'Break </script><script>alert(1)</script> & "quotes"'
        assert meta(doc, "og:title") == [news["headline"]]

    def test_preview_has_no_structured_data(self, admin_client):
        item = ArticleFactory(status="draft", published_at=None, slug="draft-one")
        from dastan.web.views.pages import article_page

        page = article_page(item, preview=True)
        assert page["head"] is None


class SiteStructuredDataTests:
    @pytest.mark.parametrize(("path", "code"), [("/", "en"), ("/ru/", "ru")])
    def test_home_has_website_with_search_action_and_organization(self, client, path, code):
        items = ld_items(head_of(client, path))
        website = items["WebSite"]
        assert website["url"] == BASE + path
        assert website["inLanguage"] == code
        target = website["potentialAction"]["target"]["urlTemplate"]
        assert target.startswith(BASE + path + "search/")
        assert target.endswith("?q={search_term_string}")
        assert items["Organization"]["logo"]["url"].startswith(BASE)

    def test_listing_has_website_data(self, client):
        section = SectionFactory(name="Politics", slug="politics")
        ArticleFactory(section=section)
        items = ld_items(head_of(client, section.get_absolute_url()))
        assert {"WebSite", "Organization"} <= items.keys()


class HelperTests:
    def test_json_ld_escapes_markup_characters(self):
        text = json_ld({"a": "</script><b>&"})
        assert "<" not in text and ">" not in text and "&" not in text
        assert json.loads(text) == {"a": "</script><b>&"}

    def test_text_clean_drops_controls_and_clips(self):
        assert text_clean("a\x00b\x85c\n d") == "abc d"
        assert len(text_clean("x" * 1000, 50)) == 50

    def test_og_locale_maps_regions(self, settings):
        settings.DASTAN_EDITIONS = {"en": {"HREFLANG": "en-gb"}}
        assert og_locale("en") == "en_GB"
        assert og_locale("ru") == "ru_RU"
