"""Whatever is stored, every page answers below 500 (issue 9).

Hypothesis writes articles, authors, sections, tags, places, corrections and
rates straight into the database, past every form and service (an old
database, an import that skipped a check, a raw SQL edit), then fetches every
reader page, the markets data, the admin and the preview as an Editor and as a
Writer. Each kind of hostile value is a named strategy, so a failure names the
kind that caused it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from dastan.content.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Place,
    Section,
    Tag,
)
from dastan.media.models import Image as LibraryImage
from dastan.newsroom.roles import EDITOR, WRITER
from dastan.rates import conf as rates_conf
from dastan.rates.models import RateObservation
from dastan.search.indexing import articles_index
from tests.factories import staff_user

# Fragments an import or a careless paste leaves in a body: markup, scripts,
# template syntax, half shortcodes, shortcodes with absurd attributes, bad embeds.
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example>",
    "<style>body{}</style>",
    "<math><mi xlink:href=x>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<pre>",
    "</p></div></article>",
    "<p>",
    "&#0;",
    "&#xD800;",
    "&#99999999999;",
    "&bogus;",
    "{{ site_name }}",
    "{% load static %}",
    "[caption",
    "[caption]",
    "[/caption]",
    "[[caption]]",
    '[caption id="attachment_1" align="alignnone" width="99999999999999999999"]'
    '<img src="">text[/caption]',
    '[wp_caption align=""]',
    "[gallery]",
    '[gallery ids="1,2,99999999999999999999999"]',
    '[gallery ids="' + "9" * 5000 + '"]',
    '[gallery ids="\u0663,\u00b2,-1"]',
    "[embed]",
    "[/embed]",
    "[embed]https://www.youtube.com/watch?v=[/embed]",
    "[embed]javascript:alert(1)[/embed]",
    "[embed width=-1 height=1e999]https://vimeo.com/99999999999999999999999[/embed]",
    '[embed width="' + "9" * 5000 + '"]https://youtu.be/dQw4w9WgXcQ[/embed]',
    '[video src="javascript:alert(1)" width="0" height="-5"]',
    '[video mp4="http://[::1"]',
    '[audio mp3=""]',
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=99999999999999999999h",
    "\nhttps://vimeo.com/1/ffff\n",
    "<p>https://www.youtube.com/embed/%00</p>",
    "\nhttp://[::1\n",
    "\u202e",
    "\ufeff",
    "\n\n",
    # Media-library images in a body ({library}: one of HOSTILE_IMAGES), deleted ones, bad ids.
    '<figure class="wp-block-image"><img class="wp-library-image-{library}" src="/m/a.jpg" alt="a">'
    '<figcaption>c <span class="wp-credit">d</span></figcaption></figure>',
    '<img class="wp-library-image-{library} wp-library-image-{library}" alt=">">',
    '<img class="wp-library-image-987654321" src="/media/r/' + "f" * 64 + '/full-960.jpg">',
    '<img class="wp-library-image-99999999999999999999999">',
    '<img class="wp-library-image-" src="javascript:alert(1)">',
]

FAR_PAST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
FAR_FUTURE = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _control_text(*, nul: bool) -> st.SearchStrategy[str]:
    excluded = "" if nul else "\x00"
    alphabet = st.one_of(
        st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"], exclude_characters=excluded),
        st.characters(codec="utf-8"),
    )
    return st.text(alphabet, min_size=1, max_size=40).filter(lambda s: nul or "\x00" not in s)


def text_classes() -> dict[str, st.SearchStrategy[str]]:
    """Return hostile text values by class; NUL only where the database can store it."""
    classes = {
        "text_plain": st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
        "text_empty": st.just(""),
        "text_control": _control_text(nul=False),
        "text_markup": st.lists(
            st.one_of(
                st.sampled_from(MARKUP), st.text(max_size=5).filter(lambda s: "\x00" not in s)
            ),
            min_size=1,
            max_size=8,
        ).map("".join),
        "text_long": st.sampled_from(["word " * 5_000, "<p>para</p>\n\n" * 1_000, "<div>" * 1_000]),
        "text_long_word": st.just("x" * 50_000),
    }
    # PostgreSQL refuses NUL in text; SQLite stores it.
    if connection.vendor == "sqlite":
        classes["text_nul"] = _control_text(nul=True).map(lambda s: s + "\x00")
    return classes


SLUGS = {
    "slug_plain": st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True),
    "slug_unicode": st.text(
        st.characters(categories=["L", "M", "Nd"]) | st.sampled_from("-_"), min_size=1, max_size=30
    ),
    "slug_punctuation": st.text(
        st.sampled_from("%+&;=@!$'()*,~ ") | st.characters(categories=["Ll"]),
        min_size=1,
        max_size=20,
    ).filter(lambda s: s.strip() not in ("", ".", "..")),
    "slug_reserved": st.one_of(
        st.sampled_from(["", ".", "..", "?", "#", "/", "a/b", "x?y=1#frag", "%", "a\x01b"]),
        st.text(st.sampled_from("?#/.%\x01\x1f\x7f\t\n a"), min_size=1, max_size=12),
    ),
}

DATES = {
    "date_recent": st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2024, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    "date_far_past": st.just(FAR_PAST)
    | st.datetimes(
        min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(1, 1, 3), timezones=st.just(dt.UTC)
    ),
    "date_future": st.datetimes(
        min_value=dt.datetime(2100, 1, 1),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    "date_far_future": st.sampled_from(
        [
            FAR_FUTURE,
            dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
            dt.datetime(9999, 1, 1, tzinfo=dt.UTC),
        ]
    ),
}


def rate_classes() -> dict[str, st.SearchStrategy[dict]]:
    """Return rate rows by class; ``days_ago`` is turned into a date when the row is written."""
    currencies = rates_conf.rates_setting("CURRENCIES")
    quote_code = rates_conf.rates_setting("QUOTE")

    def row(currency, rate, nominal, days_ago, change, source=None):
        return st.builds(
            lambda c, r, n, d, ch, s: {
                "currency": quote_code,
                "quote": c,
                "rate": r,
                "nominal": n,
                "days_ago": d,
                "change": ch,
                "source": s,
            },
            currency,
            rate,
            nominal,
            days_ago,
            change,
            source if source is not None else st.none(),
        )

    sane = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=4)
    return {
        "rate_plain": row(
            st.sampled_from(currencies),
            sane,
            st.sampled_from([1, 10, 100, 1000]),
            st.integers(0, 120),
            st.none() | st.decimals(min_value=-100, max_value=100, places=4),
        ),
        "rate_codes": row(
            st.text(min_size=0, max_size=3).filter(lambda s: "\x00" not in s),
            sane,
            st.just(1),
            st.integers(0, 10),
            st.none(),
            st.text(max_size=20).filter(lambda s: "\x00" not in s),
        ),
        "rate_hostile": row(
            st.sampled_from(currencies),
            st.sampled_from(
                [
                    Decimal(0),
                    Decimal("1e-10"),
                    Decimal(-1),
                    Decimal("1e13"),
                    Decimal("99999999999999.9999999999"),
                ]
            ),
            st.sampled_from([0, 1, 2_147_483_647]),
            st.sampled_from([0, -1, -400, -3_000_000, 700_000]),
            st.none() | st.sampled_from([Decimal(0), Decimal("1e13"), Decimal(-1)]),
        ),
    }


def pick(classes: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Draw from every named class."""
    return st.one_of(*classes.values())


