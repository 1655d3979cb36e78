import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dastan.content import selectors
from dastan.content.models import Article
from dastan.web.views import pages
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def query_count(client, url: str) -> int:
    """Count the queries of a cold request: nothing from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


class HeaderTests:
    def test_header_shows_site_date_in_site_time_zone(self, client, settings):
        """The date reads like "03 April 2025", in Asia/Almaty by default."""
        response = client.get("/")
        today = timezone.localtime().strftime("%d %B %Y")
        assert today in response.content.decode()
        assert settings.TIME_ZONE == "Asia/Almaty"

    def test_navigation_lists_sections(self, client):
        SectionFactory(name="Economy", slug="economy")
        html = client.get("/").content.decode()
        assert 'href="/section/economy/"' in html


class ListingTests:
    def test_section_page_says_viewing_results(self, client):
        section = SectionFactory(name="Politics", slug="politics")
        ArticleFactory.create_batch(14, section=section)
        html = client.get("/section/politics/").content.decode()
        assert "Viewing results 1 - 6 of 14" in html
        html = client.get("/section/politics/?page=3").content.decode()
        assert "Viewing results 13 - 14 of 14" in html

    @pytest.mark.parametrize("page", ["abc", "99999", "0", "-1", "1.5"])
    def test_bad_page_numbers_are_404(self, client, page):
        section = SectionFactory(name="Politics", slug="politics")
        ArticleFactory.create_batch(3, section=section)
        assert client.get(f"/section/politics/?page={page}").status_code == 404

    def test_cards_show_title_date_byline_section_and_excerpt(self, client):
        author = AuthorFactory(name="Timur Rakhimov", slug="timur-rakhimov")
        section = SectionFactory(name="Energy", slug="energy")
        ArticleFactory(
            title="Dam opens",
            body="<p>The Rogun dam opened its second turbine on Monday.</p>",
            section=section,
            authors=[author],
        )
        html = client.get("/section/energy/").content.decode()
        assert "Dam opens" in html
        assert "Timur Rakhimov" in html
        assert "The Rogun dam opened its second turbine on Monday." in html
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)

    def test_drafts_scheduled_and_unpublished_never_listed(self, client):
        section = SectionFactory(name="Society", slug="society")
        ArticleFactory(title="Visible story", section=section)
        ArticleFactory(title="Draft story", section=section, status="draft", published_at=None)
        ArticleFactory(
            title="Future story",
            section=section,
            status="scheduled",
            published_at=timezone.now() + dt.timedelta(days=1),
        )
        ArticleFactory(title="Pulled story", section=section, status="unpublished")
        html = client.get("/section/society/").content.decode()
        assert "Visible story" in html
        for hidden in ("Draft story", "Future story", "Pulled story"):
            assert hidden not in html

    def test_tag_place_author_and_archives(self, client):
        tag = TagFactory(name="water", slug="water")
        country = PlaceFactory(name="Kyrgyzstan", slug="kyrgyzstan", kind="country")
        city = PlaceFactory(name="Osh", slug="osh", country=country)
        author = AuthorFactory(name="Aida K", slug="aida-k")
        when = timezone.make_aware(dt.datetime(2025, 4, 3, 10, 0))
        ArticleFactory(
            title="Canal repairs", tags=[tag], places=[city], authors=[author], published_at=when
        )
        for url in (
            "/tag/water/",
            "/place/osh/",
            "/place/kyrgyzstan/",
            "/author/aida-k/",
            "/2025/",
            "/2025/04/",
            "/2025/04/03/",
        ):
            assert "Canal repairs" in client.get(url).content.decode(), url
        assert "Canal repairs" not in client.get("/2025/04/04/").content.decode()

    @pytest.mark.parametrize(
        "url",
        [
            "/2025/02/30/",
            "/2025/13/",
            "/0001/",
            "/0001/01/",
            "/0001/01/01/",
            "/9999/",
            "/9999/12/",
            "/9999/12/31/",
            "/2025/00/",
            "/2025/01/00/",
        ],
    )
    def test_impossible_or_unreachable_dates_are_404(self, client, url):
        assert client.get(url).status_code == 404


class QueryCountTests:
    """Each listing runs a bounded number of queries whatever its size."""

    @pytest.mark.parametrize(
        "url", ["/", "/section/politics/", "/tag/water/", "/author/a/", "/place/p/", "/2025/"]
    )
    def test_queries_do_not_grow_with_articles(self, client, url):
        section = SectionFactory(name="Politics", slug="politics")
        tag = TagFactory(name="water", slug="water")
        place = PlaceFactory(name="P", slug="p")
        author = AuthorFactory(name="A", slug="a")
        when = timezone.make_aware(dt.datetime(2025, 5, 1, 9))
        for _ in range(10):
            ArticleFactory(
                section=section, tags=[tag], places=[place], authors=[author], published_at=when
            )
        few = query_count(client, url)
        for _ in range(20):
            ArticleFactory(
                section=section,
                tags=[tag],
                places=[place],
                authors=[author, AuthorFactory()],
                published_at=when,
            )
        many = query_count(client, url)
        assert many == few
        # Cold: navigation, the page, the breaking-news banner, the ticker: one query for its
        # recent rates, then one per currency and source without two recent rates (all, no rates).
        assert many <= 22


class HomeQueryTests:
    """The home page's queries do not grow with the sections in the navigation (issue #15)."""

    def test_home_blocks_cost_the_same_for_3_and_12_sections(self, django_assert_max_num_queries):
        def add_sections(n: int) -> None:
            for _ in range(n):
                section = SectionFactory(in_navigation=True)
                # More than the latest seven, so every block stays full.
                for _ in range(12):
                    ArticleFactory(section=section)

        add_sections(3)
        with CaptureQueriesContext(connection) as few:
            blocks = selectors.home_blocks(edition="en")
        assert len(blocks["blocks"]) == 3
        add_sections(9)
        with django_assert_max_num_queries(8):
            blocks = selectors.home_blocks(edition="en")
        assert len(blocks["blocks"]) == 12
        assert all(len(items) == 4 for _, items in blocks["blocks"])
        assert len(few.captured_queries) <= 8

    def test_blocks_leave_out_the_latest_and_keep_each_section_newest_first(self):
        section = SectionFactory(in_navigation=True)
        now = timezone.now()
        made = [
            ArticleFactory(section=section, published_at=now - dt.timedelta(hours=h))
            for h in range(1, 13)
        ]
        home = selectors.home_blocks(edition="en", latest=7, per_section=4)
        assert [a.pk for a in home["latest"]] == [a.pk for a in made[:7]]
        assert [a.pk for a in home["blocks"][0][1]] == [a.pk for a in made[7:11]]


