"""The article form of the back office, with the rules a Writer may not cross."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from dastan.content.dates import published_at_error
from dastan.content.models import Article, local_datetime


class ArticleAdminForm(forms.ModelForm):
    # Typed without a scheme, an image address is HTTPS (Django 6's default too).
    featured_image_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Featured image URL"
    )
    mark_revised = forms.BooleanField(
        required=False,
        label="Mark as a real update",
        help_text='Shows "Updated" with the note on the article. Leave unticked for typo fixes.',
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "excerpt",
            "language",
            "status",
            "published_at",
            "is_featured",
            "is_listed",
            "section",
            "sections",
            "tags",
            "places",
            "featured_image",
            "featured_image_url",
            "featured_image_caption",
            "featured_image_credit",
            "revision_note",
            "legacy_url",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        when = self.initial.get("published_at")
        if when is not None and local_datetime(when) is when:
            # A stored time the site's zone cannot hold (9999-12-31) is shown as
            # it is in UTC, rather than failing the page; saving it is refused.
            self.initial["published_at"] = when.replace(tzinfo=None)

    def clean_published_at(self):
        when = self.cleaned_data.get("published_at")
        problem = published_at_error(when)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return when

    def clean(self) -> dict:
        """Give a published article without a time "now"; a scheduled one needs its time."""
        data = super().clean()
        status = data.get("status")
        if status == Article.Status.PUBLISHED and not data.get("published_at"):
            data["published_at"] = timezone.now()
        if status == Article.Status.SCHEDULED:
            when = data.get("published_at")
            if not when:
                self.add_error("published_at", "A scheduled article needs its publication time.")
            elif when <= timezone.now():
                self.add_error("published_at", "A scheduled time must be in the future.")
        if data.get("mark_revised") and not data.get("revision_note"):
            self.add_error("revision_note", "Say what changed: readers see this note.")
        return data
