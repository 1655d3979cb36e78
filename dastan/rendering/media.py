"""Renderers for WordPress's media shortcodes: caption, gallery, video, audio.

The markup follows WordPress's HTML5 output (img_caption_shortcode,
gallery_shortcode, wp_video_shortcode, wp_audio_shortcode) so imported
articles keep their look, without WordPress's media player scripts.
Enclosed content is HTML and passes through; every attribute value is
escaped. ``dastan.rendering.render_body`` sanitizes before and after.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import urlsplit

from dastan.rendering.markup import attrs, escape, is_true, safe_url, text, to_int
from dastan.rendering.shortcodes import Renderer, Shortcode, ShortcodeRegistry

__all__ = [
    "AttachmentResolver",
    "GalleryItem",
    "GalleryResolver",
    "attachment_id",
    "attachment_ids",
    "gallery_renderer",
    "render_audio",
    "render_caption",
    "render_gallery",
    "render_video",
    "split_caption",
]

# The leading image, optionally linked, of a [caption] without caption=.
_CAPTIONED_MEDIA = re.compile(
    r"((?:<a\s[^>]+>\s*)?<img\s[^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_ALIGNMENTS = frozenset({"alignleft", "alignright", "aligncenter", "alignnone"})
_NOT_CLASS = re.compile(r"[^A-Za-z0-9_-]")


def _html_class(value: str) -> str:
    """Keep the characters WordPress's sanitize_html_class keeps."""
    return _NOT_CLASS.sub("", text(value))


def split_caption(content: str) -> tuple[str, str]:
    """Split caption content into (media HTML, caption HTML).

    As in WordPress, the first (optionally linked) ``<img>`` is the media and
    the rest, trimmed, is the caption. Text before the image is kept in the
    caption rather than dropped.
    """
    match = _CAPTIONED_MEDIA.search(content)
    if not match:
        return content.strip(), ""
    before = content[: match.start()].strip()
    caption = " ".join(part for part in (before, match.group(2).strip()) if part)
    return match.group(1), caption


# WordPress ids are unsigned 64-bit (BIGINT UNSIGNED) and Dastan keeps them in a
# PositiveBigIntegerField, whose PostgreSQL and SQLite columns are signed 64-bit:
# a longer number names no attachment, and a query with it fails on either database.
MAX_ATTACHMENT_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")


def attachment_ids(raw: str) -> list[int]:
    """Return the ids in a gallery's ``ids=`` list, skipping any that no attachment can have."""
    # At most 19 digits reach int(): Python refuses to convert more than 4,300.
    numbers = (int(digits) for digits in _DIGITS.findall(raw) if len(digits) <= 19)
    return [number for number in numbers if 0 < number <= MAX_ATTACHMENT_ID]


def attachment_id(shortcode: Shortcode) -> int | None:
    """Return the attachment a ``[caption]`` shows, from id="attachment_N" or wp-image-N."""
    match = re.fullmatch(r"attachment_([0-9]+)", text(shortcode.attrs.get("id", "")))
    match = match or re.search(r"\bwp-image-([0-9]+)\b", shortcode.content or "")
    ids = attachment_ids(match.group(1)) if match else []
    return ids[0] if ids else None


