"""Form fields for content, shared by every form that takes content from a person."""

from __future__ import annotations

from django import forms

from dastan.content.slugs import slug_normalise


class NormalisedSlugField(forms.SlugField):
    """A slug field that makes a slug of what was typed rather than refusing it.

    ``changed_from`` holds what was typed when it had to change, so the form's
    view can say so (the admin shows a warning).
    """

    def __init__(self, **kwargs) -> None:
        kwargs["allow_unicode"] = True
        super().__init__(**kwargs)
        self.changed_from: str | None = None

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        slug = slug_normalise(value, max_length=self.max_length or 200)
        self.changed_from = value if slug != value else None
        return slug