class ArticlePageTests:
    def test_a_cached_article_serves_its_head_as_drawn_with_the_page(self, client):
        """The head's tags are drawn when the page is, not again on each request."""
        item = ArticleFactory(tags=[TagFactory(name="water")])
        cache.clear()
        cold = client.get(item.get_absolute_url())
        warm = client.get(item.get_absolute_url())
        drawn = [t.name for t in cold.templates]
        assert "components/article_meta.html" in drawn and "components/json_ld.html" in drawn
        again = [t.name for t in warm.templates]
        assert "components/article_meta.html" not in again
        assert "components/json_ld.html" not in again
        assert warm.content == cold.content
        assert b'<meta property="article:tag" content="water">' in warm.content

    def test_a_page_stored_by_older_code_still_serves_its_head(self, client, monkeypatch):
        """A page cached before the head was drawn with it keeps its tags after a deploy."""
        item = ArticleFactory(tags=[TagFactory(name="water")])
        current = client.get(item.get_absolute_url()).content
        drawn = pages.article_page

        def older(article, **options) -> dict:
            page = drawn(article, **options)
            del page["head_html"], page["structured_html"]
            return page

        monkeypatch.setattr(pages, "article_page", older)
        cache.clear()
        stored_before = client.get(item.get_absolute_url()).content
        assert b'<meta property="article:tag" content="water">' in stored_before
        assert b"application/ld+json" in stored_before
        assert stored_before == current

    def test_a_cold_article_reads_its_relations_in_one_query(self, client):
        """The article's row, then its bylines, tags, places and corrections together."""
        item = ArticleFactory(
            authors=[AuthorFactory(), AuthorFactory()],
            tags=[TagFactory(name="water")],
            places=[PlaceFactory(name="Osh")],
        )
        CorrectionFactory(article=item)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(item.get_absolute_url())
        assert response.status_code == 200
        related = ("content_articleauthor", "content_tag", "content_place", "content_correction")
        reads = [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in related)]
        assert len(reads) == 1
        assert all(table in reads[0] for table in related)
        html = response.content.decode()
        assert "water" in html and "Osh" in html and "Corrections and updates" in html

    def test_article_renders_sanitised_body(self, client):
        article = ArticleFactory(
            body='<p>Hello</p><script>alert(1)</script><img src="x.jpg" onerror="alert(2)">'
        )
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<p>Hello</p>" in html
        assert "alert(1)" not in html
        assert "onerror" not in html

    def test_caption_shortcode_becomes_a_figure(self, client):
        article = ArticleFactory(
            body='[caption id="attachment_7" align="alignright" width="300"]'
            '<img src="/m/a.jpg" alt="A"> The square.[/caption]\n\n<p>Text.</p>'
        )
        html = client.get(article.get_absolute_url()).content.decode()
        assert "<figure" in html and "<figcaption" in html and "[caption" not in html

    def test_wrong_date_in_address_redirects_to_the_right_one(self, client):
        article = ArticleFactory(slug="the-story")
        response = client.get("/2001/01/01/the-story/")
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()

    @pytest.mark.parametrize("slug", ["выборы-в-казахстане", "what?", "ұлт-қазақ"])
    def test_slugs_needing_percent_encoding_are_served(self, client, slug):
        """The decoded request path and the encoded address name the same page: no loop."""
        article = ArticleFactory(slug=slug, title="Unicode slug")
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert "Unicode slug" in response.content.decode()

    def test_non_public_article_is_404(self, client):
        article = ArticleFactory(status=Article.Status.DRAFT)
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_updated_shown_only_after_a_marked_revision(self, client):
        article = ArticleFactory()
        assert "Updated" not in client.get(article.get_absolute_url()).content.decode()
        article.revised_at = timezone.now()
        article.save()
        assert "Updated" in client.get(article.get_absolute_url()).content.decode()

    def test_corrections_at_the_foot_and_on_the_corrections_page(self, client):
        correction = CorrectionFactory(text="The vote was on Tuesday, not Monday.")
        html = client.get(correction.article.get_absolute_url()).content.decode()
        assert "The vote was on Tuesday, not Monday." in html
        assert (
            "The vote was on Tuesday, not Monday." in client.get("/corrections/").content.decode()
        )

    def test_page_weighs_under_60_kb(self, client):
        article = ArticleFactory(body="<p>" + "word " * 1500 + "</p>")
        response = client.get(article.get_absolute_url())
        assert len(response.content) < 60 * 1024


