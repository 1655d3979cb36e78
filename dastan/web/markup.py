"""The HTML of cards, bylines and pictures, written in Python: pages repeat it dozens of times.

A home page shows 55 cards. Drawn with ``{% include "components/card.html" %}``, its byline
include and the picture inclusion tag, they cost about 12 ms of every cold home page (issue
#15): the template engine resolves each variable through several lookups and builds a
context per include. Here every value is escaped with ``conditional_escape`` as the
template's autoescaping did (a ``SafeString`` search snippet passes as it is), what is the
same for every card of a page (the language, the labels) is read once per page, and the
output is the markup the templates wrote, byte for byte.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.dates import MONTHS_ALT
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone, is_aware
from django.utils.translation import gettext, pgettext

from dastan.content.conf import site_setting
from dastan.content.selectors import Card
from dastan.content.slugs import SlugAddresses, slug_reverse
from dastan.media import pictures
from dastan.rendering import clip_text


def conditional_escape(value: object) -> str:
    """Escape ``value`` as autoescaping does, leaving HTML marked safe as it is.

    Django's own ``conditional_escape`` goes through its lazy-string wrapper, which was a
    tenth of a card's cost; ``html.escape`` is what its ``escape`` calls.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def picture_html(
    image, role: str, *, eager: bool = False, priority: bool = False, alt: str | None = None
) -> SafeString:
    """Return ``image`` drawn for ``role`` (``media.pictures.ROLES``) as ``<picture>``.

    Pictures are ``loading="lazy"`` (below the fold, fetched when near) unless ``eager``;
    ``priority`` asks for the page's main picture first (``fetchpriority="high"``).
    """
    if image is None:
        return SafeString("\n")
    pic = pictures.picture(image, role, alt=alt)
    sizes = conditional_escape(pic.sizes)
    sources = "".join(
        f'<source type="{conditional_escape(source.type)}" '
        f'srcset="{conditional_escape(source.srcset)}" sizes="{sizes}">'
        for source in pic.sources
    )
    lazy = "" if eager or priority else ' loading="lazy"'
    high = ' fetchpriority="high"' if priority else ""
    return SafeString(
        f'<picture>{sources}<img src="{conditional_escape(pic.src)}" '
        f'srcset="{conditional_escape(pic.srcset)}" sizes="{sizes}" width="{pic.width}" '
        f'height="{pic.height}" alt="{conditional_escape(pic.alt)}"{lazy}{high} '
        'decoding="async"></picture>\n'
    )


def byline_html(bylines: Iterable[tuple[str, str]]) -> SafeString:
    """Return "By A, B and C" linking each author, or nothing for no byline.

    ``bylines`` are the authors' ``(name, slug)`` in byline order (``selectors.Card.bylines``).
    """
    by, also = pgettext("byline", "By"), pgettext("byline", "and")
    return _byline(bylines, slug_reverse, conditional_escape(by), conditional_escape(also))


def _byline(bylines: Iterable[tuple[str, str]], reverse_slug, by: str, also: str) -> SafeString:
    """Return the byline with the escaped labels ``by`` and ``also`` ("and")."""
    links = [
        f'<a href="{conditional_escape(reverse_slug("web:author", slug))}">'
        f"{conditional_escape(name)}</a>"
        for name, slug in bylines
    ]
    if not links:
        return SafeString("")
    joined = ", ".join(links[:-1])
    if joined:
        joined += f" {also} "
    return SafeString(f'<span class="byline">{by} {joined}{links[-1]}</span>')


