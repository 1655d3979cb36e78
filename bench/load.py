"""Load-test a Dastan site over HTTP with wrk on the loopback, bounded in time.

    .venv/bin/python bench/load.py --site DIR [--database postgresql://... --redis redis://...]
        [--servers gthread] [--workers 2] [--connections 16,64] [--duration 30]
        [--pages home,section2,article,search,markets] [--runs warm,cold,nginx,burst]
        [--port 8130] [--nginx-ports 8140,8141,8142] [--out bench/out/load.json]

The site is one that ``bench/pages.py --site DIR [--database URL]`` loaded (100,000 articles of
``/work/benchdata/wp-100000.jsonl`` for docs/benchmarks.md); this script only reads it, plus
the articles ``burst`` publishes. For each server in ``--servers`` (``dastan serve --server``
choices, or ``granian``, Granian's WSGI server, to compare) it starts the server, then runs
``wrk --latency`` against each page at each connection count and prints req/s, p50, p99 and
errors (socket errors and answers other than 2xx/3xx):

- ``warm``: the same address again and again, after one request filled the caches;
- ``cold``: the caches emptied first, and every request a different address never asked
  before (articles, page 2 of each listing, search words), so each one is computed;
- ``nginx``: the same warm pages through the ``deploy/`` nginx and its microcache (TLS), and
  nginx serving each page's bytes as a static file, for the ratio;
- ``burst``: warm home at the largest connection count while another process publishes an
  article every 5 s, beside the same run without publishes (``--burst-rounds`` pairs,
  alternated).

Warm and burst rows also give what the whole-page store did (``web.pagestore``: hits, stale
copies served, rebuilds), read from the server's ``/metrics`` before and after the run.

Every wrk run lasts ``--duration`` seconds; nothing listens beyond the loopback, and every
process started is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ["home", "section2", "article", "search", "markets"]
START_TIMEOUT = 120.0
PUBLISH_EVERY = 5.0

# Each request takes the next address of a list (cold runs): wrk's Lua hooks.
ROTATE_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) %% #paths + 1])
end
"""


def site_env(args: argparse.Namespace) -> dict[str, str]:
    """Return the environment of the bench site's processes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASTAN_")}
    env.update(
        DJANGO_SETTINGS_MODULE="dastan.settings.dev",
        DASTAN_VAR_DIR=str(Path(args.site).resolve()),
        DASTAN_DEBUG="0",
        # One log line per request would be the bench's own bottleneck on stderr.
        DASTAN_LOG_LEVEL="WARNING",
        DASTAN_ALLOWED_HOSTS="127.0.0.1,localhost,news.example.org",
    )
    if args.database:
        env["DASTAN_DATABASE_URL"] = args.database
    if args.redis:
        env["DASTAN_REDIS_URL"] = args.redis
    return env


def addresses(args: argparse.Namespace, count: int) -> dict[str, dict]:
    """Return each page's warm address and ``count`` cold ones, read from the site."""
    code = f"""
import json, django
django.setup()
from django.db.models import Count
from dastan.content.models import Section
from dastan.content.selectors import articles_public
articles = [a.get_absolute_url() for a in articles_public(edition="en")[50:50 + {count}]]
sections = [s.get_absolute_url() for s in
            Section.objects.annotate(n=Count("primary_articles")).order_by("-n", "id")]
titles = " ".join(a.title for a in articles_public(edition="en")[:3000]).lower().split()
words = sorted({{w.strip(".,:;!?'\\"") for w in titles if len(w) > 3}})
listing = [f"{{s}}?page={{n}}" for n in range(2, 2 + {count}) for s in sections][:{count}]
print(json.dumps({{
    "home": {{"warm": "/", "cold": []}},
    "section2": {{"warm": sections[0] + "?page=2", "cold": listing}},
    "article": {{"warm": articles[0], "cold": articles}},
    "search": {{"warm": "/search/?q=" + words[len(words) // 2],
                "cold": ["/search/?q=" + w for w in words[:{count}]]}},
    "markets": {{"warm": "/markets/", "cold": []}},
}}))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], env=site_env(args), capture_output=True, text=True
    )
    if output.returncode:
        raise SystemExit(output.stderr)
    return json.loads(output.stdout.splitlines()[-1])


def cache_clear(args: argparse.Namespace) -> None:
    code = "import django; django.setup(); from django.core.cache import cache; cache.clear()"
    subprocess.run([sys.executable, "-c", code], env=site_env(args), check=True)


def wait_for(url: str, process: subprocess.Popen, **kwargs) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(url, timeout=5, **kwargs).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not come up")
        time.sleep(0.3)


def server_start(args: argparse.Namespace, server: str) -> subprocess.Popen:
    """Start ``server`` on ``--port`` and return once it answers."""
    addr = f"127.0.0.1:{args.port}"
    if server == "granian":
        argv = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", str(args.port), "--workers", str(args.workers),
                "--blocking-threads", str(args.threads), "--no-ws",
                "dastan.web.wsgi_static:application"]  # fmt: skip
    else:
        argv = [sys.executable, "-m", "dastan", "serve", "--no-worker", "--addr", addr,
                "--server", server, "--workers", str(args.workers),
                "--threads", str(args.threads)]  # fmt: skip
    process = subprocess.Popen(
        argv, env=site_env(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(f"http://{addr}/robots.txt", process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def tree_cpu(root: int) -> float:
    """Return the CPU seconds (user + system) of process ``root`` and its descendants so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        total += cpu.get(pid, 0.0)
        pending += [child for child, parent in parents.items() if parent == pid]
    return total


