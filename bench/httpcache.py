"""Warm req/s of home and an article through ``dastan serve``, and of their 304 answers (#14).

Usage: ``bench/httpcache.py [--var-dir DIR] [--source DIR] [--seconds 10]``. The demo site is
built in DIR when it has no database. ``--source`` serves another checkout's ``dastan``
package (e.g. an export of main) with this virtualenv, for a before/after on the same data.
Runs wrk with 2 threads and 16 connections on the loopback and prints one line per run with
the load averages beside it, since other work shares the CPU.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = [sys.executable, "-m", "gunicorn", "dastan.web.wsgi_static:application"]


def wrk(url: str, seconds: int, headers: list[str]) -> tuple[float, str, str]:
    """Return req/s, p50 latency and the non-2xx/3xx count wrk reports for ``url``."""
    args = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, bad.group(1) if bad else "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", default="/tmp/dastan-bench-httpcache")
    parser.add_argument("--source", default=str(ROOT))
    parser.add_argument("--port", type=int, default=18061)
    parser.add_argument("--seconds", type=int, default=10)
    options = parser.parse_args()
    env = {
        **os.environ,
        "DASTAN_VAR_DIR": options.var_dir,
        "DASTAN_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_SETTINGS_MODULE": "dastan.settings.dev",
    }
    if not Path(options.var_dir, "dastan.sqlite3").exists():
        subprocess.run([sys.executable, "-m", "dastan", "demo", "--no-serve"], env=env, check=True)
    bind = f"127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [*GUNICORN, "--workers", "2", "--bind", bind],
        cwd=options.source,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        for _ in range(100):
            try:
                home = urllib.request.urlopen(base + "/").read().decode()
                break
            except OSError:
                time.sleep(0.3)
        article = re.search(r'href="(/\d{4}/\d\d/\d\d/[^"]+/)"', home).group(1)
        for path in ("/", article):
            with urllib.request.urlopen(base + path) as response:
                etag = response.headers.get("ETag")
            runs = [("200", [])] + ([("304", [f"If-None-Match: {etag}"])] if etag else [])
            for label, headers in runs:
                rate, p50, bad = wrk(base + path, options.seconds, headers)
                load = os.getloadavg()
                print(
                    f"{path} {label}: {rate:,.0f} req/s, p50 {p50}, non-2xx/3xx {bad}, "
                    f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