def render_caption(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
    """Render ``[caption]`` as WordPress's HTML5 ``<figure>``.

    Unlike WordPress, a caption without a valid width keeps its text: the
    figure just has no width, whereas WordPress drops the caption entirely.
    """
    content = shortcode.content or ""
    if "caption" in shortcode.attrs:
        media, caption = content.strip(), shortcode.attrs["caption"].strip()
    else:
        media, caption = split_caption(content)
    media = registry.render(media)
    if not caption:
        return media
    element_id = _html_class(shortcode.attrs.get("id", ""))
    caption_id = "caption-" + element_id.replace("_", "-") if element_id else None
    width = to_int(shortcode.attrs.get("width"), default=0)
    align = text(shortcode.attrs.get("align", ""))
    classes = ["wp-caption", align if align in _ALIGNMENTS else ""]
    classes += [_html_class(name) for name in shortcode.attrs.get("class", "").split()]
    figure = attrs(
        id=element_id or None,
        aria_describedby=caption_id,
        style=f"width: {width}px" if width else None,
        class_=" ".join(name for name in classes if name),
    )
    figcaption = attrs(id=caption_id, class_="wp-caption-text")
    return f"<figure{figure}>{media}<figcaption{figcaption}>{caption}</figcaption></figure>"


AttachmentResolver = Callable[[Sequence[int]], Mapping[int, tuple[str, str, str]]]
"""Map attachment ids to (url, alt, caption), in one query for a whole gallery.

Called with an empty list for a gallery without ids=, where WordPress shows
the images attached to the post; return those, in order, or nothing.
"""


@dataclass(frozen=True)
class GalleryItem:
    """One picture of a gallery, with the responsive sizes a media library knows."""

    src: str
    alt: str = ""
    caption: str = ""
    srcset: str = ""
    sizes: str = ""
    width: int = 0
    height: int = 0


GalleryResolver = Callable[[str], Sequence[GalleryItem]]
"""Return the pictures of the gallery a ``[gallery name="..."]`` names, in order."""


def gallery_renderer(
    resolve: AttachmentResolver | None, resolve_named: GalleryResolver | None = None
) -> Renderer:
    """Return a ``[gallery]`` renderer: ``name=`` galleries from ``resolve_named``, ids from
    ``resolve`` (WordPress attachments)."""

    def render_gallery(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
        name = text(shortcode.attrs.get("name", "")).strip()
        if name:
            images: list = list(resolve_named(name)) if resolve_named is not None else []
        elif resolve is None:
            return ""
        else:
            raw_ids = shortcode.attrs.get("ids") or shortcode.attrs.get("include", "")
            ids = attachment_ids(text(raw_ids))
            found = resolve(ids)
            images = [found[id_] for id_ in ids if id_ in found] if ids else list(found.values())
        if not images:
            return ""
        columns = to_int(shortcode.attrs.get("columns"), default=3, high=9)
        size = _html_class(shortcode.attrs.get("size", "")) or "thumbnail"
        link_file = text(shortcode.attrs.get("link", "")) == "file"
        items = "".join(
            _gallery_item(
                image if isinstance(image, GalleryItem) else GalleryItem(*image),
                link_file=link_file,
            )
            for image in images
        )
        classes = f"gallery gallery-columns-{columns} gallery-size-{size}"
        return f'<div class="{classes}">{items}</div>'

    return render_gallery


def _gallery_item(item: GalleryItem, *, link_file: bool) -> str:
    src = safe_url(item.src)
    if not src:
        return ""
    image = "<img{}>".format(
        attrs(
            src=src,
            srcset=item.srcset or None,
            sizes=item.sizes or None,
            width=item.width or None,
            height=item.height or None,
            alt=item.alt,
            loading="lazy",
            decoding="async",
        )
    )
    caption = item.caption
    if link_file:
        image = f"<a{attrs(href=src)}>{image}</a>"
    if caption:
        image += (
            f'<figcaption class="wp-caption-text gallery-caption">{escape(caption)}</figcaption>'
        )
    return f'<figure class="gallery-item">{image}</figure>'


render_gallery = gallery_renderer(None)
"""Render nothing: without attachment data a gallery has no images to show."""


_VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".mov": "video/quicktime",
}
_AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
}
_PRELOAD = frozenset({"none", "metadata", "auto"})


def _sources(shortcode: Shortcode, types: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return (url, MIME type) pairs from src= and the per-format attributes."""
    candidates = [shortcode.attrs.get("src", "")]
    candidates += [shortcode.attrs.get(ext[1:], "") for ext in types]
    sources = []
    for candidate in candidates:
        url = safe_url(candidate)
        if url and url not in (source[0] for source in sources):
            extension = splitext(urlsplit(url).path)[1].lower()
            sources.append((url, types.get(extension, "")))
    return sources


def _media(
    element: str,
    shortcode: Shortcode,
    types: Mapping[str, str],
    *,
    preload: str,
    **extra: str | int | bool | None,
) -> str:
    sources = _sources(shortcode, types)
    if not sources:
        return ""
    chosen = text(shortcode.attrs.get("preload", "")).lower()
    opening = attrs(
        controls=True,
        preload=chosen if chosen in _PRELOAD else preload,
        loop=is_true(shortcode.attrs.get("loop")),
        muted=is_true(shortcode.attrs.get("muted")),
        **extra,
    )
    inner = "".join(f"<source{attrs(src=url, type=mime)}>" for url, mime in sources)
    # Browsers without support show the fallback: a link to the file.
    inner += f"<a{attrs(href=sources[0][0])}>{escape(sources[0][0])}</a>"
    return f"<{element}{opening}>{inner}</{element}>"


def render_video(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
    """Render ``[video]`` as ``<video controls>``; autoplay is never honoured."""
    return _media(
        "video",
        shortcode,
        _VIDEO_TYPES,
        preload="metadata",
        width=to_int(shortcode.attrs.get("width"), default=0, high=4000) or None,
        height=to_int(shortcode.attrs.get("height"), default=0, high=4000) or None,
        poster=safe_url(shortcode.attrs.get("poster")) or None,
        playsinline=True,
    )


def render_audio(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
    """Render ``[audio]`` as ``<audio controls>``; autoplay is never honoured."""
    return _media("audio", shortcode, _AUDIO_TYPES, preload="none")
