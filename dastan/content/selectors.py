"""Reads of the content model for the reader site, feeds and search results.

A page of cards reads its articles' ids, then their cards as plain rows (``cards_get``),
so it costs the same handful of queries whatever its length (no N+1) and builds no
model instance; feeds, which need whole articles, go through ``article_cards``.
Listings take the ``edition`` they belong to and show only its articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.models import (
    Count,
    DateTimeField,
    F,
    IntegerField,
    JSONField,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from dastan.content.listings import ARCHIVE, archive_day_key, listing_key
from dastan.content.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    ListingEntry,
    ListingSize,
    Place,
    Section,
    Tag,
    article_address,
    name_in,
)
from dastan.content.slugs import SlugAddresses, slug_reverse
from dastan.content.statements import Statement
from dastan.media.models import Image

CARD_FIELDS = (
    "id",
    "title",
    "slug",
    "teaser",
    "published_at",
    "language",
    "section__name",
    "section__names",
    "section__slug",
    "featured_image_url",
    "is_featured",
    # What a card's <picture> needs, joined: no query per card.
    "featured_image__file",
    "featured_image__sha256",
    "featured_image__width",
    "featured_image__height",
    "featured_image__format",
    "featured_image__alt_text",
)


def article_cards(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Return ``queryset`` with what a card shows: section and ordered bylines."""
    return (
        queryset.select_related("section", "featured_image")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author").only(
                    "article_id", "position", "author__name", "author__slug"
                ),
            )
        )
    )


@dataclass(frozen=True, slots=True)
class CardSection:
    """A section as a card or the navigation names it: what its link shows, read as a row."""

    name: str
    names: dict
    slug: str
    pk: int

    def name_in(self, code: str) -> str:
        """Return the name in edition ``code`` (``EditionNamed.name_in``)."""
        return name_in(self.name, self.names, code)

    @property
    def local_name(self) -> str:
        return self.name_in(translation.get_language() or settings.LANGUAGE_CODE)

    def get_absolute_url(self) -> str:
        return slug_reverse("web:section", self.slug)


@dataclass(frozen=True, slots=True)
class CardImage:
    """The fields of a library image that its ``<picture>`` needs (``media.pictures``)."""

    sha256: str
    width: int
    height: int
    format: str
    alt_text: str


@dataclass(frozen=True, slots=True)
class Card:
    """An article as a card shows it, read as plain rows.

    Building some 240 model instances (article, section, image, bylines, authors) was the
    largest part of a cold home page (issue #15); a card needs none of their behaviour.
    ``bylines`` are ``(name, slug)`` of the authors in byline order.
    """

    pk: int
    title: str
    slug: str
    teaser: str
    published_at: dt.datetime | None
    language: str
    section: CardSection | None
    image: CardImage | None
    bylines: tuple[tuple[str, str], ...]

    def get_absolute_url(self, addresses: SlugAddresses | None = None) -> str:
        """Return the address ``Article.get_absolute_url`` gives the same article.

        A page drawing many cards passes its ``addresses`` (read in the page's language).
        """
        return article_address(
            addresses=addresses,
            slug=self.slug,
            published_at=self.published_at,
            language=self.language,
        )


_CARD_ROW = (
    "pk",
    "title",
    "slug",
    "teaser",
    "published_at",
    "language",
    "section_id",
    "section__name",
    "section__names",
    "section__slug",
    "featured_image_id",
    "featured_image__sha256",
    "featured_image__width",
    "featured_image__height",
    "featured_image__format",
    "featured_image__alt_text",
)


def cards_get(ids: Sequence[int]) -> dict[int, Card]:
    """Return the public or not articles ``ids`` as cards by id: two queries, no model instance.

    The caller chose the ids (and whether they are public); bylines come in the second query.
    """
    if not ids:
        return {}
    return {card.pk: card for card in cards_of(Article.objects.filter(pk__in=ids))}


def cards_of(articles: QuerySet[Article], *also: str) -> list[Card] | list[tuple[Card, tuple]]:
    """Return the cards of ``articles`` in their order: two queries, no model instance.

    ``also`` names more fields to read with each row; each card then comes paired with
    their values, ``(card, (value, ...))``, for a caller that needs more than a card shows.
    """
    rows = list(articles.values_list(*_CARD_ROW, *also))
    if not rows:
        return []
    bylines: dict[int, list[tuple[str, str]]] = {}
    for article_id, name, slug in (
        ArticleAuthor.objects.filter(article_id__in=[row[0] for row in rows])
        .order_by("position")
        .values_list("article_id", "author__name", "author__slug")
    ):
        bylines.setdefault(article_id, []).append((name, slug))
    cards = [_card(row, tuple(bylines.get(row[0], ()))) for row in rows]
    if also:
        return [(card, row[len(_CARD_ROW) :]) for card, row in zip(cards, rows, strict=True)]
    return cards


