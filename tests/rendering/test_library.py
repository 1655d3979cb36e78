"""Media-library images in a body drawn as ``<picture>`` (rendering/library.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering import LibraryPicture, library_ids, prepare_body, render_body

from .trees import find_all, tree, unsafe_parts

STORED = (
    '<figure class="wp-block-image"><img class="wp-library-image-7" src="/media/r/aa/full-960.jpg"'
    ' alt="Stored alt"><figcaption>The harbour <span class="wp-credit">Photo: AP</span>'
    "</figcaption></figure>"
)
PICTURE = LibraryPicture(
    src="/media/r/bb/full-960.jpg",
    srcset="/media/r/bb/full-480.jpg 480w, /media/r/bb/full-960.jpg 960w",
    sizes="(min-width: 44rem) 42rem, 100vw",
    width=960,
    height=540,
    alt="Boats in the harbour",
    sources=(("image/avif", "/media/r/bb/full-480.avif 480w"), ("image/webp", "/x.webp 480w")),
)


def resolver(found: dict[int, LibraryPicture]):
    asked: list[list[int]] = []

    def resolve(ids):
        asked.append(list(ids))
        return {number: found[number] for number in ids if number in found}

    resolve.asked = asked
    return resolve


class LibraryPicturesTests:
    def test_stored_figure_survives_the_save_time_sanitiser(self) -> None:
        """What the editor writes for a library image is stored as written (the allowlist)."""
        assert tree(prepare_body(STORED)) == tree(STORED)

    def test_library_image_drawn_as_picture(self) -> None:
        """The <img> becomes the library's <picture>: sources, srcset, size, lazy; caption kept."""
        html = render_body(STORED, resolve_library=resolver({7: PICTURE}))
        assert len(find_all(html, "picture")) == 1
        sources = find_all(html, "source")
        assert [source["type"] for source in sources] == ["image/avif", "image/webp"]
        assert sources[0]["srcset"] == "/media/r/bb/full-480.avif 480w"
        image = find_all(html, "img")[0]
        assert image == {
            "class": "wp-library-image-7",
            "src": PICTURE.src,
            "srcset": PICTURE.srcset,
            "sizes": PICTURE.sizes,
            "width": "960",
            "height": "540",
            "alt": "Stored alt",
            "loading": "lazy",
            "decoding": "async",
        }
        assert "The harbour" in html and '<span class="wp-credit">Photo: AP</span>' in html

    def test_library_alt_fills_an_empty_stored_alt(self) -> None:
        body = STORED.replace('alt="Stored alt"', 'alt=""')
        html = render_body(body, resolve_library=resolver({7: PICTURE}))
        assert find_all(html, "img")[0]["alt"] == "Boats in the harbour"
        empty = {7: LibraryPicture(**{**PICTURE.__dict__, "alt": ""})}
        html = render_body(body, resolve_library=resolver(empty))
        assert find_all(html, "img")[0]["alt"] == ""

    def test_deleted_image_keeps_its_stored_img(self) -> None:
        """An id the library no longer has keeps the stored rendition address (placeholder)."""
        html = render_body(STORED, resolve_library=resolver({}))
        assert not find_all(html, "picture")
        assert find_all(html, "img")[0]["src"] == "/media/r/aa/full-960.jpg"

    def test_one_lookup_for_every_image(self) -> None:
        body = STORED + STORED.replace("image-7", "image-8") + STORED
        resolve = resolver({7: PICTURE, 8: PICTURE})
        html = render_body(body, resolve_library=resolve)
        assert resolve.asked == [[7, 8]]
        assert len(find_all(html, "picture")) == 3

    def test_wordpress_attachment_class_is_not_a_library_image(self) -> None:
        """wp-image-N names an imported attachment, another numbering: left alone."""
        body = '<img class="wp-image-7" src="/a.jpg" alt="">'
        assert library_ids(body) == []
        assert "<picture>" not in render_body(body, resolve_library=resolver({7: PICTURE}))

    def test_ids_beyond_a_database_key_name_nothing(self) -> None:
        body = (
            '<img class="wp-library-image-99999999999999999999" src="/a.jpg">'
            '<img class="wp-library-image-0">'
        )
        assert library_ids(body) == []

    def test_hostile_library_data_is_escaped(self) -> None:
        """A picture's values from the database are attribute text, never markup."""
        hostile = LibraryPicture(
            src="javascript:alert(1)",
            srcset='/a.jpg 1w" onerror="alert(1)',
            sizes='"><script>alert(1)</script>',
            width=1,
            height=1,
            alt='"><img src=x onerror=alert(1)>',
            sources=(('image/webp" onload="alert(1)', "/b.webp 1w"),),
        )
        html = render_body(STORED, resolve_library=resolver({7: hostile}))
        assert unsafe_parts(html) == []
        # A refused address keeps the stored image rather than drawing an unsafe one.
        assert find_all(html, "img")[0]["src"] == "/media/r/aa/full-960.jpg"
        safe = LibraryPicture(**{**hostile.__dict__, "src": "/ok.jpg"})
        html = render_body(STORED.replace("Stored alt", ""), resolve_library=resolver({7: safe}))
        assert unsafe_parts(html) == []
        assert find_all(html, "img")[0]["alt"] == hostile.alt

    @given(
        body=st.text(alphabet='<>"=/ abcimgwp-lryx0123456789', max_size=200),
        alt=st.text(max_size=50),
    )
    def test_any_body_renders_safely(self, body: str, alt: str) -> None:
        found = {n: LibraryPicture(**{**PICTURE.__dict__, "alt": alt}) for n in range(10)}
        html = render_body(body + STORED, resolve_library=resolver(found))
        assert unsafe_parts(html) == []
