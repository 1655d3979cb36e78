"""Addresses of stored files that stay valid in cached pages, feeds and imported bodies.

A private bucket's own URLs are signed and expire within the hour, so they must not end up in
a page a CDN keeps, a feed reader stores, or an imported article's body. Renditions are always
linked at the site's ``/media/r/...`` (``media.views.rendition`` makes and streams them), and
an original is linked at the storage's URL when it lasts (the local disk, a public bucket, a
CDN domain), else at ``/media/<name>``, streamed from storage by ``media.views.original``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.utils.encoding import filepath_to_uri


def urls_expire(storage: Storage) -> bool:
    """Whether ``storage.url()`` gives addresses that stop working (signed ones)."""
    return bool(getattr(storage, "querystring_auth", False)) and not getattr(
        storage, "custom_domain", None
    )


def site_media_url(name: str) -> str:
    """Return the site's own address of the stored file ``name`` (``MEDIA_URL`` + name)."""
    return settings.MEDIA_URL + filepath_to_uri(name)


def original_url(storage: Storage, name: str) -> str:
    """Return a lasting address of the stored file ``name``."""
    return site_media_url(name) if urls_expire(storage) else storage.url(name)
