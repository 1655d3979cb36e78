"""Benchmark archive search: load a synthetic corpus, build the index, time the search page.

    .venv/bin/python bench/search.py --n 1000000                     # SQLite FTS5 (default)
    .venv/bin/python bench/search.py --n 1000000 \
        --database postgresql://postgres@127.0.0.1:5432/dastan_bench   # PostgreSQL

The corpus is ``bench/corpus.py`` (read from ``--corpus`` JSON lines if given,
else generated). Articles are loaded once into a database under
``var/bench/`` (or the PostgreSQL database named), then the index is rebuilt
with ``dastan search rebuild`` and the whole search page is requested through
Django's test client for each query of the mix. Prints build rate, index size
and p50/p99 per query, and writes the figures as JSON beside the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

# The issue #15 mix, for the WordPress harness's corpus (gen_corpus.py: English only).
WP_MIX = [
    ("common word", {"q": "election"}),
    ("two words", {"q": "oil prices"}),
    ("phrase", {"q": '"national bank"'}),
    ("name", {"q": "Tokayev"}),
    ("exclusion", {"q": "election -parliament"}),
    ("rare word", {"q": "soybean"}),
    ("section filter", {"q": "election", "section": "politics"}),
    ("page 5 of common word", {"q": "election", "page": "5"}),
    ("Russian (cross-script name)", {"q": "Токаев"}),
]
MIX = [
    ("common word", {"q": "government"}),
    ("rare word", {"q": "velvet"}),
    ("two words", {"q": "oil prices"}),
    ("phrase", {"q": '"central bank"'}),
    ("exclusion", {"q": "election -parliament"}),
    ("filtered", {"q": "Tokayev", "section": "politics", "lang": "all"}),
    ("page 20 of common word", {"q": "government", "page": "20"}),
    ("cross-script name", {"q": "Токаев", "lang": "all"}),
    ("common word, newest first", {"q": "government", "sort": "date"}),
]


def _setup(database: str, var_dir: Path) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DASTAN_VAR_DIR"] = str(var_dir)
    os.environ["DASTAN_DEBUG"] = "0"
    if database:
        os.environ["DASTAN_DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _records(path: str | None, n: int):
    if path:
        with open(path, encoding="utf-8") as f:
            for line in itertools.islice(f, n):
                yield json.loads(line)
    else:
        from corpus import Corpus

        yield from Corpus().articles(0, n)


def _load(records, n: int, batch: int = 5000) -> float:
    """Insert the corpus straight into the content tables (no signals); return seconds."""
    from django.db import transaction
    from tqdm import tqdm

    from dastan.content import services
    from dastan.content.models import Article, ArticleAuthor

    start = time.perf_counter()
    first = next(records)
    records = itertools.chain([first], records)
    corpus_tags = __import__("corpus")
    sections = services.sections_get_or_create(corpus_tags.SECTIONS)
    places = services.places_get_or_create(p[0] for p in corpus_tags.PLACES)
    authors = services.authors_get_or_create(corpus_tags.AUTHORS)
    tags = services.tags_get_or_create(corpus_tags.Corpus().tags)
    done = Article.objects.count()
    bar = tqdm(total=n, initial=done, unit="article", desc="Loading")
    records = itertools.islice(records, done, None)
    while done < n:
        chunk = list(itertools.islice(records, batch))
        if not chunk:
            break
        with transaction.atomic():
            objs = []
            for i, r in enumerate(chunk, start=done + 1):
                when = dt.datetime.fromisoformat(r["published_at"].replace("Z", "+00:00"))
                objs.append(
                    Article(
                        id=i,
                        title=r["title"],
                        slug=r["slug"],
                        body=r["body_html"],
                        teaser=" ".join(r["body_html"][3:400].split()[:40]),
                        status=Article.Status.PUBLISHED,
                        published_at=when,
                        language=r.get("language", "en"),
                        section=sections[r["categories"][0]],
                    )
                )
            Article.objects.bulk_create(objs)
            Article.tags.through.objects.bulk_create(
                Article.tags.through(article_id=i, tag_id=tags[t].pk)
                for i, r in enumerate(chunk, start=done + 1)
                for t in r["tags"]
            )
            Article.places.through.objects.bulk_create(
                Article.places.through(article_id=i, place_id=places[p].pk)
                for i, r in enumerate(chunk, start=done + 1)
                for p in r.get("places", ())
            )
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article_id=i, author_id=authors[r["author"]].pk, position=0)
                for i, r in enumerate(chunk, start=done + 1)
            )
        done += len(chunk)
        bar.update(len(chunk))
    bar.close()
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics; without them the planner
        # scans whole link tables for every batch the index build reads.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _load_jsonlines(path: str, n: int) -> float:
    """Load the first ``n`` lines with the real loader (``dastan import articles``), index off.

    For corpora not made by ``bench/corpus.py`` (its names are not known here);
    the index is built by the rebuild that follows, as after any bulk load.
    """
    import io

    from django.conf import settings

    from dastan.importers.jsonlines import articles_load

    settings.DASTAN_SEARCH = {**getattr(settings, "DASTAN_SEARCH", {}), "AUTO_INDEX": False}
    with open(path, "rb") as f:
        head = io.BytesIO(b"".join(itertools.islice(f, n)))
    start = time.perf_counter()
    articles_load(head, parallel=True)
    settings.DASTAN_SEARCH = {**settings.DASTAN_SEARCH, "AUTO_INDEX": True}
    return time.perf_counter() - start


def _index_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%' "
                    "OR name LIKE 'search_entry%'"
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:
                return -1
        cursor.execute("SELECT pg_total_relation_size('search_document')")
        return int(cursor.fetchone()[0])


def _time_page(client, params: dict, runs: int, *, cold: bool = False) -> dict:
    """Time the search page; ``cold`` opens a new database connection for every request
    (the PRAGMAs run again and SQLite's page cache starts empty) and empties the cache."""
    from urllib.parse import urlencode

    from django.core.cache import cache
    from django.db import connections

    url = "/search/?" + urlencode(params)
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples, cpu = [], []
    for _ in range(runs):
        if cold:
            connections.close_all()
            cache.clear()
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        # This process's CPU (SQLite runs in it; a PostgreSQL server's does not count):
        # steadier than wall time on a shared machine.
        cpu.append((time.process_time() - c) * 1000)
    body = response.content.decode()
    count = (
        body.split('class="results-count">', 1)[-1].split("</p>", 1)[0]
        if "results-count" in body
        else "no results"
    )
    samples.sort()
    return {
        "url": url,
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
        "max_ms": round(samples[-1], 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "runs": runs,
        "shown": count.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the corpus")
    parser.add_argument(
        "--corpus", help="JSON-lines corpus (default: generate with bench/corpus.py)"
    )
    parser.add_argument("--database", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per query")
    parser.add_argument("--skip-build", action="store_true", help="reuse the existing index")
    parser.add_argument("--load-only", action="store_true", help="stop after loading articles")
    parser.add_argument(
        "--mix", choices=["dastan", "wp"], default="dastan", help="query mix (wp: issue #15's)"
    )
    parser.add_argument("--var", help="site directory (default: var/bench/<backend>-<n>)")
    args = parser.parse_args()

    label = "postgres" if args.database else "sqlite"
    var_dir = Path(args.var) if args.var else ROOT / "var" / "bench" / f"{label}-{args.n}"
    _setup(args.database, var_dir)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dastan.content.models import Article

    results: dict = {"n": args.n, "backend": label, "vendor": connection.vendor}
    if Article.objects.count() < args.n:
        if args.corpus and args.mix == "wp":
            results["load_seconds"] = round(_load_jsonlines(args.corpus, args.n), 1)
        else:
            results["load_seconds"] = round(_load(_records(args.corpus, args.n), args.n), 1)
    if args.load_only:
        return
    if not args.skip_build:
        start = time.perf_counter()
        call_command("search", "rebuild")
        seconds = time.perf_counter() - start
        results["build_seconds"] = round(seconds, 1)
        results["build_rate"] = round(args.n / seconds)
    results["index_bytes"] = _index_size()
    client = Client()
    results["queries"] = {}
    for name, params in WP_MIX if args.mix == "wp" else MIX:
        warm = _time_page(client, params, args.runs)
        cold = _time_page(client, params, args.runs, cold=True)
        results["queries"][name] = {"warm": warm, "cold": cold}
        print(
            f"{name:28} warm p50 {warm['p50_ms']:7.2f} p99 {warm['p99_ms']:7.2f} "
            f"cpu {warm['cpu_p50_ms']:6.2f}  cold p50 {cold['p50_ms']:7.2f} "
            f"p99 {cold['p99_ms']:7.2f} cpu {cold['cpu_p50_ms']:6.2f} ms  {warm['shown']}"
        )
    results["load_average"] = os.getloadavg()
    print(json.dumps({k: v for k, v in results.items() if k != "queries"}))
    (var_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
