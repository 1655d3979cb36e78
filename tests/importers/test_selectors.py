"""Attachments kept by the import fill [gallery] on the article page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dastan.content.models import Article
from dastan.importers.models import WordPressAttachment
from dastan.importers.selectors import article_attachments
from dastan.importers.wordpress.load import wordpress_import
from dastan.rendering import render_body
from tests.factories import ArticleFactory

DATA = Path(__file__).parents[1] / "data" / "wxr"
EXPORTS = [DATA / "theme-unit-test-data.xml", DATA / "wptest.xml"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    for export in EXPORTS:
        wordpress_import(export)


def cold_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


class ArticleAttachmentsTests:
    def test_every_sample_gallery_shows_images(self, client, imported):
        """All 25 [gallery] shortcodes of the two samples show their images."""
        galleries = 0
        for article in Article.objects.filter(body__contains="[gallery"):
            html = client.get(article.get_absolute_url()).content.decode()
            count = len(re.findall(r"\[gallery", article.body))
            assert html.count('<div class="gallery ') == count, article.slug
            assert "<img" in html
            galleries += count
        assert galleries == 25

    def test_ids_keep_their_order_alt_and_caption(self, imported):
        """[gallery ids=...] shows those images in that order, with alt text and caption."""
        article = Article.objects.get(
            wordpress_items__site="wpthemetestdata.wordpress.com", slug="post-format-gallery"
        )
        resolve = article_attachments(article)
        found = resolve([771, 770])
        assert list(found) == [771, 770]
        rows = {
            r.wp_id: r
            for r in WordPressAttachment.objects.filter(
                site="wpthemetestdata.wordpress.com", wp_id__in=[770, 771]
            )
        }
        assert found[770] == (rows[770].url, rows[770].alt, rows[770].caption)
        assert WordPressAttachment.objects.exclude(alt="").exists()
        assert WordPressAttachment.objects.exclude(caption="").exists()

    def test_bare_gallery_shows_the_posts_images(self, imported):
        """A bare [gallery] shows the images attached to the post, in menu order."""
        article = Article.objects.get(legacy_url="http://wptest.io/demo/post-format-gallery/")
        children = article_attachments(article)([])
        assert len(children) >= 2
        attached = WordPressAttachment.objects.filter(article=article).count()
        assert len(children) <= attached

    def test_one_query_for_all_galleries(self, imported, django_assert_num_queries):
        """However many galleries a body holds, the attachments are read in one query."""
        article = Article.objects.get(legacy_url="http://wptest.io/demo/post-format-gallery/")
        assert article.body.count("[gallery") > 5
        with django_assert_num_queries(1):
            html = render_body(article.body, resolve_attachments=article_attachments(article))
        assert html.count('<div class="gallery ') == article.body.count("[gallery")

    def test_cold_page_costs_one_query_more(self, client, imported):
        """A cold gallery page costs one query more than the same page without a gallery;
        a cached one still costs none."""
        article = Article.objects.get(legacy_url="http://wptest.io/demo/post-format-gallery/")
        url = article.get_absolute_url()
        with_gallery = cold_queries(client, url)
        Article.objects.filter(pk=article.pk).update(body="<p>No gallery</p>")
        without = cold_queries(client, url)
        assert with_gallery == without + 1
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) == 0

    def test_body_without_gallery_needs_no_resolver(self):
        """An article with no [gallery] gets no resolver, so no query."""
        assert article_attachments(ArticleFactory(body="<p>Text</p>")) is None

    def test_ids_past_64_bits_are_no_error(self, client):
        """A gallery id that no column can hold finds nothing; the article page still renders."""
        article = ArticleFactory(body=f'<p>Text</p>[gallery ids="1,{"9" * 30},{"9" * 5000}"]')
        resolve = article_attachments(article)
        assert resolve.expected == {1}
        assert resolve([1]) == {}
        assert client.get(article.get_absolute_url()).status_code == 200
