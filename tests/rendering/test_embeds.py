from __future__ import annotations

import pytest

from dastan.rendering import default_registry
from dastan.rendering.embeds import autoembed, embed_html, find_video

from .trees import find_all


class FindVideoTests:
    @pytest.mark.parametrize(
        "url",
        [
            "https://www.youtube.com/watch?v=abc123XYZ",
            "http://youtube.com/watch?feature=share&v=abc123XYZ",
            "https://m.youtube.com/watch?v=abc123XYZ",
            "https://youtu.be/abc123XYZ",
            "https://www.youtube.com/embed/abc123XYZ",
            "https://www.youtube.com/shorts/abc123XYZ",
            "https://www.youtube-nocookie.com/embed/abc123XYZ",
        ],
    )
    def test_youtube_forms(self, url: str) -> None:
        """Every YouTube URL form plays from youtube-nocookie.com."""
        video = find_video(url)
        assert video is not None
        assert video.src == "https://www.youtube-nocookie.com/embed/abc123XYZ"

    def test_youtube_start_time(self) -> None:
        """t=1m30s becomes start=90."""
        video = find_video("https://youtu.be/abc123XYZ?t=1m30s")
        assert video is not None and video.src.endswith("?start=90")

    @pytest.mark.parametrize(
        ("url", "src"),
        [
            ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
            (
                "https://vimeo.com/76979871/ab12cd",
                "https://player.vimeo.com/video/76979871?dnt=1&h=ab12cd",
            ),
            (
                "https://player.vimeo.com/video/76979871",
                "https://player.vimeo.com/video/76979871?dnt=1",
            ),
            (
                "https://vimeo.com/channels/staffpicks/76979871",
                "https://player.vimeo.com/video/76979871?dnt=1",
            ),
        ],
    )
    def test_vimeo_forms(self, url: str, src: str) -> None:
        """Vimeo plays from player.vimeo.com with dnt=1, keeping an unlisted hash."""
        video = find_video(url)
        assert video is not None and video.src == src

    @pytest.mark.parametrize(
        "url",
        [
            "https://example.com/watch?v=abc123XYZ",
            "https://www.youtube.com/watch?v=<script>",
            "https://youtube.com.evil.org/watch?v=abc123XYZ",
            "javascript:alert(1)//youtube.com/watch?v=abc123XYZ",
            "https://vimeo.com/about",
        ],
    )
    def test_others_are_not_videos(self, url: str) -> None:
        """Other hosts, odd ids and other schemes are not videos."""
        assert find_video(url) is None


class EmbedTests:
    def test_example(self) -> None:
        """[embed width=600]URL[/embed] gives a lazy, titled, privacy-friendly iframe."""
        html = default_registry.render(
            "[embed width=600]https://www.youtube.com/watch?v=abc123XYZ[/embed]"
        )
        (iframe,) = find_all(html, "iframe")
        assert iframe["src"] == "https://www.youtube-nocookie.com/embed/abc123XYZ"
        assert iframe["width"] == "600" and iframe["height"] == "338"
        assert iframe["loading"] == "lazy" and iframe["title"] == "YouTube video"

    def test_unknown_provider_is_a_link(self) -> None:
        """A URL on an unknown host becomes a plain link."""
        assert embed_html("https://example.com/a?b=1&c=2") == (
            '<a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>'
        )

    def test_unsafe_url_is_text(self) -> None:
        """A javascript: URL is neither embedded nor linked, only shown escaped."""
        assert embed_html("javascript:alert('<x>')") == "javascript:alert('&lt;x&gt;')"

    @pytest.mark.parametrize(
        "url", ["http://[::1", "https://www.youtube.com:99999/watch?v=abc123XYZ"]
    )
    def test_unparseable_url_is_text(self, url: str) -> None:
        """A URL that urlsplit() refuses (bad IPv6 host, port past 65535) is only shown.

        The ValueError it raised made every page showing such a body answer 500.
        """
        assert find_video(url) is None
        assert "<a" not in embed_html(url)
        assert autoembed(f"<p>{url}</p>") == f"<p>{url}</p>"

    def test_empty_embed(self) -> None:
        """[embed] without a URL renders nothing."""
        assert default_registry.render("[embed][/embed]") == ""


class AutoembedTests:
    def test_url_alone_on_its_line(self) -> None:
        """A YouTube URL alone on its line becomes a player."""
        html = autoembed("Watch:\nhttps://youtu.be/abc123XYZ\nThen read.")
        assert len(find_all(html, "iframe")) == 1
        assert html.startswith("Watch:\n<figure") and html.endswith("</figure>\nThen read.")

    def test_url_alone_in_paragraph(self) -> None:
        """A Vimeo URL alone in a <p> replaces the paragraph."""
        html = autoembed("<p>Intro</p>\n<p> https://vimeo.com/12345 </p>")
        assert html == "<p>Intro</p>\n" + embed_html("https://vimeo.com/12345")

    def test_url_in_sentence_untouched(self) -> None:
        """A URL inside a sentence, a link or an attribute is left alone."""
        text = (
            "See https://youtu.be/abc123XYZ now\n"
            '<a href="https://youtu.be/abc123XYZ">\nhttps://youtu.be/abc123XYZ</a>\n'
            '<img alt="\nhttps://youtu.be/abc123XYZ\n">'
        )
        assert autoembed(text) == text

    def test_unknown_provider_untouched(self) -> None:
        """A lone URL on another host stays as written."""
        assert autoembed("https://example.com/story\n") == "https://example.com/story\n"


class SocialPostTests:
    def test_posts_become_link_cards_naming_the_network(self):
        from dastan.rendering.embeds import embed_html, find_post

        assert find_post("https://twitter.com/jack/status/20").url == "https://x.com/jack/status/20"
        assert find_post("https://t.me/s/durov/123").url == "https://t.me/durov/123"
        assert find_post("https://www.instagram.com/reel/Cabc123/").provider == "instagram"
        assert find_post("https://x.com/jack") is None
        assert find_post("javascript:alert(1)//t.me/a/1") is None
        card = embed_html("https://x.com/jack/status/20")
        assert card.startswith('<figure class="embed embed-x"><blockquote')
        assert "Post by @jack on X" in card and "<script" not in card
