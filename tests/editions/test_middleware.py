"""The address alone decides the edition."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


class EditionMiddlewareTests:
    def test_prefix_activates_the_edition(self, client):
        response = client.get("/ru/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.wsgi_request.LANGUAGE_CODE == "ru"
        assert response["Content-Language"] == "ru"

    def test_no_prefix_is_the_default_whatever_the_browser_or_cookie(self, client):
        client.cookies["django_language"] = "ru"
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
        assert response.wsgi_request.LANGUAGE_CODE == "en"
        assert "Vary" not in response or "Accept-Language" not in response["Vary"]

    def test_back_office_is_unprefixed(self, client):
        assert client.get("/ru/admin/").status_code == 404
        assert client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200

    def test_a_request_leaves_its_edition_active_only_for_itself(self, client):
        client.get("/ru/")
        client.get("/")
        assert translation.get_language() == "en"
