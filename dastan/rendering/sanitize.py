"""An explicit HTML allowlist for article bodies, enforced with nh3.

Bodies come from editors and from WordPress imports, so they are sanitized
before they are shown. Decisions:

* Links keep href, title and hreflang and get no ``rel``: ``target`` is not
  allowed, so there is no tab-nabbing to guard against, and newsroom links
  are editorial choices, not user content, so they are not ``nofollow``.
* URLs must be relative or http(s); links may also be mailto: or tel:.
* Iframes survive only as YouTube or Vimeo players. Their ``src`` is
  rewritten to the privacy-friendly player (youtube-nocookie.com,
  player.vimeo.com with dnt=1), so an imported ``youtube.com/embed`` iframe
  keeps working; any other iframe is removed with its content.
* ``class`` keeps only WordPress layout classes (align*, wp-*, size-*,
  gallery*, embed*); ``id`` only WordPress attachment ids, so a body can
  neither clobber page ids nor borrow the site's other CSS.
* ``style`` is allowed on ``<figure>`` only, as ``width: Npx`` (captions).
"""

from __future__ import annotations

import re

import nh3

from dastan.rendering.embeds import find_video

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "span",
        "a",
        "img",
        "figure",
        "figcaption",
        "blockquote",
        "q",
        "cite",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "time",
        "code",
        "pre",
        "kbd",
        "samp",
        "var",
        "iframe",
        "video",
        "audio",
        "source",
        "picture",
    }
)

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "id", "title", "lang", "dir"}),
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"}),
    "figure": frozenset({"style", "aria-describedby"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"scope", "colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "iframe": frozenset(
        {"src", "width", "height", "loading", "allow", "allowfullscreen", "referrerpolicy"}
    ),
    "video": frozenset(
        {"src", "controls", "preload", "loop", "muted", "playsinline", "width", "height", "poster"}
    ),
    "audio": frozenset({"src", "controls", "preload", "loop", "muted"}),
    # srcset and sizes: a media-library image's <picture> (library.py).
    "source": frozenset({"src", "type", "srcset", "sizes"}),
}

# Removed together with their content: never text a reader should see.
_REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "svg", "math"})

_CLASS = re.compile(r"^(?:align|wp-|size-|gallery|embed)[A-Za-z0-9_-]*$")
_WORDPRESS_ID = re.compile(r"^(?:caption-)?attachment[_-]\d+$")
_WIDTH_STYLE = re.compile(r"^\s*width:\s*(\d{1,5})px\s*;?\s*$")
_IFRAME_FEATURES = frozenset(
    {"accelerometer", "encrypted-media", "gyroscope", "picture-in-picture", "fullscreen"}
)
_IFRAME_WITHOUT_SRC = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)
_IFRAME_CONTENT = re.compile(r"(<iframe[^>]*>).*?(</iframe>)", re.DOTALL)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Narrow the values of attributes that the allowlist alone cannot judge."""
    if name == "class":
        return " ".join(word for word in value.split() if _CLASS.match(word)) or None
    if name in {"id", "aria-describedby"}:
        return value if _WORDPRESS_ID.match(value) else None
    if name == "style":
        match = _WIDTH_STYLE.match(value)
        return f"width: {match.group(1)}px" if match else None
    if tag == "iframe" and name == "src":
        video = find_video(value)
        return video.src if video else None
    if tag == "iframe" and name == "allow":
        features = [feature.strip() for feature in value.split(";")]
        return "; ".join(feature for feature in features if feature in _IFRAME_FEATURES) or None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    link_rel=None,
    url_schemes={"http", "https", "mailto", "tel"},
)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowlist: safe to show as an article body."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html)
    if "<iframe" in cleaned:
        # An iframe whose src was refused would be an empty box; drop it. The
        # text inside an iframe is never shown, so drop that too.
        cleaned = _IFRAME_WITHOUT_SRC.sub("", cleaned)
        cleaned = _IFRAME_CONTENT.sub(r"\1\2", cleaned)
    return cleaned