def _card(row: tuple, bylines: tuple[tuple[str, str], ...]) -> Card:
    (pk, title, slug, teaser, published_at, language, section_id, s_name, s_names, s_slug) = row[
        :10
    ]
    image_id, sha256, width, height, image_format, alt_text = row[10:16]
    return Card(
        pk=pk,
        title=title,
        slug=slug,
        teaser=teaser,
        published_at=published_at,
        language=language,
        section=None if section_id is None else CardSection(s_name, s_names, s_slug, section_id),
        image=(
            None if image_id is None else CardImage(sha256, width, height, image_format, alt_text)
        ),
        bylines=bylines,
    )


class CardList:
    """The cards of an ordered query of articles, for the paginator.

    Counting runs the query's COUNT; a page reads its rows and their bylines as plain rows
    (``cards_of``), so no article is loaded as a model instance (issue #15).
    """

    def __init__(self, articles: QuerySet[Article]) -> None:
        self.articles = articles

    def count(self) -> int:
        return self.articles.count()

    def __getitem__(self, index: slice) -> list[Card]:
        return cards_of(self.articles[index])


def article_featured_images(ids: Sequence[int]) -> list[Image]:
    """Return the library images the articles ``ids`` show as their featured image."""
    return list(
        Image.objects.filter(pk__in=Article.objects.filter(pk__in=ids).values("featured_image"))
    )


def article_bodies(ids: Sequence[int]) -> list[str]:
    """Return the stored bodies of the articles ``ids`` (for what their bodies show)."""
    return list(Article.objects.filter(pk__in=ids).values_list("body", flat=True))


def articles_public(*, edition: str | None) -> QuerySet[Article]:
    """Return public articles that listings show, newest first, ready for cards.

    ``edition`` keeps the articles of one edition; None keeps every edition's.
    """
    return article_cards(_listed(edition))


def _listed(edition: str | None) -> QuerySet[Article]:
    articles = Article.objects.public().filter(is_listed=True)
    if edition is not None:
        articles = articles.filter(language=edition)
    return articles.order_by("-published_at", "-id")


def cards_public(*, edition: str) -> CardList:
    """Return the cards of an edition's listed public articles, newest first."""
    return CardList(_listed(edition))


class Listing:
    """A section's, tag's, place's or author's public articles, newest first, for the paginator.

    It reads the listing's entries (``content.listings``): finding a page reads the index
    alone, and only the page's articles are fetched, as cards (``cards_get``); the count is
    the listing's size less its scheduled entries. So the cost does not grow with the
    listing or the archive (issue #15).
    """

    def __init__(self, key: str, *, edition: str, now: dt.datetime | None = None) -> None:
        now = now or timezone.now()
        entries = ListingEntry.objects.filter(listing=key, language=edition)
        self.ids = (
            entries.filter(published_at__lte=now)
            .order_by("-published_at", "-article_id")
            .values_list("article_id", flat=True)
        )
        scheduled = (
            entries.filter(published_at__gt=now)
            .order_by()
            .values("listing")
            .annotate(n=Count("pk"))
            .values("n")
        )
        self.size = ListingSize.objects.filter(listing=key, language=edition).values_list(
            F("entries") - Coalesce(Subquery(scheduled), 0)
        )

    def count(self) -> int:
        """Return how many entries are public now: one row and the scheduled entries read."""
        size = self.size.first()
        return max(size[0], 0) if size else 0

    def __getitem__(self, index: slice) -> list[Card]:
        ids = list(self.ids[index])
        cards = cards_get(ids)
        return [cards[pk] for pk in ids if pk in cards]

    def newest(self, limit: int) -> QuerySet[Article]:
        """Return the ``limit`` newest articles as a queryset, for callers that shape the query.

        One index read for the ids; the caller's query then fetches only those rows.
        """
        ids = list(self.ids[:limit])
        return article_cards(Article.objects.filter(pk__in=ids)).order_by("-published_at", "-id")


def articles_in_section(section: Section, *, edition: str) -> Listing:
    """Return public articles whose primary or extra section is ``section``."""
    return Listing(listing_key(section), edition=edition)


def articles_tagged(tag: Tag, *, edition: str) -> Listing:
    return Listing(listing_key(tag), edition=edition)


