"""The article form's working copy, kept on the server every few seconds while it is open.

One private row per person and article (``models.Autosave``): never a version, never a
public change. The form's script (``desk-autosave.js``) posts the text fields when they
changed, and once more when the tab is hidden or closed, so a closed tab loses nothing.
Opening the article again offers the copy when it differs from what is stored; restoring
it (``?autosave=1``) fills the form with it at the lock version it was written against, so
a save over someone else's newer version is refused with the differences, as any save.
Saving the article deletes the copy.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from dastan.content.models import Article
from dastan.newsroom.conf import newsroom_setting
from dastan.newsroom.models import Autosave

# The fields an autosave holds: the text a writer would lose, not the filing.
FIELDS = ("title", "standfirst", "body", "excerpt")
RESTORE_PARAMETER = "autosave"


def autosave_get(*, user, article: Article | None) -> Autosave | None:
    """Return ``user``'s working copy of ``article`` (None: of their unsaved new article)."""
    return Autosave.objects.filter(user=user, article=article).first()


def autosave_store(
    *, user, article: Article | None, base_version: int | None, texts: dict[str, str]
) -> Autosave:
    """Keep ``texts`` as ``user``'s working copy of ``article``, replacing the previous one."""
    values = {name: texts.get(name) or "" for name in FIELDS}
    autosave, _ = Autosave.objects.update_or_create(
        user=user,
        article=article,
        defaults={**values, "base_version": base_version, "saved_at": timezone.now()},
    )
    return autosave


def autosave_clear(*, user, article: Article | None) -> None:
    """Forget ``user``'s working copy (the article was saved, or they discarded it)."""
    Autosave.objects.filter(user=user, article=article).delete()


def autosave_offer(*, user, article: Article | None) -> Autosave | None:
    """Return the working copy to offer on opening the form: one that differs from the stored."""
    autosave = autosave_get(user=user, article=article)
    if autosave is None:
        return None
    if article is None:
        return autosave if any(getattr(autosave, name) for name in FIELDS) else None
    stored = [getattr(article, name) or "" for name in FIELDS]
    return autosave if [getattr(autosave, name) for name in FIELDS] != stored else None


def autosave_apply(article: Article, autosave: Autosave) -> None:
    """Put the working copy's text into ``article`` (in memory), at the version it was based on."""
    for name in FIELDS:
        setattr(article, name, getattr(autosave, name))
    if autosave.base_version is not None:
        article.lock_version = autosave.base_version


def autosave_requested(request: HttpRequest) -> bool:
    """Return whether the form is being opened to restore the working copy."""
    return request.method == "GET" and request.GET.get(RESTORE_PARAMETER) == "1"


def autosave_context(request: HttpRequest, article: Article | None) -> dict:
    """Return what the change form's autosave notice and script need."""
    args = [article.pk] if article is not None else []
    name = "newsroom:autosave" if article is not None else "newsroom:autosave_new"
    restoring = autosave_requested(request)
    offer = None if restoring else autosave_offer(user=request.user, article=article)
    return {
        "autosave_url": reverse(name, args=args),
        "autosave_discard_url": reverse(f"{name}_discard", args=args),
        "autosave_seconds": newsroom_setting("AUTOSAVE_SECONDS"),
        "autosave_offer": offer,
        "autosave_offer_stale": bool(
            offer and article is not None and offer.base_version != article.lock_version
        ),
        "autosave_restored": restoring,
    }
