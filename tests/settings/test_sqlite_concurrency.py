"""Embedded SQLite under read load: editors save while readers read, never "database is locked".

The settings' SQLite (WAL, a busy timeout, ``BEGIN IMMEDIATE`` for each transaction) is what
makes this hold: readers never wait for a writer in WAL, and a writer that finds another one
writing waits its turn instead of failing. One process with the site's real settings on a
database file runs reader threads (whole pages through Django's handler, caches included)
and writer threads (the services the back office calls: save, publish, correct) at once,
as gunicorn's threads and an importer do.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.web.test_freshness import server_env, site_migrate

READERS = 6
WRITERS = 3
SAVES = 8

SCRIPT = f"""
import json, threading, traceback, django
django.setup()
import datetime as dt
from django.db import connection
from django.test import Client
from django.utils import timezone
from dastan.content import services
from dastan.content.models import Article, Section

section = Section.objects.create(name="Economy", slug="economy")
for n in range(20):
    Article.objects.create(title=f"Story {{n}}", slug=f"story-{{n}}", body="<p>Text.</p>",
                           status="published", section=section,
                           published_at=timezone.now() - dt.timedelta(hours=n + 1))
paths = ["/", "/section/economy/", "/section/economy/?page=2", "/search/?q=story"] + [
    a.get_absolute_url() for a in Article.objects.all()[:10]]
failures, reads, writers_done = [], [0], threading.Event()

def reader():
    client = Client()
    try:
        while not writers_done.is_set():
            for path in paths:
                response = client.get(path)
                assert response.status_code in (200, 404), (path, response.status_code)
                reads[0] += 1
    except Exception:
        failures.append(traceback.format_exc())
    finally:
        connection.close()

def writer(w):
    try:
        for n in range({SAVES}):
            article = services.article_save(Article(
                title=f"Desk {{w}} story {{n}}", slug=f"desk-{{w}}-{{n}}", body="<p>Draft.</p>",
                status="draft", section=section))
            services.article_publish(article)
            article.body = "<p>Edited.</p>"
            services.article_save(article)
            if n % 5 == 0:
                services.correction_create(article, kind="correction", text="A fix.")
    except Exception:
        failures.append(traceback.format_exc())
    finally:
        connection.close()

threads = [threading.Thread(target=reader) for _ in range({READERS})]
desks = [threading.Thread(target=writer, args=(w,)) for w in range({WRITERS})]
for thread in threads + desks:
    thread.start()
for thread in desks:
    thread.join()
writers_done.set()
for thread in threads:
    thread.join()
print(json.dumps({{
    "failures": failures, "reads": reads[0],
    "saved": Article.objects.filter(slug__startswith="desk-", body="<p>Edited.</p>").count(),
    "journal": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
}}))
"""


class SQLiteConcurrencyTests:
    def test_editors_save_while_readers_read_without_database_is_locked(self, tmp_path):
        env = server_env(tmp_path)
        site_migrate(env)
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        outcome = json.loads(result.stdout.splitlines()[-1])
        assert outcome["failures"] == [], "\n".join(outcome["failures"])
        assert "database is locked" not in result.stderr
        assert outcome["saved"] == WRITERS * SAVES
        assert outcome["reads"] > 0
        assert outcome["journal"] == "wal"
