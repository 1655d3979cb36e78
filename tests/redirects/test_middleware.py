"""Old WordPress addresses answer 301 to their Dastan page; walks every link of the samples."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from dastan.content.models import Article, Section, Tag
from dastan.importers.wordpress.load import wordpress_import
from dastan.importers.wordpress.mapping import index_export
from dastan.importers.wordpress.paths import url_path
from dastan.importers.wordpress.wxr import Item, read_wxr
from dastan.redirects.middleware import dastan_page, legacy_target
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, SectionFactory

DATA = Path(__file__).parents[1] / "data" / "wxr"
EXPORTS = [DATA / "theme-unit-test-data.xml", DATA / "wptest.xml"]

pytestmark = pytest.mark.django_db


def as_request_path(url: str) -> str:
    parts = urlsplit(url)
    # "//greek/x/" is in an export; the test client would read "greek" as a host.
    path = quote(re.sub("/{2,}", "/", unquote(parts.path)) or "/")
    return f"{path}?{parts.query}" if parts.query else path


def follow_once(client, old: str) -> str:
    """Return where ``old`` lands: itself when Dastan serves the same address, else a 301."""
    response = client.get(old)
    if response.status_code == 200:
        return old  # same path on both sites (e.g. /tag/x/ or /YYYY/MM/DD/slug/)
    assert response.status_code == 301, f"{old} answered {response.status_code}"
    target = response["Location"]
    landing = client.get(target)
    assert landing.status_code == 200, f"{old} -> {target} answered {landing.status_code}"
    return target


def check_post_links(client, exports: list[Path], *, hidden: frozenset[str] = frozenset()) -> int:
    """Follow every post's permalink and /?p=ID; return how many public ones landed right.

    ``hidden`` are permalinks the import reported as another article's own address.
    """
    checked = 0
    for export in exports:
        index = index_export(export)
        for item in read_wxr(export):
            if not isinstance(item, Item) or item.post_type != "post":
                continue
            article = Article.objects.get(
                wordpress_items__site=index.site, wordpress_items__wp_id=item.wp_id
            )
            olds = [as_request_path(item.link), f"{index.base_path}/?p={item.wp_id}"]
            for old in olds:
                if old in hidden:
                    assert client.get(old).status_code == 200
                elif article.is_public:
                    assert follow_once(client, old) == article.get_absolute_url(), old
                    checked += 1
                else:
                    # Drafts, scheduled and password posts are not revealed:
                    # their address stays a 404 (/?p=ID shows the home page).
                    assert client.get(old).status_code in (200, 404)
                    assert client.get(old).status_code != 301
    return checked


@pytest.fixture
def imported():
    for export in EXPORTS:
        wordpress_import(export)


class SampleLinksTests:
    def test_every_post_link_redirects(self, client, imported):
        """Every public post's permalink and /?p=ID land on its Dastan page."""
        assert check_post_links(client, EXPORTS) == 2 * (55 + 34)

    def test_every_page_link_redirects(self, client, imported):
        """WordPress pages come over as articles in the unlisted Pages section; their
        permalinks (/about/, /parent/child/) and /?page_id=ID land on them."""
        checked = 0
        for export in EXPORTS:
            index = index_export(export)
            for item in read_wxr(export):
                if not isinstance(item, Item) or item.post_type != "page":
                    continue
                article = Article.objects.get(
                    wordpress_items__site=index.site, wordpress_items__wp_id=item.wp_id
                )
                assert article.section.name == "Pages" and not article.section.in_navigation
                for old in (as_request_path(item.link), f"{index.base_path}/?page_id={item.wp_id}"):
                    assert follow_once(client, old) == article.get_absolute_url(), old
                    checked += 1
        assert checked == 2 * (21 + 15)

    def test_every_attachment_page_redirects(self, client, imported):
        """Attachment pages land on their post, or on the file when they have none
        and it lives elsewhere than on the old blog's own host."""
        for export in EXPORTS:
            index = index_export(export)
            for attachment in index.attachments.values():
                for old in (
                    as_request_path(attachment.link),
                    f"{index.base_path}/?attachment_id={attachment.wp_id}",
                ):
                    response = client.get(old)
                    if response.status_code == 404:
                        parent = Article.objects.filter(
                            wordpress_items__site=index.site,
                            wordpress_items__wp_id=attachment.parent,
                        ).first()
                        if parent is None:
                            # No post, and the file is still on the old blog's host,
                            # which stops answering at the DNS switch: no redirect.
                            assert urlsplit(attachment.url).netloc == "wptest.io"
                        else:
                            assert not parent.is_public
                        continue
                    assert response.status_code == 301, old
                    location = response["Location"]
                    if location.startswith("/"):
                        assert client.get(location).status_code == 200
                    else:
                        assert location == attachment.url

    def test_every_archive_link_redirects(self, client, imported):
        """Category, tag and author archives, their feeds and query forms all land."""
        for export in EXPORTS:
            index = index_export(export)
            base = index.base_path
            for slug, term in index.categories.items():
                path = f"{base}/category/{index.category_path(slug)}/"
                # Slugs in an export may be percent-encoded: request them as a browser does.
                follow_once(client, quote(unquote(path)))
                follow_once(client, quote(unquote(path + "feed/")))
                if term.term_id:
                    follow_once(client, f"{base}/?cat={term.term_id}")
            for slug in index.tags:
                follow_once(client, quote(unquote(f"{base}/tag/{slug}/")))
                follow_once(client, quote(unquote(f"{base}/tag/{slug}/feed/rss2/")))
            for login, author in index.authors.items():
                follow_once(client, f"{base}/author/{login}/")
                if author.wp_id:
                    follow_once(client, f"{base}/?author={author.wp_id}")

    def test_paged_listings(self, client, imported):
        """/page/N/ on the home page and on a category lands on the matching Dastan page."""
        assert follow_once(client, "/page/2/") == f"/?page={dastan_page(2)}"
        assert follow_once(client, "/demo/page/2/") == f"/?page={dastan_page(2)}"
        target = follow_once(client, "/category/uncategorized/page/2/")
        assert target.endswith(f"?page={dastan_page(2)}")

    def test_paginated_post_and_post_feed(self, client, imported):
        """A post's own page 2 lands on the article; its comment feed is gone (no comments)."""
        article = Article.objects.get(legacy_url="http://wptest.io/demo/paginated/")
        assert follow_once(client, "/demo/paginated/2/") == article.get_absolute_url()
        assert client.get("/demo/paginated/feed/").status_code == 410


