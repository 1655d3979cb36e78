"""No address and no query string makes the site answer 500 (issue 9).

The routes come from the resolver, so a new URL pattern is fuzzed without an
edit here; the query keys are the ones the code reads (found in its source and
in the lists the views and middleware keep) and the admin's list filters. Each
kind of hostile value is a named strategy, so a failure names its kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.contrib import admin
from django.contrib.admin.views import main as changelist
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

import dastan
from dastan.newsroom.roles import EDITOR, WRITER
from dastan.rates.models import RateObservation
from dastan.redirects.middleware import QUERY_KEYS
from dastan.search.views import KEPT_PARAMS
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    PlaceFactory,
    SectionFactory,
    TagFactory,
    staff_user,
)

# The parameters a view reads as `request.GET.get("name")`, `request.GET["name"]`
# or `"name" in request.GET`.
_READ = re.compile(r"""GET(?:\.get\(|\[)\s*["'](\w+)["']|["'](\w+)["']\s+in\s+request\.GET""")

VALUES = {
    "value_text": st.text(st.characters(codec="utf-8"), max_size=20),
    "value_empty": st.just(""),
    "value_control": st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=5),
    "value_numbers": st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(
            [
                "0",
                "-0",
                "+1",
                " 2 ",
                "1.5",
                "1e999",
                "nan",
                "inf",
                "-inf",
                "0x10",
                "1_000",
                "9" * 5000,
            ]
        ),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    ),
    "value_dates": st.one_of(
        st.sampled_from(
            [
                "0001-01-01",
                "9999-12-31",
                "0000-00-00",
                "2024-02-30",
                "2024-13-01",
                "20240101",
                "1-1-1",
            ]
        ),
        st.dates().map(dt.date.isoformat),
    ),
    "value_markup": st.sampled_from(
        ['"><script>alert(1)</script>', "{{ x }}", "{% now %}", "[gallery ids=1]", "%(x)s", "'--"]
    ),
    "value_search": st.lists(
        st.sampled_from(['"', "-", "OR", "AND", "*", "(", ")", "NEAR", ":", "^", "word", "слово"]),
        max_size=8,
    ).map(" ".join),
    "value_unicode_digits": st.text(
        st.sampled_from("\u00b2\u00b3\u00b9\u0663\u0967\u2460\u2070\U0001d7d9\uff11"),
        min_size=1,
        max_size=3,
    ),
}


def routes() -> list[tuple[str, str]]:
    """Return ``(name, regex)`` for every URL pattern the resolver knows, includes flattened."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            regex = re.sub(r"^\^|\\Z$|\$$", "", pattern.pattern.regex.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + regex)
            elif isinstance(pattern, URLPattern):
                yield pattern.name or "", prefix + regex

    # Group names repeat across includes; a combined regex needs them unnamed.
    return [
        (name, re.sub(r"\(\?P<\w+>", "(?:", regex))
        for name, regex in walk(get_resolver().url_patterns, "")
    ]


def read_parameters() -> set[str]:
    """Return the query keys Dastan's own code reads."""
    found = set(KEPT_PARAMS) | set(QUERY_KEYS)
    for source in Path(dastan.__file__).parent.rglob("*.py"):
        for match in _READ.finditer(source.read_text()):
            found.add(match.group(1) or match.group(2))
    return found


def admin_parameters(user: User) -> set[str]:
    """Return the keys the admin's change lists and autocomplete read, filters included."""
    found = {
        changelist.ALL_VAR,
        changelist.ORDER_VAR,
        changelist.PAGE_VAR,
        changelist.SEARCH_VAR,
        changelist.ERROR_FLAG,
        changelist.IS_POPUP_VAR,
        changelist.TO_FIELD_VAR,
        changelist.IS_FACETS_VAR,
        "_changelist_filters",
        "app_label",
        "model_name",
        "field_name",
        "term",
    }
    for model, model_admin in admin.site._registry.items():
        request = RequestFactory().get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
        request.user = user
        for spec in model_admin.get_changelist_instance(request).filter_specs:
            found.update(spec.expected_parameters())
        if model_admin.date_hierarchy:
            found.update(
                f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")
            )
    return found


