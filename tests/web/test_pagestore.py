"""The whole-page store: kept pages answered before Django runs, fresh as their keys."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from unittest import mock

import httpx
import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from dastan.content import services
from dastan.content.models import Article
from dastan.content.versioning import versions_bump, versions_get
from dastan.web.pagestore import ENVIRON_KEY, PageStore, page_address
from dastan.web.surrogates import PageKeys
from dastan.web.views import pages
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def store_count(result: str) -> float:
    return REGISTRY.get_sample_value("dastan_page_store_total", {"result": result}) or 0.0


@pytest.fixture
def django_app() -> Iterator[WSGIHandler]:
    """Django's own WSGI handler, inside the test's transaction (as Django's test client runs)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def reader(app, **headers) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=app), base_url="http://testserver", headers=headers
    )


@pytest.fixture
def site(django_app, settings):
    """A server process: the page store in front of Django, versions read on every request."""
    settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}
    return PageStore(django_app)


@pytest.fixture
def rendered():
    """Count the templates Django renders for a page (none when the store answers)."""
    with mock.patch.object(pages, "render", wraps=pages.render) as spy:
        yield spy


class HitTests:
    @pytest.mark.parametrize("url", ["/", "/section/energy/", "article"])
    def test_a_kept_page_is_answered_without_django(self, site, rendered, url):
        story = ArticleFactory(section=SectionFactory(slug="energy"))
        url = story.get_absolute_url() if url == "article" else url
        first = reader(site).get(url)
        hits = store_count("hit")
        second = reader(site).get(url)
        assert rendered.call_count == 1
        assert store_count("hit") == hits + 1
        assert second.status_code == 200 and second.content == first.content
        for name in ("ETag", "Cache-Control", "Content-Security-Policy", "X-Frame-Options",
                     "Surrogate-Key", "Content-Type", "Content-Length"):  # fmt: skip
            assert second.headers[name] == first.headers[name]
        assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
        assert story.title in second.text

    def test_a_hit_keeps_its_request_id_route_metric_and_log_line(self, site, caplog):
        ArticleFactory()
        reader(site).get("/")
        count = REGISTRY.get_sample_value(
            "dastan_request_seconds_count", {"route": "web:home", "method": "GET", "status": "2xx"}
        )
        caplog.clear()
        with caplog.at_level("INFO", logger="dastan.requests"):
            response = reader(site, **{"X-Request-ID": "edge-42"}).get("/")
        assert response.headers["X-Request-ID"] == "edge-42"
        assert (
            REGISTRY.get_sample_value(
                "dastan_request_seconds_count",
                {"route": "web:home", "method": "GET", "status": "2xx"},
            )
            == (count or 0) + 1
        )
        (line,) = [r for r in caplog.records if r.name == "dastan.requests"]
        assert line.getMessage().startswith("GET / 200") and line.request_id == "edge-42"

    def test_if_none_match_gets_a_304_from_the_kept_page(self, site, rendered):
        ArticleFactory()
        etag = reader(site).get("/").headers["ETag"]
        response = reader(site, **{"If-None-Match": f'"other", {etag}'}).get("/")
        assert response.status_code == 304 and response.content == b""
        assert response.headers["ETag"] == etag
        assert "public" in response.headers["Cache-Control"]
        assert "Content-Length" not in response.headers
        assert rendered.call_count == 1

    def test_a_revalidation_that_rebuilds_still_gets_its_304(self, site):
        ArticleFactory()
        etag = reader(site).get("/").headers["ETag"]
        cache.clear()
        response = reader(site, **{"If-None-Match": etag}).get("/")
        assert response.status_code == 304
        assert reader(site).get("/").headers["ETag"] == etag

    def test_head_gets_the_headers_of_get_and_no_body(self, site, rendered):
        ArticleFactory()
        page = reader(site).get("/")
        head = reader(site).head("/")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Length"] == page.headers["Content-Length"]
        assert head.headers["ETag"] == page.headers["ETag"]
        assert rendered.call_count == 1

    def test_pages_not_made_of_fragments_are_not_kept(self, site, rendered):
        ArticleFactory(title="Water prices")
        for _ in range(2):
            assert reader(site).get("/search/?q=water").status_code == 200
            assert reader(site).get("/no-such-page/").status_code == 404
        assert rendered.call_count == 0  # neither is a pages.render view
        with mock.patch("dastan.search.views.render", wraps=pages.render) as search_rendered:
            reader(site).get("/search/?q=water")
            reader(site).get("/search/?q=water")
        assert search_rendered.call_count == 2

    def test_a_path_never_kept_goes_straight_to_django(self, site):
        """A search asks the shared cache nothing once its path is known not to be kept."""
        ArticleFactory(title="Water prices")
        reader(site).get("/search/?q=water")
        with mock.patch("dastan.web.pagestore.cache", wraps=cache) as shared:
            answer = reader(site).get("/search/?q=prices")
        assert answer.status_code == 200 and "Water prices" in answer.text
        assert shared.method_calls == []
        reader(site).get("/")
        with mock.patch("dastan.web.pagestore.cache", wraps=cache) as shared:
            reader(site).get("/?utm_source=x")
        assert shared.method_calls, "the home's path must still be looked up"

    def test_a_page_that_raced_a_write_is_kept_on_the_next_request(self, site, rendered):
        ArticleFactory(title="Water prices")
        with mock.patch.object(PageKeys, "validity", return_value=None):
            reader(site).get("/")
        rebuilds = store_count("rebuild")
        reader(site).get("/")
        reader(site).get("/")
        assert store_count("rebuild") == rebuilds + 1
        assert rendered.call_count == 2

    def test_the_address_holds_scheme_host_path_and_query(self, settings):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        base = {"wsgi.url_scheme": "http", "HTTP_HOST": "news.example.org", "PATH_INFO": "/"}
        addresses = {
            page_address(base),
            page_address({**base, "HTTP_X_FORWARDED_PROTO": "https"}),
            page_address({**base, "HTTP_HOST": "other.example.org"}),
            page_address({**base, "QUERY_STRING": "page=2"}),
            page_address({**base, "PATH_INFO": "/ru/"}),
        }
        assert len(addresses) == 5


