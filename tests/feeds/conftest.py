"""Feeds are read with the site on a configured address and a hostile Host header allowed."""

import pytest
from lxml import etree

BASE = "https://news.example.org"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.DASTAN_SITE = {**getattr(settings, "DASTAN_SITE", {}), "BASE_URL": BASE}
    settings.ALLOWED_HOSTS = ["testserver", "evil.example.com"]


def fetch(client, url: str, **headers):
    """GET ``url`` as a reader on another Host would; the answer must be a 200."""
    response = client.get(url, HTTP_HOST="evil.example.com", **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def xml_of(response) -> etree._Element:
    """Parse a feed strictly (lxml refuses bad UTF-8 and XML-forbidden characters)."""
    return etree.fromstring(
        response.content, etree.XMLParser(recover=False, resolve_entities=False)
    )
