"""Video embeds from YouTube and Vimeo, without tracking by default; social posts as cards.

``[embed]URL[/embed]`` and a known video URL alone on its line become an
iframe from youtube-nocookie.com or player.vimeo.com with ``dnt=1``: both
players set no tracking cookies until the reader presses play. A post on X
(Twitter), Telegram or Instagram in ``[embed]`` becomes a quoted link card
naming the network and account: their own embeds need their scripts, and
Dastan runs no oEmbed discovery, so no page ever loads scripts from a host
nobody vetted. Other URLs stay links.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext

from dastan.rendering.markup import HTML_MARKUP, attrs, escape, safe_url, to_int
from dastan.rendering.shortcodes import Shortcode, ShortcodeRegistry

__all__ = ["Post", "Video", "autoembed", "embed_html", "find_post", "find_video", "render_embed"]

_YOUTUBE_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_YOUTUBE_PATH = re.compile(r"^/(?:embed|shorts|live|v)/([^/]+)")
_YOUTUBE_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
_VIMEO_PATH = re.compile(
    r"^/(?:video/|channels/[^/]+/|groups/[^/]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?$"
)
_HASH = re.compile(r"^[0-9a-f]+$")

# The features YouTube and Vimeo ask for in their own embed codes.
_ALLOW = "accelerometer; encrypted-media; gyroscope; picture-in-picture; fullscreen"
_DEFAULT_WIDTH = 640


class Video(NamedTuple):
    """A video on a known host, with the privacy-friendly player URL."""

    provider: str
    src: str
    title: str


def find_video(url: str) -> Video | None:
    """Return the player for a YouTube or Vimeo URL, or None for other URLs."""
    parts = urlsplit(safe_url(url))
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"}:
        return None
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(host, parts.path, query)
    if host in {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}:
        return _vimeo(parts.path, query)
    return None


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> Video | None:
    if host == "youtu.be":
        video_id = path.strip("/")
    elif path == "/watch":
        video_id = query.get("v", [""])[0]
    else:
        match = _YOUTUBE_PATH.match(path)
        video_id = match.group(1) if match else ""
    if not _YOUTUBE_ID.match(video_id):
        return None
    src = f"https://www.youtube-nocookie.com/embed/{video_id}"
    start = _seconds(query.get("start", query.get("t", [""]))[0])
    if start:
        src += f"?start={start}"
    # The player's name for screen readers, in the language the body is rendered in.
    return Video("youtube", src, gettext("YouTube video"))


def _seconds(value: str) -> int:
    """Read a YouTube start time: "90", "90s" or "1m30s"."""
    match = _YOUTUBE_TIME.match(value)
    if not value or not match:
        return 0
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _vimeo(path: str, query: dict[str, list[str]]) -> Video | None:
    match = _VIMEO_PATH.match(path)
    if not match:
        return None
    src = f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
    # Unlisted videos need their hash, from the path or from ?h=.
    unlisted = match.group(2) or query.get("h", [""])[0]
    if _HASH.match(unlisted):
        src += f"&h={unlisted}"
    return Video("vimeo", src, gettext("Vimeo video"))


class Post(NamedTuple):
    """A post on a social network, shown as a link card."""

    provider: str
    url: str
    label: str


_X_POST = re.compile(r"^/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})/?$")
_TELEGRAM_POST = re.compile(r"^/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/(\d{1,12})/?$")
_INSTAGRAM_POST = re.compile(r"^/(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|tv)/([A-Za-z0-9_-]{5,40})/?$")


def find_post(url: str) -> Post | None:
    """Return the X (Twitter), Telegram or Instagram post at ``url``, or None."""
    parts = urlsplit(safe_url(url))
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("mobile.")
    if parts.scheme not in {"http", "https"}:
        return None
    if host in {"x.com", "twitter.com"} and (match := _X_POST.match(parts.path)):
        address = f"https://x.com/{match.group(1)}/status/{match.group(2)}"
        return Post("x", address, gettext("Post by @%(account)s on X") % {"account": match[1]})
    if host in {"t.me", "telegram.me"} and (match := _TELEGRAM_POST.match(parts.path)):
        address = f"https://t.me/{match.group(1)}/{match.group(2)}"
        label = gettext("Post in @%(account)s on Telegram") % {"account": match[1]}
        return Post("telegram", address, label)
    if host == "instagram.com" and (match := _INSTAGRAM_POST.match(parts.path)):
        address = f"https://www.instagram.com/p/{match.group(1)}/"
        return Post("instagram", address, gettext("Post on Instagram"))
    return None


def embed_html(url: str, *, width: int | None = None, height: int | None = None) -> str:
    """Return an embedded player for ``url``, a post's card, or a link if the host is unknown."""
    video = find_video(url)
    post = find_post(url) if video is None else None
    if post is not None:
        link = f"<a{attrs(href=post.url)}>{escape(post.label)}</a>"
        quote = f"<blockquote{attrs(cite=post.url)}><p>{link}</p></blockquote>"
        return f'<figure class="embed embed-{post.provider}">{quote}</figure>'
    if video is None:
        href = safe_url(url)
        return f"<a{attrs(href=href)}>{escape(href)}</a>" if href else escape(url)
    width = width or _DEFAULT_WIDTH
    height = height or round(width * 9 / 16)
    iframe = attrs(
        src=video.src,
        title=video.title,
        width=width,
        height=height,
        loading="lazy",
        allow=_ALLOW,
        allowfullscreen=True,
        referrerpolicy="strict-origin-when-cross-origin",
    )
    return f'<figure class="embed embed-{video.provider}"><iframe{iframe}></iframe></figure>'


def render_embed(shortcode: Shortcode, registry: ShortcodeRegistry) -> str:
    """Render ``[embed width=.. height=..]URL[/embed]``; the URL is the content."""
    url = (shortcode.content or shortcode.attrs.get("src", "")).strip()
    if not url:
        return ""
    return embed_html(
        url,
        width=to_int(shortcode.attrs.get("width"), default=0, high=2000) or None,
        height=to_int(shortcode.attrs.get("height"), default=0, high=2000) or None,
    )


# A URL alone on its line, or alone in a paragraph: WordPress's autoembed.
_URL_LINE = re.compile(r'^([ \t]*)(https?://[^\s<>"]+)([ \t]*)$', re.MULTILINE | re.IGNORECASE)
_URL_PARAGRAPH = re.compile(r'<p(?:\s[^>]*)?>\s*(https?://[^\s<>"]+)\s*</p>', re.IGNORECASE)


def autoembed(html: str) -> str:
    """Replace YouTube and Vimeo URLs that stand alone with their players.

    Other URLs, and URLs inside tags or attributes, are left untouched.
    """
    if "http" not in html:
        return html
    html = _embed_matches(_URL_PARAGRAPH, html, group=1)
    return _embed_matches(_URL_LINE, html, group=2)


def _embed_matches(pattern: re.Pattern[str], html: str, *, group: int) -> str:
    spans = [match.span() for match in HTML_MARKUP.finditer(html)]
    starts = [start for start, _ in spans]

    def replace(match: re.Match[str]) -> str:
        url_start = match.start(group)
        index = bisect.bisect_right(starts, url_start) - 1
        in_markup = index >= 0 and url_start < spans[index][1]
        if in_markup or find_video(match[group]) is None:
            return match[0]
        return embed_html(match[group])

    return pattern.sub(replace, html)
