"""Backup and restore round trip: a site with content comes back whole into an empty one.

Runs on SQLite (online backup API) and, in the PostgreSQL pass, on pg_dump/pg_restore.
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dastan.content.models import Article
from dastan.media.services import image_create
from dastan.ops.backup import BackupError, backup_create, backup_restore, manifest_read
from dastan.rates.models import RateObservation
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, image_bytes, staff_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Uploads on the file system, as on a real site."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def site_build() -> dict:
    """Write articles (one with an image), redirects, rates and users; return what to find."""
    pictured = ArticleFactory(
        title="Caspian ferry resumes",
        featured_image=image_create(file=io.BytesIO(image_bytes()), alt_text="A ferry"),
    )
    others = [ArticleFactory(title=f"Steppe report {n}") for n in range(3)]
    LegacyRedirect.objects.create(old_path="/?p=42", kind="article", article=pictured)
    LegacyRedirect.objects.create(old_path="/old-file.pdf", kind="url", target_url="/media/x.pdf")
    for day, value in ((date(2026, 3, 2), "470.1"), (date(2026, 3, 3), "471.9")):
        RateObservation.objects.create(
            currency="USD",
            quote="KZT",
            rate=value,
            rate_date=day,
            source="nbk",
            fetched_at=timezone.now(),
        )
    staff_user("editor1", "Editor")
    User.objects.create_user("reader", password="a-long-reader-password")
    return {
        "articles": {a.slug: a.title for a in [pictured, *others]},
        "image": (pictured.featured_image.file.name, pictured.featured_image.file.read()),
        "redirect": (pictured.get_absolute_url()),
    }


def site_empty(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for file in media.rglob("*"):
        if file.is_file():
            file.unlink()
    assert Article.objects.count() == 0 and User.objects.count() == 0


class RoundTripTests:
    def test_a_restore_into_an_empty_site_gives_back_everything(self, media, tmp_path, client):
        expected = site_build()
        result = backup_create(tmp_path / "site.tar.gz")
        assert result.manifest["counts"] == {"articles": 4, "redirects": 2, "rates": 2, "users": 2}
        assert result.manifest["media"]["files"] == 1
        site_empty(media)

        counts = backup_restore(tmp_path / "site.tar.gz")

        assert counts == result.manifest["counts"]
        assert dict(Article.objects.values_list("slug", "title")) == expected["articles"]
        name, data = expected["image"]
        assert (media / name).read_bytes() == data
        response = client.get("/?p=42")
        assert response.status_code == 301
        assert response["Location"].endswith(expected["redirect"])
        rates = RateObservation.objects.order_by("rate_date").values_list("rate", flat=True)
        assert [str(r.normalize()) for r in rates] == ["470.1", "471.9"]
        assert User.objects.get(username="editor1").groups.filter(name="Editor").exists()
        assert User.objects.get(username="reader").check_password("a-long-reader-password")
        found = client.get("/search/", {"q": "Caspian ferry"})
        assert "Caspian ferry resumes" in found.content.decode()

    def test_the_commands_round_trip_and_report(self, media, tmp_path):
        site_build()
        out = io.StringIO()
        call_command("backup", str(tmp_path / "site.tar"), stdout=out)
        assert "4 articles, 2 redirects, 2 rates, 2 users" in out.getvalue()
        assert "1 media files" in out.getvalue()
        site_empty(media)
        out = io.StringIO()
        call_command("restore", str(tmp_path / "site.tar"), stdout=out)
        assert "4 articles, 2 redirects, 2 rates, 2 users, as the backup recorded" in out.getvalue()


class ObjectStorageTests:
    def test_media_in_a_bucket_are_named_not_copied(self, s3_media, tmp_path):
        s3, bucket = s3_media
        site_build()
        out = io.StringIO()
        call_command("backup", str(tmp_path / "site.tar"), stdout=out)
        assert f"Media are not in the archive: they are in s3://{bucket}/" in out.getvalue()
        manifest = manifest_read(tmp_path / "site.tar")
        assert manifest["media"] == {
            "stored": False,
            "elsewhere": f"s3://{bucket}/",
            "files": 0,
            "bytes": 0,
        }
        with tarfile.open(tmp_path / "site.tar") as archive:
            assert not [n for n in archive.getnames() if n.startswith("media/")]
        # The upload itself is where the manifest says.
        assert s3.list_objects_v2(Bucket=bucket, Prefix="images/")["KeyCount"] == 1


class RefusalTests:
    def test_a_site_with_content_is_kept_unless_forced(self, media, tmp_path):
        site_build()
        backup_create(tmp_path / "site.tar.gz")
        ArticleFactory(title="Written after the backup")
        with pytest.raises(BackupError, match="--force"):
            backup_restore(tmp_path / "site.tar.gz")
        assert Article.objects.filter(title="Written after the backup").exists()
        backup_restore(tmp_path / "site.tar.gz", force=True)
        assert not Article.objects.filter(title="Written after the backup").exists()

    def test_a_file_that_is_not_a_backup(self, tmp_path):
        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"not an archive")
        with pytest.raises(CommandError, match="not a Dastan backup"):
            call_command("restore", str(junk))

    def test_a_damaged_database_copy_is_refused_before_anything_changes(self, media, tmp_path):
        site_build()
        good = tmp_path / "site.tar"
        backup_create(good)
        manifest = manifest_read(good)
        bad = tmp_path / "bad.tar"
        with tarfile.open(good) as source, tarfile.open(bad, "w") as target:
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name == manifest["database"]["file"]:
                    data = data[:-10] + b"0123456789"
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
        with pytest.raises(BackupError, match="checksum"):
            backup_restore(bad, force=True)
        assert Article.objects.count() == 4

    def test_another_databases_backup_is_refused(self, media, tmp_path):
        site_build()
        good = tmp_path / "site.tar"
        backup_create(good)
        manifest = manifest_read(good)
        manifest["database"]["vendor"] = "oracle"
        other = tmp_path / "other.tar"
        with tarfile.open(good) as source, tarfile.open(other, "w") as target:
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name == "manifest.json":
                    data = json.dumps(manifest).encode()
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
        with pytest.raises(BackupError, match="oracle database"):
            backup_restore(other, force=True)
