from __future__ import annotations

import pytest

from dastan.rendering.markup import safe_url


class SafeUrlTests:
    @pytest.mark.parametrize(
        "url", ["https://x/a?b=1", "/relative/path", "page.html", "//cdn.example/a.jpg"]
    )
    def test_relative_and_http_urls_kept(self, url: str) -> None:
        """Relative and http(s) URLs pass unchanged."""
        assert safe_url(url) == url

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "java\nscript:alert(1)", "data:,x"])
    def test_other_schemes_refused(self, url: str) -> None:
        """Any scheme outside the allowed ones, however it is spaced, gives ''."""
        assert safe_url(url) == ""

    @pytest.mark.parametrize(
        "url", ["http://[::1", "http://[x]/", "https://x:99999/", "http://x:-1/"]
    )
    def test_unparseable_urls_refused(self, url: str) -> None:
        """A URL urlsplit() cannot read is no URL: callers may split what they get back."""
        assert safe_url(url) == ""
