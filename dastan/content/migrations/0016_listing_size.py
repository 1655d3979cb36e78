"""Each listing's size per edition, for the pager, counted once from the entries stored."""

from django.db import migrations, models

FILL = """
INSERT INTO content_listingsize (listing, language, entries)
SELECT listing, language, COUNT(*) FROM content_listingentry GROUP BY listing, language
"""


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0015_correction_edition"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListingSize",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("listing", models.CharField(max_length=24, verbose_name="listing")),
                ("language", models.CharField(max_length=5, verbose_name="language")),
                ("entries", models.IntegerField(default=0, verbose_name="entries")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("listing", "language"), name="listing_size_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL, "DELETE FROM content_listingsize"),
    ]
