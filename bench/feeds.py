"""Time and peak memory of sitemap and feed generation on a SQLite site of N articles.

    .venv/bin/python bench/feeds.py --n 100000 --corpus /work/benchdata/dastan-100000.jsonl
    .venv/bin/python bench/feeds.py --n 1000000 --corpus /work/benchdata/dastan-1000000.jsonl

Loads the corpus once into ``var/bench/feeds-N/`` with bench/search.py's bulk loader (bodies
cut to their first paragraph: no sitemap reads them, and a 1,000,000-article site stays a
few GB), marks one article in twenty as revised and moves the newest 1,500 into the last
two days so the news sitemap has its full 1,000. Then each address is fetched in a fresh
subprocess through Django's test client, reading a streamed body chunk by chunk as a
server would: it prints the seconds, the body size, the process's peak RSS growth (from
``VmHWM``) and the peak of Python allocations during the request (``tracemalloc``).
Then the feeds: the site's RSS, Atom and JSON Feed, the Russian edition's RSS and the largest
section's RSS, the same way. ``--serve SECONDS`` serves the site instead with ``dastan.web``'s
WSGI application under gunicorn (2 sync workers, as ``dastan serve``) and runs wrk (2 threads,
16 connections, loopback) on the home page and on each feed, warm: req/s side by side.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def _records(path: str | None, n: int):
    """Yield the corpus with each body cut to its first paragraph."""
    from search import _records as corpus_records

    for record in corpus_records(path, n):
        body = record.get("body_html", "")
        record["body_html"] = body[: body.find("</p>") + 4] if "</p>" in body else body[:400]
        yield record


def _prepare(n: int) -> None:
    """Revise one article in twenty (lastmod) and bring the newest 1,500 into the last two days."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from dastan.content.listings import listings_rebuild
    from dastan.content.models import Article

    with transaction.atomic():
        Article.objects.annotate(every=F("id") % 20).filter(every=0).update(
            revised_at=F("published_at") + dt.timedelta(days=3)
        )
        now = timezone.now()
        newest = list(
            Article.objects.order_by("-published_at", "-id").values_list("id", flat=True)[:1500]
        )
        for k, pk in enumerate(newest):
            Article.objects.filter(pk=pk).update(
                published_at=now - dt.timedelta(seconds=60 + k * 100)
            )
    # The bulk loader and the updates above go around the services: derive the listings.
    listings_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _build(n: int, corpus: str | None, var_dir: Path) -> None:
    from search import _load, _setup

    _setup("", var_dir)
    from dastan.content.models import Article

    if Article.objects.count() < n:
        seconds = _load(_records(corpus, n), n)
        print(f"loaded {n} articles in {seconds:.0f} s")
        _prepare(n)
    (var_dir / "built").write_text(str(n))


