"""Old WordPress addresses answer 301 to their Dastan page; walks every link of the samples."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.test import override_settings

from dastan.content.models import Article
from dastan.importers.wordpress.load import wordpress_import
from dastan.importers.wordpress.mapping import index_export, url_path
from dastan.importers.wordpress.wxr import Item, read_wxr
from dastan.redirects.middleware import dastan_page, legacy_target
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, SectionFactory

DATA = Path(__file__).parents[1] / "data" / "wxr"
EXPORTS = [DATA / "theme-unit-test-data.xml", DATA / "wptest.xml"]

pytestmark = pytest.mark.django_db


def as_request_path(url: str) -> str:
    parts = urlsplit(url)
    path = quote(parts.path or "/")
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


@pytest.fixture
def imported():
    for export in EXPORTS:
        wordpress_import(export)


class SampleLinksTests:
    def test_every_post_link_redirects(self, client, imported):
        """Every public post's permalink and /?p=ID land on its Dastan page."""
        checked = 0
        for export in EXPORTS:
            index = index_export(export)
            for item in read_wxr(export):
                if not isinstance(item, Item) or item.post_type != "post":
                    continue
                article = Article.objects.get(
                    wordpress_items__site=index.site, wordpress_items__wp_id=item.wp_id
                )
                olds = [as_request_path(item.link), f"{index.base_path}/?p={item.wp_id}"]
                for old in olds:
                    if article.is_public:
                        assert follow_once(client, old) == article.get_absolute_url()
                        checked += 1
                    else:
                        # Drafts, scheduled and password posts are not revealed:
                        # their address stays a 404 (/?p=ID shows the home page).
                        assert client.get(old).status_code in (200, 404)
                        assert client.get(old).status_code != 301
        assert checked == 2 * (55 + 34)

    def test_every_attachment_page_redirects(self, client, imported):
        """Attachment pages land on their post, or on the file when they have none."""
        for export in EXPORTS:
            index = index_export(export)
            for attachment in index.attachments.values():
                for old in (
                    as_request_path(attachment.link),
                    f"{index.base_path}/?attachment_id={attachment.wp_id}",
                ):
                    response = client.get(old)
                    if response.status_code == 404:
                        parent = Article.objects.get(
                            wordpress_items__site=index.site,
                            wordpress_items__wp_id=attachment.parent,
                        )
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
                follow_once(client, quote(path))
                follow_once(client, quote(path + "feed/"))
                if term.term_id:
                    follow_once(client, f"{base}/?cat={term.term_id}")
            for slug in index.tags:
                follow_once(client, quote(f"{base}/tag/{slug}/"))
                follow_once(client, quote(f"{base}/tag/{slug}/feed/rss2/"))
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
        """A post's own page 2 and its comment feed land on the article."""
        article = Article.objects.get(legacy_url="http://wptest.io/demo/paginated/")
        assert follow_once(client, "/demo/paginated/2/") == article.get_absolute_url()
        assert follow_once(client, "/demo/paginated/feed/") == article.get_absolute_url()


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