class PersonalTests:
    @pytest.mark.parametrize("cookie", ["sessionid=abc", "csrftoken=abc", "messages=abc"])
    def test_a_request_with_a_personal_cookie_always_reaches_django(self, site, rendered, cookie):
        ArticleFactory()
        reader(site).get("/")
        reader(site, Cookie=f"theme=dark; {cookie}").get("/")
        assert rendered.call_count == 2

    def test_another_cookie_gets_the_kept_page(self, site, rendered):
        ArticleFactory()
        reader(site).get("/")
        reader(site, Cookie="theme=dark; _ga=GA1.1").get("/")
        assert rendered.call_count == 1

    def test_a_staff_page_is_never_kept_for_readers(self, site, rendered):
        ArticleFactory()
        staff = reader(site, Cookie="sessionid=abc").get("/")
        assert "private" in staff.headers["Cache-Control"]
        response = reader(site).get("/")
        assert "public" in response.headers["Cache-Control"]
        assert rendered.call_count == 2

    def test_a_response_setting_a_cookie_is_not_kept(self, django_app, settings):
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}

        def with_cookie(environ, start_response):
            def start(status, headers, exc_info=None):
                return start_response(status, [*headers, ("Set-Cookie", "a=b")], exc_info)

            return django_app(environ, start)

        ArticleFactory()
        site = PageStore(with_cookie)
        with mock.patch.object(pages, "render", wraps=pages.render) as spy:
            reader(site).get("/")
            reader(site).get("/")
        assert spy.call_count == 2


