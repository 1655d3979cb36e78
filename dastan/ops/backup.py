"""One archive file holds a site: its database, its uploaded media and a manifest.

SQLite is copied with its online backup API (a consistent copy while the site runs and
writes), PostgreSQL with ``pg_dump --format=custom`` (a consistent snapshot, restored by
``pg_restore``). The manifest records what went in, with a checksum of the database and
the number of articles, redirects, rates and users, which a restore checks it got back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def site_counts() -> dict[str, int]:
    """Count what a restore must give back: articles, redirects, rates and users."""
    from django.contrib.auth.models import User

    from dastan.content.models import Article
    from dastan.rates.models import RateObservation
    from dastan.redirects.models import LegacyRedirect

    return {
        "articles": Article.objects.count(),
        "redirects": LegacyRedirect.objects.count(),
        "rates": RateObservation.objects.count(),
        "users": User.objects.count(),
    }


def media_root() -> Path | None:
    """Return the uploads directory, or None when uploads are not on this file system."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def media_elsewhere() -> str:
    """Name where uploads are kept when they are not on this file system (a bucket)."""
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        prefix = getattr(default_storage, "location", "") or ""
        return f"s3://{bucket}/{prefix}".rstrip("/") + "/"
    return type(default_storage).__name__


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Return the argv prefix and environment to reach the database with a pg_* tool."""
    argv = [program, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            argv += [flag, str(settings_dict[key])]
    environ = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environ["PGPASSWORD"] = settings_dict["PASSWORD"]
    return argv, environ


def _run(argv: list[str], environ: dict[str, str]) -> None:
    try:
        done = subprocess.run(argv, env=environ, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{argv[0]} is not installed: apt-get install postgresql-client "
            "(its major version at least the server's)"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")


def database_dump(target: Path) -> None:
    """Write a consistent copy of the default database to ``target``."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        argv, environ = _pg_command("pg_dump", connection.settings_dict)
        _run(
            [*argv, "--format=custom", "--file", str(target), connection.settings_dict["NAME"]],
            environ,
        )
    else:
        raise BackupError(f"no backup for a {connection.vendor} database")


def database_load(source: Path) -> None:
    """Replace the default database's content with the copy in ``source``."""
    connections.close_all()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
    else:
        argv, environ = _pg_command("pg_restore", connection.settings_dict)
        name = connection.settings_dict["NAME"]
        # --clean drops each object before it is created again: the site's tables end as
        # the backup had them, whatever the target held.
        _run(
            [
                *argv,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                str(source),
            ],
            environ,
        )
    connections.close_all()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _archive_mode(path: Path, write: bool) -> str:
    gz = path.name.endswith((".tar.gz", ".tgz"))
    if write:
        return "w:gz" if gz else "w"
    return "r:*"


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def backup_create(path: Path) -> BackupResult:
    """Write the site into the archive ``path`` (``.tar.gz`` compresses), atomically."""
    path = Path(path)
    vendor = connection.vendor
    member = DATABASE_MEMBERS.get(vendor)
    if member is None:
        raise BackupError(f"no backup for a {vendor} database")
    root = media_root()
    with tempfile.TemporaryDirectory(prefix="dastan-backup-") as work:
        database = Path(work) / member
        database_dump(database)
        media = sorted(p for p in root.rglob("*") if p.is_file()) if root and root.exists() else []
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "file": member, "sha256": _sha256(database)},
            "migrations": sorted(
                f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
            ),
            "counts": site_counts(),
            "media": {
                "stored": root is not None,
                # Uploads in a bucket are not copied: the bucket is backed up on its own.
                "elsewhere": None if root is not None else media_elsewhere(),
                "files": len(media),
                "bytes": sum(p.stat().st_size for p in media),
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(handle)
        try:
            with tarfile.open(draft, _archive_mode(path, write=True)) as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                archive.add(database, arcname=member)
                for file in media:
                    archive.add(file, arcname=f"media/{file.relative_to(root).as_posix()}")
            os.replace(draft, path)
        except BaseException:
            Path(draft).unlink(missing_ok=True)
            raise
    return BackupResult(path, manifest)


def manifest_read(path: Path) -> dict:
    """Return the archive's manifest, refusing a file that is not a Dastan backup."""
    try:
        with tarfile.open(path, _archive_mode(Path(path), write=False)) as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a Dastan backup ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest and manifest.get('format')!r}")
    return manifest


def site_is_empty() -> bool:
    """Whether the site holds no articles, redirects, rates or users."""
    return not any(site_counts().values())


def backup_restore(path: Path, *, force: bool = False) -> dict:
    """Restore the archive ``path`` into this site; return the counts found afterwards.

    The database is replaced and the archive's media written over ``MEDIA_ROOT``. A site
    that already holds content is refused unless ``force``.
    """
    manifest = manifest_read(path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup holds a {vendor} database and this site runs on {connection.vendor}; "
            "move between them with dumpdata/loaddata (docs/deployment.md)"
        )
    if not force and not site_is_empty():
        raise BackupError("this site already holds content; restore with --force to replace it")
    root = media_root()
    with tempfile.TemporaryDirectory(prefix="dastan-restore-") as work:
        with tarfile.open(path, _archive_mode(Path(path), write=False)) as archive:
            # The "data" filter refuses absolute names, "..", links out and device files.
            archive.extractall(work, filter="data")
        database = Path(work) / manifest["database"]["file"]
        if _sha256(database) != manifest["database"]["sha256"]:
            raise BackupError(f"{path}: the database copy does not match its checksum")
        media = Path(work) / "media"
        if media.exists() and root is None:
            raise BackupError("the backup holds media but uploads are not on this file system")
        database_load(database)
        if media.exists():
            for file in sorted(p for p in media.rglob("*") if p.is_file()):
                target = root / file.relative_to(media)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(file, target)
    found = site_counts()
    if found != manifest["counts"]:
        raise BackupError(f"restored {found}, but the backup recorded {manifest['counts']}")
    return found
