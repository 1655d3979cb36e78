"""What the back office keeps per staff member beyond Django's user: the interface language."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StaffPreference(models.Model):
    """A staff member's choices for the back office; a missing row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_preference"
    )
    # A code from settings.LANGUAGES, checked by the form; no choices here, so that adding
    # an edition needs no migration.
    language = models.CharField(max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.language or 'default'}"


class EditingMark(models.Model):
    """Who has an article's change form open, since when, and when their page last said so.

    A row per (article, person), written when the form opens and by the page's
    heartbeat; the change page names the others seen within ``EDITING_WINDOW``.
    A database row rather than a cache entry: two people opening the same
    article at once must both be recorded, and a row cannot be lost to a race.
    """

    article = models.ForeignKey(
        "content.Article", on_delete=models.CASCADE, related_name="editing_marks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="editing_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.article_id}"


class Autosave(models.Model):
    """A staff member's unsaved working copy of an article's text, kept by the form's script.

    Private to its author: not a version, not a public change. ``article`` is empty for a
    new article not yet saved (one such row per person). ``base_version`` is the article's
    ``lock_version`` the form was opened at, so restoring the copy goes through the form's
    optimistic locking like any other edit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        "content.Article", null=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    base_version = models.PositiveIntegerField(null=True)
    title = models.CharField(max_length=300, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_unique"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="autosave_new_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.article_id or 'a new article'}"
