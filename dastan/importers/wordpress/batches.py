"""The second pass over an export: its posts mapped, in batches, here or in a second process.

Reading and mapping a post (the XML, wpautop, the teaser) costs about as much
as writing it, so a large import does them in a child process while this one
writes. The child is forked once the first pass is done, so it starts with
the export's index; it never touches the database, and the media files it
finds are copied by the writing process (``MediaLibrary.copy``). Batches
travel through a pipe whose buffer holds a fraction of one, so the child is
at most a batch ahead and memory stays flat.

An error in the child reaches the writing process as the same exception (a
``WxrError`` keeps its line and column), which rolls the import back; a
child that dies without a word raises ``ReadingProcessError``.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from dastan.content.services import record_teaser
from dastan.importers.wordpress.mapping import (
    IMPORTED_TYPES,
    ExportIndex,
    PostPlan,
    clean_title,
    post_plan,
)
from dastan.importers.wordpress.media import MediaLibrary
from dastan.importers.wordpress.wxr import Item, WxrError, read_wxr

BATCH_SIZE = 500
# Fewer posts and pages than this are read in the writing process: a second
# process only pays off over many batches.
PARALLEL_MIN_POSTS = 2000


class ReadingProcessError(RuntimeError):
    """The reading process died (killed, out of memory), or its error could not be sent."""


@dataclass(slots=True)
class Batch:
    """Up to a batch size of mapped posts, what was skipped before them, and the bytes read.

    ``skipped`` holds ``(reason, entry)`` pairs: ``entry`` is the line of the
    report's ``skipped_items``, or None for item types that are only counted.
    """

    plans: list[PostPlan] = field(default_factory=list)
    skipped: list[tuple[str, dict | None]] = field(default_factory=list)
    read: int = 0


def plan_batches(
    path: Path, index: ExportIndex, media: MediaLibrary, *, batch_size: int = BATCH_SIZE
) -> Iterator[Batch]:
    """Read the export's items and yield their plans, ``batch_size`` at a time.

    No database access: this is what the child process runs. The last batch
    may be short, or empty. Raise ``WxrError`` with the item's line when the
    mapping of one item fails.
    """
    read = 0

    def count(n: int) -> None:
        nonlocal read
        read += n

    batch = Batch()
    seen: set[int] = set()
    for record in read_wxr(path, on_progress=count):
        if not isinstance(record, Item):
            continue
        item = record
        if item.post_type not in IMPORTED_TYPES:
            if item.post_type != "attachment":
                batch.skipped.append((_skip_reason(item.post_type), None))
            continue
        if item.wp_id in seen:
            batch.skipped.append(_listed_skip(item, "duplicate post id"))
            continue
        seen.add(item.wp_id)
        try:
            plan = post_plan(item, index, resolve_media=media.resolve, rewrite_body=media.rewrite)
        except Exception as exc:
            # Whatever an odd value breaks in the mapping, the editor needs the
            # place in the file rather than a traceback.
            message = f"post {item.wp_id} cannot be imported: {exc!r}"
            raise WxrError(message, line=item.line) from exc
        if plan is None:
            batch.skipped.append(_listed_skip(item, f"status {item.status or 'unknown'}"))
            continue
        plan.record.teaser = record_teaser(plan.record)
        batch.plans.append(plan)
        if len(batch.plans) >= batch_size:
            batch.read, read = read, 0
            yield batch
            batch = Batch()
    batch.read = read
    yield batch


@contextlib.contextmanager
def batches_planned(
    path: Path,
    index: ExportIndex,
    media: MediaLibrary,
    *,
    batch_size: int = BATCH_SIZE,
    parallel: bool = False,
) -> Iterator[Iterator[Batch]]:
    """Give the batches of ``plan_batches``, made in a child process when ``parallel``.

    Leaving the block stops the child, whatever happened; once the last
    batch is through, ``media`` holds what the child's library found.
    """
    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        yield plan_batches(path, index, media, batch_size=batch_size)
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child_main,
        args=(writer, path, index, media, batch_size),
        name="dastan-wxr-reader",
        daemon=True,
    )
    child.start()
    writer.close()
    try:
        yield _received(reader, child, media)
    finally:
        reader.close()
        if child.is_alive():
            child.terminate()
        child.join(10)
        if child.is_alive():
            child.kill()
            child.join()


def _received(reader: Connection, child, media: MediaLibrary) -> Iterator[Batch]:
    while True:
        kind, payload = _receive(reader, child)
        if kind == "batch":
            yield payload
        elif kind == "done":
            media.merge(payload)
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
        f"the process reading the export stopped unexpectedly (exit code {child.exitcode})"
    )


def _child_main(
    writer: Connection, path: Path, index: ExportIndex, media: MediaLibrary, batch_size: int
) -> None:
    # The parent stops this process; Ctrl-C reaches both, and the parent's
    # clean-up is the one that counts.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Objects inherited from the parent stay shared: no collection touches them.
    gc.freeze()
    try:
        for batch in plan_batches(path, index, media, batch_size=batch_size):
            writer.send(("batch", batch))
        writer.send(("done", media.findings()))
    except BaseException as exc:  # every failure must reach the parent
        with contextlib.suppress(OSError):
            writer.send(("error", _portable(exc)))
    finally:
        writer.close()


def _portable(exc: BaseException) -> BaseException:
    """Return ``exc`` if it survives pickling, else a ReadingProcessError that describes it.

    Anything but a ``WxrError`` (which says where the file is wrong) carries
    the child's traceback as a note.
    """
    where = "".join(traceback.format_exception(exc))
    if not isinstance(exc, WxrError):
        exc.add_note(f"In the process reading the export:\n{where}")
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return ReadingProcessError(f"reading the export failed: {exc!r}\n{where}")
    return exc


def _listed_skip(item: Item, reason: str) -> tuple[str, dict]:
    entry = {
        "wp_id": item.wp_id,
        "type": item.post_type,
        "title": clean_title(item.title),
        "link": item.link,
        "reason": reason,
    }
    return reason, entry


def _skip_reason(post_type: str) -> str:
    return {
        "nav_menu_item": "menu item",
        "guest-author": "guest author (imported as an author)",
        "revision": "revision",
    }.get(post_type, f"post type {post_type or 'unknown'}")
