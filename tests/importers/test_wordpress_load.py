"""Loading WordPress exports: counts, idempotence, updates, dry runs, media, the report."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management.base import CommandError, OutputWrapper
from django.db.models import Count

from dastan.content.models import Article, ArticleAuthor, Author, Section, Tag
from dastan.importers.models import WordPressAttachment, WordPressItem
from dastan.importers.wordpress import batches, command
from dastan.importers.wordpress.load import wordpress_import
from dastan.importers.wordpress.mapping import post_plan
from dastan.importers.wordpress.wxr import WxrError
from dastan.newsroom.review import review_queue
from dastan.redirects.models import LegacyRedirect
from tests.factories import ArticleFactory, image_bytes
from tests.importers.test_jsonlines import bulk_mode_spy

DATA = Path(__file__).parents[1] / "data" / "wxr"
THEME = DATA / "theme-unit-test-data.xml"
WPTEST = DATA / "wptest.xml"

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Return everything an import writes, to compare two runs."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "bylines": list(ArticleAuthor.objects.order_by("pk").values()),
        "sections": list(Section.objects.order_by("pk").values()),
        "tags": list(Tag.objects.order_by("pk").values()),
        "authors": list(Author.objects.order_by("pk").values()),
        "items": list(WordPressItem.objects.order_by("pk").values()),
        "redirects": list(LegacyRedirect.objects.order_by("pk").values()),
        "article_tags": list(Article.tags.through.objects.order_by("pk").values()),
        "article_sections": list(Article.sections.through.objects.order_by("pk").values()),
    }


def edited_copy(tmp_path: Path, source: Path, *replacements: tuple[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / source.name
    path.write_text(text, encoding="utf-8")
    return path


class ThemeUnitImportTests:
    def test_counts_match_readme(self):
        """The theme unit test data imports with the README's counts."""
        report = wordpress_import(THEME)
        assert report.source["by_status"]["post"] == {"publish": 56, "future": 1, "draft": 1}
        assert report.source["by_type"] == {
            "nav_menu_item": 70,
            "post": 58,
            "attachment": 37,
            "page": 21,
        }
        assert report.source["declared_authors"] == 2
        assert report.source["declared_categories"] == 68
        assert report.source["declared_tags"] == 110
        assert report.comments["total"] == 33
        assert report.comments["unapproved"] == 3
        assert report.comments["replies"] == 10
        assert report.comments["pingback"] == 2 and report.comments["trackback"] == 2
        # 58 posts and 21 pages.
        assert report.articles["created"] == 58 + 21
        assert Article.objects.count() == 58 + 21
        statuses = dict(Article.objects.values_list("status").annotate(n=Count("id")))
        # The password-protected post is kept unpublished.
        assert statuses == {"published": 55 + 21, "unpublished": 1, "scheduled": 1, "draft": 1}
        # 68 categories, and the unlisted section for the pages.
        assert Section.objects.count() == 68 + 1
        assert Section.objects.exclude(parent=None).count() == 10
        assert Author.objects.count() == 2
        # 110 declared tags and 4 used but undeclared, two of which share a name.
        assert Tag.objects.count() == 113
        assert report.skipped == {"menu item": 70}

    def test_post_fields(self):
        """Dates are GMT, sticky is featured, excerpts and many terms come along."""
        wordpress_import(THEME)
        sticky = Article.objects.get(slug="template-sticky")
        assert sticky.is_featured
        assert sticky.published_at.isoformat() == "2012-01-07T14:07:21+00:00"
        assert Article.objects.filter(is_featured=True).count() == 1
        assert Article.objects.get(slug="edge-case-many-categories").sections.count() == 62
        assert Article.objects.get(slug="edge-case-many-tags").tags.count() == 45
        excerpt = Article.objects.get(slug="template-excerpt-defined")
        assert excerpt.excerpt.startswith("This is a user-defined post excerpt.")
        scheduled = Article.objects.get(status="scheduled")
        assert scheduled.published_at.year == 2030
        assert Article.objects.get(slug="edge-case-no-title").title == "(no title)"
        markup = Article.objects.get(slug="markup-title-with-markup")
        assert markup.title == "Markup: Title With Markup"
        assert markup.legacy_url.endswith("/2013/01/05/markup-title-with-markup/")
        draft = Article.objects.get(status="draft")
        assert draft.slug  # WordPress left it empty; Dastan needs one

    def test_bodies_get_paragraphs(self):
        """Classic bodies get wpautop paragraphs; block-editor bodies are kept as they are."""
        wordpress_import(THEME)
        classic = Article.objects.get(slug="template-more-tag")
        assert classic.body.startswith("<p>")
        blocks = Article.objects.get(slug="design-category-blocks")
        assert blocks.body.startswith("<!-- wp:paragraph -->\n<p>")
        caption = Article.objects.get(slug="post-format-image-caption")
        assert "[caption" in caption.body  # rendered when shown, stored as written

    def test_featured_images_kept_at_original_url(self):
        """Without a media folder, featured images keep their original address, reported."""
        report = wordpress_import(THEME)
        featured = Article.objects.exclude(featured_image_url="")
        assert featured.count() >= 1
        for article in featured:
            assert article.featured_image_url.startswith("https://")
            assert article.featured_image_url in report.media["kept_original_url"]
        assert len(report.media["kept_original_url"]) >= 37

    def test_reimport_is_a_no_op(self):
        """Importing the same file twice leaves exactly the same site."""
        wordpress_import(THEME)
        before = snapshot()
        report = wordpress_import(THEME)
        assert report.articles["unchanged"] == 58 + 21
        assert report.articles["created"] == report.articles["updated"] == 0
        assert snapshot() == before

    def test_newer_export_updates_and_adds(self, tmp_path):
        """A newer export rewrites the changed post and adds the new one, nothing else."""
        wordpress_import(WPTEST)
        untouched = Article.objects.get(slug="sticky").updated_at
        newer = edited_copy(
            tmp_path,
            WPTEST,
            ("<title>Paginated</title>", "<title>Paginated, revised</title>"),
            (
                "</channel>",
                "<item><title>Fresh news</title><link>http://wptest.io/demo/fresh/</link>"
                "<wp:post_id>5001</wp:post_id><wp:post_type>post</wp:post_type>"
                "<wp:status>publish</wp:status><wp:post_name>fresh</wp:post_name>"
                "<wp:post_date_gmt>2014-09-01 10:00:00</wp:post_date_gmt>"
                "<dc:creator>dewde</dc:creator>"
                "<content:encoded><![CDATA[Line one\n\nLine two]]></content:encoded>"
                "</item></channel>",
            ),
        )
        report = wordpress_import(newer)
        assert report.articles == {"created": 1, "updated": 1, "unchanged": 36 + 15}
        assert Article.objects.get(slug="paginated").title == "Paginated, revised"
        fresh = Article.objects.get(slug="fresh")
        assert fresh.body == "<p>Line one</p>\n<p>Line two</p>\n"
        assert [b.author.name for b in fresh.bylines.all()] == ["Chris Ames"]
        assert Article.objects.get(slug="sticky").updated_at == untouched

    def test_existing_article_is_never_taken_over(self):
        """A newsroom article with the same slug keeps its content; the post gets another slug."""
        mine = ArticleFactory(slug="sticky", title="Our own")
        wordpress_import(WPTEST)
        mine.refresh_from_db()
        assert mine.title == "Our own"
        assert Article.objects.get(legacy_url="http://wptest.io/demo/sticky/").slug == "sticky-2"


