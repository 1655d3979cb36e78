"""The article form: a schedule must be in the future only when it is being set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR
from tests.factories import ArticleFactory, SectionFactory
from tests.newsroom.test_admin import article_form, staff

pytestmark = pytest.mark.django_db


def change(client, article: Article, *, when: dt.datetime, status: str = "scheduled"):
    local = timezone.localtime(when)
    return client.post(
        f"/admin/content/article/{article.pk}/change/",
        article_form(
            title=article.title,
            slug=article.slug,
            status=status,
            published_at_0=local.strftime("%Y-%m-%d"),
            published_at_1=local.strftime("%H:%M:%S"),
            section=article.section_id,
            standfirst="Edited after it went live.",
        ),
    )


class ScheduleTests:
    def test_article_live_through_its_schedule_can_be_saved_again(self, client):
        """It went live at its time without a status change; saving it asked for a future time."""
        client.force_login(staff("editor", EDITOR))
        went_live = timezone.now() - dt.timedelta(hours=2, microseconds=123)
        article = ArticleFactory(status="scheduled", published_at=went_live)
        assert article.is_public
        response = change(client, article, when=went_live)
        assert response.status_code == 302, response.content.decode()[:3000]
        article.refresh_from_db()
        assert article.standfirst == "Edited after it went live."
        assert article.status == Article.Status.SCHEDULED and article.is_public

    def test_moving_a_schedule_into_the_past_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        soon = timezone.now() + dt.timedelta(days=1)
        article = ArticleFactory(status="scheduled", published_at=soon)
        response = change(client, article, when=timezone.now() - dt.timedelta(days=1))
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()

    def test_scheduling_a_draft_for_a_past_time_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        article = ArticleFactory(status="draft", section=SectionFactory())
        response = change(client, article, when=timezone.now() - dt.timedelta(hours=1))
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

    def test_a_new_article_scheduled_in_the_past_is_refused(self, client):
        client.force_login(staff("editor", EDITOR))
        local = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
        response = client.post(
            "/admin/content/article/add/",
            article_form(
                status="scheduled",
                published_at_0=local.strftime("%Y-%m-%d"),
                published_at_1=local.strftime("%H:%M:%S"),
            ),
        )
        assert response.status_code == 200
        assert "must be in the future" in response.content.decode()
