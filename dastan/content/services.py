"""Writes to the content model. Every other app writes articles only through here."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dastan.content import revisions
from dastan.content.conf import site_setting
from dastan.content.dates import published_at_bounds, published_at_error
from dastan.content.models import (
    Article,
    ArticleAuthor,
    ArticleQuerySet,
    ArticleVersion,
    Author,
    Correction,
    ListingEntry,
    Place,
    Section,
    Tag,
)
from dastan.content.signals import ArticleWritten, articles_changed
from dastan.content.slugs import slug_is_valid
from dastan.media.models import Image
from dastan.rendering.excerpts import make_excerpt


def can_publish(user) -> bool:
    """Return whether ``user`` may publish, schedule or unpublish (an Editor, not a Writer)."""
    return bool(user and user.is_active and user.has_perm("content.publish_article"))


def can_edit(user, article: Article) -> bool:
    """Return whether ``user`` may edit ``article``: Editors all, Writers their own drafts."""
    if not (user and user.is_active and user.has_perm("content.change_article")):
        return False
    if user.has_perm("content.edit_any_article"):
        return True
    own = article.pk is None or article.created_by_id == user.pk
    return own and article.status == Article.Status.DRAFT


def can_view(user, article: Article) -> bool:
    """Return whether ``user`` may see ``article`` in the back office.

    Editors see everything; a Writer sees their own articles and what readers already see,
    never another writer's draft or an embargoed (scheduled) story.
    """
    if not (user and user.is_active and user.has_perm("content.view_article")):
        return False
    if user.has_perm("content.edit_any_article"):
        return True
    return article.created_by_id == user.pk or article.is_public


def articles_visible_to(user, queryset: ArticleQuerySet) -> ArticleQuerySet:
    """Narrow ``queryset`` to the articles ``user`` may see (the rule of ``can_view``)."""
    if user.has_perm("content.edit_any_article"):
        return queryset
    return queryset.public() | queryset.filter(created_by=user)


def article_teaser(article: Article) -> str:
    """Return the card text: the editor's excerpt, or one cut from the body."""
    return _teaser(article.excerpt, article.standfirst, article.body)


def _teaser(excerpt: str, standfirst: str, body: str) -> str:
    return make_excerpt(
        excerpt or standfirst or body,
        words=site_setting("EXCERPT_WORDS"),
        chars=site_setting("EXCERPT_CHARS"),
    )


class ArticleEditConflict(Exception):
    """Someone saved the article after the form being saved was opened."""

    def __init__(self, stored_version: int) -> None:
        super().__init__(f"The article was saved since (now at version {stored_version}).")
        self.stored_version = stored_version


def article_lock_version(article_id: int) -> int | None:
    """Return the stored article's lock version (None when it is gone)."""
    return Article.objects.filter(pk=article_id).values_list("lock_version", flat=True).first()


