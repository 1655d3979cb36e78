"""Queries compiled to SQL once per database connection and run again with a new key.

A small query on every cold page cost more to compile (Django's ``as_sql``) than to
run: about a quarter of a cold article page's time (issue #15). A ``Statement`` is
built from a queryset whose only varying value is one integer key: it is compiled the
first time with a marker in the key's place, and later runs swap the key into the
parameters, execute the SQL through the connection's cursor (so query logging and
``execute_wrapper`` still see it) and convert the rows as the ORM would.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

# Stands for the key while the statement is compiled (no key is negative).
_MARK = -7_340_033


class Statement:
    """A ``values_list`` queryset of one integer key, compiled once per connection."""

    def __init__(self, build: Callable[[int], QuerySet], *, using: str = "default") -> None:
        self.build = build
        self.using = using
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def rows(self, key: int) -> list[tuple]:
        """Return the rows of the query for ``key``, converted as the ORM converts them."""
        connection = connections[self.using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile()
        compiler, sql, params, marks = compiled
        params = list(params)
        for position in marks:
            params[position] = key
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]

    def _compile(self) -> tuple:
        compiler = self.build(_MARK).query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        marks = [n for n, p in enumerate(params) if type(p) is int and p == _MARK]
        if not marks:
            raise ValueError("the statement's query does not use its key")
        return compiler, sql, tuple(params), marks
