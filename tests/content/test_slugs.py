from urllib.parse import unquote

import pytest
from django.core.validators import validate_unicode_slug
from django.urls import resolve, reverse, set_script_prefix
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dastan.content.slugs import slug_is_valid, slug_normalise, slug_reverse, slug_with_suffix
from tests.factories import ArticleFactory

DAY = {"year": 2024, "month": "05", "day": "06"}


class SlugNormaliseTests:
    @pytest.mark.parametrize(
        "given, expected",
        [
            ("ctrl\u0001recent", "ctrlrecent"),
            ("jl?x=1#frag", "jlx1frag"),
            ("..", "item"),
            ("", "item"),
            ("Som Steadies!", "som-steadies"),
            ("%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8", "новости"),
        ],
    )
    def test_values_outside_the_rules_become_slugs(self, given, expected):
        assert slug_normalise(given) == expected

    @pytest.mark.parametrize("given", ["som-steadies", "Som_Steadies", "новости-дня", "a"])
    def test_a_valid_slug_comes_back_unchanged(self, given):
        assert slug_normalise(given) == given

    def test_a_long_slug_is_cut_to_max_length(self):
        assert slug_normalise("a" * 300, max_length=200) == "a" * 200

    def test_suffix_finds_the_first_free_slug_within_max_length(self):
        assert slug_with_suffix("ab", {"ab", "ab-2"}) == "ab-3"
        assert slug_with_suffix("a" * 10, {"a" * 10}, max_length=10) == "a" * 8 + "-2"

    @given(st.text())
    def test_any_text_becomes_a_slug_django_accepts(self, text):
        slug = slug_normalise(text)
        validate_unicode_slug(slug)
        assert slug_is_valid(slug) and len(slug) <= 200

    @given(st.text())
    def test_any_normalised_slug_reverses_and_resolves_to_itself(self, text):
        slug = slug_normalise(text)
        for name, kwargs in [("web:article", DAY), ("web:section", {}), ("web:author", {})]:
            url = reverse(name, kwargs={**kwargs, "slug": slug})
            # A request's path is the decoded address.
            assert resolve(unquote(url)).kwargs["slug"] == slug


class SlugReverseTests:
    @pytest.mark.parametrize("slug", ["ctrl\u0001recent", "jl?x=1#frag", "..", "", None, "a/b"])
    def test_a_slug_outside_the_rules_has_no_address(self, slug):
        assert slug_reverse("web:section", slug) == ""

    def test_a_valid_slug_has_its_address(self):
        encoded = "%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
        assert slug_reverse("web:section", "новости") == f"/section/{encoded}/"

    @given(text=st.text(), language=st.sampled_from(["en", "ru"]))
    def test_the_address_is_what_reverse_gives_in_every_edition(self, text, language):
        """The address is built from a reversed template: it must equal ``reverse()``'s."""
        slug = slug_normalise(text)
        with translation.override(language):
            for name, kwargs in [
                ("web:article", DAY),
                ("web:section", {}),
                ("web:author", {}),
                ("feeds:tag_atom", {}),
            ]:
                expected = reverse(name, kwargs={**kwargs, "slug": slug})
                assert slug_reverse(name, slug, **kwargs) == expected

    def test_a_script_prefix_is_part_of_the_address(self):
        set_script_prefix("/news/")
        try:
            assert slug_reverse("web:tag", "oil") == "/news/tag/oil/"
        finally:
            set_script_prefix("/")
        assert slug_reverse("web:tag", "oil") == "/tag/oil/"


@pytest.mark.django_db
class SlugRoundTripTests:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=st.text(min_size=1, max_size=60))
    def test_an_article_is_found_at_the_address_of_its_normalised_slug(self, client, text):
        from django.core.cache import cache

        cache.clear()
        article = ArticleFactory(slug=slug_normalise(text), title="Round trip")
        try:
            response = client.get(article.get_absolute_url())
            assert response.status_code == 200
            assert response.context["page"]["url"] == article.get_absolute_url()
        finally:
            article.delete()
