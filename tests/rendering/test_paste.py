"""Clipboard HTML as Word and Google Docs put it on the clipboard, saved from the desk."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering import prepare_body
from dastan.rendering.paste import is_pasted, tidy_pasted

# Word for Windows (the clipboard's "HTML Format" flavour): Mso classes, mso- styles,
# <o:p>, conditional comments around list bullets.
WORD = (Path(__file__).resolve().parents[1] / "data" / "clipboard" / "word.html").read_text()

# Google Docs: one <b> with font-weight:normal around everything; bold and italic as spans.
DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b3c4d-7fff">'
    '<h1 dir="ltr" style="line-height:1.38"><span style="font-size:20pt;font-weight:400">'
    "Budget passes</span></h1>"
    '<p dir="ltr" style="line-height:1.38"><span style="font-weight:400">The vote was </span>'
    '<span style="font-weight:700">close</span><span style="font-weight:400"> and </span>'
    '<span style="font-style:italic;font-weight:400">long</span>.</p></b><br>'
)


class TidyPastedTests:
    def test_word_lists_become_lists_and_office_markup_goes(self):
        body = prepare_body(WORD)
        assert (
            "<ul>" in body and "<li>Taxes rise</li>" in body and "<li>Spending falls</li>" in body
        )
        for leftover in ("Mso", "mso-", "o:p", "<span", "·", "[if", "style"):
            assert leftover not in body
        assert "<i>close</i>" in body

    def test_docs_wrapper_is_not_bold_and_its_styles_become_tags(self):
        body = prepare_body(DOCS)
        assert "<b" not in body
        assert "<h2>Budget passes</h2>" in body
        assert "<strong>close</strong>" in body and "<em>long</em>" in body
        assert "docs-internal-guid" not in body and "style" not in body

    def test_html_without_clipboard_markup_is_left_alone(self):
        html = '<p class="wp-caption">A <span title="x">b</span></p>'
        assert not is_pasted(html)
        assert tidy_pasted(html) is html

    @given(st.text())
    def test_any_text_saves_to_safe_html(self, text):
        body = prepare_body(text + '<span style="mso-list:Ignore">x</span>')
        assert "<script" not in body.lower() and "style=" not in body.lower()


class PrepareBodyTests:
    def test_the_read_more_break_is_kept_between_blocks(self):
        body = prepare_body("<p>Lead.</p><p><!--more--></p><p>Rest.</p>")
        assert body == "<p>Lead.</p>\n<!--more-->\n<p>Rest.</p>"
        assert prepare_body(body) == body

    def test_blank_lines_still_become_paragraphs(self):
        assert prepare_body("One.\n\nTwo.") == "<p>One.</p>\n<p>Two.</p>"

    def test_what_the_editor_writes_is_kept(self):
        html = (
            '<figure class="wp-block-pullquote"><blockquote><p>Pull</p></blockquote></figure>'
            '<figure class="wp-block-image"><img src="/media/a.jpg" alt="A">'
            '<figcaption>Caption<span class="wp-credit">Photo: AP</span></figcaption></figure>'
            "<table><tbody><tr><th>a</th></tr><tr><td>b</td></tr></tbody></table>"
            "<p>[embed]https://t.me/durov/12[/embed]</p>"
        )
        body = prepare_body(html)
        for kept in (
            "wp-block-pullquote",
            'class="wp-credit"',
            "<th>a</th>",
            "[embed]https://t.me",
        ):
            assert kept in body
