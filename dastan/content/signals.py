"""Signals other apps listen to, so that they never reach into content's internals.

``articles_changed`` is sent inside the writing transaction, after articles were
created, edited, published, unpublished or bulk-loaded (bulk writes skip
``post_save``). ``ids`` is the list of affected article ids; a sender that may have
moved articles to another edition passes ``languages``, the editions they were in.

``content_expired`` is sent after a commit with ``keys``, the page keys the
transaction's writes expired (``content.versioning``): a purge hook listens.
"""

from django.dispatch import Signal

articles_changed = Signal()
articles_deleted = Signal()
content_expired = Signal()
