"""The second pass over an export: its posts mapped, in batches, here or in a second process.

Reading and mapping a post (the XML, wpautop, the teaser) costs about as much
as writing it, so a large import does them in a child process while this one
writes (:mod:`dastan.importers.forked`). The child is forked once the first
pass is done, so it starts with the export's index; it never touches the
database, and the media files it finds are copied by the writing process
(``MediaLibrary.copy``): its findings come back once the last batch is through.

An error in the child reaches the writing process as the same exception (a
``WxrError`` keeps its line and column), which rolls the import back; a
child that dies without a word raises ``ReadingProcessError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dastan.content.services import record_teaser
from dastan.importers.forked import can_fork, items_forked
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
READER = "the process reading the export"


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
    if not parallel or not can_fork():
        yield plan_batches(path, index, media, batch_size=batch_size)
        return

    def planned() -> Generator[Batch, None, dict]:
        yield from plan_batches(path, index, media, batch_size=batch_size)
        return media.findings()

    with items_forked(
        planned, name="dastan-wxr-reader", on_done=media.merge, where=READER
    ) as batches:
        yield batches


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
