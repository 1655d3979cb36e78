"""Renditions: focal crops, sizes, formats, made once and served; placeholders when broken."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageOps

from dastan.media.models import Image as LibraryImage
from dastan.media.renditions import (
    Spec,
    crop_box,
    output_size,
    rendition_name,
    rendition_render,
    renditions_pregenerate,
    renditions_render,
    spec_parse,
)
from tests.factories import image_bytes, library_image

ratios = st.sampled_from([None, (16, 9), (40, 21), (4, 3), (1, 1)])


class CropBoxTests:
    @given(st.integers(1, 8000), st.integers(1, 8000), ratios, st.floats(0, 1), st.floats(0, 1))
    def test_box_is_inside_and_of_the_ratio(self, width, height, ratio, fx, fy):
        left, top, right, bottom = crop_box(width, height, ratio, (fx, fy))
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        if ratio is not None and min(right - left, bottom - top) > 20:
            assert abs((right - left) / (bottom - top) - ratio[0] / ratio[1]) < 0.1

    @given(st.floats(0, 1), st.floats(0, 1))
    def test_focal_point_stays_in_the_crop(self, fx, fy):
        left, top, right, bottom = crop_box(4000, 3000, (1, 1), (fx, fy))
        assert left <= fx * 4000 <= right and top <= fy * 3000 <= bottom

    def test_subject_at_the_right_edge_is_kept(self):
        """A 16:9 card from a portrait photo whose subject is low: the box slides down."""
        assert crop_box(900, 1600, (16, 9), (0.5, 0.9)) == (0, 1094, 900, 1600)

    def test_output_is_never_wider_than_the_source(self):
        assert output_size(300, 200, None, 640) == (300, 200)
        assert output_size(3000, 2000, (16, 9), 640) == (640, 360)


class SpecTests:
    def test_known_specs_parse(self):
        assert spec_parse("card-640.webp") == Spec("card", 640, "webp")
        assert spec_parse("social-1200.jpg") == Spec("social", 1200, "jpg")

    @pytest.mark.parametrize(
        "name", ["card-641.webp", "card-640.svg", "huge-640.jpg", "card-640.webp.html", "x"]
    )
    def test_other_specs_are_refused(self, name):
        """Only listed widths and formats: a crawler cannot make the server render endless sizes."""
        assert spec_parse(name) is None


class RenderTests:
    @pytest.mark.parametrize("ext,fmt", [("jpg", "JPEG"), ("webp", "WEBP"), ("avif", "AVIF")])
    def test_formats_and_sizes(self, ext, fmt):
        content = rendition_render(
            image_bytes("JPEG", (2000, 1500)), Spec("card", 640, ext), focal=(0.5, 0.5)
        )
        made = Image.open(io.BytesIO(content))
        assert (made.format, made.size) == (fmt, (640, 360))

    def test_focal_point_decides_the_crop(self):
        """Left half red, right half blue: a square crop around x=0.9 is blue."""
        picture = Image.new("RGB", (1600, 800), (255, 0, 0))
        picture.paste((0, 0, 255), (800, 0, 1600, 800))
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        content = rendition_render(buffer.getvalue(), Spec("1x1", 320, "png"), focal=(0.9, 0.5))
        made = Image.open(io.BytesIO(content)).convert("RGB")
        assert made.size == (320, 320)
        assert made.getpixel((160, 160))[2] > 200

    def test_transparent_png_becomes_white_jpeg(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(buffer, "PNG")
        made = Image.open(
            io.BytesIO(
                rendition_render(buffer.getvalue(), Spec("full", 320, "jpg"), focal=(0.5, 0.5))
            )
        )
        assert made.getpixel((10, 10)) == (255, 255, 255)

    def test_shared_decode_gives_the_bytes_of_one_by_one(self):
        """Renditions made together (one decode per scale) equal those made alone."""
        source = image_bytes("JPEG", (3200, 2400))
        specs = [
            Spec(shape, width, ext)
            for shape in ("card", "full", "1x1")
            for width in (320, 640, 1200)
            for ext in ("jpg", "webp")
        ]
        together = renditions_render(source, specs, focal=(0.3, 0.6))
        assert set(together) == set(specs)
        for spec in specs:
            assert together[spec] == rendition_render(source, spec, focal=(0.3, 0.6))

    @pytest.mark.parametrize(
        "fmt,widths,decodes",
        [("PNG", (320, 640, 1200), 1), ("JPEG", (320, 480), 1), ("JPEG", (320, 640, 1200), 3)],
    )
    def test_decodes_are_shared(self, monkeypatch, fmt, widths, decodes):
        """A PNG is decoded once for all sizes; a JPEG once per scale (1/8, 1/4, 1/2)."""
        buffer = io.BytesIO()
        Image.new("RGB", (4000, 3000), (20, 90, 160)).save(buffer, fmt)
        calls = []
        transpose = ImageOps.exif_transpose
        monkeypatch.setattr(
            ImageOps, "exif_transpose", lambda im: calls.append(im) or transpose(im)
        )
        specs = [Spec("card", width, ext) for width in widths for ext in ("webp", "jpg")]
        made = renditions_render(buffer.getvalue(), specs, focal=(0.5, 0.5))
        assert [Image.open(io.BytesIO(made[s])).width for s in specs] == [s.width for s in specs]
        assert len(calls) == decodes

    def test_focal_crop_holds_at_a_reduced_decode(self):
        """A 12-MP JPEG decoded at 1/8: the square crop around x=0.9 is the right 3000 px.

        Red up to x=2000, blue after: the crop (1000-4000) is a third red, two thirds blue.
        """
        picture = Image.new("RGB", (4000, 3000), (255, 0, 0))
        picture.paste((0, 0, 255), (2000, 0, 4000, 3000))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG")
        made = renditions_render(
            buffer.getvalue(),
            [Spec("1x1", 320, "jpg"), Spec("card", 1200, "jpg")],
            focal=(0.9, 0.5),
        )
        square = Image.open(io.BytesIO(made[Spec("1x1", 320, "jpg")]))
        assert square.size == (320, 320)
        assert square.getpixel((50, 160))[0] > 200
        assert square.getpixel((160, 160))[2] > 200
        assert Image.open(io.BytesIO(made[Spec("card", 1200, "jpg")])).size == (1200, 675)

    def test_exif_turned_source_is_made_upright(self):
        """Stored 3000 x 2000 with orientation 6 (a phone held upright): shown 2000 x 3000."""
        exif = Image.Exif()
        exif[0x0112] = 6
        buffer = io.BytesIO()
        Image.new("RGB", (3000, 2000), (90, 90, 90)).save(buffer, "JPEG", exif=exif)
        made = renditions_render(
            buffer.getvalue(),
            [Spec("full", 320, "jpg"), Spec("full", 1200, "webp")],
            focal=(0.5, 0.5),
        )
        assert Image.open(io.BytesIO(made[Spec("full", 320, "jpg")])).size == (320, 480)
        assert Image.open(io.BytesIO(made[Spec("full", 1200, "webp")])).size == (1200, 1800)


@pytest.mark.django_db
class RenditionViewTests:
    def test_made_on_first_request_then_stored(self, client):
        image = library_image((2400, 1600))
        url = f"/media/r/{image.sha256}/card-640.avif"
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/avif"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)
        assert Image.open(io.BytesIO(body)).size == (640, 360)
        assert default_storage.exists(rendition_name(image.sha256, Spec("card", 640, "avif")))

    def test_unknown_spec_is_404(self, client):
        image = library_image()
        assert client.get(f"/media/r/{image.sha256}/card-641.jpg").status_code == 404

    def test_missing_source_gives_a_placeholder(self, client):
        """Never a 500 or a broken image: a quiet block of the right shape, briefly cached."""
        image = library_image()
        default_storage.delete(image.file.name)
        response = client.get(f"/media/r/{image.sha256}/card-640.webp")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=300"
        made = Image.open(io.BytesIO(response.content))
        assert made.format == "WEBP" and made.size == (320, 180)

    def test_corrupt_source_gives_a_placeholder(self, client):
        image = library_image()
        LibraryImage.objects.filter(pk=image.pk).update(
            file=default_storage.save("images/bad.jpg", ContentFile(b"\xff\xd8 not a jpeg"))
        )
        response = client.get(f"/media/r/{image.sha256}/1x1-320.jpg")
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.content)).size == (320, 320)

    def test_unknown_image_gives_a_placeholder(self, client):
        response = client.get(f"/media/r/{'0' * 64}/card-320.jpg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"

    def test_post_is_refused(self, client):
        image = library_image()
        assert client.post(f"/media/r/{image.sha256}/card-640.jpg").status_code == 405

    def test_range_request_is_answered(self, client):
        image = library_image()
        url = f"/media/r/{image.sha256}/card-640.jpg"
        whole = b"".join(client.get(url).streaming_content)
        response = client.get(url, headers={"Range": "bytes=10-19"})
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 10-19/{len(whole)}"
        assert b"".join(response.streaming_content) == whole[10:20]


@pytest.mark.django_db
class PregenerateTests:
    def test_every_size_the_pages_use_is_made(self):
        from dastan.media.pictures import specs_used

        image = library_image((1700, 1000))
        made = renditions_pregenerate([image])
        specs = specs_used(image)
        assert made == len(specs)
        assert all(default_storage.exists(rendition_name(image.sha256, s)) for s in specs)
        assert {s.ext for s in specs} == {"avif", "webp", "jpg"}

    def test_publishing_makes_the_body_pictures_sizes(self, django_capture_on_commit_callbacks):
        from dastan.content.models import Article
        from dastan.content.services import article_save
        from dastan.media.pictures import specs_for_role
        from tests.factories import ArticleFactory
        from tests.media.test_pages import body_figure

        in_body = library_image((1500, 1000))
        article = ArticleFactory(status=Article.Status.DRAFT, body=body_figure(in_body.pk))
        wanted = specs_for_role(in_body, "body")
        assert not any(default_storage.exists(rendition_name(in_body.sha256, s)) for s in wanted)
        article.status = Article.Status.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            article_save(article)
        assert {s.width for s in wanted} == {480, 640, 960, 1280}
        assert all(default_storage.exists(rendition_name(in_body.sha256, s)) for s in wanted)
