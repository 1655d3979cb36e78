"""Time ``dastan import wordpress`` on a large generated export, into a fresh SQLite database.

    .venv/bin/python bench/import.py [--posts 100000] [--keep FILE.xml]

Writes a deterministic WXR (seeded: the same file every run) with the given
number of posts, plus authors, a category tree, tags, attachments, comments
and post meta; then imports it in a child process (so that generating the
file does not count) and prints posts/s and the import's peak memory; then
imports it again, unchanged, in a second process (as running the command
again would). A large import runs in two processes (one writes, one reads and
maps the posts), so memory is given both ways: the sum of the two peak RSS
(shared pages counted twice) and the peak of their summed PSS, sampled every
quarter second.
Target (docs/benchmarks.md): >= 2,000 posts/s and <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = (
    "government minister parliament budget inflation tenge som water energy dam river "
    "harvest cotton wheat border trade railway road school hospital court election vote "
    "company bank rate price gas oil pipeline migrants workers winter summer city region"
).split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench News</title><link>https://bench.example.kz</link>
<language>en-US</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example.kz</wp:base_site_url>
<wp:base_blog_url>https://bench.example.kz</wp:base_blog_url>
"""


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, posts: int, seed: int = 20261125) -> None:
    """Write a deterministic export with ``posts`` posts to ``path``."""
    rng = random.Random(seed)
    authors = [f"writer{i}" for i in range(60)]
    categories = [f"section-{i}" for i in range(120)]
    tags = [f"topic-{i}" for i in range(3000)]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for i, login in enumerate(authors, 1):
            out.write(
                f"<wp:author><wp:author_id>{i}</wp:author_id><wp:author_login>{login}"
                f"</wp:author_login><wp:author_display_name>{cdata(f'Writer {i}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for i, slug in enumerate(categories):
            parent = categories[i // 10] if i >= 12 else ""
            out.write(
                f"<wp:category><wp:term_id>{i + 1}</wp:term_id><wp:category_nicename>{slug}"
                f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{cdata(slug.replace('-', ' ').title())}</wp:cat_name>"
                "</wp:category>\n"
            )
        for i, slug in enumerate(tags):
            out.write(
                f"<wp:tag><wp:term_id>{10_000 + i}</wp:term_id><wp:tag_slug>{slug}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(slug.replace('-', ' '))}</wp:tag_name></wp:tag>\n"
            )
        attachment_id = 1_000_000
        for n in range(1, posts + 1):
            year = 2010 + n * 16 // posts
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            stamp = (
                f"{year}-{month:02d}-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
            )
            slug = f"story-{n}"
            paragraphs = "\n\n".join(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))) + "."
                for _ in range(rng.randint(3, 7))
            )
            if n % 7 == 0:
                paragraphs += '\n\n[caption id="attachment_1" align="alignleft" width="300"]'
                paragraphs += '<img src="https://bench.example.kz/wp-content/uploads/a.jpg" />'
                paragraphs += " A caption[/caption]"
            status = "publish" if n % 50 else rng.choice(["draft", "private", "future"])
            terms = "".join(
                f'<category domain="category" nicename="{c}">{cdata(c)}</category>'
                for c in rng.sample(categories, 2)
            ) + "".join(
                f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>'
                for t in rng.sample(tags, 3)
            )
            meta = "<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1"
            meta += "</wp:meta_value></wp:postmeta>"
            if n % 10 == 0:
                attachment_id += 1
                meta += (
                    f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>"
                    f"{attachment_id}</wp:meta_value></wp:postmeta>"
                )
            comments = "".join(
                f"<wp:comment><wp:comment_id>{n * 10 + c}</wp:comment_id>"
                "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment"
                "</wp:comment_type><wp:comment_parent>0</wp:comment_parent>"
                f"<wp:comment_content>{cdata('Nice story')}</wp:comment_content></wp:comment>"
                for c in range(n % 3)
            )
            title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
            link = f"https://bench.example.kz/{year}/{month:02d}/{day:02d}/{slug}/"
            out.write(
                f"<item><title>{escape(title)}</title><link>{link}</link>"
                f'<dc:creator>{cdata(rng.choice(authors))}</dc:creator>'
                f'<guid isPermaLink="false">https://bench.example.kz/?p={n}</guid>'
                f"<content:encoded>{cdata(paragraphs)}</content:encoded>"
                f"<excerpt:encoded>{cdata('')}</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{stamp}</wp:post_date>"
                f"<wp:post_date_gmt>{stamp}</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>"
                f"<wp:status>{status}</wp:status><wp:post_parent>0</wp:post_parent>"
                f"<wp:post_type>post</wp:post_type><wp:is_sticky>0</wp:is_sticky>"
                f"{terms}{meta}{comments}</item>\n"
            )
            if n % 10 == 0:
                rel = f"{year}/{month:02d}/photo-{n}.jpg"
                out.write(
                    f"<item><title>photo-{n}</title><link>{link}photo-{n}/</link>"
                    f"<wp:post_id>{attachment_id}</wp:post_id><wp:post_parent>{n}</wp:post_parent>"
                    f"<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
                    f"<wp:post_name>photo-{n}</wp:post_name>"
                    f"<wp:attachment_url>https://bench.example.kz/wp-content/uploads/{rel}"
                    f"</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file"
                    f"</wp:meta_key><wp:meta_value>{rel}</wp:meta_value></wp:postmeta></item>\n"
                )
        out.write("</channel>\n</rss>\n")