def wrk(
    url: str, connections: int, duration: int, *, paths: list[str] | None = None, server: int = 0
) -> dict:
    """Run wrk; return req/s, p50 and p99 in ms, errors, and the server's CPU ms per request.

    The CPU per request is the fair figure on a shared machine: the wall clock moves with the
    other work on the two cores, the server's own CPU time much less.
    """
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    with tempfile.TemporaryDirectory() as directory:
        if paths:
            listing = Path(directory) / "paths.txt"
            listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
            script = Path(directory) / "rotate.lua"
            script.write_text(ROTATE_LUA % listing, encoding="utf-8")
            argv += ["-s", str(script)]
        cpu, server_cpu = os.times(), tree_cpu(server) if server else 0.0
        output = subprocess.run([*argv, url], capture_output=True, text=True).stdout
        after, server_cpu = os.times(), (tree_cpu(server) if server else 0.0) - server_cpu
    requests = int(re.search(r"(\d+) requests in", output)[1])
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
        "errors": errors(output),
        "requests": requests,
        "cpu_ms": round(server_cpu * 1000 / max(requests, 1), 2),
        # wrk's own CPU time, beside the wall clock: the load generator shares the two cores.
        "wrk_cpu": round(after.children_user + after.children_system
                         - cpu.children_user - cpu.children_system, 1),
    }  # fmt: skip


def latency(output: str, which: str) -> float:
    value, unit = re.search(rf"^\s+{which}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def errors(output: str) -> int:
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    found = sum(int(n) for n in sockets.groups()) if sockets else 0
    return found + (int(status[1]) if status else 0)


class Publisher:
    """A process that publishes one article every ``PUBLISH_EVERY`` seconds until stopped."""

    CODE = """
import sys, time, django
django.setup()
from django.utils import timezone
from dastan.content import services
from dastan.content.models import Article, Section
section = Section.objects.order_by("id").first()
n = 0
while True:
    n += 1
    slug = f"load-burst-{time.time_ns()}"
    services.article_publish(services.article_save(Article(
        title=f"Burst story {n}", slug=slug, body="<p>Breaking.</p>", status="draft",
        section=section)))
    print("published", slug, flush=True)
    time.sleep(%s)
"""

    def __init__(self, args: argparse.Namespace) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.CODE % PUBLISH_EVERY],
            env=site_env(args),
            stdout=subprocess.PIPE,
            text=True,
        )

    def stop(self) -> int:
        stop(self.process)
        return sum(1 for line in self.process.stdout if line.startswith("published"))


def page_store_counts(base: str) -> dict[str, float]:
    """Return the server's whole-page store counters (hit, stale, rebuild, pass) from /metrics."""
    import httpx

    prefix = 'dastan_page_store_total{result="'
    counts: dict[str, float] = {}
    for line in httpx.get(base + "/metrics", timeout=30).text.splitlines():
        if line.startswith(prefix):
            name, _, value = line[len(prefix) :].partition('"} ')
            counts[name] = counts.get(name, 0.0) + float(value)
    return counts


def counted(base: str, before: dict[str, float]) -> dict[str, int]:
    after = page_store_counts(base)
    return {name: int(after[name] - before.get(name, 0.0)) for name in sorted(after)}


