"""Text analysed ahead of indexing, in another process: the bulk loaders' share of the work.

Analysing an article's words (folding, stemming, name keys) costs more than
writing it, and SQLite has one writer. A loader that reads its input in a
second process calls :func:`text_prepare` there for each article and hands
the results to :func:`texts_ready` in the writing process; the backend then
takes an article's analysis from there when its title, standfirst and body
are exactly the ones analysed, and analyses it itself otherwise (an update
that kept a stored field, say). Nothing about the article is trusted but
its text, so a stale or missing entry can only cost time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module

from dastan.search.backends import backend_path

TextKey = tuple[str, str, str]

_ready: ContextVar[dict[TextKey, tuple] | None] = ContextVar("search_pretext", default=None)


def text_prepare(*, title: str, standfirst: str, body: str) -> tuple[TextKey, tuple]:
    """Return ``(key, analysis)`` of one article's text for the configured backend (pure)."""
    analyse = import_module(backend_path()).prepare_text
    return (title, standfirst, body), analyse(title, standfirst, body)


@contextmanager
def texts_ready(prepared: dict[TextKey, tuple]) -> Iterator[None]:
    """Let indexing inside the block use ``prepared`` (from :func:`text_prepare`)."""
    token = _ready.set(prepared)
    try:
        yield
    finally:
        _ready.reset(token)


def text_analysed(
    title: str, standfirst: str, body: str, analyse: Callable[[str, str, str], tuple]
) -> tuple:
    """Return the analysis of this text: the one made ahead if any, else ``analyse``'s."""
    prepared = _ready.get()
    if prepared:
        found = prepared.get((title, standfirst, body))
        if found is not None:
            return found
    return analyse(title, standfirst, body)
