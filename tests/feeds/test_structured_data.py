# ruff: noqa: RUF001 - a Russian title is one of the cases
"""Structured data read back with extruct, as a crawler reads it (JSON-LD, OpenGraph, meta)."""

from __future__ import annotations

import extruct
import pytest
from lxml import html

from dastan.content.models import ArticleAuthor
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory
from tests.feeds.conftest import BASE, fetch

pytestmark = pytest.mark.django_db


def extract(client, url: str) -> dict:
    response = fetch(client, url)
    data = extruct.extract(
        response.content.decode("utf-8"),
        base_url=BASE + url,
        syntaxes=["json-ld", "opengraph"],
    )
    data["twitter"] = {
        m.get("name"): m.get("content")
        for m in html.fromstring(response.content).xpath('//meta[starts-with(@name, "twitter:")]')
    }
    return data


def ld(data: dict, kind: str) -> dict:
    (found,) = [item for item in data["json-ld"] if item.get("@type") == kind]
    return found


def og(data: dict) -> dict[str, list[str]]:
    """Return every OpenGraph property with all its values (a tag may repeat)."""
    (graph,) = data["opengraph"]
    pairs: dict[str, list[str]] = {}
    for key, value in graph["properties"]:
        pairs.setdefault(key, []).append(value)
    return pairs


class ArticleStructuredDataTests:
    def test_full_article(self, client):
        author = AuthorFactory(name="Aigerim Sadykova", slug="aigerim")
        item = ArticleFactory(
            title="Steppe rail link opens",
            section=SectionFactory(name="Economy", slug="economy"),
            tags=[TagFactory(name="Rail"), TagFactory(name="Transport")],
            authors=[author],
            featured_image_url="https://cdn.example.org/rail.jpg",
        )
        data = extract(client, item.get_absolute_url())
        news = ld(data, "NewsArticle")
        assert news["headline"] == "Steppe rail link opens"
        assert news["image"] == ["https://cdn.example.org/rail.jpg"]
        assert news["datePublished"] == item.published_at.isoformat()
        assert news["dateModified"]
        assert news["author"] == [
            {"@type": "Person", "name": "Aigerim Sadykova", "url": BASE + "/author/aigerim/"}
        ]
        assert news["publisher"]["@type"] == "Organization"
        assert news["publisher"]["logo"]["url"].startswith(BASE + "/")
        crumbs = ld(data, "BreadcrumbList")["itemListElement"]
        assert [c["name"] for c in crumbs] == ["Dastan", "Economy", "Steppe rail link opens"]
        graph = og(data)
        assert graph["og:type"] == ["article"]
        assert graph["og:url"] == [BASE + item.get_absolute_url()]
        assert graph["article:published_time"] == [item.published_at.isoformat()]
        assert graph["article:section"] == ["Economy"]
        assert sorted(graph["article:tag"]) == ["Rail", "Transport"]
        assert data["twitter"] == {
            "twitter:card": "summary_large_image",
            "twitter:title": "Steppe rail link opens",
            "twitter:description": item.teaser,
            "twitter:image": "https://cdn.example.org/rail.jpg",
        }

    def test_article_without_image_or_author(self, client):
        item = ArticleFactory(title="Plain story", featured_image_url="")
        ArticleAuthor.objects.filter(article=item).delete()
        data = extract(client, item.get_absolute_url())
        news = ld(data, "NewsArticle")
        assert "image" not in news and "author" not in news
        assert news["publisher"]["logo"]["url"]
        assert "og:image" not in og(data)
        assert data["twitter"]["twitter:card"] == "summary"
        assert "twitter:image" not in data["twitter"]

    def test_russian_article_in_its_edition(self, client):
        item = ArticleFactory(title="Новая железная дорога", slug="novaya", language="ru")
        data = extract(client, item.get_absolute_url())
        news = ld(data, "NewsArticle")
        assert news["headline"] == "Новая железная дорога"
        assert news["inLanguage"] == "ru"
        assert ld(data, "BreadcrumbList")["itemListElement"][0]["item"] == BASE + "/ru/"
        graph = og(data)
        assert graph["og:title"] == ["Новая железная дорога"]
        assert graph["og:locale"] == ["ru_RU"]


class SiteStructuredDataTests:
    @pytest.mark.parametrize("url", ["/", "/section/economy/", "/ru/"])
    def test_website_with_search_and_organization(self, client, url):
        SectionFactory(slug="economy")
        data = extract(client, url)
        website = ld(data, "WebSite")
        action = website["potentialAction"]
        assert action["@type"] == "SearchAction"
        assert "{search_term_string}" in action["target"]["urlTemplate"]
        assert action["target"]["urlTemplate"].startswith(BASE + "/")
        organization = ld(data, "Organization")
        assert organization["logo"]["url"].startswith(BASE + "/")