def articles_in_place(place: Place, *, edition: str) -> Listing:
    """Return public articles about ``place`` or, for a country, about any place in it."""
    return Listing(listing_key(place), edition=edition)


def articles_by_author(author: Author, *, edition: str) -> Listing:
    return Listing(listing_key(author), edition=edition)


def articles_between(start: dt.datetime, end: dt.datetime, *, edition: str) -> Archive:
    """Return the cards of public articles published in ``[start, end)``, newest first."""
    return Archive(start, end, edition=edition)


class Archive(CardList):
    """The cards of an edition's public articles published in ``[start, end)``, newest first.

    Its count adds the archive's sizes of the UTC days wholly inside the range (kept by
    ``content.listings``) and counts entries only in the part of a day at either end and
    among the scheduled ones: a year's archive costs what a day's does, where counting
    the year read every article of it (100,000 at 1,000,000 articles; issue #15).
    """

    def __init__(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        edition: str,
        now: dt.datetime | None = None,
    ) -> None:
        super().__init__(_listed(edition).filter(published_at__gte=start, published_at__lt=end))
        self.start, self.end, self.edition = start, end, edition
        self.now = now or timezone.now()

    def count(self) -> int:
        start, end = self.start.astimezone(dt.UTC), self.end.astimezone(dt.UTC)
        if start >= end:
            return 0
        midnight = dt.time(tzinfo=dt.UTC)
        first = dt.datetime.combine(start.date(), midnight)
        first += dt.timedelta(days=1) if first < start else dt.timedelta()
        last = dt.datetime.combine(end.date(), midnight)
        if first >= last:
            first = last = end
        # Each count reads one range, [low, high), of the entries' index: SQLite uses one
        # bound on each side, and given "<= now" as well it walked from the range's start
        # to the present (300,000 entries for a year at 1,000,000).
        public_until = self.now + dt.timedelta(microseconds=1)
        ranges = [
            (max(first, public_until), last),  # scheduled, inside the whole days
            (start, min(first, public_until)),  # public, before the first whole day
            (last, min(end, public_until)),  # public, after the last whole day
        ]
        database = connections[router.db_for_read(ListingEntry)]
        written = ListingEntry._meta.get_field("published_at").get_db_prep_value
        entries = f"SELECT COUNT(*) FROM {ListingEntry._meta.db_table} WHERE listing = %s "
        entries += "AND language = %s AND published_at >= %s AND published_at < %s"
        sql = (
            f"SELECT (SELECT COALESCE(SUM(entries), 0) FROM {ListingSize._meta.db_table} "
            f"WHERE language = %s AND listing >= %s AND listing < %s) "
            f"- ({entries}) + ({entries}) + ({entries})"
        )
        params = [self.edition, archive_day_key(first.date()), archive_day_key(last.date())]
        for low, high in ranges:
            params += [ARCHIVE, self.edition, written(low, database), written(high, database)]
        with database.cursor() as cursor:
            cursor.execute(sql, params)
            return max(cursor.fetchone()[0], 0)


_NAVIGATION = Statement(
    lambda: Section.objects.filter(in_navigation=True, parent__isnull=True).values_list(
        "name", "names", "slug", "pk"
    )
)


def navigation_sections() -> list[CardSection]:
    """Return the navigation's top-level sections as rows, in the sections' order.

    Read on every cold reader page (and by the home for its blocks): compiled once
    (``content.statements``), as building the query cost more than running it (issue #15).
    """
    return [CardSection(*row) for row in _NAVIGATION.rows()]


def home_blocks(*, edition: str, latest: int = 7, per_section: int = 4) -> dict:
    """Return an edition's home page: its latest articles and a block per navigation section.

    ``sections`` holds every navigation section (the page's navigation shows them too).

    Every section block comes from one query (a newest-first walk of each section's index,
    stopped after a few rows), so the count of queries does not grow with the sections.
    The ids are chosen first and every card is then read as plain rows (``cards_get``):
    building each queryset cost more than running it, and each model instance more than
    drawing its card (issue #15).
    """
    listed = Article.objects.public().filter(is_listed=True, language=edition)
    # Ties broken by ``id + 0``, not the bare key: the time index alone orders by time and
    # key, so with ANALYZE statistics SQLite walked it across every edition instead of the
    # edition's own index (811 ms for an edition without articles at 100,000).
    order = ("-published_at", (F("id") + 0).desc())
    newest = listed.order_by(*order).values_list("pk", flat=True)
    top = list(newest[:latest])
    # An article an editor pins leads its edition's home page until it is unpinned.
    pinned = newest.filter(is_featured=True).first()
    if pinned is not None:
        top = [pinned, *[pk for pk in top if pk != pinned]][:latest]
    shown = set(top)
    sections = navigation_sections()
    # Enough per section that the block is still full after leaving out the articles above.
    enough = per_section + len(shown)
    chosen: dict[int, list[int]] = {section.pk: [] for section in sections}
    for pk, section_id in _newest_in_sections(sections, edition=edition, limit=enough):
        ids = chosen[section_id]
        if pk not in shown and len(ids) < per_section:
            ids.append(pk)
    cards = cards_get([*top, *(pk for ids in chosen.values() for pk in ids)])
    blocks = [
        (section, [cards[pk] for pk in chosen[section.pk] if pk in cards])
        for section in sections
        if chosen[section.pk]
    ]
    return {
        "latest": [cards[pk] for pk in top if pk in cards],
        "blocks": blocks,
        "sections": sections,
    }


