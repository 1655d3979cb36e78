"""Queries compiled to SQL once per database connection and run again with a new key.

A small query on every cold page cost more to compile (Django's ``as_sql``) than to
run: about a quarter of a cold article page's time (issue #15). A ``Statement`` is
built from a ``values_list`` queryset whose only varying value is one key (an id, or
the time a page asks about): it is compiled the first time with a marker in the key's
place, and later runs swap the key into the parameters, execute the SQL through the
connection's cursor (so query logging and ``execute_wrapper`` still see it) and
convert the rows as the ORM would.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable

from django.db import connections, router
from django.db.models import DateTimeField, Field, IntegerField, QuerySet

# Stand for the key while the statement is compiled: values no query uses of itself.
_MARKS: dict[type, object] = {
    IntegerField: -7_340_033,
    DateTimeField: dt.datetime(1999, 12, 31, 23, 59, 58, 765_431, tzinfo=dt.UTC),
}


class Statement:
    """A ``values_list`` queryset of one key, compiled once per connection.

    ``key`` is the field the key is compared with (its column's type decides how the
    value is written into the parameters); None for a query without a key.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        key: Field | None = None,
    ) -> None:
        self.build = build
        self.key = key
        # The queryset's model, once built: the database is the routers' choice for it on
        # each run (``ops.routers`` sends an anonymous reader's reads to a replica).
        self.model: type | None = None
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def rows(self, key: object = None) -> list[tuple]:
        """Return the rows of the query for ``key``, converted as the ORM converts them."""
        queryset = None
        if self.model is None:
            queryset = self._queryset()
            self.model = queryset.model
        connection = connections[router.db_for_read(self.model)]
        compiled = self._compiled.get(connection)
        if compiled is None:
            queryset = queryset if queryset is not None else self._queryset()
            compiled = self._compiled[connection] = self._compile(queryset, connection)
        compiler, sql, params, marks = compiled
        if marks:
            params = list(params)
            for position in marks:
                params[position] = self._written(params[position], key, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]

    def _mark(self) -> object:
        return _MARKS[next(kind for kind in _MARKS if isinstance(self.key, kind))]

    def _queryset(self) -> QuerySet:
        return self.build() if self.key is None else self.build(self._mark())

    def _compile(self, queryset: QuerySet, connection) -> tuple:
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        marks: list[int] = []
        if self.key is not None:
            mark = self._mark()
            written = self.key.get_db_prep_value(mark, connection)
            marks = [
                n for n, p in enumerate(params) if type(p) is not bool and p in (mark, written)
            ]
            if not marks:
                raise ValueError("the statement's query does not use its key")
        return compiler, sql, tuple(params), marks

    def _written(self, compiled: object, key: object, connection) -> object:
        """Return ``key`` as the compiled query wrote the marker in its place.

        An integer keeps the compiled parameter's type (a plain ``int`` in a lookup, where
        the field would give psycopg's ``Int4``); a time is written as its column is (a
        string on SQLite).
        """
        if isinstance(compiled, int):
            return type(compiled)(key)
        return self.key.get_db_prep_value(key, connection)
