"""The demo site: original articles in two editions, rates history and two staff accounts.

The Russian articles were written in Russian, not translated word for word; some tell the same
story as an English one and are linked to it as its translation (``translations.json``).

Everything is keyed (articles on slug, accounts on username), so building the
demo twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.utils import timezone

from dastan.content.models import Article, Place, Section, Tag
from dastan.content.services import articles_upsert, translations_link
from dastan.importers.jsonlines import BATCH_SIZE, read_records
from dastan.newsroom.demo_pictures import demo_picture
from dastan.newsroom.roles import EDITOR, WRITER
from dastan.rates.services import rates_load_demo

DEMO_DATA = Path(__file__).resolve().parents[1] / "demo_data"
DEMO_ARTICLES = DEMO_DATA / "articles.jsonl"
# [[slug, slug of its translation], ...]
DEMO_TRANSLATIONS = DEMO_DATA / "translations.json"
# {edition code: {"sections"|"tags"|"places": {name: name in that edition}}}
DEMO_NAMES = DEMO_DATA / "names.json"
NAMED_MODELS = {"sections": Section, "tags": Tag, "places": Place}
SECTION_ORDER = ["Politics", "Economy", "Society", "Energy", "Environment", "Culture", "Sport"]
COUNTRIES = {
    "Kazakhstan": ["Almaty", "Astana"],
    "Kyrgyzstan": ["Bishkek", "Osh"],
    "Tajikistan": ["Dushanbe"],
    "Uzbekistan": ["Tashkent", "Samarkand"],
    "Turkmenistan": ["Ashgabat"],
}
ACCOUNTS = {
    "editor": ("dastan-demo-editor", EDITOR),
    "writer": ("dastan-demo-writer", WRITER),
}


def demo_articles_load(path: Path = DEMO_ARTICLES, *, today: dt.date | None = None) -> int:
    """Load the demo articles, moved in time so the newest one is from today."""
    records = [item for _, item in read_records(path.open(encoding="utf-8"))]
    bad = [item for item in records if isinstance(item, Exception)]
    if bad:
        raise ValueError(f"demo data is broken: {bad[0]}")
    dated = [r.published_at for r in records if r.published_at and r.status == "published"]
    today = today or timezone.localdate()
    newest = max(timezone.localtime(d).date() for d in dated)
    shift = dt.timedelta(days=(today - newest).days)
    now = timezone.now()
    moved = []
    for r in records:
        when = r.published_at + shift if r.published_at else None
        if when and r.status == "published" and when > now:
            when = now - dt.timedelta(minutes=5)
        moved.append(replace(r, published_at=when))
    for start in range(0, len(moved), BATCH_SIZE):
        articles_upsert(moved[start : start + BATCH_SIZE])
    return len(moved)


def demo_structure_arrange() -> None:
    """Order the navigation and file the cities under their countries."""
    for position, name in enumerate(SECTION_ORDER):
        Section.objects.filter(name=name).update(position=position, in_navigation=True)
    for country, cities in COUNTRIES.items():
        Place.objects.filter(name=country).update(kind=Place.Kind.COUNTRY)
        parent = Place.objects.filter(name=country).first()
        if parent:
            # Saved one by one, not update(): a city's articles are indexed under its
            # country too, and only a save tells the search index that it moved.
            for city in Place.objects.filter(name__in=cities):
                city.kind, city.country = Place.Kind.CITY, parent
                city.save(update_fields=["kind", "country"])


def demo_translations_link(path: Path = DEMO_TRANSLATIONS) -> int:
    """Link the demo's articles to their translations; return how many pairs are linked."""
    pairs = json.loads(path.read_text(encoding="utf-8"))
    by_slug = Article.objects.in_bulk([slug for pair in pairs for slug in pair], field_name="slug")
    linked = 0
    for pair in pairs:
        articles = [by_slug[slug] for slug in pair]
        groups = {a.translation_group for a in articles}
        if len(groups) != 1 or None in groups:
            translations_link(articles)
        linked += 1
    return linked


def demo_names_translate(path: Path = DEMO_NAMES) -> None:
    """Give the demo's sections, tags and places their names in the other editions."""
    for code, kinds in json.loads(path.read_text(encoding="utf-8")).items():
        for kind, names in kinds.items():
            for item in NAMED_MODELS[kind].objects.filter(name__in=names):
                if item.names.get(code) != names[item.name]:
                    item.names = {**item.names, code: names[item.name]}
                    item.save(update_fields=["names"])


def demo_accounts_create() -> dict[str, str]:
    """Create the demo editor and writer; return ``{username: password}``."""
    logins = {}
    for username, (password, role) in ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = True
            user.save()
        user.groups.add(Group.objects.get(name=role))
        logins[username] = password
    return logins


def demo_pictures_attach() -> int:
    """Give every demo article without a picture one drawn for it; return how many got one."""
    articles = Article.objects.filter(featured_image=None, featured_image_url="")
    given = 0
    for article in articles.only("pk", "slug", "language"):
        image = demo_picture(article.slug, article.language)
        Article.objects.filter(pk=article.pk).update(featured_image=image)
        given += 1
    return given


def demo_build() -> dict[str, str]:
    """Build the whole demo; return the staff logins."""
    demo_articles_load()
    demo_structure_arrange()
    demo_translations_link()
    demo_names_translate()
    demo_pictures_attach()
    rates_load_demo()
    return demo_accounts_create()
