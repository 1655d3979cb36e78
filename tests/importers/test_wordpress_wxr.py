"""The WXR reader: streaming, namespaces, malformed and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import pickle
from collections import Counter
from pathlib import Path

import pytest

from dastan.importers.wordpress.wxr import (
    Author,
    Channel,
    Item,
    Term,
    WxrError,
    parse_gmt,
    read_wxr,
)

DATA = Path(__file__).parents[1] / "data" / "wxr"
THEME = DATA / "theme-unit-test-data.xml"
WPTEST = DATA / "wptest.xml"

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>http://example.org</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>One</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[Body]]></content:encoded></item>
</channel></rss>
"""


def kinds(path) -> Counter:
    counts: Counter = Counter()
    for record in read_wxr(path):
        if isinstance(record, Item):
            counts[f"item:{record.post_type}"] += 1
        elif isinstance(record, Term):
            counts[f"term:{record.taxonomy}"] += 1
        else:
            counts[type(record).__name__] += 1
    return counts


class ReadWxrTests:
    def test_theme_unit_counts(self):
        """The theme unit test export reads with the README's counts (https wp namespace)."""
        counts = kinds(THEME)
        assert counts["Channel"] == 1
        assert counts["Author"] == 2
        assert counts["item:post"] == 58
        assert counts["item:page"] == 21
        assert counts["item:attachment"] == 37
        assert counts["item:nav_menu_item"] == 70
        assert counts["term:post_tag"] == 110
        # 68 declared categories, plus "6.1" declared again as a generic term.
        assert counts["term:category"] == 69
        assert counts["term:nav_menu"] == 6

    def test_wptest_counts(self):
        """The WP Test export reads with the README's counts (http wp namespace)."""
        counts = kinds(WPTEST)
        assert counts["Author"] == 6
        assert counts["item:post"] == 37
        assert counts["item:page"] == 15
        assert counts["item:attachment"] == 44
        assert counts["item:nav_menu_item"] == 102
        assert counts["term:category"] == 42
        assert counts["term:post_tag"] == 16

    def test_item_fields(self):
        """An item carries its ids, dates, terms, meta and comments."""
        items = {r.wp_id: r for r in read_wxr(THEME) if isinstance(r, Item)}
        sticky = items[1241]
        assert sticky.is_sticky and sticky.name == "template-sticky"
        assert items[1168].password == "enter"
        assert items[1153].status == "future"
        many = items[1152]
        assert sum(t.domain == "category" for t in many.terms) == 63
        assert items[1148].comments
        assert sum(len(i.comments) for i in items.values()) == 33
        assert items[611].attachment_url.endswith("/2008/06/canola2.jpg")
        assert items[611].parent == 555

    def test_channel_first(self):
        """The channel comes first and knows the blog's address."""
        first = next(iter(read_wxr(WPTEST)))
        assert isinstance(first, Channel)
        assert first.base_blog_url == "http://wptest.io/demo"
        assert first.wxr_version == "1.2"

    def test_authors(self):
        """Authors are read with their login and display name."""
        authors = [r for r in read_wxr(WPTEST) if isinstance(r, Author)]
        assert [a.login for a in authors][:2] == ["manovotny", "dewde"]
        assert authors[0].display_name == "Michael Novotny"
        assert authors[0].wp_id == 1

    def test_reads_file_objects_and_reports_progress(self):
        """A file object can be read, and progress is reported in bytes."""
        seen: list[int] = []
        records = list(read_wxr(io.BytesIO(MINIMAL), on_progress=seen.append))
        assert [type(r).__name__ for r in records] == ["Channel", "Item"]
        assert sum(seen) == len(MINIMAL)

    def test_wxr_10_namespace(self):
        """Older exports (WXR 1.0 namespace) read the same way."""
        data = MINIMAL.replace(b"export/1.2/", b"export/1.0/")
        item = next(r for r in read_wxr(io.BytesIO(data)) if isinstance(r, Item))
        assert item.wp_id == 1 and item.content == "Body"


class MalformedTests:
    def test_malformed_gives_line_and_column(self):
        """A broken file fails with the line and column of the problem."""
        data = MINIMAL.replace(b"</item>", b"</itme>")
        with pytest.raises(WxrError) as caught:
            list(read_wxr(io.BytesIO(data)))
        assert caught.value.line == 6
        assert caught.value.column > 0
        assert "line 6" in str(caught.value)

    def test_error_keeps_line_and_column_across_processes(self):
        """Pickled (as it comes from the reading process), the error still says where."""
        error = pickle.loads(pickle.dumps(WxrError("bad tag", line=6, column=9)))
        assert (error.message, error.line, error.column) == ("bad tag", 6, 9)
        assert str(error) == "line 6, column 9: bad tag"

    def test_truncated_file(self):
        """A file cut short fails rather than yielding half an export silently."""
        data = THEME.read_bytes()[:200_000]
        with pytest.raises(WxrError) as caught:
            list(read_wxr(io.BytesIO(data)))
        assert caught.value.line is not None

    def test_not_an_export(self):
        """Well-formed XML that is not a WordPress export is refused."""
        with pytest.raises(WxrError, match="not a WordPress export"):
            list(read_wxr(io.BytesIO(b"<html><body/></html>")))

    def test_empty_file(self):
        """An empty file is refused with a clear error."""
        with pytest.raises(WxrError):
            list(read_wxr(io.BytesIO(b"")))