class WpTestImportTests:
    def test_counts_match_readme(self):
        """WP Test imports with the README's counts; every declared author writes."""
        report = wordpress_import(WPTEST)
        assert report.source["by_status"]["post"] == {"publish": 35, "future": 1, "draft": 1}
        assert report.source["declared_categories"] == 42
        assert report.source["declared_tags"] == 16
        assert report.comments["total"] == 30
        assert Article.objects.count() == 37 + 15
        assert Section.objects.count() == 42 + 1
        assert Section.objects.exclude(parent=None).count() == 6
        assert Tag.objects.count() == 16
        assert Author.objects.count() == 6
        assert Author.objects.filter(bylines__isnull=False).distinct().count() == 6

    def test_both_exports_in_one_site(self):
        """Two exports sharing titles land side by side without overwriting each other."""
        wordpress_import(THEME)
        report = wordpress_import(WPTEST)
        assert Article.objects.count() == 58 + 21 + 37 + 15
        assert WordPressItem.objects.count() == 58 + 21 + 37 + 15
        assert report.source["moved_from"] == ""  # 17 shared guids do not make one blog


class SafetyTests:
    def test_malformed_file_imports_nothing(self, tmp_path):
        """A malformed file says where it is broken, and nothing is written."""
        broken = tmp_path / "broken.xml"
        text = WPTEST.read_text(encoding="utf-8")
        cut = text.rindex("</item>")
        broken.write_text(text[:cut] + "</itme>" + text[cut + 7 :], encoding="utf-8")
        with pytest.raises(WxrError) as caught:
            wordpress_import(broken)
        assert caught.value.line and caught.value.line > 1000
        assert Article.objects.count() == 0
        assert Section.objects.count() == Author.objects.count() == 0
        assert LegacyRedirect.objects.count() == 0

    def test_dry_run_writes_nothing(self):
        """A dry run reports what would be created and leaves the database alone."""
        report = wordpress_import(THEME, dry_run=True)
        assert report.dry_run
        assert report.articles["created"] == 58 + 21
        assert Article.objects.count() == 0
        assert LegacyRedirect.objects.count() == 0
        assert WordPressItem.objects.count() == 0