def pick(classes: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """Draw from every named class."""
    return st.one_of(*classes.values())


def encoded(value: str) -> str:
    return quote(value, safe="")


# Percent-escapes of any bytes, invalid UTF-8 included.
raw_bytes = st.binary(min_size=1, max_size=12).map(lambda b: "".join(f"%{byte:02X}" for byte in b))


def query_strings(keys: list[str]) -> st.SearchStrategy[str]:
    """Draw a query string: known and unknown keys, repeated keys, encoded or raw values."""
    key = st.one_of(st.sampled_from(keys), st.text(max_size=5).map(encoded))
    value = st.one_of(pick(VALUES).map(encoded), raw_bytes)
    pairs = st.lists(st.tuples(key, value), max_size=6)
    return pairs.map(lambda items: "&".join(f"{k}={v}" for k, v in items))


@functools.cache
def paths(seeds: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Draw a path matching a route, a path of stored content, or junk under a route's prefix."""
    utf8 = st.characters(codec="utf-8")
    matching = st.one_of(
        *(
            st.from_regex(regex, fullmatch=True, alphabet=utf8).map(
                lambda p: "/" + quote(p, safe="/")
            )
            for _, regex in routes()
        )
    )
    prefix = st.sampled_from(sorted({re.match(r"[\w/-]*", regex).group() for _, regex in routes()}))
    junk = st.tuples(prefix, st.one_of(raw_bytes, pick(VALUES).map(encoded))).map(
        lambda parts: f"/{parts[0]}{parts[1]}/"
    )
    return st.one_of(matching, st.sampled_from(seeds), junk)


class UrlFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = {"writer": staff_user("writer", WRITER), "editor": staff_user("editor", EDITOR)}
        section = SectionFactory(name="News", slug="news")
        tag, place, author = TagFactory(), PlaceFactory(), AuthorFactory()
        article = ArticleFactory(
            section=section,
            tags=[tag],
            places=[place],
            authors=[author],
            created_by=cls.users["writer"],
        )
        draft = ArticleFactory(status="draft", published_at=None, created_by=cls.users["writer"])
        correction = CorrectionFactory(article=article)
        RateObservation.objects.create(
            currency="USD",
            quote="KZT",
            rate=Decimal("478.77"),
            nominal=1,
            rate_date=timezone.localdate(),
            source="nbk",
            fetched_at=timezone.now(),
        )
        local = timezone.localtime(article.published_at)
        cls.seeds = (
            article.get_absolute_url(),
            section.get_absolute_url(),
            tag.get_absolute_url(),
            place.get_absolute_url(),
            author.get_absolute_url(),
            f"/{local:%Y}/",
            f"/{local:%Y/%m}/",
            f"/{local:%Y/%m/%d}/",
            "/markets/kzt.json",
            "/markets/kzt.csv",
            f"/newsroom/preview/{draft.pk}/",
            f"/admin/content/article/{article.pk}/change/",
            f"/admin/content/correction/{correction.pk}/change/",
            f"/admin/r/{section.pk}/{section.pk}/",
        )
        superuser = User.objects.create_superuser("root", password="pw")
        cls.keys = sorted(read_parameters() | admin_parameters(superuser))

    def test_routes_and_parameters_are_found(self) -> None:
        """The fuzz covers every route and the parameters the views read, found, not listed."""
        names = {name for name, _ in routes()}
        self.assertLessEqual(
            {"home", "article", "search", "markets", "preview", "history_csv"}, names
        )
        self.assertLessEqual(
            {"page", "q", "s", "paged", "lang", "sort", "from", "p", "section"}, set(self.keys)
        )
        self.assertLessEqual({"year", "published_at__gte", "status__exact"}, set(self.keys))

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_no_address_answers_500(self, data) -> None:
        """Any path with any query string, read as a reader, a Writer or an Editor, is below 500."""
        cache.clear()
        path = data.draw(paths(self.seeds), label="path")
        query = data.draw(query_strings(self.keys), label="query")
        role = data.draw(st.sampled_from([None, "writer", "editor"]), label="role")
        method = data.draw(st.sampled_from(["get", "head"]), label="method")
        client = Client()
        if role:
            client.force_login(self.users[role])
        url = f"{path}?{query}" if query else path
        try:
            response = getattr(client, method)(url)
        except Exception as exc:
            raise AssertionError(f"{method.upper()} {url!r} as {role} raised {exc!r}") from exc
        self.assertLess(response.status_code, 500, url)
