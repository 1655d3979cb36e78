"""Time the reader pages through Django's test client, cold and warm, on a site of N articles.

    .venv/bin/python bench/pages.py [--articles 10000 | --corpus FILE.jsonl]
        [--database postgresql://...] [--site DIR [--reuse]] [--repeat 100]
        [--pages home,article] [--cache file] [--explain | --profile 20]

The site is SQLite in ``--site`` (a fresh temporary directory by default) or the PostgreSQL
database of ``--database``. Articles come from ``--corpus`` (JSON lines, e.g. the WordPress
harness's ``gen_corpus.py``) or from this script's own deterministic generator (``--articles``);
``--reuse`` keeps a site that already holds articles instead of loading again. Prints, per
page type, p50/p99 and the SQL query count cold (the cache emptied before every request, so
every query and template runs) and warm (what a reader gets between two content changes),
with this process's CPU time beside the wall clock. ``--explain`` prints instead every cold
query of every page with its time and query plan; ``--profile N`` profiles N requests of
each page in each of ``--modes`` (cProfile; ``--modes warm`` for what a cached page still
costs) and prints where their time went. The bench runs ``migrate`` on the site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTIONS = ["Politics", "Economy", "Society", "Energy", "Environment", "Culture", "Sport"]
TAGS = [f"tag-{i}" for i in range(200)]
PLACES = ["Almaty", "Astana", "Bishkek", "Osh", "Dushanbe", "Tashkent", "Samarkand", "Ashgabat"]
WORDS = (
    "government minister parliament budget inflation tenge som water energy dam river "
    "harvest cotton wheat border trade railway road school hospital court election vote "
    "company bank rate price gas oil pipeline migrants workers winter summer city region"
).split()


def corpus(n: int, seed: int = 20251125) -> str:
    """Return n deterministic articles as JSON lines."""
    rng = random.Random(seed)
    start = dt.datetime(2015, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    span = (dt.datetime(2026, 11, 1, tzinfo=start.tzinfo) - start).total_seconds()
    lines = []
    for i in range(n):
        paragraphs = [
            "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 70))) + ".</p>"
            for _ in range(rng.randint(4, 9))
        ]
        lines.append(
            json.dumps(
                {
                    "title": " ".join(rng.choice(WORDS) for _ in range(7)).capitalize(),
                    "slug": f"story-{i}",
                    "body_html": "".join(paragraphs),
                    "author": rng.sample([f"Reporter {k}" for k in range(40)], rng.randint(1, 2)),
                    "categories": rng.sample(SECTIONS, rng.randint(1, 2)),
                    "tags": rng.sample(TAGS, rng.randint(1, 4)),
                    "places": rng.sample(PLACES, 1),
                    "published_at": (start + dt.timedelta(seconds=span * i / n)).isoformat(),
                }
            )
        )
    return "\n".join(lines) + "\n"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def configure(args: argparse.Namespace) -> None:
    """Point Django at the bench site before it starts: its directory and database."""
    site = args.site or tempfile.mkdtemp(prefix="dastan-bench-")
    Path(site).mkdir(parents=True, exist_ok=True)
    os.environ["DASTAN_VAR_DIR"] = str(site)
    os.environ["DASTAN_DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dastan.settings.dev"
    os.environ.pop("DASTAN_REDIS_URL", None)
    if args.database:
        os.environ["DASTAN_DATABASE_URL"] = args.database
    else:
        os.environ.pop("DASTAN_DATABASE_URL", None)


def load(args: argparse.Namespace) -> None:
    """Load the articles unless ``--reuse`` finds a site that already holds some."""
    from django.core.management import call_command

    from dastan.content.models import Article
    from dastan.importers.jsonlines import articles_load
    from dastan.rates.services import rates_load_demo

    call_command("migrate", verbosity=0)
    rates_load_demo()
    if args.reuse and Article.objects.exists():
        print(f"reusing a site of {Article.objects.count():,} articles")
        return
    started = time.perf_counter()
    if args.corpus:
        with open(args.corpus, encoding="utf-8") as handle:
            report = articles_load(handle)
    else:
        report = articles_load(io.StringIO(corpus(args.articles)))
    seconds = time.perf_counter() - started
    print(
        f"loaded {report.created:,} articles in {seconds:.1f} s "
        f"({report.created / seconds:,.0f} articles/s)"
    )


def page_addresses() -> dict[str, str]:
    """Return one address per reader page type, picking the busiest section, tag, place, author.

    The busiest listing is the worst case for a query whose cost grows with the listing.
    """
    from django.db.models import Count
    from django.urls import reverse

    from dastan.content.models import Article, Author, Place, Section, Tag
    from dastan.content.selectors import articles_public

    def busiest(model, relation: str):
        return model.objects.annotate(n=Count(relation)).order_by("-n", "id").first()

    section = busiest(Section, "primary_articles")
    tag, place, author = (
        busiest(Tag, "articles"),
        busiest(Place, "articles"),
        busiest(Author, "bylines"),
    )
    article = articles_public(edition="en")[50]
    day = article.get_absolute_url().split("/")[1:4]
    pages = {
        "home": "/",
        "section": section.get_absolute_url(),
        "section page 2": section.get_absolute_url() + "?page=2",
        # A corpus without places (the WordPress harness's) has no place page.
        "tag": tag and tag.get_absolute_url(),
        "place": place and place.get_absolute_url(),
        "author": author and author.get_absolute_url(),
        "article": article.get_absolute_url(),
        "day archive": "/{}/{}/{}/".format(*day),
        "month archive": "/{}/{}/".format(*day[:2]),
        "year archive": f"/{day[0]}/",
        "markets": reverse("rates:markets"),
        "corrections": "/corrections/",
        "ru home": "/ru/",
    }
    assert Article.objects.exists()
    return {name: url for name, url in pages.items() if url}


def explain(client, connection, cache, name: str, url: str) -> None:
    """Print every query of a cold request for ``url`` with its time and query plan."""
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    print(f"\n== {name} {url}: {len(captured.captured_queries)} queries")
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in captured.captured_queries:
        sql = query["sql"]
        print(f"-- {float(query['time']) * 1000:.1f} ms  {sql}")
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("     ", " ".join(str(part) for part in row[-1:]))


def profile(client, cache, name: str, url: str, requests: int, *, cold: bool) -> None:
    """Print the functions that took the most time over ``requests`` requests for ``url``.

    Cold empties the cache before each request; warm profiles what a cached page still costs.
    """
    import cProfile
    import pstats

    client.get(url)
    profiler = cProfile.Profile()
    for _ in range(requests):
        if cold:
            cache.clear()
        profiler.enable()
        client.get(url)
        profiler.disable()
    print(f"\n== {name} {url}: {requests} {'cold' if cold else 'warm'} requests")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--articles", type=int, default=10_000, help="Generate N articles.")
    source.add_argument("--corpus", help="Load this JSON-lines file instead.")
    parser.add_argument("--database", help="A PostgreSQL URL (default: SQLite in --site).")
    parser.add_argument("--site", help="The site's directory (default: a new temporary one).")
    parser.add_argument("--reuse", action="store_true", help="Keep a site that has articles.")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--pages", help="Only these page types, comma-separated.")
    parser.add_argument("--modes", default="cold,warm", help="cold, warm or both.")
    parser.add_argument(
        "--explain", action="store_true", help="Print each cold query, its time and its plan."
    )
    parser.add_argument(
        "--profile", type=int, metavar="N", help="Profile N requests of each page and mode."
    )
    parser.add_argument(
        "--cache",
        choices=["memory", "file"],
        default="memory",
        help="memory (default) keeps disk writes out of the figures; file is the embedded site's.",
    )
    args = parser.parse_args()
    configure(args)

    import django

    django.setup()
    from django.conf import settings

    if args.cache == "memory":
        # Read when the cache is first used, so this still takes effect after setup().
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    load(args)
    pages = page_addresses()
    if args.pages:
        wanted = args.pages.split(",")
        pages = {name: url for name, url in pages.items() if name in wanted}
    client = Client()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def timed(url: str, *, cold: bool) -> tuple[list[float], list[float], int]:
        # Cold: the cache emptied before each request, so every query and render runs.
        # Warm: cached listing fragments, navigation and ticker, as most readers get.
        cache.clear()
        client.get(url)
        statements.clear()
        if cold:
            cache.clear()
        with connection.execute_wrapper(count):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        queries = len(statements)
        times, cpu = [], []
        for _ in range(args.repeat):
            if cold:
                cache.clear()
            t, c = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        return times, cpu, queries

    if args.explain:
        for name, url in pages.items():
            explain(client, connection, cache, name, url)
        return
    modes = [m for m in ("cold", "warm") if m in args.modes.split(",")]
    if args.profile:
        for name, url in pages.items():
            for mode in modes:
                profile(client, cache, name, url, args.profile, cold=mode == "cold")
        return

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    # CPU is this process's time: with SQLite it holds the queries too, and it moves less
    # than the wall clock when other work shares the machine (not PostgreSQL's server time).
    header = f"{'page':<15}" + "".join(
        f"{m + ' p50':>10}{'p99':>8}{'cpu p50':>8}{'queries':>8}" for m in modes
    )
    print(f"\n{header}   (ms)")
    for name, url in pages.items():
        row = f"{name:<15}"
        for mode in modes:
            times, cpu, queries = timed(url, cold=mode == "cold")
            row += f"{statistics.median(times):>10.2f}{percentile(times, 0.99):>8.2f}"
            row += f"{statistics.median(cpu):>8.2f}{queries:>8}"
        print(row, flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
