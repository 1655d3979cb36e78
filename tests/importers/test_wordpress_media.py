"""The media library: upload addresses resolved to stored copies, copied once at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage

from dastan.importers.wordpress.media import MediaLibrary

BASE = "https://news.example.kz/wp-content/uploads/"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    (folder / "2020/01").mkdir(parents=True)
    (folder / "2020/01/river.jpg").write_bytes(b"jpeg")
    (folder / "2020/01/flood map.png").write_bytes(b"png")
    return folder


class MediaLibraryTests:
    def test_resolving_copies_nothing_until_copy(self, uploads):
        """Resolving only looks; copy() stores what was found, each file once."""
        storage = InMemoryStorage()
        library = MediaLibrary(uploads, [BASE], storage=storage)
        url = library.resolve(BASE + "2020/01/river.jpg")
        assert url == storage.url("wordpress/2020/01/river.jpg")
        assert library.resolve("http:" + BASE.removeprefix("https:") + "2020/01/river.jpg") == url
        assert not storage.exists("wordpress/2020/01/river.jpg")
        library.copy()
        assert storage.exists("wordpress/2020/01/river.jpg")
        assert library.copied == {"wordpress/2020/01/river.jpg"} and library.to_copy == {}

    def test_dry_run_counts_and_never_copies(self, uploads):
        """Without writing, found files stay in to_copy, which the report counts."""
        storage = InMemoryStorage()
        library = MediaLibrary(uploads, [BASE], write=False, storage=storage)
        library.resolve(BASE + "2020/01/river.jpg")
        library.copy()
        assert list(library.to_copy) == ["wordpress/2020/01/river.jpg"]
        assert storage.listdir("")[1] == [] and library.copied == set()

    def test_address_points_at_the_name_the_storage_keeps(self, uploads):
        """A file name the storage changes ("flood map.png") is linked under its stored name,
        and a second import finds it there instead of copying it again."""
        storage = InMemoryStorage()
        library = MediaLibrary(uploads, [BASE], storage=storage)
        url = library.resolve(BASE + "2020/01/flood%20map.png")
        library.copy()
        assert library.copied == {"wordpress/2020/01/flood_map.png"}
        assert url == storage.url("wordpress/2020/01/flood_map.png")
        again = MediaLibrary(uploads, [BASE], storage=storage)
        assert again.resolve(BASE + "2020/01/flood%20map.png") == url
        assert again.present == {"wordpress/2020/01/flood_map.png"} and again.to_copy == {}

    def test_merge_takes_in_another_librarys_findings(self, uploads):
        """What a library found in the reading process joins the writing process's library."""
        storage = InMemoryStorage()
        reader = MediaLibrary(uploads, [BASE], storage=storage)
        reader.resolve(BASE + "2020/01/river.jpg")
        reader.resolve(BASE + "2020/01/gone.jpg")
        writer = MediaLibrary(uploads, [BASE], storage=storage)
        writer.merge(reader.findings())
        assert writer.missing == {BASE + "2020/01/gone.jpg"}
        writer.copy()
        assert writer.copied == {"wordpress/2020/01/river.jpg"}