class MediaTests:
    def test_media_dir_files_are_stored(self, tmp_path):
        """Files found in --media-dir are stored and used; missing ones are reported."""
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(image_bytes())
        report = wordpress_import(WPTEST, media_dir=media)
        article = Article.objects.get(slug="featured-image-horizontal")
        name = "wordpress/2013/03/featured-image-horizontal.jpg"
        assert default_storage.exists(name)
        assert article.featured_image_url == default_storage.url(name)
        assert report.media["copied"] == 1
        old = (
            "http://wptest.io/demo/wp-content/uploads/sites/2/2013/03/featured-image-horizontal.jpg"
        )
        assert old not in report.media["missing_on_own_host"]
        # The other files were on wptest.io, the blog's own host: they die with the
        # old blog, so they are listed apart and nothing redirects to them.
        assert len(report.media["missing_on_own_host"]) == 43
        assert report.media["kept_original_url"] == []
        assert not LegacyRedirect.objects.filter(target_url__contains="//wptest.io/").exists()
        # The old file address on the blog's own host now redirects to the copy.
        redirect = LegacyRedirect.objects.get(
            old_path="/demo/wp-content/uploads/sites/2/2013/03/featured-image-horizontal.jpg/"
        )
        assert redirect.target() == default_storage.url(name)


