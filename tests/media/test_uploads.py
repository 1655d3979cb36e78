"""Uploads: decoded before storing, allowed formats only, bounded, upright, no metadata."""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from dastan.media.uploads import FORMATS, image_check, image_prepare
from tests.factories import image_bytes

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


def exif_jpeg(orientation: int, *, gps: bool = True, size=(60, 20)) -> bytes:
    """A JPEG as a phone writes it: an orientation tag and a GPS position in its EXIF."""
    picture = Image.new("RGB", size, (10, 200, 10))
    picture.paste((200, 10, 10), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 14.0, 0.0), 3: "E", 4: (76.0, 56.0, 0.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


class ImagePrepareTests:
    def test_orientation_is_applied(self):
        """Orientation 6 (camera turned right): stored 20 x 60, upright, with no tag left."""
        prepared = image_prepare(io.BytesIO(exif_jpeg(6)))
        stored = Image.open(io.BytesIO(prepared.content))
        assert stored.size == (20, 60)
        assert (prepared.check.width, prepared.check.height) == (20, 60)
        assert 0x0112 not in stored.getexif()

    def test_location_is_stripped(self):
        prepared = image_prepare(io.BytesIO(exif_jpeg(1)))
        stored = Image.open(io.BytesIO(prepared.content))
        assert not stored.getexif()
        assert b"GPS" not in prepared.content and stored.size == (60, 20)

    def test_png_text_is_stripped(self):
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Location", "43.238, 76.945")
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, "PNG", pnginfo=info)
        prepared = image_prepare(io.BytesIO(buffer.getvalue()))
        assert b"76.945" not in prepared.content
        assert Image.open(io.BytesIO(prepared.content)).size == (10, 10)

    def test_gif_keeps_its_bytes(self):
        """Rewriting a GIF would flatten its animation; it carries no EXIF."""
        data = image_bytes("GIF")
        assert image_prepare(io.BytesIO(data)).content == data

    def test_clean_file_keeps_its_bytes(self):
        data = image_bytes("PNG")
        prepared = image_prepare(io.BytesIO(data))
        assert prepared.content == data
        assert prepared.sha256 == hashlib.sha256(data).hexdigest()

    @settings(max_examples=60, deadline=None)
    @given(st.binary(max_size=2000))
    def test_any_bytes_are_an_image_or_a_clear_error(self, data):
        """Whatever arrives, the answer is an image to store or a ValidationError."""
        try:
            prepared = image_prepare(io.BytesIO(data))
        except ValidationError as error:
            assert error.code in {"image_invalid", "image_too_many_pixels", "image_too_large"}
        else:
            Image.open(io.BytesIO(prepared.content)).load()

    @settings(max_examples=60, deadline=None)
    @given(st.data())
    def test_damaged_real_files_never_crash(self, data):
        """A real JPEG, PNG or WebP with bytes flipped or cut: stored whole, or refused."""
        fmt = data.draw(st.sampled_from(["JPEG", "PNG", "WEBP", "GIF"]))
        original = bytearray(image_bytes(fmt, (64, 48)))
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(original) - 1))
            original[at] = data.draw(st.integers(0, 255))
        cut = data.draw(st.integers(1, len(original)))
        try:
            prepared = image_prepare(io.BytesIO(bytes(original[:cut])))
        except ValidationError:
            return
        Image.open(io.BytesIO(prepared.content)).load()