# Stands for a section's key while one block's statement is built (no key is negative).
_SECTION_MARK = -1


def _newest_in_sections(
    sections: list[CardSection], *, edition: str, limit: int
) -> list[tuple[int, int]]:
    """Return ``(id, section_id)`` of each section's newest ``limit`` articles, newest first.

    One statement, a UNION ALL of one index walk per section: ``id IN (...) OR id IN (...)``
    made PostgreSQL scan the whole table, and a compound of sliced querysets is refused on
    SQLite by the ORM, while a sliced query inside FROM works on both. The walk is built
    once and repeated with each section's key.
    """
    if not sections:
        return []
    query = (
        articles_public(edition=edition)
        .filter(section_id=_SECTION_MARK)
        .values_list("pk", "section_id", "published_at")[:limit]
    )
    sql, block_params = query.query.sql_with_params()
    (mark,) = [n for n, p in enumerate(block_params) if type(p) is int and p == _SECTION_MARK]
    parts, params = [], []
    for number, section in enumerate(sections):
        parts.append(f"SELECT * FROM ({sql}) AS block{number}")
        params.extend([*block_params[:mark], section.pk, *block_params[mark + 1 :]])
    # The reader's database, as the ORM would choose it (a replica, when there is one).
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[2], row[0]), reverse=True)
    return [(pk, section_id) for pk, section_id, _ in rows]


def article_translations(article: Article) -> list[Article]:
    """Return the public translations of ``article`` (one query; none without a group)."""
    if not article.translation_group:
        return []
    return list(
        Article.objects.public()
        .filter(translation_group=article.translation_group)
        .exclude(pk=article.pk)
        .only("slug", "published_at", "language", "title")
        .order_by("language")
    )


def article_public_get(*, slug: str) -> Article | None:
    """Return the public article with ``slug``, its section and image; or None.

    What else its page shows comes from ``article_relations`` (one more query).
    """
    return (
        Article.objects.public()
        .select_related("section", "featured_image")
        .filter(slug=slug)
        .first()
    )


def article_preview_get(*, pk: int) -> Article | None:
    """Return any article by id, public or not, for an editor's preview."""
    return Article.objects.select_related("section", "featured_image").filter(pk=pk).first()


@dataclass(frozen=True, slots=True)
class Chip:
    """A tag or place as an article page links it, read as a plain row."""

    name: str
    names: dict
    slug: str
    route: str

    @property
    def local_name(self) -> str:
        return name_in(self.name, self.names, translation.get_language() or settings.LANGUAGE_CODE)

    def get_absolute_url(self) -> str:
        return slug_reverse(self.route, self.slug)


@dataclass(frozen=True, slots=True)
class CorrectionNote:
    """A correction as an article page lists it."""

    kind: str
    text: str
    created_at: dt.datetime

    def get_kind_display(self) -> str:
        """Return the kind's label in the active language, as the model's method does."""
        return str(dict(Correction.Kind.choices).get(self.kind, self.kind))


@dataclass(frozen=True, slots=True)
class ArticleRelations:
    """What an article page shows beside the article's own row.

    ``bylines`` are ``(name, slug)`` of the authors in byline order; tags and places by
    name; corrections newest first.
    """

    bylines: tuple[tuple[str, str], ...]
    tags: tuple[Chip, ...]
    places: tuple[Chip, ...]
    corrections: tuple[CorrectionNote, ...]


_RELATION_COLUMNS = ("r_kind", "r_rank", "r_name", "r_names", "r_slug", "r_at")


def _relation_rows(queryset: QuerySet, kind: str, **columns) -> QuerySet:
    return (
        queryset.annotate(r_kind=Value(kind), **columns).values_list(*_RELATION_COLUMNS).order_by()
    )


