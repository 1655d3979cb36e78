"""Time the reader pages through Django's test client on a SQLite site of N articles.

    .venv/bin/python bench/pages.py [--articles 10000] [--repeat 200]

Creates the articles with the JSON-lines loader (deterministic), then prints
p50/p99 per page and the number of SQL queries per page.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="dastan-bench-")
    os.environ["DASTAN_VAR_DIR"] = var
    os.environ["DASTAN_DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dastan.settings.dev"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dastan.content.models import Article, Section, Tag
    from dastan.importers.jsonlines import articles_load

    call_command("migrate", verbosity=0)
    text = corpus(args.articles)
    started = time.perf_counter()
    report = articles_load(io.StringIO(text))
    load_seconds = time.perf_counter() - started
    print(
        f"loaded {report.created} articles in {load_seconds:.1f} s "
        f"({report.created / load_seconds:,.0f} articles/s)"
    )

    section = Section.objects.get(name="Economy")
    tag = Tag.objects.order_by("id").first()
    article = Article.objects.order_by("-published_at")[50]
    pages = {
        "home": "/",
        "section": section.get_absolute_url(),
        "section page 50": section.get_absolute_url() + "?page=50",
        "article": article.get_absolute_url(),
        "tag": tag.get_absolute_url(),
    }
    client = Client()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    def timed(url: str, *, cold: bool) -> tuple[list[float], int]:
        # Cold: the cache emptied before each request, so every query and render runs.
        # Warm: cached listing fragments, navigation and ticker, as most readers get.
        cache.clear()
        client.get(url)
        statements.clear()
        if cold:
            cache.clear()
        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200, url
        queries = len(statements)
        times = []
        for _ in range(args.repeat):
            if cold:
                cache.clear()
            t = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        return times, queries

    print(
        f"\n{'page':<17}{'cold p50':>9}{'p99':>7}{'queries':>8}"
        f"{'warm p50':>10}{'p99':>7}{'queries':>8}   (ms)"
    )
    for name, url in pages.items():
        row = f"{name:<17}"
        for cold, width in ((True, 9), (False, 10)):
            times, queries = timed(url, cold=cold)
            p50, p99 = statistics.median(times), percentile(times, 0.99)
            row += f"{p50:>{width}.2f}{p99:>7.2f}{queries:>8}"
        print(row)


if __name__ == "__main__":
    main()