def row(results: list[dict], **fields) -> None:
    result = fields
    results.append(result)
    print(
        f"{result['server']:<8} {result['run']:<14} {result['page']:<9} c={result['c']:<3} "
        f"{result['rps']:>9.1f} req/s  p50 {result['p50']:>8.2f} ms  p99 {result['p99']:>8.2f} ms"
        f"  errors {result['errors']}  server cpu {result['cpu_ms']:.2f} ms/req"
        f"  (wrk cpu {result['wrk_cpu']} s)  page store {result.get('store', {})}",
        flush=True,
    )


def run_server(args, server: str, pages: dict, results: list[dict]) -> None:
    runs = args.runs.split(",")
    process = server_start(args, server)
    pid = process.pid
    base = f"http://127.0.0.1:{args.port}"
    try:
        if "cold" in runs:
            for name in args.pages.split(","):
                if not pages[name]["cold"]:
                    continue
                for c in args.c:
                    cache_clear(args)
                    out = wrk(base, c, args.duration, paths=pages[name]["cold"], server=pid)
                    row(results, server=server, run="cold", page=name, c=c, **out)
        if "warm" in runs:
            for name in args.pages.split(","):
                wrk(base + pages[name]["warm"], 4, 2)  # fill the caches
                for c in args.c:
                    before = page_store_counts(base)
                    out = wrk(base + pages[name]["warm"], c, args.duration, server=pid)
                    out["store"] = counted(base, before)
                    row(results, server=server, run="warm", page=name, c=c, **out)
        if "burst" in runs:
            # Alternated, so both kinds of run share the machine's changing load.
            c = max(args.c)
            wrk(base + "/", 4, 2)
            for _ in range(args.burst_rounds):
                before = page_store_counts(base)
                out = wrk(base + "/", c, args.duration, server=pid)
                out["store"] = counted(base, before)
                row(results, server=server, run="no publishes", page="home", c=c, **out)
                publisher = Publisher(args)
                before = page_store_counts(base)
                out = wrk(base + "/", c, args.duration, server=pid)
                out["store"] = counted(base, before)
                published = publisher.stop()
                run = f"{published} publishes"
                row(results, server=server, run=run, page="home", c=c, published=published, **out)
        if "nginx" in runs:
            run_nginx(args, pages, results, server)
    finally:
        stop(process)


def run_nginx(args, pages: dict, results: list[dict], server: str) -> None:
    """The warm pages through the deploy/ nginx microcache, and the same bytes as static files."""
    import httpx

    from tests.deploy.test_nginx import Nginx

    directory = Path(tempfile.mkdtemp(prefix="dastan-load-nginx-"))
    nginx = Nginx(directory, app_port=args.port)
    nginx.http_port, nginx.https_port, nginx.purge_port = args.nginx_ports
    static = nginx.site / "var" / "static"
    static.mkdir(parents=True)
    for name in args.pages.split(","):
        body = httpx.get(f"http://127.0.0.1:{args.port}{pages[name]['warm']}").content
        (static / f"{name}.html").write_bytes(body)
    # wrk sends the address's host: the site's server block answers any host on its port.
    nginx.start("/usr/sbin/nginx")
    pid = nginx.process.pid
    base = f"https://127.0.0.1:{nginx.https_port}"
    try:
        for name in args.pages.split(","):
            wrk(base + pages[name]["warm"], 4, 2)
            for c in args.c:
                out = wrk(base + pages[name]["warm"], c, args.duration, server=pid)
                row(results, server=server, run="nginx cache", page=name, c=c, **out)
                out = wrk(f"{base}/static/{name}.html", c, args.duration, server=pid)
                row(results, server="nginx", run="static file", page=name, c=c, **out)
    finally:
        nginx.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="The bench site's directory (var dir).")
    parser.add_argument("--database", help="Its PostgreSQL URL (default: SQLite in --site).")
    parser.add_argument("--redis", help="A Redis URL for the cache (default: the file cache).")
    parser.add_argument("--servers", default="gthread")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--runs", default="warm,cold")
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument("--nginx-ports", default="8140,8141,8142")
    parser.add_argument("--burst-rounds", type=int, default=1, help="Burst runs, each a pair.")
    parser.add_argument("--out", help="Also write the results here as JSON.")
    args = parser.parse_args()
    args.c = [int(c) for c in args.connections.split(",")]
    args.nginx_ports = [int(p) for p in args.nginx_ports.split(",")]

    pages = addresses(args, count=5000)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results: list[dict] = []
    for server in args.servers.split(","):
        run_server(args, server, pages, results)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
