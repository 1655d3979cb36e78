from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory
from tests.feeds.conftest import BASE


@pytest.mark.django_db
def test_robots_blocks_search_in_every_edition_newsroom_and_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/search/", "/ru/search/", "/newsroom/", "/admin/"):
        assert f"Disallow: {path}" in lines


@pytest.mark.django_db
def test_robots_refuses_unsafe_methods(client):
    response = client.post("/robots.txt")
    assert response.status_code == 405


@pytest.mark.django_db
def test_robots_names_the_sitemaps_by_absolute_address(client, settings):
    settings.DASTAN_SITE = {"BASE_URL": "https://news.example.net/"}
    lines = client.get("/robots.txt", HTTP_HOST="evil.example.com").content.decode().splitlines()
    assert "Sitemap: https://news.example.net/sitemap.xml" in lines
    assert "Sitemap: https://news.example.net/news-sitemap.xml" in lines


@pytest.mark.django_db
def test_a_crawler_reading_robots_skips_previews_and_search_but_reads_sitemaps(client):
    """Read as a crawler would (the standard library's parser), not line by line."""
    parser = RobotFileParser()
    parser.parse(client.get("/robots.txt").content.decode().splitlines())
    article = ArticleFactory()
    preview = reverse("newsroom:preview", kwargs={"pk": article.pk})
    for path in (preview, "/search/?q=x", "/ru/search/", "/admin/"):
        assert not parser.can_fetch("Googlebot", path), path
    for path in ("/", article.get_absolute_url(), "/sitemap.xml", "/news-sitemap.xml"):
        assert parser.can_fetch("Googlebot", path), path
    assert parser.site_maps() == [
        f"{BASE}/sitemap.xml",
        f"{BASE}/news-sitemap.xml",
    ]
