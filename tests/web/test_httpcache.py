"""Reader pages carry validators, answer 304, and say who may cache them and under which keys."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dastan.content import services
from dastan.content.models import Article
from dastan.web.httpcache import HttpCacheMiddleware
from tests.factories import ArticleFactory, SectionFactory, TagFactory, staff_user

pytestmark = pytest.mark.django_db

READER_PAGES = [
    "/",
    "/ru/",
    "/section/economy/",
    "/tag/energy/",
    "/2026/",
    "/corrections/",
    "/search/?q=story",
    "/markets/",
    "/robots.txt",
]


@pytest.fixture
def story():
    section = SectionFactory(name="Economy", slug="economy")
    return ArticleFactory(title="A story", section=section, tags=[TagFactory(slug="energy")])


def directives(response) -> dict[str, str]:
    found = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        found[name] = value
    return found


class ValidatorTests:
    @pytest.mark.parametrize("url", READER_PAGES)
    def test_every_reader_page_has_a_strong_etag_and_answers_304(self, client, story, url):
        response = client.get(url)
        assert response.status_code == 200
        etag = response["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag

    def test_the_article_and_the_markets_csv_answer_304(self, client, story):
        for url in (story.get_absolute_url(), "/markets/USD.csv"):
            response = client.get(url)
            assert response.status_code in (200, 404)
            if response.status_code == 200:
                assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_an_old_etag_gets_the_new_page_after_an_edit(self, client, story):
        url = story.get_absolute_url()
        etag = client.get(url)["ETag"]
        story.title = "A story, corrected"
        services.article_save(story)
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert "A story, corrected" in response.content.decode()
        assert response["ETag"] != etag

    def test_head_has_the_headers_of_get_and_no_body(self, client, story):
        get = client.get("/")
        head = client.head("/")
        assert head.status_code == 200 and head.content == b""
        for name in ("ETag", "Cache-Control", "Surrogate-Key", "Content-Length"):
            assert head[name] == get[name]
        assert client.head("/", HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304

    def test_head_sends_no_body_whatever_the_server(self, rf: RequestFactory):
        """gunicorn writes the body it is given even to HEAD: the middleware gives none."""

        def view(request):
            return HttpResponse("x" * 100, headers={"Content-Length": "100"})

        view.reader_page = True
        middleware = HttpCacheMiddleware(lambda request: _run(middleware, view, request))
        get, head = middleware(rf.get("/")), middleware(rf.head("/"))
        assert head.content == b"" and get.content == b"x" * 100
        assert head["Content-Length"] == "100" and head["ETag"] == get["ETag"]

    def test_a_response_with_its_own_validators_keeps_them(self, rf: RequestFactory):
        """A feed's ETag and Last-Modified (Django's ``condition``) are left as they are."""

        def view(request):
            response = HttpResponse("feed")
            response["ETag"] = '"feed-1"'
            response["Last-Modified"] = "Mon, 30 Nov 2026 10:00:00 GMT"
            return response

        view.reader_page = True
        middleware = HttpCacheMiddleware(lambda request: _run(middleware, view, request))
        response = middleware(rf.get("/feed/"))
        assert response["ETag"] == '"feed-1"'
        assert response["Last-Modified"] == "Mon, 30 Nov 2026 10:00:00 GMT"
        assert "public" in response["Cache-Control"]

    @hypothesis_settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        etag=st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=80),
        since=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    )
    def test_any_conditional_header_gets_a_page_or_a_304(self, client, etag, since):
        response = client.get("/", HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=since)
        assert response.status_code in (200, 304)


def _run(middleware, view, request):
    middleware.process_view(request, view, (), {})
    return view(request)


class CacheControlTests:
    @pytest.mark.parametrize(
        ("url", "kind"),
        [("/", "home"), ("/section/economy/", "listing"), ("/search/?q=x", "search")],
    )
    def test_each_page_type_takes_its_policy_from_settings(
        self, client, story, settings, url, kind
    ):
        settings.DASTAN_HTTP_CACHE = {
            "PAGES": {
                kind: {
                    "max_age": 7,
                    "s_maxage": 70,
                    "stale_while_revalidate": 17,
                    "stale_if_error": 700,
                }
            }
        }
        found = directives(client.get(url))
        assert found == {
            "public": "",
            "max-age": "7",
            "s-maxage": "70",
            "stale-while-revalidate": "17",
            "stale-if-error": "700",
        }

    def test_the_article_page_has_the_article_policy(self, client, story, settings):
        """A setting for one page type leaves the others' defaults."""
        settings.DASTAN_HTTP_CACHE = {"PAGES": {"home": {"max_age": 1}}}
        found = directives(client.get(story.get_absolute_url()))
        assert "public" in found and found["s-maxage"] == "3600"

    @pytest.mark.parametrize("url", READER_PAGES)
    def test_anonymous_pages_vary_on_nothing(self, client, story, url):
        """The edition is in the path: no Vary: Cookie or Accept-Language for a shared cache."""
        response = client.get(url)
        assert "Vary" not in response
        assert not response.cookies

    def test_a_missing_article_is_kept_briefly(self, client, story):
        response = client.get("/2026/01/01/no-such-story/")
        assert response.status_code == 404
        assert directives(response)["s-maxage"] == "10"

    def test_a_staff_members_pages_are_private(self, client, story):
        client.force_login(staff_user("ed", "Editor"))
        for url in ("/", story.get_absolute_url()):
            response = client.get(url)
            assert response["Cache-Control"] == "private, no-store"
            assert "ETag" not in response and "Surrogate-Key" not in response

    def test_admin_and_preview_are_private(self, client, story):
        client.force_login(staff_user("ed", "Editor"))
        for url in ("/admin/", f"/newsroom/preview/{story.pk}/"):
            found = directives(client.get(url))
            assert "private" in found and "no-store" in found and "public" not in found

    def test_a_page_that_is_not_a_reader_page_is_private(self, client):
        assert directives(client.get("/admin/login/")).keys() >= {"private", "no-store"}

    def test_a_response_setting_a_cookie_is_private(self, rf: RequestFactory):
        def view(request):
            response = HttpResponse("page")
            response.set_cookie("csrftoken", "x")
            return response

        view.reader_page = True
        middleware = HttpCacheMiddleware(lambda request: _run(middleware, view, request))
        response = middleware(rf.get("/"))
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response