class FreshnessTests:
    def test_a_publish_shows_on_the_kept_page(self, site):
        ArticleFactory(title="Old story")
        assert "Old story" in reader(site).get("/").text
        services.article_publish(
            services.article_save(Article(title="New story", slug="new", body="<p>x</p>"))
        )
        assert "New story" in reader(site).get("/").text

    def test_a_process_checks_the_versions_once_per_versions_age(self, django_app, settings):
        """Within PAGE_VERSIONS_AGE a process answers from what it read; then it reads again."""
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 60}
        site = PageStore(django_app)
        ArticleFactory(title="Old story")
        reader(site).get("/")
        reader(site).get("/")  # a hit: this process has read the versions
        services.article_publish(
            services.article_save(Article(title="New story", slug="new", body="<p>x</p>"))
        )
        assert "New story" not in reader(site).get("/").text
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}
        assert "New story" in reader(site).get("/").text

    def test_behind_a_purged_cache_every_fill_reads_the_versions(self, django_app, settings):
        """A page purged from nginx must not come back from here older than the purge."""
        settings.DASTAN_HTTP_CACHE = {
            "PAGE_VERSIONS_AGE": 60,
            "PURGE": {"BACKEND": "dastan.web.purge.nginx", "OPTIONS": {"url": "http://x"}},
        }
        site = PageStore(django_app)
        ArticleFactory(title="Old story")
        reader(site).get("/")
        # The purge itself goes after the commit (none in this test's transaction).
        services.article_publish(
            services.article_save(Article(title="New story", slug="new", body="<p>x</p>"))
        )
        assert "New story" in reader(site).get("/").text

    def test_an_unpublished_article_is_never_served_stale(self, site):
        story = ArticleFactory(title="Retracted")
        url = story.get_absolute_url()
        assert reader(site).get(url).status_code == 200
        services.article_unpublish(story)
        assert reader(site).get(url).status_code == 404
        address = page_address({"wsgi.url_scheme": "http", "HTTP_HOST": "testserver",
                                "PATH_INFO": url})  # fmt: skip
        assert site.local.get(address) is None
        # Another request rebuilding it: still nothing old to serve.
        with mock.patch("dastan.web.pagestore.cache.add", return_value=False):
            assert reader(site).get(url).status_code == 404

    def test_a_scheduled_article_ends_the_kept_page_on_time(self, site):
        ArticleFactory(title="Already out")
        at = timezone.now() + dt.timedelta(minutes=10)
        ArticleFactory(title="Embargoed story", status=Article.Status.SCHEDULED, published_at=at)
        assert "Embargoed story" not in reader(site).get("/").text
        assert "Embargoed story" not in reader(site).get("/").text
        with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(seconds=1)):
            assert "Embargoed story" in reader(site).get("/").text

    def test_the_breaking_banner_ends_the_kept_page_on_time(self, site):
        until = timezone.now() + dt.timedelta(minutes=5)
        ArticleFactory(title="Quake hits the capital", breaking_until=until)
        other = ArticleFactory(title="Quiet news").get_absolute_url()
        assert "Quake hits the capital" in reader(site).get(other).text
        assert "Quake hits the capital" in reader(site).get(other).text
        with mock.patch("django.utils.timezone.now", return_value=until + dt.timedelta(seconds=1)):
            assert "Quake hits the capital" not in reader(site).get(other).text

    def test_parts_no_key_covers_are_kept_page_timeout_at_most(self, site, settings, rendered):
        ArticleFactory()
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0, "PAGE_TIMEOUT": 60}
        reader(site).get("/")
        later = timezone.now() + dt.timedelta(seconds=61)
        with mock.patch("django.utils.timezone.now", return_value=later):
            reader(site).get("/")
        assert rendered.call_count == 2


class SharedTests:
    def test_a_page_rebuilt_by_one_process_serves_the_others(self, django_app, settings, rendered):
        """Two processes (two stores) on one cache: a publish costs one render, not two."""
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}
        one, two = PageStore(django_app), PageStore(django_app)
        ArticleFactory(title="Old story")
        reader(one).get("/")
        assert "Old story" in reader(two).get("/").text
        assert rendered.call_count == 1
        services.article_publish(
            services.article_save(Article(title="New story", slug="new", body="<p>x</p>"))
        )
        assert "New story" in reader(one).get("/").text
        assert "New story" in reader(two).get("/").text
        assert rendered.call_count == 2

    def test_the_memo_is_read_again_for_a_page_newer_than_it(self, django_app, settings, rendered):
        """Versions read before a page was rebuilt elsewhere do not make that page stale here."""
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 60}
        one, two = PageStore(django_app), PageStore(django_app)
        ArticleFactory(title="Old story")
        reader(one).get("/")
        reader(two).get("/")  # ``two`` has read the versions of the home page's keys
        services.article_publish(
            services.article_save(Article(title="New story", slug="new", body="<p>x</p>"))
        )
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}
        assert "New story" in reader(one).get("/").text
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 60}
        two.local.drop(page_address({"wsgi.url_scheme": "http", "HTTP_HOST": "testserver",
                                     "PATH_INFO": "/"}))  # fmt: skip
        assert "New story" in reader(two).get("/").text
        assert rendered.call_count == 2


