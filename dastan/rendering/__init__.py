"""Article bodies from stored HTML to safe HTML, excerpts and reading times.

Pure text in, text out: nothing here imports Django or the rest of Dastan.

``render_body`` is the display pipeline, in this order:

1. ``sanitize_html``: the stored body, shortcode text included, is reduced
   to the allowlist, so shortcode attributes and content are clean input.
2. ``shortcode_unautop``: ``<p>[gallery]</p>`` loses its paragraph, as the
   gallery is a block.
3. The shortcodes expand (renderers escape their attributes), then
   ``autoembed`` turns lone YouTube and Vimeo URLs into players, and
   media-library images become ``<picture>``s (``library.py``).
4. ``sanitize_html`` again, so a renderer's mistake or markup smuggled
   through a shortcode attribute still cannot reach the reader. The
   allowlist admits exactly what the built-in renderers produce.
"""

from __future__ import annotations

import re

from dastan.rendering.autop import autop, shortcode_unautop
from dastan.rendering.embeds import autoembed, render_embed
from dastan.rendering.excerpts import MORE_BREAK, clip_text, make_excerpt, plain_text
from dastan.rendering.library import (
    LibraryPicture,
    LibraryResolver,
    library_ids,
    library_pictures,
)
from dastan.rendering.media import (
    AttachmentResolver,
    GalleryItem,
    GalleryResolver,
    attachment_ids,
    gallery_renderer,
    render_audio,
    render_caption,
    render_gallery,
    render_video,
)
from dastan.rendering.paste import tidy_pasted
from dastan.rendering.reading import reading_time
from dastan.rendering.sanitize import sanitize_html
from dastan.rendering.shortcodes import Shortcode, ShortcodeRegistry, default_registry

__all__ = [
    "AttachmentResolver",
    "GalleryItem",
    "GalleryResolver",
    "LibraryPicture",
    "LibraryResolver",
    "Shortcode",
    "ShortcodeRegistry",
    "attachment_ids",
    "autop",
    "clip_text",
    "default_registry",
    "library_ids",
    "make_excerpt",
    "plain_text",
    "prepare_body",
    "reading_time",
    "register_builtins",
    "render_body",
    "sanitize_html",
]


def register_builtins(registry: ShortcodeRegistry) -> None:
    """Register WordPress's media shortcodes: caption, gallery, embed, video, audio."""
    registry.register("caption", render_caption)
    # WordPress registers wp_caption as an alias for old content.
    registry.register("wp_caption", render_caption)
    registry.register("gallery", render_gallery)
    registry.register("embed", render_embed)
    registry.register("video", render_video)
    registry.register("audio", render_audio)


register_builtins(default_registry)


_MORE_PARAGRAPH = re.compile(r"<p>\s*(<!--more-->)\s*</p>")
_MORE_WRAPPED = re.compile(r"<p>\s*<!--\s*more\b[^>]*?-->\s*</p>", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def prepare_body(html: str) -> str:
    """Return a body as the desk stores it: pasted Word/Docs markup made plain, sanitised,
    in paragraphs (``autop``), with its "read more" break kept between blocks.

    The display pipeline sanitises again (``render_body``); doing it on save too means
    what is stored, and what the versions' diffs show, is what readers get.
    """
    if not html.strip():
        return ""
    html = _MORE_WRAPPED.sub("<!--more-->", tidy_pasted(html))
    # The sanitiser drops comments: each side of the (first) break is cleaned on its own.
    head, *rest = MORE_BREAK.split(html)
    parts = [_EMPTY_PARAGRAPH.sub("", sanitize_html(part)) for part in (head, "".join(rest))]
    cleaned = "\n<!--more-->\n".join(parts) if rest else parts[0]
    return _EMPTY_PARAGRAPH.sub("", _MORE_PARAGRAPH.sub(r"\1", autop(cleaned))).strip()


def render_body(
    html: str,
    *,
    registry: ShortcodeRegistry | None = None,
    resolve_attachments: AttachmentResolver | None = None,
    resolve_gallery: GalleryResolver | None = None,
    resolve_library: LibraryResolver | None = None,
) -> str:
    """Return a stored article body as safe HTML for display.

    ``registry`` defaults to ``default_registry``; ``resolve_attachments``
    lets ``[gallery ids=...]`` find WordPress attachments and ``resolve_gallery``
    ``[gallery name=...]`` a library gallery (without them galleries render empty);
    ``resolve_library`` draws the body's library images as ``<picture>``.
    """
    registry = registry or default_registry
    if resolve_attachments is not None or resolve_gallery is not None:
        registry = registry.copy()
        registry.register("gallery", gallery_renderer(resolve_attachments, resolve_gallery))
    html = sanitize_html(html)
    html = shortcode_unautop(html, registry.names)
    html = autoembed(registry.render(html))
    if resolve_library is not None:
        html = library_pictures(html, resolve_library)
    return sanitize_html(html)