class ErrorPageTests:
    def test_404_page_in_site_look(self, client):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_500_page_renders_without_database(self, rf):
        from dastan.web.views.errors import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert "Something went wrong" in response.content.decode()


class HomeTests:
    def test_pinned_article_leads_the_home_page(self, client):
        ArticleFactory(
            title="Pinned analysis",
            is_featured=True,
            published_at=timezone.now() - dt.timedelta(days=3),
        )
        ArticleFactory(title="Newest brief")
        html = client.get("/").content.decode()
        lead = html.index("card--lead")
        assert html.index("Pinned analysis") > lead
        assert html.index("Pinned analysis") < html.index("Newest brief")


class UnlistedTests:
    def test_unlisted_page_is_served_but_never_listed(self, client):
        """A standalone page (an imported WordPress "About") has an address and no card."""
        section = SectionFactory(name="Pages", slug="pages")
        page = ArticleFactory(title="About the newsroom", section=section, is_listed=False)
        ArticleFactory(title="Ordinary story", section=section)
        assert "About the newsroom" in client.get(page.get_absolute_url()).content.decode()
        local = timezone.localtime(page.published_at)
        for url in ("/", "/section/pages/", f"/{local.year}/"):
            html = client.get(url).content.decode()
            assert "Ordinary story" in html
            assert "About the newsroom" not in html, url


class OddAddressTests:
    """Odd bytes in an address give a 404 on every database, never a 500."""

    @pytest.mark.parametrize(
        "url",
        [
            "/section/a%00b/",
            "/tag/%00/",
            "/author/x%1f/",
            "/2025/04/03/slug%00/",
            "/?p=1%00",
            "/?cat=%00",
            "/category/a%00/",
            "/section/politics/?page=%00",
        ],
    )
    def test_control_characters_are_404(self, client, url):
        SectionFactory(name="Politics", slug="politics")
        assert client.get(url).status_code < 500


class HugeTextTests:
    """Whatever is stored, what a page copies from it (card excerpt, head tags) stays small."""

    def test_one_huge_word_makes_a_small_card_and_description(self, client):
        giant = "x" * 2_000_000
        article = ArticleFactory(body=f"<p>{giant}</p>", section=SectionFactory(slug="big"))
        assert len(article.teaser) == 500
        html = client.get("/section/big/").content.decode()
        assert len(html) < 20_000
        page = client.get(article.get_absolute_url()).content.decode()
        description = re.search(r'<meta name="description" content="([^"]*)"', page)[1]
        assert len(description) <= 300
        # The body itself is the article: it is shown whole.
        assert giant in page

    def test_a_huge_stored_teaser_is_capped(self, client):
        """An old database or a raw SQL edit bypasses the cap made at save: pages cap again."""
        article = ArticleFactory(section=SectionFactory(slug="raw"))
        Article.objects.filter(pk=article.pk).update(teaser="y" * 2_000_000)
        html = client.get("/section/raw/").content.decode()
        assert "y" * 497 + "..." in html
        assert "y" * 501 not in html
        page = client.get(article.get_absolute_url()).content.decode()
        description = re.search(r'<meta name="description" content="([^"]*)"', page)[1]
        assert len(description) <= 300
