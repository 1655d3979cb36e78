import datetime as dt
import time
from unittest import mock

import pytest
from django.utils import timezone

from dastan.content import selectors, services
from dastan.content.models import Article
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


class CachedListingTests:
    def test_cached_home_shows_a_new_article_at_once(self, client):
        """Publishing bumps the home page's key, so the cached home page is not served."""
        ArticleFactory(title="First story")
        assert "First story" in client.get("/").content.decode()
        draft = ArticleFactory(title="Breaking story", status="draft", published_at=None)
        assert "Breaking story" not in client.get("/").content.decode()
        services.article_publish(draft)
        assert "Breaking story" in client.get("/").content.decode()

    def test_edit_and_unpublish_reach_cached_section_pages(self, client):
        section = SectionFactory(name="Energy", slug="energy")
        article = ArticleFactory(title="Old headline", body="<p>Text.</p>", section=section)
        assert "Old headline" in client.get("/section/energy/").content.decode()
        article.title = "New headline"
        services.article_save(article)
        html = client.get("/section/energy/").content.decode()
        assert "New headline" in html and "Old headline" not in html
        services.article_unpublish(article)
        assert "New headline" not in client.get("/section/energy/").content.decode()

    def test_scheduled_article_appears_on_time_on_a_cached_page(self, client):
        """The cached page expires when the next scheduled article goes public."""
        ArticleFactory(title="Already out")
        at = timezone.now() + dt.timedelta(minutes=10)
        ArticleFactory(title="Embargoed story", status=Article.Status.SCHEDULED, published_at=at)
        assert "Embargoed story" not in client.get("/").content.decode()
        later = at + dt.timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert "Embargoed story" in client.get("/").content.decode()


class CachedArticleTests:
    def test_second_view_of_an_article_runs_no_query(self, client, django_assert_num_queries):
        article = ArticleFactory()
        client.get(article.get_absolute_url())
        with django_assert_num_queries(0):
            assert client.get(article.get_absolute_url()).status_code == 200

    def test_unpublished_article_is_404_at_once_despite_the_cache(self, client):
        article = ArticleFactory()
        assert client.get(article.get_absolute_url()).status_code == 200
        services.article_unpublish(article)
        assert client.get(article.get_absolute_url()).status_code == 404


class CachePerEditionTests:
    def test_an_edition_has_its_own_cached_pages(self, client):
        """The same path under two prefixes never shares a cached fragment."""
        ArticleFactory(title="English story")
        ArticleFactory(title="Русская история", language="ru")
        assert "Русская история" not in client.get("/").content.decode()
        assert "English story" not in client.get("/ru/").content.decode()

    def test_a_change_in_one_edition_keeps_the_others_cache(self, client):
        """Editing an English article re-renders English listings only."""
        english = ArticleFactory(title="English story")
        ArticleFactory(title="Русская история", language="ru")
        client.get("/")
        client.get("/ru/")
        english.title = "English story, edited"
        with mock.patch(
            "dastan.content.selectors.home_blocks", wraps=selectors.home_blocks
        ) as rendered:
            services.article_save(english)
            assert "English story, edited" in client.get("/").content.decode()
            assert "Русская история" in client.get("/ru/").content.decode()
        assert [c.kwargs["edition"] for c in rendered.call_args_list] == ["en"]

    def test_a_shared_change_reaches_every_edition(self, client):
        section = SectionFactory(name="Energy", slug="energy")
        ArticleFactory(section=section, language="ru")
        assert "Energy" in client.get("/ru/").content.decode()
        section.names = {"ru": "Энергетика"}
        section.save()
        assert "Энергетика" in client.get("/ru/").content.decode()


def fragment_fresh(name: str, edition: str = "en") -> bool | None:
    """Return whether the cached fragment ``name`` is fresh (None: not cached at all)."""
    from django.core.cache import cache

    entry = cache.get(f"web:fragment:{edition}:{name}")
    return None if entry is None else entry.fresh(timezone.now().timestamp())


