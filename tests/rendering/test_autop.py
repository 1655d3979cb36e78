from __future__ import annotations

import pytest

from dastan.rendering.autop import autop, shortcode_unautop


class AutopTests:
    @pytest.mark.parametrize(
        ("text", "html"),
        [
            ("", ""),
            ("   \n\n ", ""),
            ("One", "<p>One</p>\n"),
            ("One\n\nTwo", "<p>One</p>\n<p>Two</p>\n"),
            ("One\n\n\n\nTwo", "<p>One</p>\n<p>Two</p>\n"),
            ("One\r\n\r\nTwo", "<p>One</p>\n<p>Two</p>\n"),
            ("Line one\nLine two", "<p>Line one<br />\nLine two</p>\n"),
            ("a<br><br>b", "<p>a</p>\n<p>b</p>\n"),
            ("a<br/>\nb", "<p>a<br />\nb</p>\n"),
        ],
    )
    def test_paragraphs_and_breaks(self, text: str, html: str) -> None:
        """Blank lines make paragraphs, single newlines <br />, as in WordPress."""
        assert autop(text, shortcodes=()) == html

    def test_br_off(self) -> None:
        """br=False keeps single newlines as they are."""
        assert autop("a\nb", br=False, shortcodes=()) == "<p>a\nb</p>\n"

    def test_block_elements_not_wrapped(self) -> None:
        """Block-level elements get no <p> around them."""
        assert autop("<h2>Title</h2>\nText\n<div>Box</div>", shortcodes=()) == (
            "<h2>Title</h2>\n<p>Text</p>\n<div>Box</div>\n"
        )

    def test_lists(self) -> None:
        """List items are neither wrapped nor broken."""
        text = "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
        assert autop(text, shortcodes=()) == text + "\n"

    def test_blockquote_paragraphs_inside(self) -> None:
        """Paragraphs go inside a blockquote, not around it."""
        assert autop("<blockquote>Quote\n\nMore</blockquote>", shortcodes=()) == (
            "<blockquote><p>Quote</p>\n<p>More</p></blockquote>\n"
        )

    def test_pre_preserved(self) -> None:
        """<pre> content, blank lines included, is kept exactly."""
        pre = "<pre>line 1\n\nline 2\n  indented</pre>"
        assert autop(f"Before\n\n{pre}\n\nAfter", shortcodes=()) == (
            f"<p>Before</p>\n{pre}\n<p>After</p>\n"
        )

    def test_newlines_inside_tags_kept(self) -> None:
        """A newline inside a tag or comment does not become <br />."""
        assert autop('<a\nhref="/x">link</a>\ntext', shortcodes=()) == (
            '<p><a\nhref="/x">link</a><br />\ntext</p>\n'
        )

    def test_script_keeps_newlines(self) -> None:
        """Newlines inside <script> and <style> get no <br />."""
        assert autop("<script>a\nb</script>", shortcodes=()) == "<p><script>a\nb</script></p>\n"

    def test_figcaption_collapsed(self) -> None:
        """Line breaks around <figcaption> are removed."""
        html = autop(
            '<figure><img src="a.jpg">\n<figcaption>Cap</figcaption>\n</figure>', shortcodes=()
        )
        assert html == '<figure><img src="a.jpg"><figcaption>Cap</figcaption></figure>\n'

    def test_hr(self) -> None:
        """<hr> stands between paragraphs."""
        assert autop("a<hr>b", shortcodes=()) == "<p>a</p>\n<hr>\n<p>b</p>\n"

    def test_standalone_shortcode_not_wrapped(self) -> None:
        """A registered shortcode alone in its paragraph is not wrapped in <p>."""
        text = (
            'Intro\n\n[gallery ids="1,2"]\n\n[caption width="3"]<img src="a"> Cap[/caption]\n\nEnd'
        )
        assert autop(text) == (
            '<p>Intro</p>\n[gallery ids="1,2"]\n'
            '[caption width="3"]<img src="a"> Cap[/caption]\n<p>End</p>\n'
        )

    def test_inline_and_unknown_shortcodes_wrapped(self) -> None:
        """Shortcodes within text, unknown ones and escaped ones stay in paragraphs."""
        assert autop("See [gallery] here\n\n[pullquote]x[/pullquote]\n\n[[gallery]]") == (
            "<p>See [gallery] here</p>\n<p>[pullquote]x[/pullquote]</p>\n<p>[[gallery]]</p>\n"
        )


class ShortcodeUnautopTests:
    def test_spaces_allowed(self) -> None:
        """Spaces and &nbsp; around the shortcode do not stop the unwrapping."""
        assert (
            shortcode_unautop("<p>&nbsp; [embed]u[/embed] \n</p>", ["embed"]) == "[embed]u[/embed]"
        )

    def test_no_names(self) -> None:
        """With no names nothing changes."""
        assert shortcode_unautop("<p>[embed]</p>", []) == "<p>[embed]</p>"
