"""The edition's archive as listing entries, sized per UTC day, for the archives by date."""

from django.db import migrations

ENTRIES = """
INSERT INTO content_listingentry (listing, article_id, language, published_at)
SELECT 'e', a.id, a.language, a.published_at FROM content_article a
WHERE a.status IN ('published', 'scheduled') AND a.is_listed AND a.published_at IS NOT NULL
"""
DAY = {
    "postgresql": "to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    "sqlite": "substr(published_at, 1, 10)",
}
SIZES = """
INSERT INTO content_listingsize (listing, language, entries)
SELECT 'd' || {day}, language, COUNT(*) FROM content_listingentry WHERE listing = 'e'
GROUP BY 'd' || {day}, language
"""


def archive_fill(apps, schema_editor):
    """Write the archive's entries and day sizes of the articles already stored."""
    schema_editor.execute(ENTRIES)
    schema_editor.execute(SIZES.format(day=DAY[schema_editor.connection.vendor]))


def archive_empty(apps, schema_editor):
    schema_editor.execute("DELETE FROM content_listingsize WHERE substr(listing, 1, 1) = 'd'")
    schema_editor.execute("DELETE FROM content_listingentry WHERE listing = 'e'")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0016_listing_size"),
    ]

    operations = [
        migrations.RunPython(archive_fill, archive_empty),
    ]