class InvalidationTests:
    """A publish expires what shows the article, and every other cached page stays."""

    def test_a_publish_expires_its_section_home_and_day_not_the_rest(self, client):
        economy = SectionFactory(name="Economy", slug="economy")
        sport = SectionFactory(name="Sport", slug="sport")
        other = ArticleFactory(section=sport, title="Match report")
        ArticleFactory(section=economy, title="Budget", language="ru")
        draft = ArticleFactory(section=economy, status="draft", published_at=None)
        pages = {
            "home": "/",
            "listing:/section/economy/:1": "/section/economy/",
            "listing:/section/sport/:1": "/section/sport/",
            f"listing:/author/{other.bylines.get().author.slug}/:1": (
                f"/author/{other.bylines.get().author.slug}/"
            ),
            f"article:{other.slug}": other.get_absolute_url(),
        }
        for url in pages.values():
            assert client.get(url).status_code == 200
        client.get("/ru/")
        assert all(fragment_fresh(name) for name in pages)
        services.article_publish(Article.objects.get(pk=draft.pk))
        stale = {name for name in pages if not fragment_fresh(name)}
        assert stale == {"home", "listing:/section/economy/:1"}
        assert fragment_fresh("home", "ru")

    def test_an_edit_expires_the_article_page_and_its_listings(self, client):
        section = SectionFactory(slug="energy")
        article = ArticleFactory(section=section)
        neighbour = ArticleFactory(section=SectionFactory(slug="sport"))
        for url in (article.get_absolute_url(), neighbour.get_absolute_url(), "/section/energy/"):
            client.get(url)
        article.title = "Edited"
        services.article_save(article)
        assert fragment_fresh(f"article:{article.slug}") is False
        assert fragment_fresh("listing:/section/energy/:1") is False
        assert fragment_fresh(f"article:{neighbour.slug}") is True

    def test_a_day_archive_of_another_day_stays(self, client):
        old = ArticleFactory(published_at=timezone.now() - dt.timedelta(days=40))
        day = timezone.localtime(old.published_at)
        url = f"/{day:%Y}/{day:%m}/{day:%d}/"
        assert client.get(url).status_code == 200
        draft = ArticleFactory(status="draft", published_at=None)
        services.article_publish(Article.objects.get(pk=draft.pk))
        assert fragment_fresh(f"listing:{url}:1") is True


class StampedeTests:
    """A stale or missing fragment is rendered once however many requests want it at once."""

    THREADS = 8

    def run(self, *, prime: bool) -> tuple[list[str], list[str | None]]:
        import threading

        from django.db import connections

        from dastan.content.versioning import versions_bump
        from dastan.web.fragments import cached_fragment

        if prime:
            cached_fragment("block", lambda: "old", edition="en", keys=["home-en"])
            versions_bump(["home-en"])
        renders: list[str] = []
        release = threading.Event()

        def render() -> str:
            renders.append(threading.current_thread().name)
            assert release.wait(30)
            return "new"

        results: list[str | None] = [None] * self.THREADS

        def request(i: int) -> None:
            try:
                results[i] = cached_fragment("block", render, edition="en", keys=["home-en"])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=request, args=(i,)) for i in range(self.THREADS)]
        for thread in threads:
            thread.start()
        # Hold the one render until the others have answered (stale) or are waiting (cold).
        until = time.monotonic() + 30
        while time.monotonic() < until:
            served = sum(r is not None for r in results)
            if renders and (not prime or served == self.THREADS - 1):
                break
            time.sleep(0.01)
        release.set()
        for thread in threads:
            thread.join(30)
        return renders, results

    def test_stale_value_is_served_while_one_request_rebuilds(self, stampede_cache):
        renders, results = self.run(prime=True)
        assert len(renders) == 1
        assert sorted(results) == ["new"] + ["old"] * (self.THREADS - 1)

    def test_without_a_value_the_others_wait_for_the_one_rebuild(self, stampede_cache, settings):
        settings.DASTAN_HTTP_CACHE = {"LOCK_WAIT": 30}
        renders, results = self.run(prime=False)
        assert len(renders) == 1, (renders, results)
        assert results == ["new"] * self.THREADS

    def test_a_value_stored_just_before_the_lock_is_taken_is_not_rendered_again(
        self, stampede_cache, monkeypatch
    ):
        """Read nothing, then another request stores the value and lets go of its lock."""
        from django.core.cache import cache

        from dastan.web.fragments import cached_fragment

        add = cache.add

        def add_after_another_request(key, *args, **kwargs):
            if key.endswith(":lock"):
                monkeypatch.setattr(cache, "add", add)
                cached_fragment("block", lambda: "theirs", edition="en", keys=["home-en"])
            return add(key, *args, **kwargs)

        monkeypatch.setattr(cache, "add", add_after_another_request)
        renders = []
        value = cached_fragment("block", lambda: renders.append(1) or "ours", edition="en")
        assert (value, renders) == ("theirs", [])

    def test_what_is_gone_is_never_served_stale(self, settings):
        """Once a rebuild finds nothing (an unpublished article), the old value is not served."""
        from django.core.cache import cache

        from dastan.content.versioning import versions_bump
        from dastan.web.fragments import cached_fragment

        settings.DASTAN_HTTP_CACHE = {"LOCK_WAIT": 0.05}
        assert cached_fragment("gone", lambda: "story", edition="en", keys=["k"]) == "story"
        versions_bump(["k"])
        assert cached_fragment("gone", lambda: None, edition="en") is None
        cache.add("web:fragment:en:gone:lock", 1)  # another request is rebuilding
        assert cached_fragment("gone", lambda: None, edition="en") is None

    def test_a_failed_rebuild_frees_the_lock(self, stampede_cache):
        from dastan.web.fragments import cached_fragment

        def broken() -> str:
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            cached_fragment("block", broken, edition="en")
        assert cached_fragment("block", lambda: "rendered", edition="en") == "rendered"