class HostileXmlTests:
    def test_billion_laughs_refused(self):
        """Entity expansion (billion laughs) is refused before anything expands."""
        levels = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
        data = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "ha">' + levels + "]>"
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&l9;</title>'
            "<item><title>&l9;</title></item></channel></rss>"
        ).encode()
        # libxml2's own amplification guard may stop it first; either way it is refused.
        with pytest.raises(WxrError, match="DOCTYPE|entity"):
            list(read_wxr(io.BytesIO(data)))

    def test_external_entity_refused(self, tmp_path):
        """An external entity is never read: the DOCTYPE that declares it is refused."""
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP SECRET")
        data = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&x;</title>'
            "<item><title>&x;</title><wp:post_id>1</wp:post_id></item></channel></rss>"
        ).encode()
        with pytest.raises(WxrError, match="DOCTYPE"):
            for record in read_wxr(io.BytesIO(data)):
                assert "TOP SECRET" not in repr(record)


class ParseGmtTests:
    def test_parses_utc(self):
        """WordPress GMT dates become aware UTC datetimes."""
        assert parse_gmt("2012-01-07 14:07:21") == dt.datetime(2012, 1, 7, 14, 7, 21, tzinfo=dt.UTC)

    def test_zero_date_is_none(self):
        """The zero date of never-scheduled drafts means no date."""
        assert parse_gmt("0000-00-00 00:00:00") is None
        assert parse_gmt("") is None
        assert parse_gmt("garbage") is None


def with_item(fields: bytes, body: bytes = b"Body") -> bytes:
    """Return MINIMAL with its item's id and fields replaced."""
    return MINIMAL.replace(b"<wp:post_id>1</wp:post_id>", fields).replace(b"Body", body)


class OddValueTests:
    @pytest.mark.parametrize(
        "post_id", [b"99999999999999999999", b"-5", b"0", b"abc", b"9223372036854775808"]
    )
    def test_bad_post_id_names_the_line(self, post_id):
        """A post id no database column can hold is refused with the item's line."""
        data = with_item(b"\n<wp:post_id>" + post_id + b"</wp:post_id>")
        with pytest.raises(WxrError, match="post id") as caught:
            list(read_wxr(io.BytesIO(data)))
        assert caught.value.line == 5

    @pytest.mark.parametrize("tag", [b"link", b"wp:attachment_url"])
    @pytest.mark.parametrize("url", [b"http://[::1", b"http://example.org:99999/x/"])
    def test_an_address_nothing_can_take_apart_names_the_line(self, tag, url):
        """Every later step splits these addresses: one that cannot be split stops the import
        with its line, before anything is written, instead of a ValueError mid-import."""
        data = with_item(b"<wp:post_id>7</wp:post_id>\n<" + tag + b">" + url + b"</" + tag + b">")
        with pytest.raises(WxrError, match="post 7: <" + tag.decode() + ">") as caught:
            list(read_wxr(io.BytesIO(data)))
        assert caught.value.line == 5
        assert "is not a URL" in str(caught.value)

    def test_a_channel_address_nothing_can_take_apart_is_refused(self):
        data = MINIMAL.replace(b"<link>http://example.org</link>", b"<link>http://[::1</link>")
        with pytest.raises(WxrError, match="<channel> link"):
            list(read_wxr(io.BytesIO(data)))

    def test_bad_parent_id_names_the_line(self):
        """A parent id out of range is refused too; the largest id is accepted."""
        data = with_item(
            b"<wp:post_id>9223372036854775807</wp:post_id>" b"<wp:post_parent>-1</wp:post_parent>"
        )
        with pytest.raises(WxrError, match="parent id") as caught:
            list(read_wxr(io.BytesIO(data)))
        assert caught.value.line == 5
        data = with_item(b"<wp:post_id>9223372036854775807</wp:post_id>")
        items = [r for r in read_wxr(io.BytesIO(data)) if isinstance(r, Item)]
        assert items[0].wp_id == 2**63 - 1

    def test_text_node_over_ten_megabytes(self):
        """An 11 MB post body is read whole (libxml2 refuses it without huge_tree)."""
        body = b"<p>" + b"word " * (11 * 1024 * 1024 // 5) + b"</p>"
        data = with_item(b"<wp:post_id>1</wp:post_id>", body)
        items = [r for r in read_wxr(io.BytesIO(data)) if isinstance(r, Item)]
        assert len(items[0].content) == len(body)