def article_save(
    article: Article,
    *,
    user=None,
    store_version: bool = True,
    expected_version: int | None = None,
) -> Article:
    """Save ``article`` with its derived fields, store it as a version, tell listeners (search).

    ``expected_version`` is the lock version the editor's form was opened at: when the
    stored article has moved on, nothing is written and ``ArticleEditConflict`` is
    raised. A caller that saves relations after the article (the admin form) passes
    ``store_version=False`` and calls ``article_version_create`` once they are saved.
    """
    article.teaser = article_teaser(article)
    article_image_check(article)
    with transaction.atomic():
        if article.pk is not None:
            # The row lock holds until the transaction ends: no save slips in between.
            stored = (
                Article.objects.select_for_update()
                .filter(pk=article.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
            if stored is not None:
                if expected_version is not None and stored != expected_version:
                    raise ArticleEditConflict(stored)
                article.lock_version = stored + 1
            revisions.article_version_baseline(article.pk)
        article.save()
        if store_version:
            revisions.article_version_create(article, user=user)
        articles_changed.send(sender=Article, ids=[article.pk])
    return article


def article_version_restore(article: Article, version: ArticleVersion, *, user) -> Article:
    """Bring back ``version``'s text and filing as a new version of ``article``.

    Status, publication time, slug and edition stay as they are: restoring old
    words must not unpublish a story or move its address. Sections, tags and
    places deleted since are left out.
    """
    if version.article_id != article.pk:
        raise ValueError("The version belongs to another article.")
    if not can_edit(user, article):
        raise PermissionDenied("You cannot edit this article.")
    meta = version.metadata if isinstance(version.metadata, dict) else {}
    for name in revisions.TEXT_FIELDS:
        setattr(article, name, getattr(version, name))
    for name in ("featured_image_url", "featured_image_caption", "featured_image_credit"):
        if isinstance(meta.get(name), str):
            setattr(article, name, meta[name])

    def ids(key: str) -> list[int]:
        items = meta.get(key) or []
        return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), int)]

    section = meta.get("section")
    if isinstance(section, dict) and Section.objects.filter(pk=section.get("id")).exists():
        article.section_id = section["id"]
    with transaction.atomic():
        article_save(article, user=user, store_version=False)
        article.sections.set(Section.objects.filter(pk__in=ids("sections")))
        article.tags.set(Tag.objects.filter(pk__in=ids("tags")))
        article.places.set(Place.objects.filter(pk__in=ids("places")))
        authors = Author.objects.in_bulk(ids("authors"))
        if authors:
            ArticleAuthor.objects.filter(article=article).delete()
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author=authors[pk], position=n)
                for n, pk in enumerate(pk for pk in ids("authors") if pk in authors)
            )
        revisions.article_version_create(article, user=user)
        articles_changed.send(sender=Article, ids=[article.pk])
    return article


def article_image_check(article: Article) -> None:
    """Refuse to publish or schedule an article whose featured image has no alt text.

    Readers who cannot see the picture hear the alt text; the caption says something else
    (who, where, when), so it does not stand in for it. An article already public with the
    same picture (brought in by an import or the library's migration) may still be corrected.
    """
    public = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
    if article.status not in public:
        return
    if article.featured_image_id is None or article.featured_image.alt_text.strip():
        return
    if (
        article.pk is not None
        and Article.objects.filter(
            pk=article.pk, status__in=public, featured_image_id=article.featured_image_id
        ).exists()
    ):
        return
    raise ValidationError(
        {
            "featured_image": _(
                "Give the featured image alt text (in the media library) before publishing."
            )
        },
        code="image_alt_missing",
    )


def articles_featured_image_link(by_url: dict[str, Image]) -> int:
    """Show the library image ``by_url[address]`` on articles whose picture is that address.

    Used by imports after they store their copies; an article that already has a library
    image keeps it. Return how many articles changed.
    """
    changed: list[int] = []
    for url, image in by_url.items():
        ids = list(
            Article.objects.filter(featured_image=None, featured_image_url=url).values_list(
                "pk", flat=True
            )
        )
        if ids:
            Article.objects.filter(pk__in=ids).update(featured_image=image)
            changed += ids
    if changed:
        articles_changed.send(sender=Article, ids=changed)
    return len(changed)


def _require_publisher(user) -> None:
    if user is not None and not can_publish(user):
        raise PermissionDenied("Only an editor can publish, schedule or unpublish articles.")


def article_publish(article: Article, *, user=None, at: dt.datetime | None = None) -> Article:
    """Publish now, or keep the original time when the article was already published."""
    _require_publisher(user)
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > now:
        article.published_at = now
    return article_save(article, user=user)


def article_schedule(article: Article, *, at: dt.datetime, user=None) -> Article:
    """Schedule ``article`` to appear at ``at``; no job runs, the public query decides."""
    _require_publisher(user)
    article.status = Article.Status.SCHEDULED
    article.published_at = at
    return article_save(article, user=user)


def article_unpublish(article: Article, *, user=None) -> Article:
    """Take ``article`` off the reader site; its URL answers 404 from now on."""
    _require_publisher(user)
    article.status = Article.Status.UNPUBLISHED
    return article_save(article, user=user)


