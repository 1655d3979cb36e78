"""Library pictures on the reader pages: cards, the lead image, head tags, galleries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from dastan.content.models import Article
from dastan.media.models import Gallery
from dastan.media.services import gallery_images_set
from tests.factories import ArticleFactory, SectionFactory, library_image
from tests.feeds.test_meta import BASE, head_of, ld_items, meta
from tests.feeds.test_meta import _base_url as base_url  # noqa: F401 (fixture)
from tests.web.test_pages import query_count

pytestmark = pytest.mark.django_db


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


class CardTests:
    def test_home_cards_show_thumbnails_with_srcset_and_modern_formats(self, client):
        first = ArticleFactory(title="Lead story", featured_image=library_image((1920, 1080)))
        ArticleFactory(title="No picture", published_at=first.published_at - dt.timedelta(hours=1))
        doc = page(client, "/")
        (lead,) = doc.xpath('//article[contains(@class, "card--lead")]')
        (img,) = lead.xpath(".//img")
        assert img.get("fetchpriority") == "high" and img.get("loading") is None
        assert (img.get("width"), img.get("height")) == ("960", "540")
        assert img.get("alt") == ""  # the title link beside it says what it is
        types = lead.xpath(".//source/@type")
        assert types == ["image/avif", "image/webp"]
        sha = first.featured_image.sha256
        assert f"/media/r/{sha}/card-480.avif 480w" in lead.xpath(".//source/@srcset")[0]
        assert img.get("src") == f"/media/r/{sha}/card-960.jpg"
        (plain,) = doc.xpath('//article[.//a[text()="No picture"]]')
        assert not plain.xpath(".//img") and "card--pictured" not in plain.get("class")

    def test_cards_below_the_lead_are_lazy(self, client):
        for n in range(3):
            ArticleFactory(title=f"Story {n}", featured_image=library_image())
        doc = page(client, "/")
        lazy = doc.xpath('//article[not(contains(@class, "card--lead"))]//img/@loading')
        assert lazy == ["lazy", "lazy"]

    def test_listing_cards_use_the_thumbnail_role(self, client):
        section = SectionFactory(slug="economy", name="Economy")
        for _ in range(2):
            ArticleFactory(section=section, featured_image=library_image())
        doc = page(client, "/section/economy/")
        loading = doc.xpath('//div[@class="list"]//img/@loading')
        assert loading == ["lazy"]  # the first is eager
        assert doc.xpath('//div[@class="list"]//img/@sizes')[0].startswith(
            "(min-width: 40rem) 9rem"
        )

    @pytest.mark.parametrize("url", ["/", "/section/politics/"])
    def test_pictures_cost_no_query_per_card(self, client, url):
        section = SectionFactory(name="Politics", slug="politics", in_navigation=True)
        articles = [ArticleFactory(section=section) for _ in range(9)]
        without = query_count(client, url)
        for article in articles:
            Article.objects.filter(pk=article.pk).update(featured_image=library_image((640, 360)))
        assert query_count(client, url) == without


class ArticlePageTests:
    def test_lead_image_with_caption_credit_and_alt(self, client):
        image = library_image(
            (2000, 1000), alt_text="Ferry at the Aktau pier", caption="Ferry", credit="Photo: A. B."
        )
        item = ArticleFactory(featured_image=image)
        doc = page(client, item.get_absolute_url())
        (figure,) = doc.xpath('//figure[@class="story__image"]')
        (img,) = figure.xpath(".//img")
        assert img.get("alt") == "Ferry at the Aktau pier"
        assert img.get("fetchpriority") == "high" and img.get("loading") is None
        assert (img.get("width"), img.get("height")) == ("960", "480")
        assert "1600w" in img.get("srcset")
        assert figure.xpath("string(.//figcaption)").strip() == "Ferry Photo: A. B."

    def test_article_caption_wins_over_the_library_caption(self, client):
        item = ArticleFactory(
            featured_image=library_image(caption="Library words"),
            featured_image_caption="This story's words",
        )
        doc = page(client, item.get_absolute_url())
        assert "This story's words" in doc.xpath("string(//figcaption)")

    def test_missing_source_still_renders_the_page(self, client):
        from django.core.files.storage import default_storage

        image = library_image()
        default_storage.delete(image.file.name)
        item = ArticleFactory(featured_image=image)
        doc = page(client, item.get_absolute_url())
        src = doc.xpath("//figure//img/@src")[0]
        assert client.get(src).status_code == 200


class HeadTests:
    def test_social_and_structured_images_come_from_renditions(self, client):
        image = library_image((3000, 2000), alt_text="Rail bridge")
        item = ArticleFactory(featured_image=image)
        doc = head_of(client, item.get_absolute_url())
        prefix = f"{BASE}/media/r/{image.sha256}/"
        assert meta(doc, "og:image") == [prefix + "social-1200.jpg"]
        assert meta(doc, "og:image:width") == ["1200"]
        assert meta(doc, "og:image:height") == ["630"]
        assert meta(doc, "og:image:alt") == ["Rail bridge"]
        twitter = doc.xpath('//head/meta[@name="twitter:image"]/@content')
        assert twitter == [prefix + "social-1200.jpg"]
        news = ld_items(doc)["NewsArticle"]
        assert news["image"] == [
            prefix + n for n in ("card-1200.jpg", "4x3-1200.jpg", "1x1-1200.jpg")
        ]
        response = client.get(f"/media/r/{image.sha256}/social-1200.jpg")
        assert response.status_code == 200


class GalleryTests:
    def test_named_gallery_renders_in_order_with_srcset(self, client):
        first, second = library_image(caption="One"), library_image(caption="Two")
        gallery = Gallery.objects.create(title="Floods", slug="floods")
        gallery_images_set(gallery, [second, first])
        item = ArticleFactory(body='<p>Before.</p>[gallery name="floods" columns="2"]<p>After.</p>')
        doc = page(client, item.get_absolute_url())
        captions = doc.xpath('//div[contains(@class, "gallery")]//figcaption/text()')
        assert captions == ["Two", "One"]
        img = doc.xpath('//div[contains(@class, "gallery")]//img')[0]
        assert "320w" in img.get("srcset") and img.get("loading") == "lazy"
        assert img.get("width") and img.get("height")

    def test_unknown_gallery_renders_nothing(self, client):
        item = ArticleFactory(body='[gallery name="nope"]<p>Text.</p>')
        doc = page(client, item.get_absolute_url())
        assert not doc.xpath('//div[contains(@class, "gallery")]')

    def test_galleries_of_a_body_are_one_query(self, client):
        for slug in ("a", "b", "c"):
            gallery = Gallery.objects.create(title=slug, slug=slug)
            gallery_images_set(gallery, [library_image(), library_image()])
        item = ArticleFactory(body='[gallery name="a"][gallery name="b"][gallery name="c"]')
        with CaptureQueriesContext(connection) as ctx:
            client.get(item.get_absolute_url())
        gallery_queries = [q for q in ctx.captured_queries if "media_galleryimage" in q["sql"]]
        assert len(gallery_queries) == 1


def body_figure(
    image_id: int, src: str = "/media/r/gone/full-960.jpg", alt: str = "Stored alt"
) -> str:
    """Return a library image as the desk's editor stores it in a body."""
    return (
        f'<figure class="wp-block-image"><img class="wp-library-image-{image_id}" src="{src}"'
        f' alt="{alt}"><figcaption>At the pier <span class="wp-credit">Photo: A. B.</span>'
        "</figcaption></figure>"
    )


