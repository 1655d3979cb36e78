"""The ``lang`` attribute for content written in another language than the page's interface."""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def content_lang(language: str | None) -> SafeString:
    """Return `` lang="ru"`` when ``language`` is not the active language, else nothing.

    A Russian article listed on the English edition keeps its own ``lang`` so screen
    readers and hyphenation switch for its words only, not for the interface around it.
    """
    current = (translation.get_language() or "").split("-")[0].lower()
    if not language or language.split("-")[0].lower() == current:
        return SafeString("")
    return format_html(' lang="{}"', language)