def article_submit_for_review(article: Article, *, user) -> Article:
    """Hand a draft to the editors ("Ready for review"); its writer can no longer edit it.

    The editor's last note is cleared: the writer has answered it.
    """
    if article.status not in (Article.Status.DRAFT, Article.Status.UNPUBLISHED):
        raise ValueError("Only a draft or an unpublished article can be submitted for review.")
    if not can_edit(user, article) and not can_publish(user):
        raise PermissionDenied("You cannot edit this article.")
    article.status = Article.Status.REVIEW
    article.review_note = ""
    return article_save(article, user=user)


def article_send_back(article: Article, *, note: str, user) -> Article:
    """Return an article under review to its writer as a draft, with the editor's note."""
    _require_publisher(user)
    if article.status != Article.Status.REVIEW:
        raise ValueError("Only an article under review can be sent back.")
    if not note.strip():
        raise ValueError("Say what to change: the writer sees this note.")
    article.status = Article.Status.DRAFT
    article.review_note = note.strip()
    return article_save(article, user=user)


def article_mark_revised(article: Article, *, note: str, user=None) -> Article:
    """Record a real update, shown as "Updated" on the article (a typo fix is not one)."""
    _require_publisher(user)
    article.revised_at = timezone.now()
    article.revision_note = note
    article = article_save(article, user=user)
    Correction.objects.create(article=article, kind=Correction.Kind.UPDATE, text=note)
    return article


def translations_link(articles: Sequence[Article]) -> uuid.UUID:
    """Make ``articles``, and the translations each already has, one translation group.

    A group holds one article per language: two of the same language would leave the
    language switcher with two answers, so that is refused.
    """
    groups = {a.translation_group for a in articles if a.translation_group}
    members = {a.pk: a for a in articles}
    if groups:
        members.update((a.pk, a) for a in Article.objects.filter(translation_group__in=groups))
    languages = [a.language for a in members.values()]
    duplicated = sorted({code for code in languages if languages.count(code) > 1})
    if duplicated:
        raise ValueError(f"A translation group holds one article per language: {duplicated}")
    group = min(groups, key=str) if groups else uuid.uuid4()
    ids = list(members)
    with transaction.atomic():
        Article.objects.filter(pk__in=ids).update(translation_group=group)
        articles_changed.send(sender=Article, ids=ids)
    for article in articles:
        article.translation_group = group
    return group


def article_translation_create(article: Article, *, language: str, user=None) -> Article:
    """Create a draft of ``article`` in the edition ``language``, linked as its translation.

    The draft keeps the original's filing (sections, tags, places, bylines, featured image) and
    text, for the translator to write over; its title carries the edition code until then.
    An edition that already has a translation gets no second one (``translations_link``).
    """
    if language == article.language or (
        article.translation_group
        and Article.objects.filter(
            translation_group=article.translation_group, language=language
        ).exists()
    ):
        raise ValueError(f"The article already has a translation in the edition {language!r}")
    base = unique_slug(f"{article.slug}-{language}", max_length=190)
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    draft = Article(
        title=f"[{language.upper()}] {article.title}"[:300],
        slug=unique_slug(base, taken=taken, max_length=200),
        standfirst=article.standfirst,
        body=article.body,
        excerpt=article.excerpt,
        language=language,
        status=Article.Status.DRAFT,
        section=article.section,
        featured_image=article.featured_image,
        featured_image_url=article.featured_image_url,
        featured_image_caption=article.featured_image_caption,
        featured_image_credit=article.featured_image_credit,
        created_by=user,
    )
    with transaction.atomic():
        article_save(draft, user=user, store_version=False)
        draft.sections.set(article.sections.all())
        draft.tags.set(article.tags.all())
        draft.places.set(article.places.all())
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=draft, author_id=b.author_id, position=b.position)
            for b in article.bylines.all()
        )
        translations_link([article, draft])
        revisions.article_version_create(draft, user=user)
    return draft


def correction_create(article: Article, *, kind: str, text: str) -> Correction:
    """Append a correction, clarification or update note to ``article``."""
    return Correction.objects.create(article=article, kind=kind, text=text)


