"""Who else has an article open: the change page's "being edited by" notice.

No websockets: opening the form marks it, the page's script renews the mark every
``EDITING_HEARTBEAT`` seconds, and a mark older than ``EDITING_WINDOW`` seconds no
longer counts (a closed tab stops renewing it). Without JavaScript the mark lasts
one window from the opening of the form.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from dastan.content.models import Article
from dastan.newsroom.conf import newsroom_setting
from dastan.newsroom.models import EditingMark


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=newsroom_setting("EDITING_WINDOW"))


def editing_mark(article: Article, user) -> EditingMark:
    """Record that ``user`` has ``article`` open now; a mark gone stale starts again."""
    now = timezone.now()
    mark, created = EditingMark.objects.get_or_create(
        article=article, user=user, defaults={"opened_at": now, "seen_at": now}
    )
    if not created:
        if mark.seen_at < _window_start(now):
            mark.opened_at = now
        mark.seen_at = now
        mark.save(update_fields=["opened_at", "seen_at"])
    return mark


def editing_others(article: Article, user) -> QuerySet[EditingMark]:
    """Return the marks of everyone else with ``article`` open, earliest first."""
    return (
        EditingMark.objects.filter(article=article, seen_at__gte=_window_start(timezone.now()))
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )


def editing_clear(article: Article, user) -> None:
    """Forget ``user``'s mark (they saved or left the form)."""
    EditingMark.objects.filter(article=article, user=user).delete()
