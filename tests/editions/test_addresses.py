"""Addresses across editions."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from dastan.editions.addresses import edition_current, edition_url, page_alternates
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


class EditionUrlTests:
    def test_view_names_and_objects_reverse_in_the_edition(self):
        section = SectionFactory(slug="economy")
        assert edition_url("web:home", "ru") == "/ru/"
        assert edition_url("web:home", "en") == "/"
        assert edition_url(section, "ru") == "/ru/section/economy/"
        assert edition_url("markets:nothing", "ru") == ""

    def test_an_article_keeps_its_own_address(self):
        article = ArticleFactory(language="ru")
        assert edition_url(article, "en") == article.get_absolute_url()
        assert article.get_absolute_url().startswith("/ru/")

    def test_current_edition_from_request_or_active_language(self):
        request = RequestFactory().get("/ru/")
        request.LANGUAGE_CODE = "ru"
        assert edition_current(request) == "ru"
        with translation.override("ru"):
            assert edition_current() == "ru"
        request.LANGUAGE_CODE = "de"
        assert edition_current(request) == "en"

    def test_a_page_outside_the_reader_site_has_no_alternates(self):
        assert page_alternates(RequestFactory().get("/nowhere/")) == {}

    def test_a_404_has_no_hreflang(self, client):
        html = client.get("/section/no-such-section/").content.decode()
        assert "hreflang=" not in html.split("</head>")[0]
        assert 'href="/ru/section/no-such-section/"' in html
