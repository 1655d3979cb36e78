"""The read-replica router: readers read from the replica; writes and what follows, the primary.

The "replica" here is a second connection to the test database (a second alias, as
Django's primary/replica testing does with ``TEST["MIRROR"]``): each query is recorded with
the alias that ran it, on SQLite and in the PostgreSQL pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.utils import load_backend
from django.test import Client

from dastan.content import services
from dastan.content.models import Article
from dastan.ops.routers import REPLICA, ReplicaRouter, request_begin
from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """The statements each alias ran, from its ``execute_wrapper``."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, str]] = []

    def wrapper(self, alias: str):
        def record(execute, sql, params, many, context):
            self.statements.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    def on(self, alias: str) -> list[str]:
        return [sql for used, sql in self.statements if used == alias]

    def writes_on(self, alias: str) -> list[str]:
        verbs = ("INSERT", "UPDATE", "DELETE")
        return [sql for sql in self.on(alias) if sql.lstrip().upper().startswith(verbs)]

    def clear(self) -> None:
        self.statements.clear()


@pytest.fixture
def replica(transactional_db, settings):
    """Add a ``replica`` alias on the test database, install the router, record every query."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    # Made here rather than in DATABASES: Django's test case allows connections it did not list.
    connections[REPLICA] = load_backend(primary["ENGINE"]).DatabaseWrapper({**primary}, REPLICA)
    settings.DATABASE_ROUTERS = ["dastan.ops.routers.ReplicaRouter"]
    recorder = Recorder()
    request_begin(environ={"REQUEST_METHOD": "GET"})
    try:
        with ExitStack() as stack:
            for alias in (DEFAULT_DB_ALIAS, REPLICA):
                stack.enter_context(connections[alias].execute_wrapper(recorder.wrapper(alias)))
            yield recorder
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        request_begin(environ={"REQUEST_METHOD": "GET"})


def published() -> Article:
    article = ArticleFactory(title="Replica story")
    request_begin(environ={"REQUEST_METHOD": "GET"})
    return article


class ReplicaRouterTests:
    def test_an_anonymous_readers_page_reads_from_the_replica_only(self, replica):
        """The article, the home (its blocks' raw statement), a listing, an archive."""
        article = published()
        year = article.get_absolute_url().split("/")[1]
        for url in (
            article.get_absolute_url(),
            "/",
            article.section.get_absolute_url(),
            f"/{year}/",
        ):
            cache.clear()
            replica.clear()
            response = Client().get(url)
            assert response.status_code == 200, url
            assert "Replica story" in response.content.decode(), url
            assert replica.on(REPLICA), f"{url} ran no query on the replica"
            assert replica.on(DEFAULT_DB_ALIAS) == [], url

    def test_reads_after_a_write_go_to_the_primary(self, replica):
        article = published()
        assert router.db_for_read(Article) == REPLICA
        replica.clear()
        article.body = "<p>Corrected.</p>"
        services.article_save(article)
        assert replica.writes_on(DEFAULT_DB_ALIAS)
        assert replica.writes_on(REPLICA) == []
        replica.clear()
        assert Article.objects.get(pk=article.pk).body == "<p>Corrected.</p>"
        assert replica.on(REPLICA) == []
        assert replica.on(DEFAULT_DB_ALIAS)

    def test_reads_inside_a_transaction_go_to_the_primary(self, replica):
        article = published()
        with transaction.atomic():
            assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
            replica.clear()
            Article.objects.filter(pk=article.pk).first()
            assert replica.on(REPLICA) == []
        assert router.db_for_read(Article) == REPLICA

    def test_staff_and_unsafe_requests_read_from_the_primary(self, replica):
        article = published()
        client = Client()
        client.cookies["sessionid"] = "not-a-session"
        replica.clear()
        client.get(article.get_absolute_url())
        assert replica.on(REPLICA) == []
        assert replica.on(DEFAULT_DB_ALIAS)
        replica.clear()
        Client().post("/admin/login/", {"username": "nobody", "password": "wrong"})
        assert replica.on(REPLICA) == []

    def test_the_next_reader_request_is_back_on_the_replica(self, replica):
        article = published()
        services.article_save(article)
        replica.clear()
        Client().get(article.get_absolute_url())
        assert replica.on(REPLICA)
        assert replica.on(DEFAULT_DB_ALIAS) == []

    def test_an_asgi_request_is_routed_by_its_scope(self):
        request_begin(scope={"method": "GET", "headers": [(b"accept", b"text/html")]})
        assert ReplicaRouter().db_for_read(Article) == REPLICA
        request_begin(scope={"method": "GET", "headers": [(b"cookie", b"sessionid=abc")]})
        assert ReplicaRouter().db_for_read(Article) == DEFAULT_DB_ALIAS
        request_begin(scope={"method": "POST", "headers": []})
        assert ReplicaRouter().db_for_read(Article) == DEFAULT_DB_ALIAS
        request_begin(environ={"REQUEST_METHOD": "GET"})

    def test_migrations_run_on_the_primary_only(self):
        assert ReplicaRouter().allow_migrate(DEFAULT_DB_ALIAS, "content")
        assert not ReplicaRouter().allow_migrate(REPLICA, "content")


def settings_read(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    """Print the databases and routers the settings make from ``extra`` environment variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DASTAN_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(DJANGO_SETTINGS_MODULE="dastan.settings.production", DASTAN_VAR_DIR=str(tmp_path))
    env.update(DASTAN_SECRET_KEY="x" * 50, **extra)
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "settings.DATABASES.get('replica', {}).get('HOST'), "
        "settings.DATABASES.get('replica', {}).get('TEST'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


class ReplicaSettingsTests:
    def test_without_a_replica_there_is_no_router(self, tmp_path):
        result = settings_read(tmp_path, DASTAN_DATABASE_URL="postgresql://u:p@primary:5432/d")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "['default'] [] None None"

    def test_a_replica_url_adds_the_alias_and_the_router(self, tmp_path):
        result = settings_read(
            tmp_path,
            DASTAN_DATABASE_URL="postgresql://u:p@primary:5432/d",
            DASTAN_REPLICA_DATABASE_URL="postgresql://u:p@replica.internal:5432/d",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "['default', 'replica'] ['dastan.ops.routers.ReplicaRouter'] replica.internal "
            "{'MIRROR': 'default'}"
        )

    def test_a_replica_of_sqlite_is_refused_with_the_reason(self, tmp_path):
        result = settings_read(
            tmp_path, DASTAN_REPLICA_DATABASE_URL="postgresql://u:p@replica.internal:5432/d"
        )
        assert result.returncode != 0
        assert "DASTAN_REPLICA_DATABASE_URL needs DASTAN_DATABASE_URL on PostgreSQL" in (
            result.stderr
        )