class BodyImageTests:
    def test_library_image_in_a_body_is_a_picture_with_caption_and_credit(self, client):
        image = library_image((2000, 1000), alt_text="Ferry at the Aktau pier")
        item = ArticleFactory(
            body="<p>Before.</p>" + body_figure(image.pk, alt="") + "<p>After.</p>"
        )
        doc = page(client, item.get_absolute_url())
        (figure,) = doc.xpath('//div[contains(@class, "story__body")]//figure')
        (img,) = figure.xpath(".//img")
        assert img.get("alt") == "Ferry at the Aktau pier"  # the library's fills an empty one
        assert img.get("loading") == "lazy"
        assert (img.get("width"), img.get("height")) == ("960", "480")
        assert img.get("src") == f"/media/r/{image.sha256}/full-960.jpg"
        assert f"/media/r/{image.sha256}/full-1280.jpg 1280w" in img.get("srcset")
        assert figure.xpath(".//source/@type") == ["image/avif", "image/webp"]
        assert figure.xpath("string(.//figcaption)").split() == "At the pier Photo: A. B.".split()
        assert figure.xpath('.//figcaption/span[@class="wp-credit"]/text()') == ["Photo: A. B."]
        assert client.get(img.get("src")).status_code == 200

    def test_deleted_library_image_shows_the_placeholder(self, client):
        image = library_image()
        src = f"/media/r/{image.sha256}/full-960.jpg"
        item = ArticleFactory(body=body_figure(image.pk, src))
        image.delete()
        doc = page(client, item.get_absolute_url())
        assert not doc.xpath("//picture[.//img[@alt='Stored alt']]")
        (img,) = doc.xpath("//img[@alt='Stored alt']")
        response = client.get(img.get("src"))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "public, max-age=300"  # the placeholder's

    def test_body_images_are_one_query(self, client):
        images = [library_image() for _ in range(3)]
        item = ArticleFactory(body="".join(body_figure(image.pk) for image in images))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(item.get_absolute_url())
        assert response.content.count(b"<picture>") >= 3
        image_queries = [q for q in ctx.captured_queries if 'FROM "media_image"' in q["sql"]]
        assert len(image_queries) == 1


class OriginalTests:
    @pytest.mark.parametrize("url", ["/media/.", "/media/images/."])
    def test_a_folder_is_not_found(self, client, url):
        assert client.get(url).status_code == 404