class StampedeTests:
    """A stale page is rebuilt once however many requests want it; they get the stale copy."""

    THREADS = 8

    def test_stale_page_is_served_while_one_request_rebuilds(self, stampede_cache, settings):
        settings.DASTAN_HTTP_CACHE = {"PAGE_VERSIONS_AGE": 0}
        renders: list[str] = []
        release = threading.Event()

        def application(environ, start_response):
            """A page that depends on ``home-en``, rendered slowly once it is stale."""
            body = b"new" if renders else b"old"
            renders.append(threading.current_thread().name)
            if len(renders) > 1:
                assert release.wait(30)
            environ[ENVIRON_KEY].update(
                depends=("home-en",),
                versions=versions_get(["home-en"]),
                valid_until=timezone.now().timestamp() + 60,
                route="web:home",
            )
            start_response("200 OK", [("ETag", f'"{body.decode()}"'),
                                      ("Cache-Control", "public, max-age=60")])  # fmt: skip
            return [body]

        site = PageStore(application)
        assert reader(site).get("/").content == b"old"
        versions_bump(["home-en"])
        results: list[bytes | None] = [None] * self.THREADS

        def request(i: int) -> None:
            results[i] = reader(site).get("/").content

        threads = [threading.Thread(target=request, args=(i,)) for i in range(self.THREADS)]
        for thread in threads:
            thread.start()
        until = time.monotonic() + 30
        while sum(r is not None for r in results) < self.THREADS - 1:
            assert time.monotonic() < until
            time.sleep(0.01)
        release.set()
        for thread in threads:
            thread.join(30)
        assert len(renders) == 2
        assert sorted(results) == [b"new"] + [b"old"] * (self.THREADS - 1)
        assert reader(site).get("/").content == b"new"

    def test_a_stale_copy_is_kept_a_second_by_a_shared_cache(self, site):
        ArticleFactory()
        fresh = reader(site).get("/")
        versions_bump(["home-en"])
        with mock.patch("dastan.web.pagestore.cache.add", return_value=False):
            stale = reader(site).get("/")
        assert stale.content == fresh.content
        assert stale.headers["Cache-Control"] == "public, max-age=0, s-maxage=1"

    def test_a_failed_rebuild_frees_the_lock_and_serves_the_copy(self, site):
        ArticleFactory()
        kept = reader(site).get("/")
        versions_bump(["home-en"])
        with mock.patch.object(pages, "render", side_effect=RuntimeError("database went away")):
            during = reader(site).get("/")
        assert during.status_code == 200 and during.content == kept.content
        assert during.headers["Cache-Control"] == "public, max-age=0, s-maxage=1"
        rebuilds = store_count("rebuild")
        assert reader(site).get("/").status_code == 200
        assert store_count("rebuild") == rebuilds + 1

    def test_without_a_copy_a_failed_rebuild_is_the_error(self, site):
        with mock.patch.object(pages, "render", side_effect=RuntimeError("database went away")):
            assert reader(site).get("/").status_code == 500
        assert reader(site).get("/").status_code == 200


class HostileInputTests:
    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        etag=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
        cookie=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
    )
    def test_any_conditional_or_cookie_gets_the_page_or_a_304(self, site, etag, cookie):
        response = reader(site, **{"If-None-Match": etag, "Cookie": cookie}).get("/")
        assert response.status_code in (200, 304)
