from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering import ShortcodeRegistry, default_registry, render_body

from .test_shortcodes import EXAMPLES
from .trees import find_all, tree, unsafe_parts

# Payloads hidden in shortcode attributes and content.
SMUGGLED = [
    '[caption id="attachment_1" width="100"]<img src="/a.jpg" onerror="alert(1)">'
    " <script>alert(2)</script>[/caption]",
    '[caption width="100" caption="<img src=x onerror=alert(1)>"]<img src="/a.jpg">[/caption]',
    '[caption width="100" caption=\'<a href="javascript:alert(1)">x</a>\']'
    '<img src="/a.jpg">[/caption]',
    '[caption id=\'"><script>alert(1)</script>\' width="1"]<img src="/a"> x[/caption]',
    '[caption align="alignleft onmouseover=alert(1)" width="1"]<img src="/a"> x[/caption]',
    '[video src="javascript:alert(1)"]',
    "[video src='/a.mp4\" onerror=\"alert(1)']",
    '[video poster="javascript:alert(1)" src="/a.mp4"]',
    "[audio src='/a.mp3\"><script>alert(1)</script>']",
    "[embed]javascript:alert(1)[/embed]",
    '[embed]https://youtu.be/x"onload="alert(1)[/embed]',
    "[embed]<script>alert(1)</script>[/embed]",
    "[embed width='1\" onload=\"alert(1)']https://youtu.be/abc123XYZ[/embed]",
    '<p>https://youtu.be/abc123XYZ"onload=alert(1)//</p>',
    '<a title="[embed]https://youtu.be/abc123XYZ[/embed]">x</a>',
]


class RenderBodyTests:
    def test_caption_example(self) -> None:
        """A stored WordPress caption renders as WordPress's HTML5 figure."""
        example = EXAMPLES[0]
        assert tree(render_body(example["input"])) == tree(
            example["expect"]["wordpress_html5_output"]
        )

    @pytest.mark.parametrize("body", SMUGGLED)
    def test_nothing_smuggled_through_shortcodes(self, body: str) -> None:
        """No script, event handler or javascript: URL survives, whatever the shortcode."""
        assert unsafe_parts(render_body(body)) == []

    def test_script_in_stored_body_removed(self) -> None:
        """Scripts in the stored body are removed before and after expansion."""
        assert render_body("<p>Hi<script>alert(1)</script></p>") == "<p>Hi</p>"

    def test_standalone_shortcode_unwrapped(self) -> None:
        """A media shortcode alone in a paragraph leaves no empty paragraphs."""
        html = render_body("<p>Intro</p>\n<p>[embed]https://vimeo.com/123[/embed]</p>")
        assert "<p></p>" not in html and html.startswith("<p>Intro</p>\n<figure")

    def test_lone_url_embedded(self) -> None:
        """A YouTube URL alone in a paragraph becomes a nocookie player."""
        (iframe,) = find_all(
            render_body("<p>https://www.youtube.com/watch?v=abc123XYZ&amp;t=5</p>"), "iframe"
        )
        assert iframe["src"] == "https://www.youtube-nocookie.com/embed/abc123XYZ?start=5"

    def test_urls_not_double_escaped(self) -> None:
        """An '&' in a shortcode URL is escaped exactly once."""
        html = render_body('<p>[audio src="https://x/a.mp3?a=1&b=2"]</p>')
        assert 'src="https://x/a.mp3?a=1&amp;b=2"' in html

    def test_gallery_with_resolver(self) -> None:
        """resolve_attachments gives galleries their images without changing the default."""
        html = render_body(
            '[gallery ids="7"]', resolve_attachments=lambda ids: {7: ("/7.jpg", "Seven", "")}
        )
        assert find_all(html, "img") == [
            {"src": "/7.jpg", "alt": "Seven", "loading": "lazy", "decoding": "async"}
        ]
        assert render_body('[gallery ids="7"]') == ""

    def test_own_registry(self) -> None:
        """A newsroom's registry adds shortcodes; their output is sanitized too."""
        registry = default_registry.copy()
        registry.register(
            "pullquote",
            lambda s, r: f"<blockquote onclick='x'><p>{s.content}</p></blockquote>",
        )
        assert render_body("[pullquote]We will rebuild.[/pullquote]", registry=registry) == (
            "<blockquote><p>We will rebuild.</p></blockquote>"
        )

    def test_unknown_shortcodes_shown_as_written(self) -> None:
        """Unregistered shortcodes stay visible text, as in WordPress."""
        assert render_body("<p>[pullquote]x[/pullquote]</p>") == "<p>[pullquote]x[/pullquote]</p>"

    def test_registry_type(self) -> None:
        """The default registry is a ShortcodeRegistry with the built-in media shortcodes."""
        assert isinstance(default_registry, ShortcodeRegistry)
        assert {
            "caption",
            "wp_caption",
            "gallery",
            "embed",
            "video",
            "audio",
        } <= default_registry.names

    @given(
        st.lists(
            st.sampled_from(
                [
                    *SMUGGLED,
                    "[caption",
                    "[/caption]",
                    "[video ",
                    "]",
                    "[",
                    '"',
                    "'",
                    "<p>",
                    "</p>",
                    "<img src=x",
                    " onerror=alert(1)",
                    ">",
                    "javascript:",
                    "\n",
                ]
            ),
            max_size=10,
        )
    )
    def test_any_mix_is_safe(self, parts: list[str]) -> None:
        """Any concatenation of payloads and fragments renders without live script."""
        assert unsafe_parts(render_body("".join(parts))) == []
