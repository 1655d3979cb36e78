from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastan.rendering.excerpts import clip_text, make_excerpt, plain_text

from .test_shortcodes import EXAMPLES

CAPTION = (
    '[caption id="attachment_1" align="alignleft" width="800"]'
    '<img src="/flood.jpg" alt="Flood"> Water covers Main Street.[/caption]'
)


def words(count: int) -> str:
    return " ".join(f"w{n}" for n in range(1, count + 1))


class MakeExcerptTests:
    def test_cut_at_word_count(self) -> None:
        """A longer text is cut after exactly ``words`` words and ends with '...'."""
        assert make_excerpt(f"<p>{words(60)}</p>") == words(55) + "..."
        assert make_excerpt(f"<p>{words(10)}</p>", words=3) == "w1 w2 w3..."

    def test_not_cut_no_ellipsis(self) -> None:
        """A text of ``words`` words or fewer is returned whole, without '...'."""
        assert make_excerpt(f"<p>{words(55)}</p>") == words(55)
        assert make_excerpt("<p>Short.</p>") == "Short."

    def test_custom_more(self) -> None:
        """``more`` replaces the ellipsis."""
        assert make_excerpt(words(5), words=2, more=" [\u2026]") == "w1 w2 [\u2026]"

    def test_caption_never_leaks(self) -> None:
        """A caption, its image and its text stay out of the excerpt."""
        html = f"<p>{CAPTION}</p><p>The river rose overnight.</p>"
        assert make_excerpt(html) == "The river rose overnight."

    @pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
    def test_no_shortcode_syntax(self, example: dict) -> None:
        """No example's shortcode syntax shows in an excerpt."""
        excerpt = make_excerpt(example["input"])
        for name in ("caption", "gallery", "video", "embed", "pullquote", "Gallery"):
            assert f"[{name}" not in excerpt and f"[/{name}" not in excerpt

    def test_media_shortcodes_removed(self) -> None:
        """Gallery, embed, video and audio go, with the embed URL."""
        html = (
            '[gallery ids="1,2"] Lead [embed]https://youtu.be/abc123XYZ[/embed] text '
            '[video src="/a.mp4"][/video][audio src="/a.mp3"] end'
        )
        assert make_excerpt(html) == "Lead text end"

    def test_unknown_shortcodes_keep_their_text(self) -> None:
        """Unknown shortcode tags go; the words they enclose stay."""
        html = '[pullquote]We will rebuild.[/pullquote] [contact-form-7 id="3"] [note a="b"]'
        assert make_excerpt(html) == "We will rebuild."

    def test_editorial_brackets_kept(self) -> None:
        """Brackets that are not shortcodes, like [sic], are the writer's words."""
        assert make_excerpt("He said [sic] that [the mayor] won [1].") == (
            "He said [sic] that [the mayor] won [1]."
        )

    def test_tags_and_entities(self) -> None:
        """Tags are removed without merging words, and entities are decoded."""
        html = "<h2>Fish&nbsp;&amp;&#32;chips</h2><p>A&lt;B</p><script>x()</script><p>End</p>"
        assert make_excerpt(html) == "Fish & chips A<B End"

    def test_whitespace_normalised(self) -> None:
        """Runs of whitespace become one space."""
        assert make_excerpt("  a \n\n\t b  ") == "a b"

    def test_empty(self) -> None:
        """An empty body or one with only media gives an empty excerpt."""
        assert make_excerpt("") == ""
        assert make_excerpt(CAPTION) == ""

    @given(
        st.lists(
            st.one_of(
                st.text(max_size=20),
                st.sampled_from(
                    [
                        CAPTION,
                        "[caption",
                        "[[caption]]",
                        "[/caption]",
                        "[",
                        "]",
                        "<p>",
                        "</p>",
                        "<b>",
                        "&#91;",
                        "caption",
                        "[caption]x[/caption]",
                    ]
                ),
            ),
            max_size=10,
        ),
        st.integers(min_value=1, max_value=60),
    )
    def test_caption_syntax_never_shows(self, parts: list[str], count: int) -> None:
        """Whatever surrounds it, "[caption" never appears and word counts hold."""
        excerpt = make_excerpt("".join(parts), words=count)
        assert "[caption" not in excerpt.lower()
        assert len(excerpt.removesuffix("...").split()) <= count


