"""Send reads to a PostgreSQL read replica; writes and the reads that must see them to the primary.

``settings.base`` installs ``ReplicaRouter`` only when ``DASTAN_REPLICA_DATABASE_URL`` sets a
``replica`` alias; without one there is no router and every query goes to ``default``.

A replica applies the primary's changes some milliseconds late, so a read goes to the primary:

- inside a transaction on the primary (``transaction.atomic``): it must see what the block wrote,
  and ``select_for_update`` must lock the primary's row;
- after any write in the same request (or, in a command or the job worker, ever after): a page
  rendered right after a save shows the save;
- for the whole of a request that may write or comes from staff (a method other than GET, HEAD
  and OPTIONS, or a session cookie): the back office reads what it is about to change from the
  primary, so an edit is compared with the latest revision, not a lagging copy.

Everything else, an anonymous reader's GET, reads from the replica. A replica that lags
longer than a page's cache time shows the old page that long; ``docs/deployment.md`` says how
to watch the lag.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# True once this request (thread or task) must read from the primary.
_primary_only: ContextVar[bool] = ContextVar("dastan_primary_only", default=False)


def primary_pin() -> None:
    """Read from the primary for the rest of this request (or command)."""
    _primary_only.set(True)


def request_begin(
    sender: Any = None, environ: dict | None = None, scope: dict | None = None, **kwargs: Any
) -> None:
    """Start a request on the replica, unless it may write or comes from staff.

    Connected to ``request_started`` (``OpsConfig.ready``): WSGI sends ``environ``, ASGI ``scope``.
    """
    if environ is not None:
        method = environ.get("REQUEST_METHOD", "GET")
        cookies = environ.get("HTTP_COOKIE", "")
    elif scope is not None:
        method = scope.get("method", "GET")
        cookies = "; ".join(
            value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"cookie"
        )
    else:
        method, cookies = "GET", ""
    staff = f"{settings.SESSION_COOKIE_NAME}=" in cookies
    _primary_only.set(method.upper() not in _SAFE_METHODS or staff)


class ReplicaRouter:
    """Reads to ``replica`` when nothing needs the primary; writes and migrations to ``default``."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if _primary_only.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        primary_pin()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Both aliases hold the same rows: an object read from one may point at one from the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica gets the schema by replication, never by migrate.
        return db == DEFAULT_DB_ALIAS