def fit(value: str, model, field: str) -> str:
    """Cut ``value`` to the column's length where the database enforces it (not SQLite)."""
    max_length = model._meta.get_field(field).max_length
    if max_length and connection.vendor != "sqlite":
        return value[:max_length]
    return value


@st.composite
def worlds(draw) -> dict:
    """Draw a small site: a few of each object, every field from a hostile class."""
    text = pick(text_classes())
    slug = pick(SLUGS)
    date = pick(DATES)

    def named(count_max: int, extra: dict | None = None) -> list[dict]:
        fields = {"name": text, "slug": slug, **(extra or {})}
        return draw(
            st.lists(
                st.fixed_dictionaries(fields), max_size=count_max, unique_by=lambda d: d["slug"]
            )
        )

    sections = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": text,
                    "slug": slug,
                    "description": text,
                    "in_navigation": st.booleans(),
                    "position": st.integers(0, 2_147_483_647),
                    "parent": st.none() | st.integers(0, 3),
                }
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda d: d["slug"],
        )
    )
    article = st.fixed_dictionaries(
        {
            "title": text,
            "slug": slug,
            "standfirst": text,
            "body": text,
            "excerpt": text,
            "teaser": text,
            "status": st.sampled_from([*Article.Status.values, "", "bogus"]),
            "published_at": st.none() | date,
            "revised_at": st.none() | date,
            "breaking_until": st.none() | date,
            "revision_note": text,
            "language": st.sampled_from(["en", "ru", "", "xx", "<b>", "e\x01"]),
            "section": st.none() | st.integers(0, 2),
            "is_featured": st.booleans(),
            "is_listed": st.booleans(),
            "featured_image": st.none() | st.integers(0, len(HOSTILE_IMAGES) - 1),
            "featured_image_url": text,
            "featured_image_caption": text,
            "featured_image_credit": text,
            "legacy_url": text,
            "owner": st.sampled_from([None, "writer", "editor"]),
            "byline_position": st.integers(0, 32767),
        }
    )
    return {
        "sections": sections,
        "tags": named(2),
        "places": named(
            2,
            {
                "kind": st.sampled_from([*Place.Kind.values, "", "planet"]),
                "country": st.none() | st.integers(0, 1),
            },
        ),
        "authors": named(2, {"bio": text}),
        "articles": draw(st.lists(article, min_size=1, max_size=3, unique_by=lambda d: d["slug"])),
        "corrections": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "article": st.integers(0, 2),
                        "kind": st.sampled_from([*Correction.Kind.values, "", "retraction"]),
                        "text": text,
                        "created_at": date,
                    }
                ),
                max_size=2,
            )
        ),
        "rates": draw(st.lists(pick(rate_classes()), max_size=4)),
    }