COAUTHORS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><link>https://news.example.kz</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://news.example.kz</wp:base_blog_url>
<wp:author><wp:author_id>3</wp:author_id><wp:author_login>editor</wp:author_login>
<wp:author_display_name><![CDATA[Aigerim Editor]]></wp:author_display_name></wp:author>
<item><title>Guest Writer</title><wp:post_id>90</wp:post_id>
<wp:post_type>guest-author</wp:post_type>
<wp:status>publish</wp:status><wp:post_name>cap-timur</wp:post_name>
<wp:postmeta><wp:meta_key>cap-user_login</wp:meta_key>
<wp:meta_value>timur</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>cap-display_name</wp:meta_key>
<wp:meta_value>Timur Guest</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>cap-description</wp:meta_key>
<wp:meta_value>Writes from Bishkek.</wp:meta_value></wp:postmeta>
</item>
<item><title>Joint report</title><link>https://news.example.kz/2024/05/02/joint/</link>
<wp:post_id>100</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_name>joint</wp:post_name><wp:post_date_gmt>2024-05-02 04:00:00</wp:post_date_gmt>
<dc:creator>editor</dc:creator>
<category domain="author" nicename="cap-timur"><![CDATA[timur]]></category>
<category domain="author" nicename="cap-editor"><![CDATA[editor]]></category>
<content:encoded><![CDATA[Text]]></content:encoded>
<wp:postmeta><wp:meta_key>custom_field</wp:meta_key><wp:meta_value>x</wp:meta_value></wp:postmeta>
</item>
</channel></rss>
"""


class CoAuthorsTests:
    def test_guest_authors_become_ordered_bylines(self, tmp_path):
        """Co-Authors Plus bylines keep their order; guest authors bring their bio."""
        path = tmp_path / "cap.xml"
        path.write_text(COAUTHORS, encoding="utf-8")
        report = wordpress_import(path)
        article = Article.objects.get(slug="joint")
        names = [b.author.name for b in article.bylines.all()]
        assert names == ["Timur Guest", "Aigerim Editor"]
        assert Author.objects.get(name="Timur Guest").bio == "Writes from Bishkek."
        assert report.ignored_post_meta == {"custom_field": 1}
        assert LegacyRedirect.objects.get(old_path="/author/timur/").target() == (
            Author.objects.get(name="Timur Guest").get_absolute_url()
        )


class CommandTests:
    def test_writes_json_report(self, tmp_path):
        """The command prints a summary and writes the JSON report."""
        out = StringIO()
        target = tmp_path / "report.json"
        command.handle(
            {"export": str(WPTEST), "report": str(target), "quiet_progress": True},
            OutputWrapper(out),
        )
        assert "52 created" in out.getvalue()
        data = json.loads(target.read_text())
        assert data["articles"] == {"created": 37 + 15, "updated": 0, "unchanged": 0}
        assert data["skipped"]["menu item"] == 102

    def test_malformed_file_is_a_command_error(self, tmp_path):
        """A malformed file ends the command with an error naming the place."""
        bad = tmp_path / "bad.xml"
        bad.write_text("<rss><channel><item></channel></rss>")
        with pytest.raises(CommandError, match=r"line 1, column \d+.*nothing was imported"):
            command.handle({"export": str(bad), "quiet_progress": True}, OutputWrapper(StringIO()))

    def test_missing_file(self):
        """A missing file is a clear command error."""
        with pytest.raises(CommandError, match="No such file"):
            command.handle({"export": "/nonexistent.xml"}, OutputWrapper(StringIO()))


CAP_LOGINS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title><link>https://news.example.kz</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://news.example.kz</wp:base_blog_url>
<wp:author><wp:author_id>3</wp:author_id><wp:author_login>Aigerim.K</wp:author_login>
<wp:author_display_name><![CDATA[Aigerim Editor]]></wp:author_display_name></wp:author>
<item><title>Dana Guest</title><wp:post_id>91</wp:post_id>
<wp:post_type>guest-author</wp:post_type>
<wp:status>publish</wp:status><wp:post_name>cap-dana</wp:post_name>
<wp:postmeta><wp:meta_key>cap-display_name</wp:meta_key>
<wp:meta_value>Dana Guest</wp:meta_value></wp:postmeta>
</item>
<item><title>Joint report</title><link>https://news.example.kz/2024/05/02/joint/</link>
<wp:post_id>100</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
<wp:post_name>joint</wp:post_name><wp:post_date_gmt>2024-05-02 04:00:00</wp:post_date_gmt>
<dc:creator>Aigerim.K</dc:creator>
<category domain="author" nicename="cap-aigerim-k"><![CDATA[Aigerim.K]]></category>
<category domain="author" nicename="cap-dana"><![CDATA[dana-login]]></category>
<content:encoded><![CDATA[Text]]></content:encoded>
</item>
</channel></rss>
"""


class CoAuthorsLoginTests:
    def test_byline_terms_match_on_login_then_nicename(self, tmp_path):
        """A byline names its login (Aigerim.K, nicename aigerim-k); a guest without a
        login in its meta is found by its nicename (cap-dana)."""
        path = tmp_path / "cap.xml"
        path.write_text(CAP_LOGINS, encoding="utf-8")
        wordpress_import(path)
        article = Article.objects.get(slug="joint")
        assert [b.author.name for b in article.bylines.all()] == ["Aigerim Editor", "Dana Guest"]
        assert set(Author.objects.values_list("name", flat=True)) == {
            "Aigerim Editor",
            "Dana Guest",
        }
        # WordPress's author archive uses the nicename, not the login.
        assert LegacyRedirect.objects.get(old_path="/author/aigerim-k/").author.name == (
            "Aigerim Editor"
        )


