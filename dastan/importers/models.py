"""What the importers remember between runs, so that importing again changes nothing."""

from __future__ import annotations

from django.db import models

from dastan.content.models import Article


class WordPressItem(models.Model):
    """One WordPress post brought in, keyed on its site and post id.

    ``content_hash`` covers everything the import writes for the post, so a
    re-import of an unchanged export writes nothing and a newer export
    rewrites only the posts that changed.
    """

    site = models.CharField(max_length=200, help_text="The blog's address without scheme.")
    wp_id = models.PositiveBigIntegerField()
    guid = models.CharField(max_length=500, blank=True, db_index=True)
    post_type = models.CharField(max_length=40, default="post")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="wordpress_items"
    )
    content_hash = models.CharField(max_length=40)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "wp_id"], name="wordpress_item_unique_post")
        ]

    def __str__(self) -> str:
        return f"{self.site} #{self.wp_id}"


class WordPressAttachment(models.Model):
    """One WordPress attachment (an uploaded file), for ``[gallery]`` in imported bodies.

    A gallery names attachment ids (``ids="755,757"``) or, bare, shows the
    images attached to its post; both need what the export said about the
    file after the import is over.
    """

    site = models.CharField(max_length=200, help_text="The blog's address without scheme.")
    wp_id = models.PositiveBigIntegerField()
    parent_wp_id = models.PositiveBigIntegerField(default=0)
    article = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wordpress_attachments",
        help_text="The article imported from the post the file is attached to.",
    )
    url = models.CharField(max_length=500, help_text="The stored copy, or the original address.")
    alt = models.CharField(max_length=500, blank=True)
    caption = models.TextField(blank=True)
    menu_order = models.IntegerField(default=0)
    image = models.ForeignKey(
        "media.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The stored copy in the media library, when it is an image.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "wp_id"], name="wordpress_attachment_unique_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} attachment #{self.wp_id}"
