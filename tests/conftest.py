"""Shared test set-up: markers for tests that need a real service or browser."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Hypothesis's per-example deadline is a timing assert: on a busy 2-core machine a sanitiser or
# excerpt example can take longer than 200 ms without anything being wrong. Speed is measured
# in bench/, not asserted here.
settings.register_profile("dastan", deadline=None)
settings.load_profile("dastan")


def services_required() -> bool:
    """In CI (``DASTAN_TEST_REQUIRE_SERVICES=1``) a missing service fails instead of skipping."""
    return os.environ.get("DASTAN_TEST_REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build any interface catalogue older than its .po, so a bare ``pytest`` sees the edits."""
    from dastan.locale_build import catalogues_compile

    catalogues_compile(stale_only=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    if os.environ.get("DASTAN_DATABASE_URL") and not on_postgres:
        # The PostgreSQL pass must not quietly become a second SQLite pass.
        raise pytest.UsageError("DASTAN_DATABASE_URL is set but the tests are not on PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(
                    reason="runs in the PostgreSQL pass of the suite (make test-postgres)"
                )
            )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache, so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """End every test in the default language: a request to /ru/ leaves Russian active."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def models_built():
    """Record the model name of every article, byline, author or image built while it lasts.

    Cards are read as plain rows (issue #15): pages of cards must build none of these.
    """
    from django.db.models.signals import post_init

    from dastan.content.models import Article, ArticleAuthor, Author
    from dastan.media.models import Image

    made: list[str] = []

    def count(sender, **kwargs) -> None:
        made.append(sender.__name__)

    models = (Article, ArticleAuthor, Author, Image)
    for model in models:
        post_init.connect(count, sender=model)
    yield made
    for model in models:
        post_init.disconnect(count, sender=model)


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 in server mode: a real HTTP S3 on the loopback, on a free port, no network."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """Media in a fresh bucket of ``s3_server``, set from the environment as a deployment is.

    Returns a boto3 client and the bucket name, to look at the bucket behind Dastan's back.
    """
    import uuid

    import boto3

    from dastan.settings.media_storage import s3_storage

    bucket = f"dastan-{uuid.uuid4().hex[:12]}"
    for name, value in {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "dastan-test",
        "S3_SECRET_ACCESS_KEY": "dastan-test-secret",
    }.items():
        monkeypatch.setenv(f"DASTAN_{name}", value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="dastan-test",
        aws_secret_access_key="dastan-test-secret",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    return client, bucket