def statistics_refresh() -> None:
    """Give PostgreSQL's planner the statistics of the content tables after a bulk load.

    A table nobody analysed is planned as if it were nearly empty: after loading 1,000,000
    articles with autovacuum off (or before its first pass), a cold home page took 15 s
    (issue #15). Outside a transaction the tables are vacuumed too: until then an
    index-only count (a listing's pages) reads the table as well, 310 ms against 75 ms for
    a section of 220,000 articles. SQLite's plans are chosen to hold without statistics.
    """
    if connection.vendor != "postgresql":
        return
    models_loaded = (
        Article,
        Article.tags.through,
        Article.places.through,
        Article.sections.through,
        ArticleAuthor,
        ListingEntry,
        Correction,
        Section,
        Tag,
        Place,
        Author,
    )
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_loaded)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


def unique_slug(text: str, *, taken: set[str] | None = None, max_length: int = 180) -> str:
    """Return a slug for ``text``; Cyrillic and other letters are kept (allow_unicode)."""
    base = _base_slug(text, max_length)
    slug, n = base, 2
    while taken is not None and slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


# Importers resolve the same few thousand names (tags, authors) in every batch:
# their slugs are remembered rather than made again.
@functools.lru_cache(maxsize=8192)
def _base_slug(text: str, max_length: int) -> str:
    return slugify(text, allow_unicode=True)[:max_length].strip("-") or "item"


def _get_or_create_named(model, names: Iterable[str]) -> dict[str, object]:
    """Return ``{name: instance}``, creating the missing ones in one statement."""
    ids = _named_ids(model, names)
    found = model.objects.in_bulk(set(ids.values()))
    return {name: found[pk] for name, pk in ids.items()}


def _named_ids(model, names: Iterable[str]) -> dict[str, int]:
    """Return ``{name: id}``, creating the missing ones in one statement.

    Ids, not instances: a bulk load resolves thousands of names per batch,
    and building the instances cost more than the query.
    """
    wanted = {name.strip(): unique_slug(name) for name in names if name and name.strip()}
    if not wanted:
        return {}
    rows = model.objects.filter(slug__in=set(wanted.values())).values_list("slug", "pk")
    found = dict(rows)
    missing = {slug: name for name, slug in wanted.items() if slug not in found}
    if missing:
        model.objects.bulk_create(
            [model(name=name, slug=slug) for slug, name in missing.items()],
            ignore_conflicts=True,
        )
        found.update(model.objects.filter(slug__in=list(missing)).values_list("slug", "pk"))
    return {name: found[slug] for name, slug in wanted.items()}


def sections_get_or_create(names: Iterable[str]) -> dict[str, Section]:
    """Return sections by name, creating missing ones."""
    return _get_or_create_named(Section, names)


def tags_get_or_create(names: Iterable[str]) -> dict[str, Tag]:
    """Return tags by name, creating missing ones."""
    return _get_or_create_named(Tag, names)


def places_get_or_create(names: Iterable[str]) -> dict[str, Place]:
    """Return places by name, creating missing ones."""
    return _get_or_create_named(Place, names)


def authors_get_or_create(names: Iterable[str]) -> dict[str, Author]:
    """Return authors by name, creating missing ones."""
    return _get_or_create_named(Author, names)


def author_bio_fill(author: Author, *, bio: str) -> None:
    """Give ``author`` a biography unless an editor already wrote one."""
    if author.bio or not bio:
        return
    Author.objects.filter(pk=author.pk, bio="").update(bio=bio)
    author.bio = bio


def names_fill(names: dict[Section | Tag | Place, dict[str, str]]) -> None:
    """Give sections, tags or places their name in other editions; keep any an editor set.

    ``names`` maps each object to ``{edition code: name}``; a code the object
    already has a name for is left as it is.
    """
    changed: dict[type, list] = {}
    for obj, wanted in names.items():
        current = dict(obj.names or {})
        missing = {code: name for code, name in wanted.items() if name and not current.get(code)}
        if missing:
            obj.names = {**current, **missing}
            changed.setdefault(type(obj), []).append(obj)
    for model, objs in changed.items():
        model.objects.bulk_update(objs, ["names"])


