"""Signals other apps listen to, so that they never reach into content's internals.

``articles_changed`` is sent inside the writing transaction, after articles were
created, edited, published, unpublished or bulk-loaded (bulk writes skip
``post_save``). ``ids`` is the list of affected article ids; a sender that may have
moved articles to another edition passes ``languages``, the editions they were in.
A bulk write also passes ``written``: an :class:`ArticleWritten` per id, what it
just stored, so that a listener need not read the rows back.

``content_expired`` is sent after a commit with ``keys``, the page keys the
transaction's writes expired (``content.versioning``): a purge hook listens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal

articles_changed = Signal()
articles_deleted = Signal()
content_expired = Signal()


@dataclass(frozen=True, slots=True)
class ArticleWritten:
    """One article as a bulk write stored it, with the ids it links to.

    ``section_id`` is the primary section, ``section_ids`` the other sections
    as linked; ``place_ids`` are the places themselves (not their countries).
    """

    id: int
    title: str
    standfirst: str
    body: str
    language: str
    status: str
    published_at: dt.datetime | None
    is_listed: bool
    section_id: int | None
    section_ids: tuple[int, ...]
    tag_ids: tuple[int, ...]
    place_ids: tuple[int, ...]
    author_ids: tuple[int, ...]
