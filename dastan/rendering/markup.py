"""Helpers for writing markup that stays safe whatever the input.

Shortcode attribute values and embed URLs sit in HTML text, where ``&amp;``
means ``&``: they are decoded once on the way in and escaped once on the way
out, so a sanitized body never ends up double-escaped.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# A tag, comment or CDATA section: the places where text is not text.
HTML_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|</?[A-Za-z][^>]*>|<[!?][^>]*>",
    re.DOTALL,
)

# Browsers drop tabs, newlines and leading control characters from URLs, so
# "java\tscript:" is still javascript: (WHATWG URL standard).
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_TRUE = frozenset({"1", "on", "true", "yes"})


def text(value: str) -> str:
    """Decode the entities of an attribute value taken from HTML text."""
    return html.unescape(value).strip()


def safe_url(value: str | None, *, schemes: frozenset[str] = frozenset({"http", "https"})) -> str:
    """Return the decoded URL if it is relative or uses an allowed scheme, else ''."""
    if not value:
        return ""
    url = _URL_IGNORED.sub("", html.unescape(value))
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in schemes:
        return ""
    try:
        # "http://[::1" or a port past 65535: no browser can follow it, and
        # every later urlsplit() of it would raise.
        urlsplit(url).port  # noqa: B018
    except ValueError:
        return ""
    return url


def to_int(value: str | None, *, default: int = 0, low: int = 1, high: int = 10_000) -> int:
    """Return ``value`` as an int clamped to [low, high], or ``default``."""
    try:
        number = int(text(value or ""))
    except ValueError:
        return default
    return default if number < low else min(number, high)


def is_true(value: str | None) -> bool:
    """Read a WordPress boolean attribute such as loop="on" or muted="1"."""
    return text(value or "").lower() in _TRUE


def attrs(**values: str | int | bool | None) -> str:
    """Render HTML attributes, escaped, skipping None, False and ''.

    A trailing underscore is dropped (``class_``) and other underscores
    become hyphens (``aria_describedby``).
    """
    parts = []
    for name, value in values.items():
        if value is None or value is False or value == "":
            continue
        name = name.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{html.escape(str(value), quote=True)}"')
    return "".join(parts)


def escape(value: str) -> str:
    """Escape text for use between tags."""
    return html.escape(value, quote=False)