def sections_file(sections: Sequence[Section]) -> None:
    """Save where sections sit: parent, description and whether the navigation shows them."""
    if sections:
        Section.objects.bulk_update(list(sections), ["parent", "in_navigation", "description"])


@dataclass
class ArticleRecord:
    """One article as an importer hands it over: names, not database rows."""

    title: str
    slug: str
    body: str = ""
    excerpt: str = ""
    standfirst: str = ""
    authors: Sequence[str] = ()
    sections: Sequence[str] = ()
    tags: Sequence[str] = ()
    places: Sequence[str] = ()
    language: str = "en"
    published_at: dt.datetime | None = None
    status: str = Article.Status.PUBLISHED
    legacy_url: str = ""
    featured_image_url: str = ""
    featured_image_caption: str = ""
    is_featured: bool = False
    is_listed: bool = True
    # The card text, when the caller made it with ``record_teaser`` (in another
    # process, say); None lets ``articles_upsert`` make it. It is not used when
    # ``fields`` leaves a teaser source (excerpt, standfirst, body) to the stored article.
    teaser: str | None = None
    # What the source supplies, for updates: None means every field (or link kind).
    # A field it leaves out (an editor's standfirst, an unpublished status) is kept.
    fields: frozenset[str] | None = None
    links: frozenset[str] | None = None


def record_teaser(record: ArticleRecord) -> str:
    """Return the teaser ``articles_upsert`` would make for ``record``.

    Pure (no database): an importer may compute it in a worker process and
    hand it over in ``record.teaser``, so that the writing process does not.
    """
    return _teaser(record.excerpt, record.standfirst, record.body)


LINK_KINDS = frozenset({"sections", "tags", "places", "authors"})


@dataclass
class UpsertResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    # Every record's article id by slug, written or not (callers link to them).
    ids: dict[str, int] = field(default_factory=dict)


_PLAIN_FIELDS = (
    "title",
    "body",
    "excerpt",
    "standfirst",
    "language",
    "published_at",
    "status",
    "legacy_url",
    "featured_image_url",
    "featured_image_caption",
    "is_featured",
    "is_listed",
    "teaser",
)


_RECORD_FIELDS = frozenset(_PLAIN_FIELDS) - {"teaser"}
_TEASER_SOURCES = frozenset({"body", "excerpt", "standfirst"})


def _relations_of(records: Sequence[ArticleRecord]) -> dict[str, dict[str, int]]:
    return {
        "section": _named_ids(Section, (n for r in records for n in r.sections)),
        "tag": _named_ids(Tag, (n for r in records for n in r.tags)),
        "place": _named_ids(Place, (n for r in records for n in r.places)),
        "author": _named_ids(Author, (n for r in records for n in r.authors)),
    }


def _wanted_links(record: ArticleRecord, named: dict[str, dict[str, int]]) -> dict[str, tuple]:
    sections = [named["section"][n.strip()] for n in record.sections if n.strip()]
    return {
        "section": sections[0] if sections else None,
        "sections": tuple(dict.fromkeys(sections[1:])),
        "tags": tuple(dict.fromkeys(named["tag"][n.strip()] for n in record.tags if n.strip())),
        "places": tuple(
            dict.fromkeys(named["place"][n.strip()] for n in record.places if n.strip())
        ),
        "authors": tuple(
            dict.fromkeys(named["author"][n.strip()] for n in record.authors if n.strip())
        ),
    }


def _current_links(ids: list[int]) -> dict[int, dict[str, tuple]]:
    links: dict[int, dict[str, list]] = {
        i: {"sections": [], "tags": [], "places": [], "authors": []} for i in ids
    }
    for kind, through, column in (
        ("sections", Article.sections.through, "section_id"),
        ("tags", Article.tags.through, "tag_id"),
        ("places", Article.places.through, "place_id"),
    ):
        for article_id, other in (
            through.objects.filter(article_id__in=ids)
            .order_by("id")
            .values_list("article_id", column)
        ):
            links[article_id][kind].append(other)
    for article_id, author_id in (
        ArticleAuthor.objects.filter(article_id__in=ids)
        .order_by("position")
        .values_list("article_id", "author_id")
    ):
        links[article_id]["authors"].append(author_id)
    return {i: {k: tuple(v) for k, v in d.items()} for i, d in links.items()}


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows into a link table with one ``executemany``.

    Link rows have no behaviour to run, so building model instances for
    thousands of them (``bulk_create``) would only cost time.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        _copy_rows(f"COPY {table} ({names}) FROM STDIN", rows)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _copy_rows(statement: str, rows: list) -> None:
    """Send ``rows`` through PostgreSQL's COPY (psycopg 3), failing as Django's errors do.

    An INSERT per row is parsed and planned by the server, and each of its
    parameters adapted one by one here: at 500 articles a batch, with their
    tags, authors and places, that was most of the writer's own time.
    """
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


