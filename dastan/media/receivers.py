"""Renditions made after a publish commits, so the first reader never waits for them."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from dastan.media.conf import image_setting


def connect() -> None:
    from dastan.content.signals import articles_changed

    articles_changed.connect(articles_changed_pregenerate, dispatch_uid="media-pregenerate")


def articles_changed_pregenerate(sender, ids=(), **kwargs) -> None:
    """After the commit, make the renditions of the changed articles' featured and body images.

    A bulk load (more than ``PREGENERATE_MAX_ARTICLES``) is left to the first requests: it
    would hold the importer for minutes.
    """
    ids = list(ids or ())
    if not ids or len(ids) > image_setting("PREGENERATE_MAX_ARTICLES"):
        return
    transaction.on_commit(partial(_pregenerate, ids))


def _pregenerate(ids: list[int]) -> None:
    from dastan.content.selectors import article_bodies, article_featured_images
    from dastan.media.models import Image
    from dastan.media.renditions import renditions_pregenerate, specs_for_body
    from dastan.rendering.library import library_ids

    renditions_pregenerate(article_featured_images(ids))
    in_bodies = {pk for body in article_bodies(ids) for pk in library_ids(body)}
    if in_bodies:
        renditions_pregenerate(Image.objects.filter(pk__in=in_bodies), specs_for_body)
