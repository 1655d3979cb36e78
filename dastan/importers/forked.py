"""Run an importer's reading in a second process while this one writes.

Reading and preparing an article (decoding, checking, its teaser, its search
text) costs about as much as writing it, and SQLite has one writer. The
child is forked, so it starts with everything this process has; it never
touches the database. Items travel through a pipe whose buffer holds a
fraction of one, so the child is at most an item ahead and memory stays flat.

An error in the child reaches this process as the same exception (with the
child's traceback as a note); a child that dies without a word raises
``ReadingProcessError``.
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
from typing import TypeVar

T = TypeVar("T")


class ReadingProcessError(RuntimeError):
    """The reading process died (killed, out of memory), or its error could not be sent."""


def can_fork() -> bool:
    """Return whether this platform can fork a reading process."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def items_forked(produce: Callable[[], Iterator[T]], *, name: str) -> Iterator[Iterator[T]]:
    """Give the items of ``produce()``, made in a forked child process.

    Leaving the block stops the child, whatever happened.
    """
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(writer, produce), name=name, daemon=True)
    child.start()
    writer.close()
    try:
        yield _received(reader, child)
    finally:
        reader.close()
        if child.is_alive():
            child.terminate()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


def _received(reader: Connection, child) -> Iterator:
    while True:
        kind, payload = _receive(reader, child)
        if kind == "item":
            yield payload
        elif kind == "done":
            return
        else:
            raise payload


def _receive(reader: Connection, child) -> tuple[str, object]:
    """Return the child's next message; raise if it ended without one (never wait forever)."""
    if reader in wait([reader, child.sentinel]):
        with contextlib.suppress(EOFError, OSError):
            return reader.recv()
    child.join(10)
    raise ReadingProcessError(
        f"the reading process stopped unexpectedly (exit code {child.exitcode})"
    )


def _child_main(writer: Connection, produce: Callable[[], Iterator]) -> None:
    # The parent stops this process; Ctrl-C reaches both, and the parent's
    # clean-up is the one that counts.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Objects inherited from the parent stay shared: no collection touches them.
    gc.freeze()
    try:
        for item in produce():
            writer.send(("item", item))
        writer.send(("done", None))
    except BaseException as exc:  # every failure must reach the parent
        with contextlib.suppress(OSError):
            writer.send(("error", _portable(exc)))
    finally:
        writer.close()


def _portable(exc: BaseException) -> BaseException:
    """Return ``exc`` with the child's traceback as a note, or a ReadingProcessError if it
    cannot be pickled."""
    where = "".join(traceback.format_exception(exc))
    exc.add_note(f"In the reading process:\n{where}")
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return ReadingProcessError(f"reading failed: {exc!r}\n{where}")
    return exc
