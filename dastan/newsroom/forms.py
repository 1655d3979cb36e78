"""The article form of the back office, with the rules a Writer may not cross."""

from __future__ import annotations

from django import forms

from dastan.content.models import Article


class ArticleAdminForm(forms.ModelForm):
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
