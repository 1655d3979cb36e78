"""Reader pages: home, article, section, tag, place, author, date archives, corrections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dastan.content import selectors
from dastan.content.models import Author, Place, Section, Tag
from dastan.content.versioning import archive_keys, article_key, edition_key, listing_key
from dastan.editions.addresses import edition_current
from dastan.editions.conf import edition_code, edition_codes, editions_all
from dastan.feeds.meta import article_meta, site_json_ld
from dastan.importers.selectors import article_attachments
from dastan.media.selectors import body_galleries, body_images
from dastan.redirects.middleware import legacy_redirect_get
from dastan.rendering import reading_time, render_body
from dastan.web.context_processors import navigation_links
from dastan.web.decorators import read_only
from dastan.web.fragments import cached_fragment
from dastan.web.markup import home_blocks_html
from dastan.web.paging import page_number_or_404, paginate
from dastan.web.surrogates import page_keys_add, page_tags_add


@read_only
def home(request: HttpRequest) -> HttpResponse:
    """Show the edition's latest articles and a block per navigation section."""
    edition = edition_current(request)
    context = {"structured_data": site_json_ld(edition)}

    def render_blocks() -> str:
        home = selectors.home_blocks(edition=edition)
        shown = [*home["latest"], *(a for _, items in home["blocks"] for a in items)]
        page_tags_add(article_key(a.pk) for a in shown)
        # The sections just read are the navigation's: no second read of them.
        context["navigation"] = navigation_links(home["sections"], edition)
        return home_blocks_html(home["latest"], home["blocks"])

    context["blocks"] = cached_fragment("home", render_blocks, keys=[edition_key("home", edition)])
    return render(request, "pages/home.html", context)


@read_only
def article(request: HttpRequest, year: int, month: str, day: str, slug: str) -> HttpResponse:
    """Show a public article; an address with the wrong date or edition redirects to the right one.

    The rendered article is cached until its edition's content changes, so a
    busy story costs no query at all. An article asked for under another
    edition's prefix is not cached there: that address only redirects.
    """
    edition = edition_current(request)
    elsewhere: list[str] = []

    def render_page() -> dict | None:
        item = selectors.article_public_get(slug=slug)
        if item is None:
            return None
        if edition_code(item.language) != edition:
            elsewhere.append(item.get_absolute_url())
            return None
        page = article_page(item)
        page_keys_add(article_key(pk) for pk in page["shown"])
        return page

    page = cached_fragment(f"article:{slug}", render_page, edition=edition)
    if page is None and not elsewhere:
        raise Http404("No such article")
    url = page["url"] if page is not None else elsewhere[0]
    # request.path is decoded and the stored address is IRI-encoded (a Cyrillic slug).
    if escape_uri_path(request.path) != url:
        # An imported site's permalink can share the slug of another article:
        # the address's own redirect wins over "same slug, other date".
        legacy = legacy_redirect_get(request.path)
        if legacy is not None:
            target = legacy.target()
            if target is None:
                raise Http404("No such article")
            return redirect(target, permanent=True)
        return redirect(url, permanent=True)
    return render(request, "pages/article.html", {"page": page})


def body_render(item) -> str:
    """Render an article's body in its own language (a video's label is part of the content)."""
    with translation.override(item.language or translation.get_language()):
        return render_body(
            item.body,
            resolve_attachments=article_attachments(item),
            resolve_gallery=body_galleries(item.body),
            resolve_library=body_images(item.body),
        )


def article_page(item, *, preview: bool = False) -> dict:
    """Return the parts of an article page: its address, head values and rendered main block.

    It is rendered in the article's own edition (interface strings, section and
    tag names), and ``translations`` maps each edition with a public
    translation to its address, the article's own included.
    """
    with translation.override(edition_code(item.language)):
        # A translation in a language that is no (longer an) edition has no page to link.
        linked = [t for t in selectors.article_translations(item) if t.language in edition_codes()]
        translations = {t.language: t.get_absolute_url() for t in linked}
        url = item.get_absolute_url()
        translations[edition_code(item.language)] = url
        relations = selectors.article_relations(item.pk)
        context = {
            "article": item,
            "relations": relations,
            "body": body_render(item),
            "reading_minutes": reading_time(item.body),
            "bylines": relations.bylines,
            "preview": preview,
            "other_editions": [
                {"edition": e, "url": translations[e.code]}
                for e in editions_all()
                if e.code in translations and e.code != edition_code(item.language)
            ],
        }
        main = render_to_string("components/article_main.html", context)
    head = None if preview else article_meta(item, relations)
    return {
        "url": url,
        "title": item.title,
        "language": item.language,
        "description": item.teaser,
        "noindex": preview,
        "head": head,
        # Drawn once with the page, not on each request that serves it: the head's tags
        # were a fifth of a cached article page's template time (issue #15).
        "head_html": _render_or_empty("components/article_meta.html", head and {"head": head}),
        "structured_html": _render_or_empty(
            "components/json_ld.html", head and {"items": head["json_ld"]}
        ),
        "main": main,
        "translations": translations,
        # The articles whose changes this page shows: itself and the translations it links.
        "shown": [item.pk, *(t.pk for t in linked)],
    }


