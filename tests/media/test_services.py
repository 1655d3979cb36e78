"""Writing to the library: one stored file per content, generated names, nothing stored on error."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from dastan.content.services import article_publish
from dastan.media.models import Gallery, GalleryImage, Image
from dastan.media.services import gallery_images_set, image_create
from tests.factories import ArticleFactory, image_bytes, library_image

pytestmark = pytest.mark.django_db
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


class ImageCreateTests:
    def test_stored_under_a_generated_name_with_its_size(self):
        image = image_create(file=io.BytesIO(image_bytes("PNG", (64, 48))), alt_text="A map")
        assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.png", image.file.name)
        assert (image.width, image.height, image.format) == (64, 48, "png")
        image.refresh_from_db()
        assert image.byte_size == default_storage.size(image.file.name) > 0

    def test_the_same_file_is_stored_once(self):
        data = image_bytes("JPEG", (50, 50))
        first = image_create(file=io.BytesIO(data))
        again = image_create(file=io.BytesIO(data), alt_text="Filled in later", caption="C")
        assert again.pk == first.pk and Image.objects.count() == 1
        again.refresh_from_db()
        assert (again.alt_text, again.caption) == ("Filled in later", "C")

    def test_html_is_refused_and_nothing_is_stored(self):
        before = (
            set(default_storage.listdir("images")[1]) if default_storage.exists("images") else set()
        )
        with pytest.raises(ValidationError):
            image_create(file=io.BytesIO(HTML))
        assert not Image.objects.exists()
        after = (
            set(default_storage.listdir("images")[1]) if default_storage.exists("images") else set()
        )
        assert after == before

    def test_focal_point_is_kept_inside_the_picture(self):
        image = image_create(file=io.BytesIO(image_bytes()), focal_x=7, focal_y=-1)
        assert (image.focal_x, image.focal_y) == (1.0, 0.0)


class GalleryTests:
    def test_images_set_replaces_in_order(self):
        gallery = Gallery.objects.create(title="G", slug="g")
        a, b, c = library_image(), library_image(), library_image()
        gallery_images_set(gallery, [a, b])
        gallery_images_set(gallery, [c, a])
        assert [i.image_id for i in GalleryImage.objects.filter(gallery=gallery)] == [c.pk, a.pk]


class PublishRuleTests:
    def test_publishing_needs_alt_text(self):
        article = ArticleFactory(status="draft", featured_image=library_image(alt_text=""))
        with pytest.raises(ValidationError) as error:
            article_publish(article)
        assert "alt text" in str(error.value)

    def test_publishing_with_alt_text_works(self):
        article = ArticleFactory(status="draft", featured_image=library_image(alt_text="A dam"))
        assert article_publish(article).status == "published"

    def test_an_article_already_public_may_still_be_corrected(self):
        """An imported article whose image has no alt text yet can get a typo fixed."""
        from dastan.content.models import Article
        from dastan.content.services import article_save

        article = ArticleFactory()
        Article.objects.filter(pk=article.pk).update(featured_image=library_image(alt_text=""))
        article.refresh_from_db()
        article.title = "Fixed typo"
        article_save(article)
        article.refresh_from_db()
        assert article.title == "Fixed typo"