class Cards:
    """Draws article cards for one page: the language and limits are read once.

    Every card is drawn from a ``content.selectors.Card``, read as plain rows, so drawing
    runs no query.
    """

    def __init__(self) -> None:
        active = translation.get_language()
        self.language = (active or "").split("-")[0].lower()
        self.names_in = active or settings.LANGUAGE_CODE
        self.excerpt_chars = int(site_setting("EXCERPT_CHARS"))
        self.months: dict[int, str] | None = None
        self.zone = get_current_timezone()
        self.addresses = SlugAddresses()
        self.by = conditional_escape(pgettext("byline", "By"))
        self.also = conditional_escape(pgettext("byline", "and"))

    def card(
        self,
        article: Card,
        *,
        featured: bool = False,
        listed: bool = False,
        eager: bool = False,
        snippet: str | None = None,
    ) -> SafeString:
        """Return one card: the lead card (``featured``), a row of a list (``listed``), else a tile.

        ``snippet`` (a search result's highlighted text) replaces the teaser.
        """
        url = conditional_escape(article.get_absolute_url(self.addresses))
        language = article.language
        lang = ""
        if language and language.split("-")[0].lower() != self.language:
            lang = f' lang="{conditional_escape(language)}"'
        classes = "card"
        if featured:
            classes += " card--lead"
        image = ""
        if article.image is not None:
            classes += " card--pictured"
            if featured:
                drawn = picture_html(article.image, "lead-card", priority=True, alt="")
            elif listed:
                drawn = picture_html(article.image, "thumb", eager=eager, alt="")
            else:
                drawn = picture_html(article.image, "card", alt="")
            image = (
                f'<a class="card__image" href="{url}" tabindex="-1" aria-hidden="true">'
                f"{drawn}</a>"
            )
        section = ""
        if article.section is not None:
            section = (
                f'<p class="card__section"><a href="'
                f'{conditional_escape(self.addresses("web:section", article.section.slug))}">'
                f"{conditional_escape(article.section.name_in(self.names_in))}</a></p>"
            )
        published = self.date(article.published_at)
        byline = _byline(article.bylines, self.addresses, self.by, self.also)
        if byline:
            byline = f" &middot; {byline}\n"
        excerpt = ""
        if snippet:
            excerpt = f'<p class="card__excerpt">{conditional_escape(snippet)}</p>'
        elif article.teaser:
            teaser = clip_text(str(article.teaser), self.excerpt_chars)
            excerpt = f'<p class="card__excerpt">{conditional_escape(teaser)}</p>'
        title = conditional_escape(article.title)
        return SafeString(
            f'<article class="{classes}"{lang}>\n'
            f"  {image}\n"
            f"  {section}\n"
            f'  <h3 class="card__title"><a href="{url}">{title}</a></h3>\n'
            f'  <p class="card__meta"><time datetime="{published[0]}">'
            f"{published[1]}</time>{byline}</p>\n"
            f"  {excerpt}\n"
            "</article>\n"
        )

    def date(self, value) -> tuple[str, str]:
        """Return ``value`` in site time as the ``date`` filters ``c`` and ``d E Y, H:i`` do.

        ``E`` is the month's name in the active language as it follows a day number
        (Russian's genitive), read once per page instead of through ``dateformat`` per card.
        """
        if value is None:
            return "", ""
        # What ``template_localtime`` does to an aware time, without reading the zone per card.
        local = value.astimezone(self.zone) if settings.USE_TZ and is_aware(value) else value
        if self.months is None:
            self.months = {number: str(name) for number, name in MONTHS_ALT.items()}
        shown = (
            f"{local.day:02d} {self.months[local.month]} {local.year:04d}, "
            f"{local.hour:02d}:{local.minute:02d}"
        )
        return conditional_escape(local.isoformat()), conditional_escape(shown)


def home_blocks_html(latest: list, blocks: list) -> SafeString:
    """Return the home's blocks: the latest cards (the first one leads), then one per section.

    ``latest`` and each block's cards are ``content.selectors.Card``; ``blocks`` pairs each
    navigation section with its cards (``selectors.home_blocks``). Written here rather than
    in a template, which cost a tenth of a cold home page (issue #15).
    """
    cards = Cards()
    if latest:
        drawn = "".join(
            cards.card(card, featured=number == 0) for number, card in enumerate(latest)
        )
    else:
        drawn = f"<p>{conditional_escape(gettext('No articles yet.'))}</p>"
    parts = [
        '<section class="latest" aria-labelledby="latest-heading">\n'
        '  <h2 id="latest-heading" class="block-title">'
        f"{conditional_escape(pgettext('home block', 'Latest'))}</h2>\n"
        '  <div class="grid">\n'
        f"  {drawn}\n"
        "  </div>\n"
        "</section>\n"
    ]
    for section, items in blocks:
        slug = conditional_escape(section.slug)
        parts.append(
            "\n"
            f'<section class="section-block" aria-labelledby="block-{slug}">\n'
            f'  <h2 id="block-{slug}" class="block-title">'
            f'<a href="{conditional_escape(section.get_absolute_url())}">'
            f"{conditional_escape(section.local_name)}</a></h2>\n"
            f'  <div class="grid">{"".join(cards.card(card) for card in items)}</div>\n'
            "</section>\n"
        )
    # The template's last line break, after its loop.
    parts.append("\n")
    return SafeString("".join(parts))