def long_values_export(tmp_path: Path, post_id: str = "100") -> Path:
    long = "Ж" * 300
    text = (
        CAP_LOGINS.replace("Aigerim Editor", long)
        .replace("<wp:post_name>joint</wp:post_name>", f"<wp:post_name>{'j' * 300}</wp:post_name>")
        .replace("<wp:post_id>100</wp:post_id>", f"<wp:post_id>{post_id}</wp:post_id>")
        .replace(
            "<content:encoded>",
            f'<category domain="category" nicename="c"><![CDATA[{long}]]></category>'
            f'<category domain="post_tag" nicename="t"><![CDATA[{long}]]></category>'
            "<content:encoded>",
        )
    )
    path = tmp_path / "long.xml"
    path.write_text(text, encoding="utf-8")
    return path


class OddValueImportTests:
    def test_names_and_slugs_fit_their_columns(self, tmp_path):
        """300-character names and slugs are cut to the models' lengths.

        SQLite ignores a column's length; PostgreSQL refuses the row.
        """
        wordpress_import(long_values_export(tmp_path))
        wordpress_import(long_values_export(tmp_path), site="other.example.kz")
        for model in (Author, Section, Tag):
            for obj in model.objects.all():
                assert len(obj.name) <= model._meta.get_field("name").max_length
                assert len(obj.slug) <= model._meta.get_field("slug").max_length
        slugs = sorted(Article.objects.values_list("slug", flat=True), key=len)
        assert len(slugs) == 2 and slugs[1] == slugs[0] + "-2"
        assert all(len(s) <= Article._meta.get_field("slug").max_length for s in slugs)

    @pytest.mark.parametrize("post_id", ["99999999999999999999", "-5"])
    def test_bad_id_is_a_command_error_with_the_line(self, tmp_path, post_id):
        """An id out of range ends the command with the line, and nothing is written."""
        path = long_values_export(tmp_path, post_id)
        with pytest.raises(CommandError, match=r"line 15: post id.*nothing was imported"):
            command.handle({"export": str(path), "quiet_progress": True}, OutputWrapper(StringIO()))
        assert Article.objects.count() == 0


class MovedBlogTests:
    def test_export_from_a_new_address_matches_on_guid(self, tmp_path):
        """After a domain move every post keeps its guid: a newer export updates, not duplicates."""
        wordpress_import(WPTEST)
        before = Article.objects.count()
        moved = tmp_path / "moved.xml"
        # The new address everywhere except in the guids, which WordPress never rewrites.
        parts = re.split(r"(<guid[^>]*>[^<]*</guid>)", WPTEST.read_text(encoding="utf-8"))
        text = "".join(
            part if part.startswith("<guid") else part.replace("wptest.io/demo", "news.example.kz")
            for part in parts
        )
        moved.write_text(text, encoding="utf-8")
        report = wordpress_import(moved)
        assert report.source["moved_from"] == "wptest.io/demo"
        assert report.articles["created"] == 0
        assert Article.objects.count() == before
        # The same paths now belong to the moved blog rather than being "claimed".
        assert report.redirects_claimed == []
        assert WordPressItem.objects.filter(site="news.example.kz").count() == before

    def test_new_ids_after_a_reimport_into_wordpress(self, tmp_path):
        """Posts re-imported into a fresh WordPress get new ids; the guid still finds them."""
        wordpress_import(WPTEST)
        before = Article.objects.count()
        text = WPTEST.read_text(encoding="utf-8").replace("<wp:post_id>", "<wp:post_id>7")
        text = text.replace("http://wptest.io/demo</link>", "http://wptest.org/demo</link>")
        text = text.replace(
            "<wp:base_blog_url>http://wptest.io/demo", "<wp:base_blog_url>http://wptest.org/demo"
        )
        moved = tmp_path / "renumbered.xml"
        moved.write_text(text, encoding="utf-8")
        report = wordpress_import(moved)
        assert report.source["moved_from"] == "wptest.io/demo"
        assert report.articles["created"] == 0
        assert Article.objects.count() == before


class DryRunMediaTests:
    def test_dry_run_counts_what_it_would_copy(self, tmp_path):
        """A dry run with --media-dir reports the files it would copy, and copies none."""
        media = tmp_path / "uploads"
        (media / "2013/03").mkdir(parents=True)
        (media / "2013/03/featured-image-horizontal.jpg").write_bytes(image_bytes())
        name = "wordpress/2013/03/featured-image-horizontal.jpg"
        default_storage.delete(name)  # the in-memory storage outlives a test
        report = wordpress_import(WPTEST, media_dir=media, dry_run=True)
        assert report.media["would_copy"] == 1
        assert report.media["copied"] == report.media["found"] == 0
        assert not default_storage.exists(name)
        wordpress_import(WPTEST, media_dir=media)
        report = wordpress_import(WPTEST, media_dir=media, dry_run=True)
        assert report.media["would_copy"] == 0 and report.media["found"] == 1