# Library rows no upload would make: files that are missing, outside the storage, oddly named,
# no pixels, absurd sizes, markup in the alt text. Each page must still render (placeholders).
HOSTILE_IMAGES = [
    ("images/a.jpg", 1600, 900, "jpg", "A photo"),
    ("../../etc/passwd", 0, 0, "jpg", ""),
    ("a b?c#d", 1, 100000, "png", '"><script>alert(1)</script>'),
    ("%", 100000, 1, "gif", "\x01\x02\u202e"),
    ("", 40, 30, "", "x" * 500),
]


def store(world: dict, users: dict[str, User]) -> dict[str, list]:
    """Write ``world`` without validation: bulk inserts and updates, no save(), no signals."""
    sections = Section.objects.bulk_create(
        Section(
            name=fit(s["name"], Section, "name"),
            slug=fit(s["slug"], Section, "slug"),
            description=s["description"],
            in_navigation=s["in_navigation"],
            position=s["position"],
        )
        for s in world["sections"]
    )
    for spec, obj in zip(world["sections"], sections, strict=True):
        if spec["parent"] is not None:
            # A section may be its own parent, or one of a cycle.
            parent = sections[spec["parent"] % len(sections)]
            Section.objects.filter(pk=obj.pk).update(parent=parent)
    tags = Tag.objects.bulk_create(
        Tag(name=fit(t["name"], Tag, "name"), slug=fit(t["slug"], Tag, "slug"))
        for t in world["tags"]
    )
    places = Place.objects.bulk_create(
        Place(
            name=fit(p["name"], Place, "name"), slug=fit(p["slug"], Place, "slug"), kind=p["kind"]
        )
        for p in world["places"]
    )
    for spec, obj in zip(world["places"], places, strict=True):
        if spec["country"] is not None:
            Place.objects.filter(pk=obj.pk).update(country=places[spec["country"] % len(places)])
    authors = Author.objects.bulk_create(
        Author(
            name=fit(a["name"], Author, "name"),
            slug=fit(a["slug"], Author, "slug"),
            bio=a["bio"],
            user=users["writer"] if i == 0 else None,
        )
        for i, a in enumerate(world["authors"])
    )
    images = [
        LibraryImage.objects.get_or_create(
            sha256=f"{n:064x}",
            defaults=dict(file=name, width=width, height=height, format=kind, alt_text=alt),
        )[0]
        for n, (name, width, height, kind, alt) in enumerate(HOSTILE_IMAGES)
    ]
    articles = Article.objects.bulk_create(
        _article(a, sections, users, images) for a in world["articles"]
    )
    for i, article in enumerate(articles):
        article.sections.through.objects.bulk_create(
            [article.sections.through(article=article, section=s) for s in sections[i:]]
        )
        article.tags.through.objects.bulk_create(
            [article.tags.through(article=article, tag=t) for t in tags[i:]]
        )
        article.places.through.objects.bulk_create(
            [article.places.through(article=article, place=p) for p in places[i:]]
        )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(
                article=article, author=author, position=world["articles"][i]["byline_position"]
            )
            for author in authors[i:]
        )
    Correction.objects.bulk_create(
        Correction(
            article=articles[c["article"] % len(articles)],
            kind=c["kind"],
            text=c["text"],
            created_at=c["created_at"],
        )
        for c in world["corrections"]
    )
    today = timezone.localdate()
    rows = {}
    for r in world["rates"]:
        source = r["source"]
        if source is None:
            source = rates_conf.currency_sources(r["quote"])[0] if r["quote"] else "x"
        rate_date = _shift(today, r["days_ago"])
        key = (r["currency"], r["quote"], rate_date, source)
        rows[key] = RateObservation(
            currency=r["currency"],
            quote=r["quote"],
            rate=r["rate"],
            nominal=r["nominal"],
            rate_date=rate_date,
            source=source,
            change=r["change"],
            fetched_at=timezone.now(),
        )
    RateObservation.objects.bulk_create(rows.values())
    # Search results need the articles in the index, as `dastan search rebuild` would put them.
    articles_index([a.pk for a in articles])
    return {
        "sections": sections,
        "tags": tags,
        "places": places,
        "authors": authors,
        "articles": articles,
        "corrections": list(Correction.objects.all()),
    }


