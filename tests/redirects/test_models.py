"""Where a stored old address leads: its object's page, in the redirect's edition."""

from __future__ import annotations

import pytest
from django.utils import translation

from dastan.content.models import Section
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def language_in_url(monkeypatch):
    """Make a section's address show the language it was reversed under."""
    monkeypatch.setattr(
        Section, "get_absolute_url", lambda self: f"/{translation.get_language()}/s/{self.slug}/"
    )


class LegacyRedirectTargetTests:
    def test_a_listing_opens_in_the_redirects_edition(self, language_in_url):
        section = SectionFactory(slug="economy")
        row = LegacyRedirect(kind=LegacyRedirect.Kind.SECTION, section=section, language="ru")
        with translation.override("en"):
            assert row.target() == "/ru/s/economy/"
            assert translation.get_language() == "en"  # restored

    def test_the_asked_edition_wins_and_none_keeps_the_current(self, language_in_url):
        section = SectionFactory(slug="economy")
        row = LegacyRedirect(kind=LegacyRedirect.Kind.SECTION, section=section, language="ru")
        assert row.target("en") == "/en/s/economy/"
        plain = LegacyRedirect(kind=LegacyRedirect.Kind.SECTION, section=section)
        with translation.override("ru"):
            assert plain.target() == "/ru/s/economy/"

    def test_an_article_keeps_its_own_address(self):
        article = ArticleFactory()
        row = LegacyRedirect(kind=LegacyRedirect.Kind.ARTICLE, article=article, language="ru")
        assert row.target() == article.get_absolute_url()