def run_import(path: Path, var: Path) -> dict:
    """Import ``path`` into the SQLite database in ``var`` in this process; return the figures."""
    os.environ["DASTAN_VAR_DIR"] = str(var)
    os.environ["DASTAN_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    # As `dastan import` does: mapped pages would count as the importer's memory.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size=0")
    from dastan.importers.wordpress.load import wordpress_import

    started = time.perf_counter()
    report = wordpress_import(path)
    elapsed = time.perf_counter() - started
    posts = sum(report.articles.values())
    writer = resource.getrusage(resource.RUSAGE_SELF)
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "posts": posts,
        "created": report.articles["created"],
        "unchanged": report.articles["unchanged"],
        "seconds": round(elapsed, 1),
        "posts_per_second": round(posts / elapsed),
        "peak_rss_mb": round(writer.ru_maxrss / 1024),
        "reader_peak_rss_mb": round(reader.ru_maxrss / 1024),
        "cpu_seconds": round(writer.ru_utime + writer.ru_stime, 1),
        "reader_cpu_seconds": round(reader.ru_utime + reader.ru_stime, 1),
        "redirects": report.redirects,
    }


def _pss_mb(pid: int) -> float:
    """Return the proportional set size of ``pid`` and its children (shared pages split)."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        pss = [int(line.split()[1]) for line in rollup.splitlines() if line[:4] == "Pss:"]
        total += sum(pss)  # a process that just ended has none
        pids.extend(int(child) for child in children.split())
    return total / 1024


def import_in_child(path: Path, var: Path) -> dict:
    """Run ``run_import`` in a new process, as ``dastan import`` runs; add its peak PSS."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--import-only", str(path), "--var", str(var)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _pss_mb(child.pid))
        time.sleep(0.25)
    out, err = child.communicate()
    if child.returncode:
        sys.exit(f"The import failed:\n{err}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["peak_pss_mb"] = round(peak)
    return figures


def memory_line(figures: dict) -> str:
    both = figures["peak_rss_mb"] + figures["reader_peak_rss_mb"]
    return (
        f"peak RSS {figures['peak_rss_mb']} MB writing + {figures['reader_peak_rss_mb']} MB "
        f"reading = {both} MB, peak PSS of both {figures['peak_pss_mb']} MB; CPU "
        f"{figures['cpu_seconds']} s writing, {figures['reader_cpu_seconds']} s reading"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--keep", help="Write the export here and keep it.")
    parser.add_argument("--import-only", help=argparse.SUPPRESS)
    parser.add_argument("--var", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        print(json.dumps(run_import(Path(args.import_only), Path(args.var))))
        return
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as var:
        path = Path(args.keep) if args.keep else Path(tmp) / "export.xml"
        started = time.perf_counter()
        generate(path, args.posts)
        size_mb = path.stat().st_size / 1e6
        print(
            f"Export: {args.posts} posts, {size_mb:.0f} MB, written in "
            f"{time.perf_counter() - started:.0f} s"
        )
        first = import_in_child(path, Path(var))
        second = import_in_child(path, Path(var))
    print(
        f"Imported {first['posts']} posts in {first['seconds']} s: "
        f"{first['posts_per_second']} posts/s (target >= 2000)"
    )
    print(f"Memory (target <= 300 MB): {memory_line(first)}")
    print(
        f"Re-import, no changes (a second run of the command): {second['seconds']} s, "
        f"{second['unchanged']} unchanged; {memory_line(second)}"
    )
    print(f"Redirects written: {first['redirects']}")


if __name__ == "__main__":
    main()