class PostMetaTests:
    def test_unused_meta_is_counted_and_alt_text_kept(self, tmp_path):
        """Meta the import does not use is counted, Co-Authors Plus extras included;
        an attachment's alt text is kept for galleries."""
        report = wordpress_import(WPTEST)
        assert "_wp_attachment_image_alt" not in report.ignored_post_meta
        assert "_wp_attachment_metadata" in report.ignored_post_meta
        assert WordPressAttachment.objects.exclude(alt="").exists()
        extra = COAUTHORS.replace(
            "<wp:meta_value>Writes from Bishkek.</wp:meta_value></wp:postmeta>",
            "<wp:meta_value>Writes from Bishkek.</wp:meta_value></wp:postmeta>"
            "<wp:postmeta><wp:meta_key>cap-user_email</wp:meta_key>"
            "<wp:meta_value>t@example.kz</wp:meta_value></wp:postmeta>",
        )
        path = tmp_path / "cap.xml"
        path.write_text(extra, encoding="utf-8")
        report = wordpress_import(path)
        assert report.ignored_post_meta == {"custom_field": 1, "cap-user_email": 1}


class MappingErrorTests:
    def test_mapping_error_names_the_item_line(self, monkeypatch):
        """A value the mapping cannot take stops the import with the item's line."""

        def broken(item, *args, **kwargs):
            if item.wp_id == 1241:
                raise ValueError("odd value")
            return post_plan(item, *args, **kwargs)

        monkeypatch.setattr(batches, "post_plan", broken)
        with pytest.raises(WxrError, match=r"line \d+: post 1241 cannot be imported") as caught:
            wordpress_import(WPTEST)
        text = WPTEST.read_text(encoding="utf-8").splitlines()
        assert "<item>" in text[caught.value.line - 1]
        assert "<wp:post_id>1241</wp:post_id>" in "".join(
            text[caught.value.line - 1 : caught.value.line + 40]
        )
        assert Article.objects.count() == 0


class WxrVersionTests:
    """Issue 9, item 15: an export WordPress would refuse is refused, or imported with --lenient."""

    @pytest.mark.parametrize(
        "replacement, message",
        [
            ("", r"line 28: <wp:wxr_version> is missing from <channel>"),
            ("<wp:wxr_version>one</wp:wxr_version>", r"line 34: <wp:wxr_version> is 'one'"),
            ("<wp:wxr_version>1.2.3</wp:wxr_version>", r"line 34: .* not a version such as 1.2"),
        ],
    )
    def test_missing_or_invalid_version_is_refused_saying_where(
        self, tmp_path, replacement, message
    ):
        path = edited_copy(tmp_path, WPTEST, ("<wp:wxr_version>1.2</wp:wxr_version>", replacement))
        with pytest.raises(CommandError, match=message + r".*--lenient.*nothing was imported"):
            command.handle({"export": str(path), "quiet_progress": True}, OutputWrapper(StringIO()))
        assert not Article.objects.exists()

    def test_lenient_imports_and_reports_it(self, tmp_path):
        path = edited_copy(tmp_path, WPTEST, ("<wp:wxr_version>1.2</wp:wxr_version>", ""))
        out = StringIO()
        command.handle(
            {"export": str(path), "quiet_progress": True, "lenient": True}, OutputWrapper(out)
        )
        assert Article.objects.count() == 37 + 15
        assert "Warning: imported with --lenient: line 28: <wp:wxr_version> is missing" in (
            out.getvalue()
        )

    def test_a_newer_version_imports_with_a_warning(self, tmp_path):
        path = edited_copy(
            tmp_path,
            WPTEST,
            ("<wp:wxr_version>1.2</wp:wxr_version>", "<wp:wxr_version>1.3</wp:wxr_version>"),
        )
        report = wordpress_import(path)
        assert report.articles["created"] == 37 + 15
        assert report.warnings == [
            "WXR version 1.3 is newer than 1.2, the newest this importer knows: check the result"
        ]

    @pytest.mark.parametrize("sample", ["theme-unit-test-data.xml", "wptest.xml"])
    def test_the_real_samples_import_without_warning(self, sample):
        report = wordpress_import(Path("/work/shared/fixtures/wxr") / sample)
        assert report.articles["created"] > 0 and report.warnings == []


