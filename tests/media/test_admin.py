"""The media library in the back office: upload, refusal, focal point, galleries, the rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dastan.content.models import Article
from dastan.media.models import Gallery, Image
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import library_image
from tests.factories import staff_user as staff
from tests.media.test_uploads import exif_jpeg
from tests.newsroom.test_admin import article_form

pytestmark = pytest.mark.django_db


def image_form(**overrides) -> dict:
    data = {
        "alt_text": "Steppe at dawn",
        "caption": "",
        "credit": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    data.update(overrides)
    return data


class ImageAdminTests:
    def test_writer_uploads_a_photo_from_a_phone(self, client):
        client.force_login(staff("writer", WRITER))
        upload = SimpleUploadedFile("IMG_0001.JPG", exif_jpeg(6), content_type="image/jpeg")
        response = client.post("/admin/media/image/add/", image_form(upload=upload, focal_x="0.2"))
        assert response.status_code == 302
        image = Image.objects.get()
        assert (image.width, image.height, image.focal_x) == (20, 60, 0.2)
        assert image.file.name.endswith(".jpg") and "IMG_0001" not in image.file.name
        assert b"GPS" not in image.file.read()

    def test_html_upload_is_refused_with_a_message(self, client):
        client.force_login(staff("editor", EDITOR))
        upload = SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>")
        response = client.post("/admin/media/image/add/", image_form(upload=upload))
        assert response.status_code == 200
        assert "Upload a whole image" in response.content.decode()
        assert not Image.objects.exists()

    def test_focal_point_outside_the_picture_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        image = library_image()
        response = client.post(f"/admin/media/image/{image.pk}/change/", image_form(focal_x="1.5"))
        assert response.status_code == 200
        image.refresh_from_db()
        assert image.focal_x == 0.5

    def test_change_page_and_list_show_previews(self, client):
        client.force_login(staff("editor", EDITOR))
        image = library_image()
        page = client.get(f"/admin/media/image/{image.pk}/change/").content.decode()
        assert f"/media/r/{image.sha256}/card-640.jpg" in page
        listing = client.get("/admin/media/image/").content.decode()
        assert f"/media/r/{image.sha256}/" in listing

    def test_image_in_use_cannot_be_deleted(self, client):
        from tests.factories import ArticleFactory

        client.force_login(staff("editor", EDITOR))
        image = library_image()
        ArticleFactory(featured_image=image)
        client.post(f"/admin/media/image/{image.pk}/delete/", {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()


class GalleryAdminTests:
    def test_editor_makes_an_ordered_gallery(self, client):
        client.force_login(staff("editor", EDITOR))
        a, b = library_image(), library_image()
        response = client.post(
            "/admin/media/gallery/add/",
            {
                "title": "Floods in Atyrau",
                "slug": "floods-atyrau",
                "items-TOTAL_FORMS": "2",
                "items-INITIAL_FORMS": "0",
                "items-0-position": "2",
                "items-0-image": str(a.pk),
                "items-1-position": "1",
                "items-1-image": str(b.pk),
            },
        )
        assert response.status_code == 302
        gallery = Gallery.objects.get(slug="floods-atyrau")
        assert [item.image_id for item in gallery.items.all()] == [b.pk, a.pk]


class ArticleImageTests:
    def test_article_picks_a_library_image(self, client):
        client.force_login(staff("editor", EDITOR))
        image = library_image()
        response = client.post("/admin/content/article/add/", article_form(featured_image=image.pk))
        assert response.status_code == 302
        assert Article.objects.get().featured_image == image

    def test_publishing_without_alt_text_is_refused_in_the_form(self, client):
        client.force_login(staff("editor", EDITOR))
        image = library_image(alt_text="")
        now = timezone.localtime()
        response = client.post(
            "/admin/content/article/add/",
            article_form(
                featured_image=image.pk,
                status="published",
                published_at_0=now.strftime("%Y-%m-%d"),
                published_at_1=now.strftime("%H:%M:%S"),
            ),
        )
        assert response.status_code == 200
        assert "alt text" in response.content.decode()
        assert not Article.objects.exists()
