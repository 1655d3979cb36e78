"""A correction carries its article's edition and publication time, for the corrections page."""

from django.db import migrations, models

# What ``content.listings`` writes on every article write, here for the corrections made before.
FILL = """
UPDATE content_correction SET
    language = (SELECT a.language FROM content_article a WHERE a.id = article_id),
    public_from = (
        SELECT CASE WHEN a.status IN ('published', 'scheduled') THEN a.published_at END
        FROM content_article a WHERE a.id = article_id
    )
"""


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0014_featured_image_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="correction",
            name="language",
            field=models.CharField(blank=True, editable=False, max_length=5),
        ),
        migrations.AddField(
            model_name="correction",
            name="public_from",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="correction",
            index=models.Index(
                fields=["language", "created_at", "public_from"], name="correction_edition_newest"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