class WxrEdgeValueTests:
    """Issue 9, items 2 and 3: WordPress slugs and dates go through content's rules."""

    def test_an_odd_post_name_is_normalised_and_noted(self, tmp_path):
        path = edited_copy(
            tmp_path,
            WPTEST,
            (
                "<wp:post_name>pingbacks-an-trackbacks</wp:post_name>",
                "<wp:post_name>ping%01backs?x=1#frag</wp:post_name>",
            ),
        )
        report = wordpress_import(path)
        assert Article.objects.filter(slug="pingbacksx1frag").exists()
        notes = [entry["note"] for entry in report.notes]
        assert any("is not a valid slug: imported as 'pingbacksx1frag'" in n for n in notes)

    def test_a_cyrillic_post_name_keeps_its_slug(self, tmp_path):
        path = edited_copy(
            tmp_path,
            WPTEST,
            (
                "<wp:post_name>pingbacks-an-trackbacks</wp:post_name>",
                "<wp:post_name>%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8</wp:post_name>",
            ),
        )
        report = wordpress_import(path)
        assert Article.objects.filter(slug="новости").exists()
        notes = [entry["note"] for entry in report.notes]
        assert not any("valid slug" in n for n in notes)

    def test_a_date_out_of_range_becomes_a_dated_less_draft(self, tmp_path):
        path = edited_copy(
            tmp_path,
            WPTEST,
            (
                "<wp:post_date_gmt>2013-01-01 16:17:18</wp:post_date_gmt>",
                "<wp:post_date_gmt>9999-12-31 23:59:59</wp:post_date_gmt>",
            ),
        )
        wordpress_import(path)
        article = Article.objects.get(title="Pingbacks And Trackbacks")
        assert (article.status, article.published_at) == ("draft", None)

    def test_a_pending_post_waits_for_review_without_a_date(self, tmp_path):
        """WordPress's "Pending Review" is the desk's "Ready for review", in the editors' queue."""
        path = edited_copy(
            tmp_path, WPTEST, ("<wp:status>draft</wp:status>", "<wp:status>pending</wp:status>")
        )
        wordpress_import(path)
        article = Article.objects.get(title="Draft")
        assert (article.status, article.published_at) == ("review", None)
        assert not article.is_public
        assert list(review_queue()) == [article]


POLYLANG = DATA / "multilingual" / "polylang.xml"
WPML = DATA / "multilingual" / "wpml.xml"


class LanguageChangeTests:
    def test_an_export_whose_language_changed_updates_the_articles(self, tmp_path):
        """wptest.xml set to ru-RU re-imports as Russian: the change hash holds the language."""
        wordpress_import(WPTEST)
        assert set(Article.objects.values_list("language", flat=True)) == {"en"}
        russian = edited_copy(
            tmp_path, WPTEST, ("<language>en-US</language>", "<language>ru-RU</language>")
        )
        report = wordpress_import(russian)
        total = Article.objects.count()
        assert report.articles["updated"] == total and report.articles["unchanged"] == 0
        assert set(Article.objects.values_list("language", flat=True)) == {"ru"}
        again = wordpress_import(russian)
        assert again.articles["unchanged"] == total


