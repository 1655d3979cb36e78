import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from dastan.newsroom.roles import EDITOR
from tests.factories import ArticleFactory
from tests.factories import staff_user as staff

pytestmark = pytest.mark.django_db

# 11:15 in Almaty (UTC+5), the site's zone in the tests.
WHEN = dt.datetime(2026, 11, 30, 6, 15, tzinfo=dt.UTC)


class PreviewLinkTests:
    def test_the_change_form_links_to_the_preview(self, client):
        article = ArticleFactory(status="draft", published_at=None)
        client.force_login(staff("ed", EDITOR))
        html = client.get(reverse("admin:content_article_change", args=[article.pk])).content
        assert reverse("newsroom:preview", args=[article.pk]).encode() in html

    def test_view_on_site_of_a_draft_opens_the_preview(self, client):
        article = ArticleFactory(status="draft", published_at=None)
        client.force_login(staff("ed", EDITOR))
        html = client.get(reverse("admin:content_article_change", args=[article.pk])).content
        preview = reverse("newsroom:preview", args=[article.pk])
        assert f'<a href="{preview}" class="viewsitelink">View on site</a>'.encode() in html


class AdminDateFormatTests:
    def test_the_changelist_shows_dates_as_the_site_does(self, client):
        ArticleFactory(published_at=WHEN, updated_at=WHEN)
        client.force_login(staff("ed", EDITOR))
        html = client.get(reverse("admin:content_article_changelist")).content.decode()
        assert "30 November 2026, 11:15" in html
        assert "Nov. 30" not in html

    def test_the_russian_back_office_uses_the_same_order(self):
        with translation.override("ru"), timezone.override("Asia/Almaty"):
            assert (
                date_format(timezone.localtime(WHEN), "DATETIME_FORMAT") == "30 ноября 2026, 11:15"
            )
