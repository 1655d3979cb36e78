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


# The largest id a database column holds: SQLite refuses a larger Python int outright
# (OverflowError) instead of finding nothing, which Django's choice fields do not expect.
LARGEST_ID = 2**63 - 1


def _is_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= LARGEST_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one object by id, where a value no column can hold is simply no choice."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None and not _is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def prepare_value(self, value):
        # A refused value is shown again as no choice: the widget would look it up.
        if isinstance(value, str | int) and not isinstance(value, bool) and not _is_id(value):
            return None
        return super().prepare_value(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several objects by id, with the same bound as ``IdChoiceField``."""

    def clean(self, value):
        # Before super().clean(), whose prepare_value() would drop the refused ids unseen.
        if isinstance(value, list | tuple) and self.to_field_name is None:
            for item in value:
                if item not in self.empty_values and not _is_id(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super().clean(value)

    def prepare_value(self, value):
        if isinstance(value, list | tuple) and self.to_field_name is None:
            value = [v for v in value if not isinstance(v, str | int) or _is_id(v)]
        return super().prepare_value(value)