def _shift(today: dt.date, days_ago: int) -> dt.date:
    try:
        return today - dt.timedelta(days=days_ago)
    except OverflowError:
        return dt.date.max if days_ago < 0 else dt.date.min


def _article(spec: dict, sections: list[Section], users: dict[str, User], images: list) -> Article:
    status = spec["status"]
    published_at = spec["published_at"]
    if published_at is None and status not in ("draft", "unpublished"):
        status = "draft"  # the one rule the database itself enforces
    return Article(
        title=fit(spec["title"], Article, "title"),
        slug=fit(spec["slug"], Article, "slug"),
        standfirst=spec["standfirst"],
        body=spec["body"].replace("{library}", str(images[len(spec["body"]) % len(images)].pk)),
        excerpt=spec["excerpt"],
        teaser=spec["teaser"],
        status=status,
        published_at=published_at,
        revised_at=spec["revised_at"],
        breaking_until=spec["breaking_until"],
        revision_note=fit(spec["revision_note"], Article, "revision_note"),
        language=spec["language"],
        section=None if spec["section"] is None else sections[spec["section"] % len(sections)],
        is_featured=spec["is_featured"],
        is_listed=spec["is_listed"],
        featured_image=None if spec["featured_image"] is None else images[spec["featured_image"]],
        featured_image_url=fit(spec["featured_image_url"], Article, "featured_image_url"),
        featured_image_caption=fit(
            spec["featured_image_caption"], Article, "featured_image_caption"
        ),
        featured_image_credit=fit(spec["featured_image_credit"], Article, "featured_image_credit"),
        legacy_url=fit(spec["legacy_url"], Article, "legacy_url"),
        created_by=users.get(spec["owner"]),
    )