class SurrogateKeyTests:
    def test_a_listing_names_its_subject_its_articles_and_its_edition(self, client, story):
        response = client.get("/section/economy/")
        keys = set(response["Surrogate-Key"].split())
        # breaking-en: the breaking-news banner every page of the edition carries.
        expected = {"site", "edition-en", "breaking-en", f"section-{story.section_id}"}
        assert keys == expected | {f"article-{story.pk}"}
        assert set(response["Cache-Tag"].split(",")) == keys

    def test_keys_survive_the_fragment_cache(self, client, story):
        """A page served from cached fragments names the same keys as when it was rendered."""
        first = client.get("/")["Surrogate-Key"]
        assert f"article-{story.pk}" in first and "home-en" in first
        assert client.get("/")["Surrogate-Key"] == first

    def test_an_article_names_itself_and_its_translations(self, client, story):
        ru = ArticleFactory(language="ru")
        services.translations_link([story, ru])
        keys = set(client.get(story.get_absolute_url())["Surrogate-Key"].split())
        expected = {"site", "edition-en", "breaking-en", f"article-{story.pk}", f"article-{ru.pk}"}
        assert keys == expected

    @pytest.mark.django_db(transaction=True)
    def test_the_keys_a_publish_expires_cover_the_pages_that_show_it(self, client, story):
        """Every page the new article shows on carries one of the keys its publish sends."""
        from dastan.content.signals import content_expired

        draft = ArticleFactory(status="draft", published_at=None, section=story.section)
        sent = []
        content_expired.connect(
            lambda sender, keys, **kw: sent.extend(keys), weak=False, dispatch_uid="test-sent"
        )
        try:
            services.article_publish(Article.objects.get(pk=draft.pk))
        finally:
            content_expired.disconnect(dispatch_uid="test-sent")
        published = Article.objects.get(pk=draft.pk)
        for url in ("/", "/section/economy/", published.get_absolute_url(), "/search/?q=x"):
            page_keys = set(client.get(url)["Surrogate-Key"].split())
            assert page_keys & set(sent), url