class MiddlewareTests:
    def test_live_page_is_never_hidden(self, client):
        """A legacy row for an address Dastan serves does not take it over."""
        section = SectionFactory(slug="news")
        other = SectionFactory(slug="other")
        LegacyRedirect.objects.create(
            old_path=section.get_absolute_url(), kind=LegacyRedirect.Kind.SECTION, section=other
        )
        assert client.get(section.get_absolute_url()).status_code == 200

    def test_unknown_address_stays_404(self, client):
        """An address nobody knows is still a 404."""
        assert client.get("/no/such/thing/").status_code == 404
        assert client.get("/?p=999999").status_code == 200  # the home page, untouched

    def test_missing_trailing_slash(self, client):
        """An old address typed without its trailing slash still redirects."""
        article = ArticleFactory()
        LegacyRedirect.objects.create(
            old_path="/old/story/", kind=LegacyRedirect.Kind.ARTICLE, article=article
        )
        response = client.get("/old/story")
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()

    def test_post_is_not_redirected(self, client):
        """Only GET and HEAD are redirected."""
        article = ArticleFactory()
        LegacyRedirect.objects.create(
            old_path="/old/story/", kind=LegacyRedirect.Kind.ARTICLE, article=article
        )
        assert client.post("/old/story/").status_code in (403, 404, 405)

    @override_settings(DASTAN_REDIRECTS={"LEGACY_PAGE_SIZE": 12}, DASTAN_SITE={"PAGE_SIZE": 6})
    def test_page_numbers_follow_page_sizes(self):
        """WordPress page 3 (12 a page) starts at article 25: Dastan page 5 (6 a page)."""
        assert dastan_page(3) == 5
        assert dastan_page(1) == 1

    def test_legacy_target_query_forms(self):
        """Query forms match on the path plus the one parameter that names the object."""
        article = ArticleFactory()
        LegacyRedirect.objects.create(
            old_path="/?p=7", kind=LegacyRedirect.Kind.ARTICLE, article=article
        )
        assert legacy_target("/", {"p": "7", "utm_source": "x"}) == article.get_absolute_url()
        assert legacy_target("/", {"p": "8"}) is None

    def test_url_path_normalises(self):
        """Old addresses are stored decoded, with one trailing slash."""
        assert url_path("https://x.org/a//b") == "/a/b/"
        assert url_path("https://x.org/greek/%ce%b5/") == "/greek/ε/"
        assert url_path("https://x.org/?p=5") == "/?p=5"


class TwoSitesTests:
    def test_permalinks_in_reverse_order(self, client):
        """A permalink whose slug another site's article took still lands on its own post.

        WP Test first: its posts take the slugs, and the theme's renamed posts
        (post-format-standard-2) must not be confused with them, although
        /2010/10/05/post-format-standard/ looks like a Dastan article address.
        """
        hidden = set()
        for export in reversed(EXPORTS):
            hidden.update(wordpress_import(export).redirects_hidden)
        # Same slug and same local date on both sites: Dastan's own page wins, and the
        # import says so. Every other theme permalink reaches its own article.
        assert hidden == {"/2013/01/05/title-with-special-characters/"}
        assert check_post_links(client, EXPORTS, hidden=frozenset(hidden)) == 2 * (55 + 34) - 1
        theme = Article.objects.get(
            wordpress_items__site="wpthemetestdata.wordpress.com",
            legacy_url__endswith="/2010/10/05/post-format-standard/",
        )
        assert theme.slug == "post-format-standard-2"