# Columns whose database value is the Python value itself, for str, int and bool values.
_PLAIN_COLUMNS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)
_PLAIN_VALUES = frozenset({str, int, bool})


def _articles_insert(articles: list[Article]) -> None:
    """Insert new articles with one prepared ``executemany`` and read back their ids.

    ``bulk_create`` compiles a statement per few dozen rows (SQLite's limit
    on variables) and costs more than the insert itself on large imports.
    """
    now = timezone.now()
    columns = [f for f in Article._meta.concrete_fields if not f.primary_key]
    # A choice's plain str is stored as it is (an enum member is not a plain type).
    plain = [isinstance(f, _PLAIN_COLUMNS) for f in columns]
    fields = list(zip(columns, plain, strict=True))
    # The creation time is the same in every row: converted once per column.
    now_stored = {
        f.attname: f.get_db_prep_save(now, connection)
        for f in columns
        if isinstance(f, models.DateTimeField)
    }
    rows = []
    for article in articles:
        article.created_at = article.updated_at = now
        row = []
        for f, is_plain in fields:
            value = getattr(article, f.attname)
            # A string, number or None needs no conversion in a plain column;
            # get_db_prep_save for each of 24 columns cost more than the insert.
            if value is None or (is_plain and type(value) in _PLAIN_VALUES):
                row.append(value)
            elif value is now:
                row.append(now_stored[f.attname])
            else:
                row.append(f.get_db_prep_save(value, connection))
        rows.append(row)
    _insert_rows(Article, tuple(f.column for f in columns), rows)
    ids = dict(
        Article.objects.filter(slug__in=[a.slug for a in articles]).values_list("slug", "pk")
    )
    for article in articles:
        article.pk = ids[article.slug]
        article._state.adding = False


