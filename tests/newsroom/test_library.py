"""The editor's image dialog's endpoints: the library as JSON, and uploads into it."""

import os

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastan.media.models import Image
from dastan.newsroom.library import PAGE_SIZE
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import library_image
from tests.factories import staff_user as staff
from tests.media.test_uploads import HTML, SVG, exif_jpeg

pytestmark = pytest.mark.django_db
LIST = reverse("newsroom:library_list")
UPLOAD = reverse("newsroom:library_upload")


def upload_data(data: bytes, name: str = "IMG_0001.JPG", **texts) -> dict:
    texts.setdefault("alt_text", "Steppe at dawn")
    return {"file": SimpleUploadedFile(name, data), **texts}


class LibraryListTests:
    def test_newest_first_in_pages_with_rendition_thumbnails(self, client):
        images = [library_image((1600, 900), caption=f"Picture {n}") for n in range(PAGE_SIZE + 2)]
        client.force_login(staff("writer", WRITER))
        first = client.get(LIST).json()
        assert (first["page"], first["pages"], first["count"]) == (1, 2, PAGE_SIZE + 2)
        assert [entry["id"] for entry in first["results"]] == [
            image.pk for image in reversed(images[2:])
        ]
        newest = images[-1]
        entry = first["results"][0]
        assert entry["thumb"] == f"/media/r/{newest.sha256}/card-320.jpg"
        assert entry["src"] == f"/media/r/{newest.sha256}/full-960.jpg"
        assert (entry["alt"], entry["caption"]) == ("A gradient from black to white", "Picture 13")
        assert client.get(entry["thumb"]).status_code == 200
        second = client.get(LIST, {"page": 2}).json()
        assert [entry["id"] for entry in second["results"]] == [images[1].pk, images[0].pk]

    def test_search_by_alt_text_caption_and_credit(self, client):
        ferry = library_image(alt_text="Ferry at the pier", caption="Aktau", credit="Photo: A. B.")
        library_image(alt_text="A crowd", caption="Election night", credit="Reuters")
        client.force_login(staff("editor", EDITOR))
        for query in ("ferry", "AKTAU", "a. b.", "pier photo"):
            found = client.get(LIST, {"q": query}).json()["results"]
            assert [entry["id"] for entry in found] == [ferry.pk], query
        assert client.get(LIST, {"q": "nothing like it"}).json()["count"] == 0

    def test_bad_page_numbers_answer_a_page(self, client):
        library_image()
        client.force_login(staff("writer", WRITER))
        for page in ("0", "-1", "999999999999999999999", "x", "\x00"):
            response = client.get(LIST, {"page": page})
            assert response.status_code == 200 and response.json()["count"] == 1

    def test_only_staff_with_the_library_permission(self, client):
        assert client.get(LIST).status_code == 302  # to the login page
        writer = staff("writer", WRITER)
        writer.groups.clear()
        client.force_login(writer)
        assert client.get(LIST).status_code == 403


class LibraryUploadTests:
    def test_writer_uploads_a_phone_photo_with_the_back_office_checks(self, client):
        client.force_login(staff("writer", WRITER))
        data = upload_data(exif_jpeg(6), caption="Dawn", credit="Photo: A. B.")
        response = client.post(UPLOAD, data)
        assert response.status_code == 201
        image = Image.objects.get()
        assert response.json()["id"] == image.pk
        # 20 pixels wide: the body's smallest rendition, never upscaled past the source.
        assert response.json()["src"] == f"/media/r/{image.sha256}/full-480.jpg"
        assert (image.width, image.height) == (20, 60)  # turned upright
        assert b"GPS" not in image.file.read()
        assert image.file.name.endswith(".jpg") and "IMG_0001" not in image.file.name
        assert (image.alt_text, image.caption, image.credit) == (
            "Steppe at dawn",
            "Dawn",
            "Photo: A. B.",
        )

    @pytest.mark.parametrize("data", [SVG, HTML, b""], ids=["svg", "html", "empty"])
    def test_not_an_image_is_refused_with_a_message(self, client, data):
        client.force_login(staff("editor", EDITOR))
        response = client.post(UPLOAD, upload_data(data, "photo.jpg"))
        assert response.status_code == 400
        assert response.json()["errors"]["file"]
        assert not Image.objects.exists()

    def test_alt_text_is_required(self, client):
        client.force_login(staff("writer", WRITER))
        response = client.post(UPLOAD, upload_data(exif_jpeg(1), alt_text=""))
        assert response.status_code == 400 and "alt_text" in response.json()["errors"]
        assert not Image.objects.exists()

    def test_only_a_csrf_protected_post_by_staff_who_may_add_images(self, client):
        assert client.get(UPLOAD).status_code in (302, 405)
        writer = staff("writer", WRITER)
        checked = Client(enforce_csrf_checks=True)
        checked.force_login(writer)
        assert checked.post(UPLOAD, upload_data(exif_jpeg(1))).status_code == 403
        writer.user_permissions.clear()
        writer.groups.clear()
        writer.user_permissions.add(Permission.objects.get(codename="view_image"))
        client.force_login(writer)
        assert client.post(UPLOAD, upload_data(exif_jpeg(1))).status_code == 403
        assert not Image.objects.exists()

    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(data=st.binary(max_size=2000), name=st.text(max_size=40))
    def test_any_upload_is_stored_or_refused_never_a_500(self, client, data, name):
        # The database is not reset between examples: one writer signs in for all of them.
        if "_auth_user_id" not in client.session:
            client.force_login(staff("writer", WRITER))
        # A name with nothing after its last slash ("/", "..") cannot even be built into an
        # upload (Django refuses it in SimpleUploadedFile, as its parser drops such a file).
        if os.path.basename(name) in ("", ".", ".."):
            name = "x"
        response = client.post(UPLOAD, upload_data(data, name))
        assert response.status_code in (201, 400)
