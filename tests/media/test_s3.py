"""Media in an S3-compatible bucket (django-storages against moto's S3 server on the loopback).

Uploads, renditions and imported files land in the bucket; the pages' pictures are fetched and
decode; a missing object shows the placeholder. The bucket is read with boto3 directly, so what
is asserted is what S3 holds, not what the storage class believes.
"""

from __future__ import annotations

import io
import json
import socket

import httpx
import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import html
from PIL import Image as PILImage

from dastan.content.models import Article
from dastan.content.services import article_save
from dastan.importers.models import WordPressAttachment
from dastan.importers.wordpress.load import wordpress_import
from dastan.media.models import Image
from dastan.media.pictures import specs_used
from dastan.media.renditions import PLACEHOLDER_RGB, rendition_name
from dastan.newsroom.roles import WRITER
from dastan.settings.media_storage import s3_storage
from tests.factories import ArticleFactory, image_bytes, library_image, staff_user
from tests.importers.test_wordpress_load import WPTEST
from tests.media.test_admin import image_form
from tests.media.test_uploads import exif_jpeg

pytestmark = pytest.mark.django_db


def bucket_keys(client, bucket: str, prefix: str = "") -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def bucket_bytes(client, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def fetched(client, url: str) -> bytes:
    """GET a site address through Django, as a browser's image request; the whole body."""
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


class SettingsTests:
    def test_no_bucket_keeps_the_local_disk(self, monkeypatch):
        monkeypatch.delenv("DASTAN_S3_BUCKET", raising=False)
        assert s3_storage() is None

    def test_private_bucket_signs_and_public_one_does_not(self, monkeypatch):
        monkeypatch.setenv("DASTAN_S3_BUCKET", "news-media")
        monkeypatch.setenv("DASTAN_S3_URL_EXPIRE", "600")
        private = s3_storage()
        assert private["BACKEND"] == "storages.backends.s3.S3Storage"
        assert private["OPTIONS"]["bucket_name"] == "news-media"
        assert private["OPTIONS"]["querystring_auth"] is True
        assert private["OPTIONS"]["querystring_expire"] == 600
        monkeypatch.setenv("DASTAN_S3_PUBLIC", "1")
        monkeypatch.setenv("DASTAN_S3_CUSTOM_DOMAIN", "media.example.org")
        public = s3_storage()["OPTIONS"]
        assert public["querystring_auth"] is False
        assert public["custom_domain"] == "media.example.org"


class UploadTests:
    def test_back_office_upload_is_stored_in_the_bucket(self, client, s3_media):
        s3, bucket = s3_media
        client.force_login(staff_user("writer", WRITER))
        upload = SimpleUploadedFile("IMG_0001.JPG", exif_jpeg(6), content_type="image/jpeg")
        response = client.post("/admin/media/image/add/", image_form(upload=upload))
        assert response.status_code == 302
        image = Image.objects.get()
        assert bucket_keys(s3, bucket, "images/") == {image.file.name}
        stored = PILImage.open(io.BytesIO(bucket_bytes(s3, bucket, image.file.name)))
        # Turned upright and stripped of its location before it reached the bucket.
        assert stored.size == (20, 60)
        assert 0x8825 not in stored.getexif()

    def test_signed_address_of_a_private_bucket_reads_the_object(self, s3_media):
        s3, bucket = s3_media
        image = library_image((640, 360))
        url = image.file.url
        assert "Signature=" in url or "X-Amz-Signature=" in url
        response = httpx.get(url)
        assert response.status_code == 200
        assert response.content == bucket_bytes(s3, bucket, image.file.name)
        # Without its signature the private object is refused.
        assert httpx.get(url.split("?")[0]).status_code == 403


class RenditionTests:
    def test_publish_makes_every_rendition_into_the_bucket(
        self, s3_media, django_capture_on_commit_callbacks
    ):
        s3, bucket = s3_media
        article = ArticleFactory(status=Article.Status.DRAFT, featured_image=library_image())
        article.status = Article.Status.PUBLISHED
        with django_capture_on_commit_callbacks(execute=True):
            article_save(article)
        image = article.featured_image
        wanted = {rendition_name(image.sha256, spec) for spec in specs_used(image)}
        assert bucket_keys(s3, bucket, "r/") == wanted
        webp = bucket_bytes(s3, bucket, rendition_name(image.sha256, specs_used(image)[1]))
        assert PILImage.open(io.BytesIO(webp)).format in ("WEBP", "AVIF", "JPEG")

    def test_article_page_pictures_resolve_to_image_bytes(self, client, s3_media):
        s3, bucket = s3_media
        article = ArticleFactory(featured_image=library_image((1600, 1000)))
        doc = html.fromstring(client.get(article.get_absolute_url()).content)
        (picture,) = doc.xpath('//figure[contains(@class, "story__image")]//picture')
        urls = {picture.xpath(".//img/@src")[0]}
        for srcset in picture.xpath(".//source/@srcset | .//img/@srcset"):
            urls |= {part.split()[0] for part in srcset.split(",")}
        assert len(urls) > 5 and all(url.startswith("/media/r/") for url in urls)
        for url in sorted(urls):
            content = fetched(client, url)
            expected = {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}[url.rsplit(".", 1)[1]]
            assert PILImage.open(io.BytesIO(content)).format == expected
            # Made on that request and kept in the bucket, named by hash and spec.
            assert bucket_bytes(s3, bucket, url.removeprefix("/media/")) == content

    def test_served_from_the_bucket_with_a_years_cache(self, client, s3_media):
        s3, bucket = s3_media
        image = library_image()
        url = f"/media/r/{image.sha256}/card-640.webp"
        first = fetched(client, url)
        s3.put_object(Bucket=bucket, Key=url.removeprefix("/media/"), Body=first[:-1])
        response = client.get(url)
        # What the bucket holds is what is served: nothing is made again once stored.
        assert b"".join(response.streaming_content) == first[:-1]
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["Content-Type"] == "image/webp"

    def test_missing_object_gives_the_placeholder(self, client, s3_media):
        s3, bucket = s3_media
        article = ArticleFactory(featured_image=library_image())
        s3.delete_object(Bucket=bucket, Key=article.featured_image.file.name)
        doc = html.fromstring(client.get(article.get_absolute_url()).content)
        src = doc.xpath('//figure[contains(@class, "story__image")]//img/@src')[0]
        response = client.get(src)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=300"
        placeholder = PILImage.open(io.BytesIO(response.content))
        assert placeholder.format == "JPEG"
        # The site's paper tone (JPEG may shift a channel by a step or two).
        pixel = placeholder.getpixel((1, 1))
        assert all(abs(a - b) <= 3 for a, b in zip(pixel, PLACEHOLDER_RGB, strict=True))
        assert bucket_keys(s3, bucket, "r/") == set()

    def test_unreachable_bucket_gives_the_placeholder_not_a_500(self, client, s3_media, settings):
        article = ArticleFactory(featured_image=library_image())
        with socket.socket() as probe:  # a loopback port that nothing listens on
            probe.bind(("127.0.0.1", 0))
            dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
        storage = settings.STORAGES["default"]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                **storage,
                "OPTIONS": {
                    **storage["OPTIONS"],
                    "endpoint_url": dead,
                    "client_config": Config(retries={"total_max_attempts": 1}),
                },
            },
        }
        doc = html.fromstring(client.get(article.get_absolute_url()).content)
        src = doc.xpath('//figure[contains(@class, "story__image")]//img/@src')[0]
        response = client.get(src)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=300"
        assert client.get(article.image_src).status_code == 404

    def test_original_is_served_from_a_private_bucket_at_a_lasting_address(self, client, s3_media):
        s3, bucket = s3_media
        article = ArticleFactory(featured_image=library_image())
        name = article.featured_image.file.name
        # No signature in what pages and feeds keep: it would expire in their caches.
        assert article.image_src == f"/media/{name}"
        response = client.get(article.image_src)
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == bucket_bytes(s3, bucket, name)
        assert client.get("/media/images/2020/01/none.jpg").status_code == 404

    def test_original_in_a_public_bucket_is_linked_at_the_bucket(
        self, s3_media, s3_server, settings
    ):
        s3, bucket = s3_media
        storage = settings.STORAGES["default"]
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {**storage, "OPTIONS": {**storage["OPTIONS"], "querystring_auth": False}},
        }
        # Anyone may read, as a public bucket's policy says (the default is private: a 403).
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
        article = ArticleFactory(featured_image=library_image())
        name = article.featured_image.file.name
        assert article.image_src == f"{s3_server}/{bucket}/{name}"
        assert httpx.get(article.image_src).content == bucket_bytes(s3, bucket, name)

    def test_non_image_original_downloads_in_a_sandbox(self, client, s3_media):
        default_storage.save("wordpress/2020/01/report.html", io.BytesIO(b"<script>1</script>"))
        response = client.get("/media/wordpress/2020/01/report.html")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")
        assert "sandbox" in response["Content-Security-Policy"]


class WordPressImportTests:
    def test_media_dir_copies_go_to_the_bucket_and_into_the_library(
        self, client, s3_media, tmp_path
    ):
        s3, bucket = s3_media
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        photo = image_bytes("JPEG", (800, 600))
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(photo)
        report = wordpress_import(WPTEST, media_dir=media)
        name = "wordpress/2013/03/featured-image-horizontal.jpg"
        assert report.media["copied"] == 1
        assert bucket_bytes(s3, bucket, name) == photo
        image = Image.objects.get(file=name)
        article = Article.objects.get(slug="featured-image-horizontal")
        assert article.featured_image == image
        assert WordPressAttachment.objects.filter(image=image).exists()
        # The address written into the import is the site's, not a signature that expires.
        assert article.image_src == f"/media/{name}"
        assert fetched(client, article.image_src) == photo
        card = f"/media/r/{image.sha256}/card-640.jpg"
        assert PILImage.open(io.BytesIO(fetched(client, card))).size == (640, 360)