def _write_links(rows: dict[int, dict[str, tuple]], *, replace: bool) -> None:
    ids = list(rows)
    if replace and ids:
        # Plain DELETEs: ``QuerySet.delete`` would fetch each byline to send its
        # post_delete (a key bump each); ``articles_upsert`` announces the batch once.
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            for model in (
                Article.sections.through,
                Article.tags.through,
                Article.places.through,
                ArticleAuthor,
            ):
                table = quote(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", ids)
    links = rows.items()
    _insert_rows(
        Article.sections.through,
        ("article_id", "section_id"),
        [(a, s) for a, w in links for s in w["sections"]],
    )
    _insert_rows(
        Article.tags.through,
        ("article_id", "tag_id"),
        [(a, t) for a, w in links for t in w["tags"]],
    )
    _insert_rows(
        Article.places.through,
        ("article_id", "place_id"),
        [(a, p) for a, w in links for p in w["places"]],
    )
    _insert_rows(
        ArticleAuthor,
        ("article_id", "author_id", "position"),
        [(a, author, i) for a, w in links for i, author in enumerate(w["authors"])],
    )


def _records_check(records: Sequence[ArticleRecord]) -> None:
    """Refuse a record an importer should have normalised (slug) or refused (date).

    Importers check each line and report it; this is the last guard, so no
    new way in can store what would take a page down.
    """
    earliest, latest = published_at_bounds()
    for record in records:
        if not slug_is_valid(record.slug):
            raise ValueError(f"invalid slug {record.slug!r}: use slug_normalise")
        when = record.published_at
        if when is not None and (timezone.is_naive(when) or not earliest <= when <= latest):
            raise ValueError(f"{record.slug}: {published_at_error(when) or 'naive time'}")


def articles_upsert(records: Sequence[ArticleRecord]) -> UpsertResult:
    """Create or update a batch of articles keyed on slug, in one transaction.

    Importers call this with a few hundred records at a time; a record whose
    fields and links are unchanged is not written, so loading the same data
    twice changes nothing.
    """
    result = UpsertResult()
    if not records:
        return result
    _records_check(records)
    by_slug = {r.slug: r for r in records}
    with transaction.atomic():
        named = _relations_of(records)
        existing = {a.slug: a for a in Article.objects.filter(slug__in=list(by_slug))}
        current = _current_links([a.pk for a in existing.values()])
        to_create: list[tuple[Article, dict]] = []
        to_update: list[tuple[Article, dict]] = []
        for slug, record in by_slug.items():
            wanted = _wanted_links(record, named)
            article = existing.get(slug)
            if article is None:
                values = {name: getattr(record, name) for name in _RECORD_FIELDS}
                article = Article(slug=slug, **values)
                article.section_id = wanted["section"]
                article.teaser = article_teaser(article) if record.teaser is None else record.teaser
                to_create.append((article, wanted))
                continue
            supplied = _RECORD_FIELDS if record.fields is None else record.fields
            values = {name: getattr(record, name) for name in supplied}
            if record.teaser is not None and supplied >= _TEASER_SOURCES:
                values["teaser"] = record.teaser
            else:
                probe = Article(**{name: getattr(article, name) for name in _TEASER_SOURCES})
                for name in _TEASER_SOURCES & values.keys():
                    setattr(probe, name, values[name])
                values["teaser"] = article_teaser(probe)
            links = {**current[article.pk], "section": article.section_id}
            kinds = LINK_KINDS if record.links is None else record.links
            if "sections" in kinds:
                links["section"] = wanted["section"]
            wanted = {kind: (wanted[kind] if kind in kinds else links[kind]) for kind in LINK_KINDS}
            wanted["section"] = links["section"]
            changed = any(getattr(article, k) != v for k, v in values.items()) or any(
                current[article.pk][k] != wanted[k] for k in LINK_KINDS
            )
            changed = changed or article.section_id != wanted["section"]
            if not changed:
                result.unchanged += 1
                continue
            for k, v in values.items():
                setattr(article, k, v)
            article.section_id = wanted["section"]
            to_update.append((article, wanted))
        if to_create:
            _articles_insert([a for a, _ in to_create])
        if to_update:
            now = timezone.now()
            for article, _ in to_update:
                article.updated_at = now
                # An editor's form opened before this import must not save over it.
                article.lock_version = F("lock_version") + 1
            Article.objects.bulk_update(
                [a for a, _ in to_update], [*_PLAIN_FIELDS, "section", "updated_at", "lock_version"]
            )
        _write_links({a.pk: w for a, w in to_create}, replace=False)
        _write_links({a.pk: w for a, w in to_update}, replace=True)
        result.created = [a.pk for a, _ in to_create]
        result.updated = [a.pk for a, _ in to_update]
        result.ids = {slug: a.pk for slug, a in existing.items()}
        result.ids.update((a.slug, a.pk) for a, _ in to_create)
        if result.created or result.updated:
            # The editions updated articles were in before: their pages showed them.
            before = {a._loaded_edition[0] for a, _ in to_update}
            articles_changed.send(
                sender=Article,
                ids=result.created + result.updated,
                languages=before,
                written=[_written(a, w) for a, w in (*to_create, *to_update)],
            )
    return result


def _written(article: Article, links: dict[str, tuple]) -> ArticleWritten:
    """Return what ``articles_upsert`` stored of ``article``, for ``articles_changed``."""
    return ArticleWritten(
        id=article.pk,
        title=article.title,
        standfirst=article.standfirst,
        body=article.body,
        language=article.language,
        status=article.status,
        published_at=article.published_at,
        is_listed=article.is_listed,
        section_id=links["section"],
        section_ids=links["sections"],
        tag_ids=links["tags"],
        place_ids=links["places"],
        author_ids=links["authors"],
    )
