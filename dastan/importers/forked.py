"""Run an importer's reading in a second process while this one writes.

Reading and preparing an article (decoding, checking, its teaser, its search
text) costs about as much as writing it, and SQLite has one writer. The
child is forked, so it starts with everything this process has; it never
touches the database. Items travel through a pipe whose buffer holds a
fraction of one, so the child is at most an item ahead and memory stays flat.

An error in the child reaches this process as the same exception (with the
child's traceback as a note); a child that dies without a word raises
``ReadingProcessError``. What ``produce``'s generator returns once its items
are through (what the child learned on the way, say) is handed to ``on_done``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

T = TypeVar("T")


class ReadingProcessError(RuntimeError):
    """The reading process died (killed, out of memory), or its error could not be sent."""


def can_fork() -> bool:
    """Return whether this platform can fork a reading process."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def items_forked(
    produce: Callable[[], Iterator[T]],
    *,
    name: str,
    on_done: Callable[[Any], None] | None = None,
    where: str = "the reading process",
) -> Iterator[Iterator[T]]:
    """Give the items of ``produce()``, made in a forked child process.

    Once the last item is through, ``on_done`` gets the generator's return
    value. ``where`` names the child in errors. Leaving the block stops the
    child, whatever happened.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main, args=(writer, produce, where), name=name, daemon=True
    )
    child.start()
    writer.close()
    try:
        yield _received(reader, child, on_done or (lambda result: None), where)
    finally:
        reader.close()
        if child.is_alive():
            child.terminate()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


def _received(reader: Connection, child, on_done: Callable[[Any], None], where: str) -> Iterator:
    while True:
        kind, payload = _receive(reader, child, where)
        if kind == "item":
            yield payload
        elif kind == "done":
            on_done(payload)
            return
        else:
            raise payload


def _receive(reader: Connection, child, where: str) -> tuple[str, object]:
    """Return the child's next message; raise if it ended without one (never wait forever)."""
    if reader in wait([reader, child.sentinel]):
        with contextlib.suppress(EOFError, OSError):
            return reader.recv()
    child.join(10)
    raise ReadingProcessError(f"{where} stopped unexpectedly (exit code {child.exitcode})")


def _child_main(writer: Connection, produce: Callable[[], Iterator], where: str) -> None:
    # The parent stops this process; Ctrl-C reaches both, and the parent's
    # clean-up is the one that counts.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Objects inherited from the parent stay shared: no collection touches them.
    gc.freeze()
    try:
        items = produce()
        while True:
            try:
                item = next(items)
            except StopIteration as stop:
                writer.send(("done", stop.value))
                break
            writer.send(("item", item))
    except BaseException as exc:  # every failure must reach the parent
        with contextlib.suppress(OSError):
            writer.send(("error", _portable(exc, where)))
    finally:
        writer.close()


def _portable(exc: BaseException, where: str) -> BaseException:
    """Return ``exc`` with the child's traceback as a note, or a ReadingProcessError if it
    cannot be pickled."""
    trace = "".join(traceback.format_exception(exc))
    exc.add_note(f"In {where}:\n{trace}")
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return ReadingProcessError(f"reading failed in {where}: {exc!r}\n{trace}")
    return exc