def _render_or_empty(template: str, context: dict | None) -> str:
    return "" if context is None else render_to_string(template, context)


def _listing(
    request: HttpRequest,
    *,
    heading: str,
    articles: Callable[[], QuerySet | selectors.Listing],
    kind: str,
    key: str,
    obj=None,
) -> HttpResponse:
    """Render a listing page; ``articles`` builds its queryset only when the cache misses.

    ``key`` names what the listing lists (``section-3``, ``archive-en``): a
    change to an article filed there expires the page.
    """

    def render_results() -> str:
        page = paginate(request, articles())
        page_tags_add(article_key(a.pk) for a in page.object_list)
        return render_to_string("components/listing_results.html", {"page_obj": page})

    # Parsed before it becomes part of the cache key: one key per page, whatever the spelling.
    # The path holds the edition's prefix, and the fragment's key names the edition too.
    name = f"listing:{request.path}:{page_number_or_404(request)}"
    context = {
        "heading": heading,
        "kind": kind,
        "object": obj,
        "results": cached_fragment(name, render_results, keys=[key]),
        "structured_data": site_json_ld(edition_current(request)),
    }
    return render(request, "pages/listing.html", context)


@read_only
def section(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Section, slug=slug)
    return _listing(
        request,
        heading=obj.local_name,
        articles=lambda: selectors.articles_in_section(obj, edition=edition_current(request)),
        kind=_("Section"),
        key=listing_key("section", obj.pk),
        obj=obj,
    )


@read_only
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Tag, slug=slug)
    return _listing(
        request,
        heading=obj.local_name,
        articles=lambda: selectors.articles_tagged(obj, edition=edition_current(request)),
        kind=_("Tag"),
        key=listing_key("tag", obj.pk),
        obj=obj,
    )


@read_only
def place(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Place, slug=slug)
    return _listing(
        request,
        heading=obj.local_name,
        articles=lambda: selectors.articles_in_place(obj, edition=edition_current(request)),
        kind=pgettext("listing kind", "Place"),
        key=listing_key("place", obj.pk),
        obj=obj,
    )


@read_only
def author(request: HttpRequest, slug: str) -> HttpResponse:
    obj = get_object_or_404(Author, slug=slug)
    return _listing(
        request,
        heading=obj.name,
        articles=lambda: selectors.articles_by_author(obj, edition=edition_current(request)),
        kind=_("Author"),
        key=listing_key("author", obj.pk),
        obj=obj,
    )


def _local_range(start: tuple[int, ...], end: tuple[int, ...]) -> tuple[dt.datetime, dt.datetime]:
    """Return the site-time bounds ``[start, end)`` as aware datetimes, or 404 for no such date.

    Dates at the edges of the calendar (year 1, 9999-12-31) cannot be shifted
    to UTC for the query, so they are not archive pages either.
    """
    try:
        bounds = tuple(timezone.make_aware(dt.datetime(*parts)) for parts in (start, end))
        for bound in bounds:
            bound.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise Http404("No such date") from exc
    return bounds


@read_only
def year_archive(request: HttpRequest, year: int) -> HttpResponse:
    start, end = _local_range((year, 1, 1), (year + 1, 1, 1))
    return _listing(
        request,
        heading=str(year),
        articles=lambda: selectors.articles_between(start, end, edition=edition_current(request)),
        kind=_("Archive"),
        key=archive_keys(edition_current(request), start)[0],
    )


@read_only
def month_archive(request: HttpRequest, year: int, month: str) -> HttpResponse:
    month_number = int(month)
    following = (year + 1, 1, 1) if month_number == 12 else (year, month_number + 1, 1)
    start, end = _local_range((year, month_number, 1), following)
    return _listing(
        request,
        heading=date_format(start, "F Y"),
        articles=lambda: selectors.articles_between(start, end, edition=edition_current(request)),
        kind=_("Archive"),
        key=archive_keys(edition_current(request), start)[1],
    )


@read_only
def day_archive(request: HttpRequest, year: int, month: str, day: str) -> HttpResponse:
    try:
        date = dt.date(year, int(month), int(day))
        following = date + dt.timedelta(days=1)
    except (ValueError, OverflowError) as exc:
        raise Http404("No such date") from exc
    start, end = _local_range(date.timetuple()[:3], following.timetuple()[:3])
    return _listing(
        request,
        heading=date_format(start, "d E Y"),
        articles=lambda: selectors.articles_between(start, end, edition=edition_current(request)),
        kind=_("Archive"),
        key=archive_keys(edition_current(request), start)[2],
    )


@read_only
def corrections(request: HttpRequest) -> HttpResponse:
    """List every correction, clarification and update on public articles."""
    edition = edition_current(request)
    page_keys_add([edition_key("corrections", edition)])
    corrections = selectors.corrections_public(edition=edition)
    page = paginate(request, corrections, per_page=20)
    return render(request, "pages/corrections.html", {"page_obj": page})
