from hypothesis import given
from hypothesis import strategies as st

from dastan.content.models import ArticleVersion
from dastan.newsroom.diffs import lines_diff, metadata_text, text_lines, versions_diff


class TextLinesTests:
    def test_one_line_per_block_with_the_tags_kept(self):
        html = "<h2>Vote</h2><p>One.</p><ul><li>a</li><li>b</li></ul>"
        assert text_lines(html) == [
            "<h2>Vote</h2>",
            "<p>One.</p>",
            "<ul><li>a</li>",
            "<li>b</li>",
            "</ul>",
        ]

    def test_blank_lines_are_dropped(self):
        assert text_lines("a\n\n  \nb") == ["a", "b"]


class LinesDiffTests:
    def test_unchanged_lines_are_same(self):
        assert [line.kind for line in lines_diff("<p>a</p>", "<p>a</p>")] == ["same"]

    def test_a_changed_paragraph_is_marked_word_by_word(self):
        [line] = lines_diff("<p>The budget passed.</p>", "<p>The budget failed.</p>")
        assert line.kind == "changed"
        assert "<del>passed.</del>" in line.old
        assert "<ins>failed.</ins>" in line.new
        assert "&lt;p&gt;The budget" in line.new

    def test_added_and_removed_paragraphs(self):
        lines = lines_diff("<p>a</p><p>b</p>", "<p>b</p><p>c</p>")
        assert [line.kind for line in lines] == ["removed", "same", "added"]

    def test_a_heading_level_change_shows_the_tag(self):
        [line] = lines_diff("<h2>Vote</h2>", "<h3>Vote</h3>")
        assert "&lt;h3&gt;" in line.new

    @given(st.text(), st.text())
    def test_nothing_from_the_text_is_rendered_as_html(self, old, new):
        """Whatever is stored, the diff escapes it: the only tags are its own del and ins."""
        for line in lines_diff(old, new):
            for cell in (line.old, line.new):
                stripped = str(cell)
                for tag in ("<del>", "</del>", "<ins>", "</ins>"):
                    stripped = stripped.replace(tag, "")
                assert "<" not in stripped and ">" not in stripped


class VersionsDiffTests:
    def test_metadata_reads_as_names(self):
        text = metadata_text({"tags": [{"id": 1, "name": "Budget"}], "status": "draft"})
        assert text == "status: draft\ntags: Budget"

    def test_only_the_changed_field_is_changed(self):
        old = ArticleVersion(title="A", body="<p>x</p>", metadata={})
        new = ArticleVersion(title="B", body="<p>x</p>", metadata={})
        changed = [field.changed for field in versions_diff(old, new)]
        assert changed == [True, False, False, False, False]

    def test_a_stored_metadata_that_is_not_an_object_still_renders(self):
        assert metadata_text(["odd"]) == ""