class PolylangImportTests:
    def test_two_linked_editions(self):
        """Each post keeps its language; the translated pair shares one translation group."""
        report = wordpress_import(POLYLANG)
        languages = dict(Article.objects.values_list("slug", "language"))
        assert languages == {
            "tenge-steadies": "en",
            "tenge-stabilizirovalsya": "ru",
            "novyj-rynok": "ru",
            "grain-exports-rise": "en",
        }
        english = Article.objects.get(slug="tenge-steadies")
        russian = Article.objects.get(slug="tenge-stabilizirovalsya")
        assert english.translation_group is not None
        assert english.translation_group == russian.translation_group
        alone = Article.objects.filter(slug__in=["novyj-rynok", "grain-exports-rise"])
        assert list(alone.values_list("translation_group", flat=True)) == [None, None]
        assert report.translations == {
            "terms": 2,
            "groups": 1,
            "linked": 1,
            "unchanged": 0,
            "refused": 0,
        }
        assert report.source["multilingual"] == "polylang"
        assert "Translations: 1 groups linked" in report.summary()

    def test_translated_categories_are_one_section_with_a_russian_name(self):
        wordpress_import(POLYLANG)
        economy = Section.objects.get(slug="economy")
        assert economy.names == {"ru": "Экономика"}
        assert economy.description == "Markets, banks and budgets."
        assert not Section.objects.filter(slug="ekonomika").exists()
        russian = Article.objects.get(slug="tenge-stabilizirovalsya")
        assert russian.section == economy
        assert list(russian.tags.values_list("slug", flat=True)) == ["tenge"]
        assert Tag.objects.get(slug="tenge").names == {"ru": "Тенге"}
        assert Section.objects.get(slug="регионы").names == {}
        # The Russian category's old addresses open the section in the Russian edition.
        rows = LegacyRedirect.objects.filter(section=economy)
        assert dict(rows.values_list("old_path", "language")) == {
            "/category/economy/": "en",
            "/en/category/economy/": "en",
            "/?cat=2": "en",
            "/category/ekonomika/": "ru",
            "/ru/category/ekonomika/": "ru",
            "/?cat=5": "ru",
        }
        homes = LegacyRedirect.objects.filter(kind=LegacyRedirect.Kind.HOME)
        assert dict(homes.values_list("old_path", "language")) == {
            "/": "",
            "/en/": "en",
            "/ru/": "ru",
        }

    def test_an_editors_names_are_kept(self):
        """A Russian name an editor already gave the section is not overwritten."""
        wordpress_import(POLYLANG)
        Section.objects.filter(slug="economy").update(names={"ru": "Экономика и финансы"})
        wordpress_import(POLYLANG)
        assert Section.objects.get(slug="economy").names == {"ru": "Экономика и финансы"}

    def test_reimport_is_a_no_op(self):
        """Importing the bilingual export twice leaves exactly the same site."""
        wordpress_import(POLYLANG)
        before = snapshot()
        groups = dict(Article.objects.values_list("slug", "translation_group"))
        names = dict(Section.objects.values_list("slug", "names"))
        report = wordpress_import(POLYLANG)
        assert report.articles["unchanged"] == 4
        assert report.translations["linked"] == 0 and report.translations["unchanged"] == 1
        assert snapshot() == before
        assert dict(Article.objects.values_list("slug", "translation_group")) == groups
        assert dict(Section.objects.values_list("slug", "names")) == names

    def test_a_group_that_cannot_be_linked_is_reported(self, tmp_path):
        """Two posts of one language in a group: reported, not linked, the rest imports."""
        both_english = edited_copy(
            tmp_path,
            POLYLANG,
            (
                '<category domain="language" nicename="ru"><![CDATA[Русский]]></category>\n'
                '\t\t<category domain="post_tag" nicename="tenge-ru">',
                '<category domain="language" nicename="en"><![CDATA[English]]></category>\n'
                '\t\t<category domain="post_tag" nicename="tenge-ru">',
            ),
        )
        report = wordpress_import(both_english)
        assert Article.objects.count() == 4
        assert report.translations["refused"] == 1
        assert not Article.objects.exclude(translation_group=None).exists()
        assert any("not linked" in note["note"] for note in report.notes)


class WpmlImportTests:
    def test_wpml_meta_links_translations(self):
        report = wordpress_import(WPML)
        english = Article.objects.get(slug="pipeline-tariff")
        russian = Article.objects.get(slug="tarif-na-prokachku")
        assert (english.language, russian.language) == ("en", "ru")
        assert english.translation_group == russian.translation_group is not None
        assert Article.objects.get(slug="oelpreis").language == "en"
        assert report.source["unknown_languages"] == {"de": 1}
        # WPML's translation_priority taxonomy is counted, not imported.
        assert report.source["other_terms"] == {"translation_priority": 1}


def test_the_import_runs_in_the_index_bulk_mode(monkeypatch):
    """The whole import, outside its transaction, is inside the search index's bulk mode."""
    events = bulk_mode_spy(monkeypatch)
    report = wordpress_import(THEME)
    assert events == ["enter 0", f"leave {report.articles['created']}"]
    assert report.articles["created"] > 0