class HostilePathTests:
    def test_long_path_costs_one_query(self, client, django_assert_max_num_queries):
        """A 404 on /x/1/1/.../1/ (3,000 characters) is answered with a single look-up."""
        path = "/x/" + "1/" * 1500
        with django_assert_max_num_queries(1):
            assert legacy_target(path, {}) is None
        assert client.get(path).status_code == 404

    def test_repeated_slashes(self):
        """A doubled slash in an old link (one is in the theme sample) still finds it."""
        article = ArticleFactory()
        LegacyRedirect.objects.create(
            old_path="/greek/a/", kind=LegacyRedirect.Kind.ARTICLE, article=article
        )
        assert legacy_target("//greek//a/", {}) == article.get_absolute_url()

    def test_endings_are_stripped_together(self, client, django_assert_max_num_queries):
        """/category/x/page/2/feed/ finds /category/x/ in one query, with the page kept."""
        section = SectionFactory(slug="news")
        LegacyRedirect.objects.create(
            old_path="/category/x/", kind=LegacyRedirect.Kind.SECTION, section=section
        )
        with django_assert_max_num_queries(1):
            target = legacy_target("/category/x/page/2/feed/", {})
        assert target == f"/section/news/?page={dastan_page(2)}"
        assert legacy_target("/category/x/1/2/3/4/", {}) is None  # more endings than allowed


ENCODED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Новости</title><link>https://news.example.kz</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://news.example.kz</wp:base_blog_url>
<wp:category><wp:term_id>5</wp:term_id>
<wp:category_nicename><![CDATA[%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8]]></wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Новости]]></wp:cat_name>
</wp:category>
<wp:tag><wp:term_id>6</wp:term_id>
<wp:tag_slug><![CDATA[%d1%81%d0%be%d0%bc]]></wp:tag_slug>
<wp:tag_name><![CDATA[Сом]]></wp:tag_name></wp:tag>
</channel></rss>
"""


class EncodedSlugTests:
    def test_percent_encoded_category_and_tag(self, client, tmp_path):
        """WordPress keeps non-ASCII slugs percent-encoded; their addresses still redirect."""
        export = tmp_path / "ru.xml"
        export.write_text(ENCODED, encoding="utf-8")
        wordpress_import(export)
        section = follow_once(client, "/category/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/")
        assert section == Section.objects.get(name="Новости").get_absolute_url()
        # The tag's feed has the same address on both sites.
        tag_page = Tag.objects.get(name="Сом").get_absolute_url()
        assert follow_once(client, "/tag/%D1%81%D0%BE%D0%BC/feed/") == tag_page + "feed/"
        assert follow_once(client, "/?tag=%D1%81%D0%BE%D0%BC").startswith("/tag/")


POLYLANG = Path(__file__).parents[1] / "data" / "wxr" / "multilingual" / "polylang.xml"


def in_edition(code: str, obj=None) -> str:
    """Return ``obj``'s address (the home page's when None) as edition ``code`` serves it."""
    with translation.override(code):
        return obj.get_absolute_url() if obj is not None else reverse("web:home")


@pytest.fixture
def bilingual():
    wordpress_import(POLYLANG)


class PolylangAddressTests:
    """Every address of a Polylang site answers 301 to the page in its edition."""

    @pytest.mark.parametrize(
        "old",
        [
            "/ru/2024/05/tenge-stabilizirovalsya/",
            "/2024/05/tenge-stabilizirovalsya/",
            "/2024/05/tenge-stabilizirovalsya/?lang=ru",
            "/?p=102&lang=ru",
        ],
    )
    def test_russian_post(self, client, bilingual, old):
        russian = Article.objects.get(slug="tenge-stabilizirovalsya")
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == russian.get_absolute_url()

    @pytest.mark.parametrize(
        ("old", "code"),
        [
            ("/ru/category/ekonomika/", "ru"),
            ("/category/ekonomika/", "ru"),
            ("/?cat=5", "ru"),
            ("/category/economy/?lang=ru", "ru"),
            ("/category/economy/", "en"),
            ("/ru/category/ekonomika/?lang=en", "en"),
        ],
    )
    def test_category_opens_the_section_in_its_edition(self, client, bilingual, old, code):
        """A Russian category (or ?lang=ru) opens the Russian page of the shared section."""
        economy = Section.objects.get(slug="economy")
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == in_edition(code, economy)

    def test_russian_tag(self, client, bilingual):
        tenge = Tag.objects.get(slug="tenge")
        assert follow_once(client, "/ru/tag/tenge-ru/") == in_edition("ru", tenge)

    def test_language_homes(self, bilingual):
        """/ru/ and /?lang=ru were the Russian home page."""
        assert legacy_target("/ru/", {}) == in_edition("ru")
        assert legacy_target("/", {"lang": "ru"}) == in_edition("ru")

    def test_lang_on_the_home_page_redirects_before_the_view(self, client, bilingual):
        response = client.get("/?lang=ru")
        assert response.status_code == 301
        assert response["Location"] == in_edition("ru")

    def test_unknown_lang_and_live_pages_are_left_alone(self, client, bilingual):
        """?lang= that names no edition, and ?lang= on a live page, change nothing."""
        assert client.get("/?lang=de").status_code == 200
        assert client.get("/search/?q=tenge&lang=ru").status_code == 200