def local_parts(moment: dt.datetime | None) -> tuple[int, int, int] | None:
    """Return the site-time (year, month, day) of ``moment``, or None at the calendar's edges."""
    if moment is None:
        return None
    try:
        local = timezone.localtime(moment)
    except (OverflowError, ValueError):
        return None
    return local.year, local.month, local.day


def reader_urls(objects: dict[str, list]) -> list[str]:
    """Return every reader page type for ``objects``; paths are built by hand, not reverse()."""
    urls = ["/", "/corrections/", "/search/", "/search/?q=", "/markets/", "/no-such-page/"]
    urls += [
        f"/markets/{code.lower()}.{ext}"
        for code in rates_conf.rates_setting("CURRENCIES")
        for ext in ("json", "csv")
    ]
    for prefix, kind in (
        ("section", "sections"),
        ("tag", "tags"),
        ("place", "places"),
        ("author", "authors"),
    ):
        for obj in objects[kind]:
            urls.append(f"/{prefix}/{quote(obj.slug, safe='')}/")
            urls.append(f"/{prefix}/{quote(obj.slug, safe='')}/?page=2")
    for article in objects["articles"]:
        for term in (article.title[:60], article.slug[:60], "word"):
            urls.append(f"/search/?q={quote(term, safe='')}&lang=all")
        parts = local_parts(article.published_at)
        if parts is None:
            continue
        year, month, day = parts
        urls += [
            f"/{year:04d}/",
            f"/{year:04d}/{month:02d}/",
            f"/{year:04d}/{month:02d}/{day:02d}/",
        ]
        urls.append(f"/{year:04d}/{month:02d}/{day:02d}/{quote(article.slug, safe='')}/")
    section = objects["sections"][0]
    urls.append(f"/search/?q=word&section={quote(section.slug, safe='')}&sort=date")
    return urls


def admin_urls(objects: dict[str, list], *, editor: bool) -> list[str]:
    """Return each article's admin list, change and preview pages; for an Editor also the
    date drill-down, the autocomplete lists and every other model's list and change pages."""
    urls = ["/admin/content/article/"]
    for article in objects["articles"]:
        urls.append(f"/admin/content/article/{article.pk}/change/")
        urls.append(f"/newsroom/preview/{article.pk}/")
    if not editor:
        return urls
    urls += ["/admin/", "/admin/content/article/?q=word"]
    for article in objects["articles"]:
        parts = local_parts(article.published_at)
        if parts:
            year, month, _ = parts
            urls.append(f"/admin/content/article/?published_at__year={year}")
            urls.append(
                f"/admin/content/article/?published_at__year={year}&published_at__month={month}"
            )
    autocomplete = "/admin/autocomplete/?app_label=content&term=&model_name="
    urls += [
        f"{autocomplete}article&field_name=section",
        f"{autocomplete}article&field_name=tags",
        f"{autocomplete}article&field_name=places",
        f"{autocomplete}articleauthor&field_name=author",
        f"{autocomplete}correction&field_name=article",
    ]
    for model, kind in (
        ("section", "sections"),
        ("tag", "tags"),
        ("place", "places"),
        ("author", "authors"),
        ("correction", "corrections"),
    ):
        urls.append(f"/admin/content/{model}/")
        urls += [f"/admin/content/{model}/{obj.pk}/change/" for obj in objects[kind]]
    return urls


class HostileDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = {"writer": staff_user("writer", WRITER), "editor": staff_user("editor", EDITOR)}

    def fetch_all(self, client: Client, urls: list[str]) -> None:
        for url in urls:
            try:
                response = client.get(url)
            except Exception as exc:
                raise AssertionError(f"GET {url!r} raised {exc!r}") from exc
            self.assertLess(response.status_code, 500, url)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(world=worlds())
    def test_every_page_answers_below_500(self, world: dict) -> None:
        """Reader pages, markets data, admin and preview survive any stored value."""
        cache.clear()
        objects = store(world, self.users)
        self.fetch_all(Client(), reader_urls(objects))
        for role in ("editor", "writer"):
            client = Client()
            client.force_login(self.users[role])
            self.fetch_all(client, admin_urls(objects, editor=role == "editor"))
