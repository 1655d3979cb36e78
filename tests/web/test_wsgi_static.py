"""The embedded WSGI app serves static files and uploads, and nothing outside their directories.

The requests go straight to the WSGI callable with a raw ``PATH_INFO``: an HTTP
client would normalise ``/static/../../etc/passwd`` before sending it.
"""

from __future__ import annotations

import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections

from dastan.web.wsgi_static import application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Keep the test's database connection open across requests, as Django's test client does.

    A WSGI handler closes old connections at the start and end of a request;
    on PostgreSQL that would close the connection holding the test transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def wsgi_get(
    path: str, *, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Call the WSGI app as a server would, with ``path`` as sent."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "wsgi.input": io.BytesIO()}
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    setup_testing_defaults(environ)
    environ["SERVER_NAME"] = environ["HTTP_HOST"] = "testserver"
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "2025" / "04").mkdir(parents=True)
    (root / "2025" / "04" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n fake")
    (root / "evil.html").write_text("<script>alert(1)</script>")
    (root / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (root / "photo.png.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "secret.txt").write_text("outside")
    (root / "link.png").symlink_to(tmp_path / "secret.txt")
    settings.MEDIA_ROOT = root
    return root


class StaticFilesTests:
    def test_static_file_is_served(self):
        status, headers, body = wsgi_get("/static/web/site.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert body

    @pytest.mark.parametrize(
        "path",
        [
            "/static/../../etc/passwd",
            "/static/../../../../../../etc/passwd",
            "/static//etc/passwd",
            "/static/web/../../../../etc/passwd",
            "/static/%2e%2e/%2e%2e/etc/passwd",
            "/static/a\x00b",
        ],
    )
    def test_paths_outside_are_404(self, path):
        """``/static/../../etc/passwd`` was a 500 (SuspiciousFileOperation)."""
        status, _, body = wsgi_get(path)
        assert status == 404
        assert b"root:" not in body

    def test_only_get_and_head(self):
        status, headers, _ = wsgi_get("/static/web/site.css", method="POST")
        assert status == 405
        assert headers["Allow"] == "GET, HEAD"


class MediaFilesTests:
    def test_image_is_served_inline_with_its_type(self, media):
        """``/media/`` was a 404 under ``dastan serve``: imported images never showed."""
        status, headers, body = wsgi_get("/media/2025/04/photo.png")
        assert status == 200
        assert headers["Content-Type"] == "image/png"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Disposition"].startswith("inline")
        assert body == b"\x89PNG\r\n\x1a\n fake"

    @pytest.mark.parametrize("name", ["evil.html", "evil.svg", "photo.png.gz"])
    def test_anything_else_is_an_opaque_download(self, media, name):
        status, headers, _ = wsgi_get(f"/media/{name}")
        assert status == 200
        assert headers["Content-Type"] == "application/octet-stream"
        assert headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in headers["Content-Security-Policy"]
        assert "Content-Encoding" not in headers

    @pytest.mark.parametrize(
        "path",
        [
            "/media/",
            "/media/2025/",
            "/media/2025/04/",
            "/media/missing.png",
            "/media/../secret.txt",
            "/media/../../etc/passwd",
            "/media/2025/../../secret.txt",
            "/media//etc/passwd",
            "/media/%2e%2e/secret.txt",
            "/media/link.png",
            "/media/a\x00b",
        ],
    )
    def test_directories_and_paths_outside_are_404(self, media, path):
        """No listing, nothing outside MEDIA_ROOT, not even through a symbolic link."""
        status, _, body = wsgi_get(path)
        assert status == 404
        assert b"outside" not in body
        assert b"root:" not in body

    def test_only_get_and_head(self, media):
        assert wsgi_get("/media/2025/04/photo.png", method="DELETE")[0] == 405
        status, headers, body = wsgi_get("/media/2025/04/photo.png", method="HEAD")
        assert status == 200
        assert headers["Content-Type"] == "image/png"

    def test_pages_still_reach_django(self, media):
        status, headers, _ = wsgi_get("/")
        assert status == 200
        assert headers["Content-Type"].startswith("text/html")


class MediaRangeTests:
    """Uploads and renditions under ``dastan serve``: ranges, validators, cache lifetimes."""

    def test_range_gives_206_with_the_bytes(self, media):
        status, headers, body = wsgi_get("/media/2025/04/photo.png", headers={"Range": "bytes=2-5"})
        assert status == 206
        assert headers["Content-Range"] == "bytes 2-5/13"
        assert body == b"\x89PNG\r\n\x1a\n fake"[2:6]

    def test_suffix_range(self, media):
        status, headers, body = wsgi_get("/media/2025/04/photo.png", headers={"Range": "bytes=-4"})
        assert (status, body) == (206, b"fake")

    def test_range_past_the_end_is_416(self, media):
        status, headers, _ = wsgi_get("/media/2025/04/photo.png", headers={"Range": "bytes=99-"})
        assert status == 416
        assert headers["Content-Range"] == "bytes */13"

    def test_several_ranges_get_the_whole_file(self, media):
        status, _, body = wsgi_get("/media/2025/04/photo.png", headers={"Range": "bytes=0-1,4-5"})
        assert (status, len(body)) == (200, 13)

    def test_if_range_with_another_etag_gets_the_whole_file(self, media):
        status, _, body = wsgi_get(
            "/media/2025/04/photo.png", headers={"Range": "bytes=0-1", "If-Range": '"old"'}
        )
        assert (status, len(body)) == (200, 13)

    def test_etag_revalidates_to_304(self, media):
        _, headers, _ = wsgi_get("/media/2025/04/photo.png")
        assert headers["Accept-Ranges"] == "bytes"
        assert headers["Cache-Control"] == "public, max-age=86400"
        status, _, body = wsgi_get(
            "/media/2025/04/photo.png", headers={"If-None-Match": headers["ETag"]}
        )
        assert (status, body) == (304, b"")

    def test_stored_rendition_is_immutable(self, media):
        (media / "r" / "ab").mkdir(parents=True)
        (media / "r" / "ab" / "card-640.webp").write_bytes(b"RIFF....WEBP")
        status, headers, _ = wsgi_get("/media/r/ab/card-640.webp")
        assert status == 200
        assert headers["Content-Type"] == "image/webp"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

    def test_rendition_not_made_yet_is_made_by_django(self, media, settings):
        """The file handler passes a missing rendition on to the view, which makes it."""
        from dastan.media.services import image_create
        from tests.factories import image_bytes

        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        }
        image = image_create(file=io.BytesIO(image_bytes("PNG", (800, 600))), alt_text="A")
        status, headers, body = wsgi_get(f"/media/r/{image.sha256}/card-320.webp")
        assert status == 200
        assert headers["Content-Type"] == "image/webp"
        assert (media / "r" / image.sha256 / "card-320.webp").read_bytes() == body
        # The second time the file handler serves it from disk.
        status, headers, again = wsgi_get(f"/media/r/{image.sha256}/card-320.webp")
        assert (status, again) == (200, body)
        assert "Last-Modified" in headers

    def test_files_in_a_bucket_are_served_through_django(self, s3_media):
        """``dastan serve`` with DASTAN_S3_BUCKET: nothing on disk, all from the bucket."""
        from dastan.media.services import image_create
        from tests.factories import image_bytes

        s3, bucket = s3_media
        image = image_create(file=io.BytesIO(image_bytes("PNG", (800, 600))), alt_text="A")
        status, headers, body = wsgi_get(f"/media/{image.file.name}")
        assert (status, headers["Content-Type"]) == (200, "image/png")
        assert body == s3.get_object(Bucket=bucket, Key=image.file.name)["Body"].read()
        status, headers, body = wsgi_get(f"/media/r/{image.sha256}/card-320.webp")
        assert (status, headers["Content-Type"]) == (200, "image/webp")
        key = f"r/{image.sha256}/card-320.webp"
        assert body == s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert wsgi_get("/media/images/../../etc/passwd")[0] == 404
