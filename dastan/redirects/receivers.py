"""Keep an object's old address alive when its slug changes: a 301 from there.

Connected in ``RedirectsConfig.ready`` to every save of an article, section,
tag, author or place, whatever saved it (admin, services, shell). A redirect
points at the object, not at an address, so renaming A to B then C leaves
A and B both leading straight to C; renaming back to A removes A's redirect.
A date change needs none: the article page redirects a wrong date itself.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save

from dastan.content.models import Article, Author, Place, Section, Tag
from dastan.content.slugs import slug_is_valid
from dastan.redirects.services import redirect_slug_change

WATCHED = (Article, Section, Tag, Author, Place)


def _remember_old_slug(sender, instance, raw: bool = False, **kwargs) -> None:
    instance._redirect_old = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = ["slug", "published_at"] if sender is Article else ["slug"]
    old = sender.objects.filter(pk=instance.pk).only(*fields).first()
    if old is not None and old.slug != instance.slug:
        instance._redirect_old = old


def _redirect_old_address(sender, instance, raw: bool = False, **kwargs) -> None:
    old = getattr(instance, "_redirect_old", None)
    if raw or old is None:
        return
    instance._redirect_old = None
    # An old slug outside the rules had no page of its own (an article's
    # address falls back to its day's listing): nothing to keep.
    old_url = old.get_absolute_url() if slug_is_valid(old.slug) else ""
    redirect_slug_change(instance, old_url=old_url)


def connect() -> None:
    for model in WATCHED:
        uid = f"redirects:{model._meta.label_lower}"
        pre_save.connect(_remember_old_slug, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_redirect_old_address, sender=model, dispatch_uid=f"{uid}:post")
