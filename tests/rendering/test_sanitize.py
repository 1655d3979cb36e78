from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering.sanitize import sanitize_html

from .trees import find_all, unsafe_parts

# Classic vectors, after the OWASP XSS filter evasion cheat sheet.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<figure style="width: 1px; background:url(javascript:alert(1))">x</figure>',
    "<style>@import 'http://evil/x.css';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<video poster="javascript:alert(1)"></video>',
    "<a href=x onmouseover=alert(1)>x</a>",
    "<<script>alert(1);//<</script>",
    '<img """><script>alert(1)</script>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<template><img src=x onerror=alert(1)></template>",
]


class SanitizeTests:
    @pytest.mark.parametrize("vector", XSS_VECTORS)
    def test_xss_vectors(self, vector: str) -> None:
        """No script, event handler or script URL survives."""
        assert unsafe_parts(sanitize_html(vector)) == []

    def test_news_body_kept(self) -> None:
        """Ordinary article markup passes unchanged."""
        body = (
            '<h2>Heading</h2><p>Text with <a href="https://example.org/" title="t">a link</a>, '
            "<em>em</em>, <strong>strong</strong> and <code>code</code>.</p>"
            '<blockquote cite="https://x/"><p>Quote</p></blockquote>'
            '<ul><li>one</li></ul><ol start="3"><li>three</li></ol>'
            '<figure><img src="/a.jpg" alt="A" width="10" height="5" loading="lazy" '
            'srcset="/a.jpg 1x, /b.jpg 2x"><figcaption>Cap</figcaption></figure>'
            '<table><thead><tr><th scope="col">h</th></tr></thead>'
            '<tbody><tr><td colspan="2">d</td></tr></tbody></table>'
            "<pre><code>x = 1</code></pre><p>a<br>b</p>"
        )
        assert sanitize_html(body) == body

    def test_links_get_no_target_or_rel(self) -> None:
        """target is dropped and no rel is added: editorial links stay followed."""
        html = sanitize_html('<a href="https://x/" target="_blank" rel="nofollow">x</a>')
        assert html == '<a href="https://x/">x</a>'

    def test_mail_and_phone_links(self) -> None:
        """mailto: and tel: links are allowed."""
        html = '<a href="mailto:desk@example.org">m</a><a href="tel:+15551234">t</a>'
        assert sanitize_html(html) == html

    def test_youtube_iframe_rewritten(self) -> None:
        """A youtube.com iframe is kept but plays from youtube-nocookie.com."""
        html = sanitize_html(
            '<iframe src="https://www.youtube.com/embed/abc123XYZ" width="560" '
            'allow="autoplay; encrypted-media" allowfullscreen onload="x()">fallback</iframe>'
        )
        (iframe,) = find_all(html, "iframe")
        assert iframe == {
            "src": "https://www.youtube-nocookie.com/embed/abc123XYZ",
            "width": "560",
            "allow": "encrypted-media",
            "allowfullscreen": "",
        }
        assert "fallback" not in html

    def test_other_iframes_removed(self) -> None:
        """An iframe from any other host is removed with its content."""
        assert (
            sanitize_html('<p>a<iframe src="https://evil.example/x">t</iframe>b</p>') == "<p>ab</p>"
        )

    def test_classes_and_ids_limited(self) -> None:
        """Only WordPress layout classes and attachment ids survive."""
        html = sanitize_html(
            '<figure id="attachment_5" class="wp-caption alignleft hidden modal">'
            '<img class="size-large wp-image-5" id="csrftoken" src="/a.jpg"></figure>'
        )
        assert html == (
            '<figure id="attachment_5" class="wp-caption alignleft">'
            '<img class="size-large wp-image-5" src="/a.jpg"></figure>'
        )

    def test_style_only_width_on_figure(self) -> None:
        """style survives only as width: Npx on figure."""
        html = sanitize_html('<figure style="width:800px">x</figure><p style="color:red">y</p>')
        assert html == '<figure style="width: 800px">x</figure><p>y</p>'

    def test_shortcode_text_untouched(self) -> None:
        """Shortcode syntax is text and survives, so it can be expanded later."""
        text = '<p>[caption id="attachment_1" width="300"]<img src="/a.jpg"> Cap[/caption]</p>'
        assert sanitize_html(text) == text

    def test_empty(self) -> None:
        """An empty body stays empty."""
        assert sanitize_html("") == ""

    @given(
        st.lists(
            st.sampled_from([*XSS_VECTORS, "<p>", "</p>", "text", '"', "'", "<", ">", "=", "[x]"]),
            max_size=12,
        )
    )
    def test_any_mix_of_vectors_is_clean(self, parts: list[str]) -> None:
        """Concatenations of vectors and fragments never yield dangerous markup."""
        assert unsafe_parts(sanitize_html("".join(parts))) == []
