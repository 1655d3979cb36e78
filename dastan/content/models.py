"""What the newsroom publishes: articles and the people, sections, tags and places around them.

Times are stored in UTC (``USE_TZ``) and shown in the site's time zone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from dastan.content.slugs import SlugAddresses, slug_reverse
from dastan.editions.conf import edition_code
from dastan.media.addresses import original_url


def local_datetime(when: dt.datetime | None) -> dt.datetime:
    """Return ``when`` (now when None) in the site's time zone.

    A stored time at the edge of the calendar (9999-12-31 23:00 UTC is
    already the year 10000 in Almaty) stays in UTC instead of raising.
    """
    when = when or timezone.now()
    try:
        return timezone.localtime(when)
    except (OverflowError, ValueError):
        return when


def local_date(when: dt.datetime | None) -> dt.date:
    """Return the site's calendar date of ``when`` (now when None); see ``local_datetime``."""
    return local_datetime(when).date()


# The widest time zone offsets are under a day: inside these bounds every time converts to any
# zone without leaving Python's calendar (years 1 to 9999).
CALENDAR_FIRST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
CALENDAR_LAST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


class CalendarSafeDateTimeField(models.DateTimeField):
    """A DateTimeField whose stored values are read back at least a day inside the calendar.

    Validation keeps new times far from the calendar's ends, but a time written around it
    (a raw SQL edit, an old database) at 9999-12-31 23:00 UTC is already the year 10000 in
    Almaty, and every ``localtime()`` on it (admin widgets, date filters, templates) raised
    ``OverflowError``. Reading it a day inward keeps every page rendering; the stored value
    is unchanged until someone saves the object, which validation then refuses.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or not isinstance(value, dt.datetime) or value.tzinfo is None:
            return value
        return min(max(value, CALENDAR_FIRST), CALENDAR_LAST)

    def deconstruct(self):
        # Migrations see a plain DateTimeField: reading differs, the column does not.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    RUSSIAN = "ru", "Russian"


def language_choices() -> list[tuple[str, str]]:
    """Return the editions as choices: a third edition (Kazakh) needs only settings."""
    return list(settings.LANGUAGES)


def article_address(
    *,
    slug: str,
    published_at: dt.datetime | None,
    language: str,
    addresses: SlugAddresses | None = None,
) -> str:
    """Return the address of the article with these fields in its own edition.

    A card read as a plain row (``content.selectors.Card``) has no model instance to ask;
    a page of cards passes its ``addresses``. With a slug outside the rule, the address is
    its day's listing.
    """
    day = local_date(published_at)
    kwargs = {"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}"}
    edition = edition_code(language)
    if addresses is not None and edition == addresses.language:
        return _article_address(addresses, slug, kwargs)
    if edition == translation.get_language():
        # Switching to the language already active costs more than the address itself.
        return _article_address(slug_reverse, slug, kwargs)
    with translation.override(edition):
        return _article_address(slug_reverse, slug, kwargs)


def _article_address(reverse_slug, slug: str, kwargs: dict) -> str:
    return reverse_slug("web:article", slug, **kwargs) or reverse("web:day_archive", kwargs=kwargs)


def name_in(name: str, names: object, code: str) -> str:
    """Return the name in edition ``code``: ``names[code]`` when set, else ``name``."""
    local = names.get(code) if isinstance(names, dict) else None
    return local.strip() if isinstance(local, str) and local.strip() else name


class EditionNamed(models.Model):
    """A model whose name may differ per edition, in ``names`` (its slug does not)."""

    class Meta:
        abstract = True

    def name_in(self, code: str) -> str:
        """Return the name in edition ``code``: ``names[code]`` when set, else ``name``."""
        return name_in(self.name, self.names, code)

    @property
    def local_name(self) -> str:
        """Return the name in the active edition (what a reader page shows)."""
        return self.name_in(translation.get_language() or settings.LANGUAGE_CODE)


class Section(EditionNamed):
    name = models.CharField(max_length=120, verbose_name=_("name"))
    # The name on other editions' pages, by edition code ({"ru": "Экономика"}); the slug is shared.
    names = models.JSONField(default=dict, blank=True, verbose_name=_("names"))
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True, verbose_name=_("slug"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    in_navigation = models.BooleanField(
        default=True,
        help_text="Shown in the header and with its own block on the home page.",
        verbose_name=_("in navigation"),
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_reverse("web:section", self.slug)


class Tag(EditionNamed):
    name = models.CharField(max_length=120, verbose_name=_("name"))
    # The name on other editions' pages, by edition code ({"ru": "Экономика"}); the slug is shared.
    names = models.JSONField(default=dict, blank=True, verbose_name=_("names"))
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True, verbose_name=_("slug"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_reverse("web:tag", self.slug)


class Place(EditionNamed):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CITY = "city", _("City")

    name = models.CharField(max_length=120, verbose_name=_("name"))
    # The name on other editions' pages, by edition code ({"ru": "Экономика"}); the slug is shared.
    names = models.JSONField(default=dict, blank=True, verbose_name=_("names"))
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True, verbose_name=_("slug"))
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.CITY, verbose_name=_("kind")
    )
    country = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
        limit_choices_to={"kind": "country"},
        verbose_name=_("country"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_reverse("web:place", self.slug)


class Author(models.Model):
    name = models.CharField(max_length=160, verbose_name=_("name"))
    slug = models.SlugField(max_length=180, unique=True, allow_unicode=True, verbose_name=_("slug"))
    bio = models.TextField(blank=True, verbose_name=_("bio"))
    photo = models.FileField(upload_to="authors/", blank=True, verbose_name=_("photo"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that writes as this author.",
        verbose_name=_("user"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_reverse("web:author", self.slug)


class ArticleQuerySet(models.QuerySet):
    def public(self, *, now=None) -> ArticleQuerySet:
        """Return the articles a reader may see now.

        A scheduled article becomes public when its time comes, without any
        job flipping its status: the query decides.
        """
        now = now or timezone.now()
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            published_at__lte=now,
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Not public, like a draft: the "public means" rule stays one condition on status.
        REVIEW = "review", _("Ready for review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    title = models.CharField(max_length=300, verbose_name=_("title"))
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True, verbose_name=_("slug"))
    standfirst = models.TextField(
        blank=True, help_text="The summary shown under the headline.", verbose_name=_("standfirst")
    )
    body = models.TextField(
        blank=True, help_text="HTML; sanitised before a reader sees it.", verbose_name=_("body")
    )
    excerpt = models.TextField(
        blank=True,
        help_text="Optional. Cards use an automatic excerpt of the body when empty.",
        verbose_name=_("excerpt"),
    )
    teaser = models.TextField(
        blank=True,
        editable=False,
        help_text="The card text: the excerpt or one cut from the body.",
        verbose_name=_("teaser"),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    published_at = CalendarSafeDateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("published at")
    )
    created_at = CalendarSafeDateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = CalendarSafeDateTimeField(auto_now=True, verbose_name=_("updated at"))
    revised_at = CalendarSafeDateTimeField(
        null=True,
        blank=True,
        help_text="Set only when an editor marks a real update; typo fixes leave it alone.",
        verbose_name=_("revised at"),
    )
    revision_note = models.CharField(max_length=300, blank=True, verbose_name=_("revision note"))
    review_note = models.TextField(
        blank=True,
        help_text=_("Why an editor sent the article back; shown to its writer."),
        verbose_name=_("review note"),
    )
    language = models.CharField(
        max_length=5, choices=language_choices, default=Language.ENGLISH, verbose_name=_("language")
    )
    # Articles that share this value are translations of one another (one per edition).
    translation_group = models.UUIDField(
        null=True, blank=True, db_index=True, verbose_name=_("translation group")
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", verbose_name=_("authors")
    )
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_articles",
        verbose_name=_("section"),
    )
    sections = models.ManyToManyField(
        Section,
        blank=True,
        related_name="articles",
        help_text="Extra sections.",
        verbose_name=_("sections"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    places = models.ManyToManyField(
        Place, blank=True, related_name="articles", verbose_name=_("places")
    )
    is_featured = models.BooleanField(
        default=False,
        help_text="Pinned at the top of the home page.",
        verbose_name=_("is featured"),
    )
    is_listed = models.BooleanField(
        default=True,
        help_text="Untick for a standalone page (About, Contact): reachable at its address, "
        "never in listings.",
        verbose_name=_("is listed"),
    )
    # Breaking news: while now is before this time (and the article is public), every reader
    # page of its edition carries a banner linking to it (web/templatetags/breaking.py).
    breaking_until = CalendarSafeDateTimeField(
        null=True,
        blank=True,
        help_text=_("Breaking news: a banner on every page links here until this time."),
        verbose_name=_("breaking news until"),
    )
    featured_image = models.ForeignKey(
        "media.Image",
        null=True,
        blank=True,
        # An image in use cannot be deleted from the library: a page would lose its picture.
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("From the media library; its alt text is needed to publish."),
        verbose_name=_("featured image"),
    )
    featured_image_url = models.URLField(
        max_length=500, blank=True, verbose_name=_("featured image url")
    )
    featured_image_caption = models.CharField(
        max_length=500, blank=True, verbose_name=_("featured image caption")
    )
    featured_image_credit = models.CharField(
        max_length=200, blank=True, verbose_name=_("featured image credit")
    )
    legacy_url = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        help_text="The old site's address, redirected here.",
        verbose_name=_("legacy url"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_articles",
        verbose_name=_("created by"),
    )
    # Raised by one on every save (optimistic locking): a form opened at 4 may not save over 5.
    lock_version = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("lock version")
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        # Listings walk these newest-first and stop after a page; an index that
        # starts with status would need a sort, since "public" is two statuses.
        indexes = [
            # Every reader page asks for its edition's breaking story: only flagged rows here.
            models.Index(
                fields=["language", "breaking_until"],
                name="article_breaking",
                condition=models.Q(breaking_until__isnull=False),
            ),
            # The sitemap index counts an edition's public articles per month and finds each
            # month's newest change from this index alone, without reading article rows.
            models.Index(
                fields=["language", "published_at", "status", "revised_at"],
                name="article_sitemap_months",
            ),
            # A section's page and home block walk its edition's articles newest-first; without
            # the language an edition with few articles walked every other edition's too.
            models.Index(
                fields=["section", "language", "published_at"],
                name="article_section_lang_published",
            ),
            # An edition's listings (home, archives) walk its articles newest-first; with status
            # and is_listed in the index, an archive's count reads no row (a row keeps them
            # after the body, so reading them walked the body's overflow pages).
            models.Index(
                fields=["language", "published_at", "status", "is_listed"],
                name="article_lang_published_shown",
            ),
            # The pinned article: a handful of rows, where a walk of the index above read the
            # whole edition whenever nothing was pinned (issue #15).
            models.Index(
                fields=["language", "published_at"],
                condition=Q(is_featured=True),
                name="article_pinned_published",
            ),
            # A feed's newest change includes articles that left it: the unpublished ones of an
            # edition, read from their few rows rather than a walk of the whole edition (#11).
            models.Index(
                fields=["language", "updated_at"],
                condition=Q(status="unpublished"),
                name="article_unpublished_updated",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish articles"),
            ("edit_any_article", "Can edit articles written by others"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "unpublished"])
                | Q(published_at__isnull=False),
                name="article_public_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Return the article's address in its own edition (``/ru/...`` for a Russian one)."""
        return article_address(
            slug=self.slug, published_at=self.published_at, language=self.language
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the edition and translation group as loaded (Django's documented pattern).

        An edit that moves an article to another edition or group must also
        expire the pages of the one it left (``content.versioning``).
        """
        instance = super().from_db(db, field_names, values)
        loaded = dict(zip(field_names, values, strict=True))
        instance._loaded_edition = (loaded.get("language"), loaded.get("translation_group"))
        return instance

    @property
    def is_public(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def image_src(self) -> str:
        """The picture's original file, else the address given by hand (older imports)."""
        if self.featured_image_id is not None and self.featured_image.file:
            image_file = self.featured_image.file
            return original_url(image_file.storage, image_file.name)
        return self.featured_image_url

    @property
    def image_caption(self) -> str:
        """The article's own caption for its picture, else the library's."""
        if self.featured_image_caption or self.featured_image_id is None:
            return self.featured_image_caption
        return self.featured_image.caption

    @property
    def image_credit(self) -> str:
        if self.featured_image_credit or self.featured_image_id is None:
            return self.featured_image_credit
        return self.featured_image.credit


class ArticleAuthor(models.Model):
    """An article's byline entry; ``position`` keeps the byline's order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines", verbose_name=_("article")
    )
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, related_name="bylines", verbose_name=_("author")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]

    def __str__(self) -> str:
        return str(self.author)


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("article")
    )
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.CORRECTION, verbose_name=_("kind")
    )
    text = models.TextField(verbose_name=_("text"))
    created_at = CalendarSafeDateTimeField(default=timezone.now, verbose_name=_("created at"))
    # Derived from the article, kept exact by ``content.listings`` on every write: the
    # corrections page walks and counts one edition's index range instead of checking every
    # correction's article (issue #15). ``public_from`` is the article's publication time while
    # it is published or scheduled, else empty.
    language = models.CharField(max_length=5, blank=True, editable=False)
    public_from = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["language", "created_at", "public_from"], name="correction_edition_newest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.article}"


class ListingEntry(models.Model):
    """One public, listed article in one listing (a section, tag, place or author page).

    Derived data, rebuilt by ``content.listings`` on every write: a listing page walks its
    own entries newest-first and counts them from the index alone, where joining the
    article table read every article of the listing, or the whole archive (issue #15).
    ``listing`` is a kind letter and an id: "s4" (section 4, primary or extra), "t12",
    "p7" (a place; a country also lists its places' articles), "a3".
    """

    listing = models.CharField(max_length=24, verbose_name=_("listing"))
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    language = models.CharField(max_length=5, verbose_name=_("language"))
    published_at = models.DateTimeField(verbose_name=_("published at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "article"], name="listing_entry_unique")
        ]
        indexes = [
            models.Index(
                fields=["listing", "language", "published_at", "article"],
                name="listing_entry_newest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing}: {self.article_id}"


class ListingSize(models.Model):
    """How many entries a listing has in one edition, scheduled ones included.

    Kept by ``content.listings`` with every change of the entries, so a listing page's
    pager reads one row and the few scheduled entries instead of counting the listing:
    on PostgreSQL that count cost 50-60 ms for a section of 220,000 articles and grew
    with it (issue #15).
    """

    listing = models.CharField(max_length=24, verbose_name=_("listing"))
    language = models.CharField(max_length=5, verbose_name=_("language"))
    entries = models.IntegerField(default=0, verbose_name=_("entries"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "language"], name="listing_size_unique")
        ]

    def __str__(self) -> str:
        return f"{self.listing} ({self.language}): {self.entries}"


class ArticleVersion(models.Model):
    """One stored save of an article: its text and filing as they were, for diff and restore.

    Its own table, read only by the desk: listings never join it, and an article's
    versions are found through the (article, number) unique index.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    standfirst = models.TextField(blank=True, verbose_name=_("standfirst"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    excerpt = models.TextField(blank=True, verbose_name=_("excerpt"))
    # Status, time, filing and image as plain JSON (names beside ids), so that a version
    # still reads the same after a tag it named was renamed or deleted.
    metadata = models.JSONField(default=dict, blank=True, verbose_name=_("metadata"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