class PlainTextTests:
    def test_block_boundaries_separate_words(self) -> None:
        """Adjacent paragraphs and list items do not run together."""
        assert plain_text("<p>one</p><p>two</p><ul><li>three</li></ul>") == "one two three"

    def test_figures_and_iframes_skipped(self) -> None:
        """Figure captions and embedded players are not story text."""
        html = '<figure><img src="/a"><figcaption>Cap</figcaption></figure><iframe>x</iframe>Text'
        assert plain_text(html) == "Text"


class ExcerptPunctuationTests:
    def test_cut_drops_the_last_words_punctuation_before_the_ellipsis(self):
        """A cut after "sites," reads "sites..." and not "sites,...", nor "end...." after a stop."""
        assert make_excerpt("<p>one two sites, four five</p>", words=3) == "one two sites..."
        assert make_excerpt("<p>Это конец. Дальше текст</p>", words=2) == "Это конец..."

    def test_uncut_text_keeps_its_punctuation(self):
        assert make_excerpt("<p>Short text.</p>", words=55) == "Short text."


class CharacterCapTests:
    """Words alone do not bound an excerpt: one 50 MB "word" made a 52 MB card."""

    def test_one_huge_word_is_capped(self) -> None:
        excerpt = make_excerpt("<p>" + "x" * 5_000_000 + "</p>", chars=500)
        assert excerpt == "x" * 497 + "..."

    def test_long_words_are_capped_at_a_space(self) -> None:
        body = " ".join(["word" * 30] * 55)
        excerpt = make_excerpt(body, chars=500)
        assert len(excerpt) <= 500
        assert excerpt.endswith("word...")
        assert set(excerpt[:-3].split(" ")) == {"word" * 30}

    def test_word_cut_that_fits_is_unchanged(self) -> None:
        assert make_excerpt(words(60), chars=500) == words(55) + "..."

    def test_word_cut_with_no_room_for_the_dots_is_cut_by_characters(self) -> None:
        assert make_excerpt(words(10), words=3, chars=10) == "w1 w2..."

    @pytest.mark.parametrize(
        "grapheme",
        [
            "e\u0301",  # e and a combining acute accent
            "\U0001f469\u200d\U0001f4bb",  # woman technologist: a ZWJ sequence
            "\U0001f44d\U0001f3fd",  # thumbs up with a skin tone
            "\U0001f1f0\U0001f1ff",  # the flag of Kazakhstan: two regional indicators
            "\u0915\u094d\u0937",  # Devanagari kssa
        ],
    )
    def test_cut_never_splits_a_grapheme(self, grapheme) -> None:
        for start in range(4):
            text = "a" * start + grapheme * 100
            clipped = clip_text(text, 50)
            kept = clipped.removesuffix("...")[start:]
            assert kept == grapheme * (len(kept) // len(grapheme)), (start, clipped)
            assert len(clipped) <= 50

    @given(st.text(), st.integers(min_value=3, max_value=200))
    def test_clip_is_bounded_and_a_prefix(self, text, chars) -> None:
        clipped = clip_text(text, chars)
        assert len(clipped) <= chars
        if clipped != text:
            assert clipped.endswith("...")
            assert text.startswith(clipped.removesuffix("...").rstrip(".,;:"))

    @given(st.text(), st.integers(1, 80), st.integers(3, 600))
    def test_excerpt_is_bounded(self, text, count, chars) -> None:
        assert len(make_excerpt(text, words=count, chars=chars)) <= chars


class ReadMoreTests:
    def test_the_break_ends_the_excerpt(self):
        from dastan.rendering import make_excerpt

        body = "<p>First part, chosen.</p>\n<!--more-->\n<p>" + "word " * 100 + "</p>"
        assert make_excerpt(body, words=55) == "First part, chosen..."

    def test_a_break_before_any_text_is_ignored(self):
        from dastan.rendering import make_excerpt

        assert make_excerpt("<!--more--><p>Only text.</p>") == "Only text."
