"""Reader pages are read-only: GET and HEAD answer, every other method is a 405 with Allow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, PlaceFactory, SectionFactory, TagFactory


@pytest.fixture
def reader_urls(db):
    section = SectionFactory(slug="politics")
    tag = TagFactory(slug="courts")
    place = PlaceFactory(slug="almaty")
    author = AuthorFactory(slug="timur")
    when = timezone.localtime(timezone.now() - dt.timedelta(days=2))
    article = ArticleFactory(
        section=section, tags=[tag], places=[place], authors=[author], published_at=when
    )
    return [
        "/",
        article.get_absolute_url(),
        "/section/politics/",
        "/tag/courts/",
        "/place/almaty/",
        "/author/timur/",
        f"/{when:%Y}/",
        f"/{when:%Y/%m}/",
        f"/{when:%Y/%m/%d}/",
        "/corrections/",
        "/search/?q=court",
        "/markets/",
        "/markets/USD.json",
        "/markets/USD.csv",
    ]


class ReadOnlyTests:
    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "OPTIONS"])
    def test_other_methods_are_405_with_allow(self, reader_urls, method):
        """TRACE/OPTIONS gave the whole page and POST the CSRF 403: now 405 and no page."""
        client = Client(enforce_csrf_checks=True)
        for url in reader_urls:
            response = client.generic(method, url)
            assert response.status_code == 405, (method, url, response.status_code)
            assert response["Allow"] == "GET, HEAD", url
            assert response.content == b"", url

    def test_get_and_head_still_answer(self, reader_urls):
        client = Client(enforce_csrf_checks=True)
        for url in reader_urls:
            get = client.get(url)
            head = client.head(url)
            # No rates are stored, so a currency's history is a 404.
            assert get.status_code == (404 if url.endswith((".json", ".csv")) else 200), url
            assert head.status_code == get.status_code, url
            assert head.content == b"", url
