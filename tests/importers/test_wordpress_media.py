"""The media library: upload addresses resolved to stored copies, copied once at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import InMemoryStorage

from dastan.importers.wordpress.media import MediaLibrary
from tests.factories import image_bytes

BASE = "https://news.example.kz/wp-content/uploads/"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    (folder / "2020/01").mkdir(parents=True)
    (folder / "2020/01/river.jpg").write_bytes(image_bytes("JPEG"))
    (folder / "2020/01/flood map.png").write_bytes(image_bytes("PNG"))
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


class RefusedFileTests:
    """An uploads folder can hold files no page should serve from the site's own domain."""

    @pytest.mark.parametrize(
        ("name", "content", "why"),
        [
            ("page.html", b"<script>alert(document.cookie)</script>", ".html is not a type"),
            ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', ".svg"),
            ("shell.php", b"<?php system($_GET['c']);", ".php is not a type"),
            ("fake.jpg", b"<script>alert(1)</script>", "Upload a whole image"),
            ("cut.png", image_bytes("PNG")[:60], "Upload a whole image"),
        ],
    )
    def test_active_content_and_broken_images_are_not_copied(self, uploads, name, content, why):
        (uploads / "2020/01" / name).write_bytes(content)
        storage = InMemoryStorage()
        library = MediaLibrary(uploads, [BASE], storage=storage)
        url = BASE + "2020/01/" + name
        assert library.resolve(url) is None
        assert why in library.refused[url]
        assert url not in library.missing
        library.copy()
        assert library.copied == set()
        assert not storage.exists("wordpress/2020/01/" + name)

    def test_documents_and_real_images_are_copied(self, uploads):
        (uploads / "2020/01/budget.pdf").write_bytes(b"%PDF-1.4 budget")
        storage = InMemoryStorage()
        library = MediaLibrary(uploads, [BASE], storage=storage)
        for name in ("budget.pdf", "river.jpg"):
            assert library.resolve(BASE + "2020/01/" + name)
        library.copy()
        assert library.copied == {"wordpress/2020/01/budget.pdf", "wordpress/2020/01/river.jpg"}
        assert library.refused == {}

    def test_refusals_cross_from_the_reading_process(self, uploads):
        (uploads / "2020/01/page.html").write_bytes(b"<script></script>")
        reader = MediaLibrary(uploads, [BASE], storage=InMemoryStorage())
        reader.resolve(BASE + "2020/01/page.html")
        writer = MediaLibrary(uploads, [BASE], storage=InMemoryStorage())
        writer.merge(reader.findings())
        assert list(writer.refused) == [BASE + "2020/01/page.html"]
