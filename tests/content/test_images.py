"""Featured images: decoded before storing, allowed formats only, bounded, renamed."""

import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dastan.content.images import FORMATS, image_check
from dastan.content.models import Article
from tests.factories import ArticleFactory, image_bytes
from tests.newsroom.test_admin import article_form, staff

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


class ImageCheckTests:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
    def test_allowed_formats_pass(self, fmt):
        found = image_check(upload("x", image_bytes(fmt)))
        assert (found.format, found.width, found.height) == (fmt, 40, 30)

    @pytest.mark.parametrize(
        "data",
        [HTML, SVG, b"", b"GIF89a" + b"\x00" * 20],
        ids=["html", "svg", "empty", "gif-header-only"],
    )
    def test_non_images_are_refused(self, data):
        with pytest.raises(ValidationError) as error:
            image_check(upload("evil.jpg", data))
        assert error.value.code == "image_invalid"

    def test_truncated_jpeg_is_refused(self):
        data = image_bytes("JPEG", (400, 300))
        with pytest.raises(ValidationError) as error:
            image_check(upload("cut.jpg", data[: len(data) // 2]))
        assert error.value.code == "image_invalid"

    def test_other_decodable_formats_are_refused(self):
        """BMP decodes, but is not a format a news photo needs."""
        with pytest.raises(ValidationError):
            image_check(upload("a.bmp", image_bytes("BMP")))

    def test_pixel_bomb_is_refused_before_decoding(self, settings):
        """A small PNG that claims 20,000 x 20,000 pixels (400 MP) is never decoded."""
        data = png_claiming(20_000, 20_000)
        with pytest.raises(ValidationError) as error:
            image_check(upload("bomb.png", data))
        assert error.value.code == "image_too_many_pixels"

    def test_beyond_pillows_own_bomb_limit_is_refused(self):
        """Past twice Image.MAX_IMAGE_PIXELS Pillow refuses to open it at all."""
        with pytest.raises(ValidationError) as error:
            image_check(upload("bomb.png", png_claiming(60_000, 60_000)))
        assert error.value.code == "image_too_many_pixels"

    def test_pixel_limit_is_a_setting(self, settings):
        settings.DASTAN_IMAGES = {"MAX_PIXELS": 1000}
        with pytest.raises(ValidationError) as error:
            image_check(upload("a.png", image_bytes("PNG", (40, 30))))
        assert error.value.code == "image_too_many_pixels"

    def test_byte_limit_is_a_setting(self, settings):
        settings.DASTAN_IMAGES = {"MAX_BYTES": 100}
        with pytest.raises(ValidationError) as error:
            image_check(upload("a.jpg", image_bytes()))
        assert error.value.code == "image_too_large"

    def test_no_active_formats_allowed(self):
        assert not {"SVG", "HTML", "PDF", "EPS"} & set(FORMATS)


@pytest.mark.django_db
class FeaturedImageFieldTests:
    def test_saved_image_gets_a_generated_name_from_its_format(self):
        article = ArticleFactory()
        # A PNG sent as "photo.html": stored as <uuid>.png.
        article.featured_image = upload("photo.html", image_bytes("PNG"))
        article.save()
        name = article.featured_image.name
        assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.png", name), name

    def test_code_cannot_store_html_either(self):
        article = ArticleFactory()
        article.featured_image = upload("evil.html", HTML)
        with pytest.raises(ValidationError):
            article.save()

    def test_admin_refuses_html_and_stores_nothing(self, client):
        client.force_login(staff("editor", "Editor"))
        response = client.post(
            "/admin/content/article/add/",
            article_form(featured_image=upload("evil.html", HTML)),
        )
        assert response.status_code == 200
        assert "Upload a whole image" in response.content.decode()
        assert not Article.objects.exists()

    def test_admin_accepts_a_real_jpeg_and_renames_it(self, client):
        client.force_login(staff("editor", "Editor"))
        response = client.post(
            "/admin/content/article/add/",
            article_form(featured_image=upload("My Holiday.JPG", image_bytes("JPEG"))),
        )
        assert response.status_code == 302
        name = Article.objects.get().featured_image.name
        assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name), name
        with Article.objects.get().featured_image.open("rb") as stored:
            assert Image.open(stored).format == "JPEG"
