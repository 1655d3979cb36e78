"""``dastan import wordpress EXPORT.xml``: the sub-verb the ``import`` command mounts."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from tqdm import tqdm

from dastan.importers.forked import ReadingProcessError
from dastan.importers.wordpress.load import wordpress_import
from dastan.importers.wordpress.wxr import WxrError


def add_arguments(parser) -> None:
    """Declare the sub-verb's arguments on its argparse sub-parser."""
    parser.add_argument("export", help="The WXR file exported from WordPress (Tools > Export).")
    parser.add_argument(
        "--media-dir",
        help="A copy of wp-content/uploads; files found there are stored in Dastan.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Report what would happen; write nothing."
    )
    parser.add_argument("--report", help="Also write the report as JSON to this file.")
    parser.add_argument(
        "--site",
        help="The key identifying the blog (default: its address from the export). "
        "Give the old one when the blog moved between exports.",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="Import an export whose wp:wxr_version is missing or invalid "
        "(WordPress refuses one); the report says so.",
    )
    parser.add_argument("--quiet-progress", action="store_true", help="No progress bar.")


def handle(options: dict[str, Any], stdout: OutputWrapper) -> None:
    """Run the import, print the summary, write the JSON report; raise CommandError on failure."""
    path = Path(options["export"])
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    media_dir = options.get("media_dir")
    if media_dir and not Path(media_dir).is_dir():
        raise CommandError(f"No such folder: {media_dir}")
    quiet = options.get("quiet_progress") or options.get("verbosity", 1) == 0
    try:
        report = wordpress_import(
            path,
            media_dir=media_dir,
            dry_run=options.get("dry_run", False),
            site=options.get("site"),
            progress=None if quiet else _tqdm_progress,
            lenient=options.get("lenient", False),
        )
    except (WxrError, ReadingProcessError) as exc:
        raise CommandError(f"{path}: {exc} (nothing was imported)") from exc
    stdout.write(report.summary())
    if options.get("report"):
        Path(options["report"]).write_text(
            json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str),
            encoding="utf-8",
        )
        stdout.write(f"Report written to {options['report']}")


@contextlib.contextmanager
def _tqdm_progress(label: str, total: int) -> Iterator[Callable[[int], Any]]:
    with tqdm(
        total=total, desc=label, unit="B", unit_scale=True, file=sys.stderr, leave=False
    ) as bar:
        yield bar.update