def _relations_query(article_id: int) -> QuerySet:
    no_names = Value(None, output_field=JSONField())
    no_time = Value(None, output_field=DateTimeField())
    # The corrections come first: the statement's columns take their types from it.
    corrections = _relation_rows(
        Correction.objects.filter(article_id=article_id),
        "c",
        r_rank=Value(0),
        r_name=F("text"),
        r_names=no_names,
        r_slug=F("kind"),
        r_at=F("created_at"),
    )
    bylines = _relation_rows(
        ArticleAuthor.objects.filter(article_id=article_id),
        "b",
        r_rank=F("position"),
        r_name=F("author__name"),
        r_names=no_names,
        r_slug=F("author__slug"),
        r_at=no_time,
    )
    named = {"r_rank": Value(0), "r_name": F("name"), "r_names": F("names"), "r_slug": F("slug")}
    tags = _relation_rows(Tag.objects.filter(articles=article_id), "t", **named, r_at=no_time)
    places = _relation_rows(Place.objects.filter(articles=article_id), "p", **named, r_at=no_time)
    return corrections.union(bylines, tags, places, all=True).order_by(
        "r_kind", "r_rank", "-r_at", "r_name"
    )


_RELATIONS = Statement(_relations_query, key=IntegerField())


def article_relations(article_id: int) -> ArticleRelations:
    """Return the bylines, tags, places and corrections of an article, in one query.

    Four prefetches of model instances cost some 2.6 ms of each cold article page, most
    of it compiling their SQL; this statement is compiled once (issue #15).
    """
    found: dict[str, list] = {"b": [], "t": [], "p": [], "c": []}
    for kind, _, name, names, slug, at in _RELATIONS.rows(article_id):
        if kind == "b":
            found[kind].append((name, slug))
        elif kind == "c":
            found[kind].append(CorrectionNote(kind=slug, text=name, created_at=at))
        else:
            route = "web:tag" if kind == "t" else "web:place"
            found[kind].append(Chip(name, names if isinstance(names, dict) else {}, slug, route))
    return ArticleRelations(
        bylines=tuple(found["b"]),
        tags=tuple(found["t"]),
        places=tuple(found["p"]),
        corrections=tuple(found["c"]),
    )


def corrections_public(*, edition: str, now: dt.datetime | None = None) -> QuerySet[Correction]:
    """Return corrections on an edition's public articles, newest first.

    Each correction carries its article's edition and publication time (``content.listings``
    keeps them exact), so counting and paging read one range of an index: checking each
    correction's article walked every correction ever made (issue #15).
    """
    return (
        Correction.objects.filter(language=edition, public_from__lte=now or timezone.now())
        .select_related("article")
        .order_by("-created_at")
    )


_NEXT_SCHEDULED = Statement(
    lambda now: Article.objects.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
    .order_by("published_at")
    .values_list("published_at")[:1],
    key=Article._meta.get_field("published_at"),
)


def next_scheduled_at() -> dt.datetime | None:
    """Return when the next scheduled article goes public, if any is waiting.

    Asked by every cached fragment's render: compiled once (``content.statements``).
    """
    rows = _NEXT_SCHEDULED.rows(timezone.now())
    return rows[0][0] if rows else None


@dataclass(frozen=True, slots=True)
class BreakingStory:
    """A story flagged as breaking, as the banner shows it."""

    pk: int
    title: str
    slug: str
    language: str
    published_at: dt.datetime
    breaking_until: dt.datetime

    def get_absolute_url(self) -> str:
        return article_address(
            slug=self.slug, published_at=self.published_at, language=self.language
        )


_BREAKING_FIELDS = ("pk", "title", "slug", "language", "published_at", "breaking_until")
_BREAKING: dict[str, Statement] = {}


def _breaking_statement(edition: str) -> Statement:
    statement = _BREAKING.get(edition)
    if statement is None:
        statement = _BREAKING[edition] = Statement(
            lambda now: Article.objects.filter(
                language=edition,
                breaking_until__gt=now,
                status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
                published_at__isnull=False,
            )
            .order_by("-published_at", "-pk")
            .values_list(*_BREAKING_FIELDS),
            key=Article._meta.get_field("breaking_until"),
        )
    return statement


def articles_breaking(*, edition: str) -> list[BreakingStory]:
    """Return the edition's flagged stories still breaking: public ones and scheduled ones.

    One query (over the partial index of flagged rows), compiled once per edition: every
    reader page asks it when the banner is not cached. The banner shows the newest public
    one and holds until it ends or a scheduled one comes due.
    """
    return [BreakingStory(*row) for row in _breaking_statement(edition).rows(timezone.now())]