def _peak_rss_kb() -> int:
    """This process's peak resident set in KB (``VmHWM``).

    Not ``getrusage``: its ``ru_maxrss`` survives ``exec``, so a child started by a
    parent that grew large (this script after loading) reports the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(url: str, var_dir: Path, *, trace: bool, warm: bool, conditional: bool) -> dict:
    """Fetch ``url`` once and return the figures.

    ``conditional`` times a repeat fetch with the first answer's ETag (a 304).
    ``warm`` keeps the cache of the previous run (the index's entries); otherwise it
    is emptied first. ``trace`` adds tracemalloc's peak of Python allocations, which
    slows Python down severalfold: the seconds worth quoting come from the runs without.
    """
    os.environ["DASTAN_VAR_DIR"] = str(var_dir)
    os.environ["DASTAN_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    if not warm:
        cache.clear()
    client = Client()
    # One cheap request first, so the figures leave out the imports of the first request.
    client.get("/robots.txt")
    headers = {}
    if conditional:
        headers["if-none-match"] = client.get(url)["ETag"]
    before = _peak_rss_kb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url, headers=headers)
    if response.status_code == 404:
        return {"url": url, "skipped": "404: not served here"}
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    after = _peak_rss_kb()
    return {
        "url": url,
        "cache": "warm" if warm else "cold",
        "if_none_match": conditional,
        "status": response.status_code,
        "seconds": round(seconds, 3),
        "bytes": size,
        "python_peak_mb": round(peak / 2**20, 1) if trace else None,
        "rss_growth_mb": round((after - before) / 1024, 1),
        "rss_peak_mb": round(after / 1024, 1),
    }


def _targets(var_dir: Path) -> list[str]:
    """Return the addresses to time: the index, its largest article sitemap, news, the feeds."""
    from search import _setup

    _setup("", var_dir)
    from dastan.feeds.sitemap_selectors import article_files

    files = article_files(edition="en")
    biggest = max(files, key=lambda f: f.count)
    return ["/sitemap.xml", biggest.path, "/news-sitemap.xml", *_feeds()]


def _feeds() -> list[str]:
    """The feeds worth timing: the site's three formats, the Russian edition, a big section."""
    from django.db.models import Count

    from dastan.content.models import Section

    biggest = Section.objects.annotate(n=Count("primary_articles")).order_by("-n").first()
    section = [f"/section/{biggest.slug}/feed/"] if biggest else []
    return ["/feed/", "/feed/atom/", "/feed.json", "/ru/feed/", *section]


def _serve(var_dir: Path, seconds: int, port: int = 18071) -> None:
    """wrk on the home page and every feed through gunicorn, warm (one fetch first)."""
    import urllib.request

    from httpcache import GUNICORN, wrk
    from search import _setup

    _setup("", var_dir)
    paths = ["/", *_feeds()]
    env = {
        **os.environ,
        "DASTAN_VAR_DIR": str(var_dir),
        "DASTAN_DEBUG": "0",
        "DASTAN_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_SETTINGS_MODULE": "dastan.settings.dev",
    }
    bind = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [*GUNICORN, "--workers", "2", "--bind", bind],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{bind}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/robots.txt").read()
                break
            except OSError:
                time.sleep(0.3)
        for path in paths:
            for _ in range(4):  # both workers' caches and connections warm
                urllib.request.urlopen(base + path).read()
            rate, p50, bad = wrk(base + path, seconds, [])
            load = os.getloadavg()
            print(
                json.dumps(
                    {
                        "url": path,
                        "req_per_s": round(rate),
                        "p50": p50,
                        "non_2xx_3xx": int(bad),
                        "load": [round(x, 2) for x in load],
                    }
                ),
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the site")
    parser.add_argument("--corpus", help="JSON-lines corpus (default: generate bench/corpus.py)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--targets", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--conditional", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, metavar="SECONDS", help="wrk the feeds and home")
    args = parser.parse_args()
    var_dir = ROOT / "var" / "bench" / f"feeds-{args.n}"
    if args.serve:
        _build(args.n, args.corpus, var_dir)
        _serve(var_dir, args.serve)
        return
    if args.measure:
        print(
            json.dumps(
                _measure(
                    args.measure,
                    var_dir,
                    trace=args.trace,
                    warm=args.warm,
                    conditional=args.conditional,
                )
            )
        )
        return
    if args.targets:
        print(json.dumps(_targets(var_dir)))
        return
    _build(args.n, args.corpus, var_dir)
    me = [sys.executable, __file__, "--n", str(args.n)]
    targets = json.loads(subprocess.check_output([*me, "--targets"]).decode().splitlines()[-1])
    print(f"{args.n} articles; load average {os.getloadavg()}")
    rows = []
    runs = [[], ["--warm"], ["--trace"], ["--conditional"]]
    for url, flags in itertools.product(targets, runs):
        command = [*me, "--measure", url, *flags]
        row = json.loads(subprocess.check_output(command).decode().splitlines()[-1])
        rows.append(row)
        print(json.dumps(row))
    (var_dir / "results.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
