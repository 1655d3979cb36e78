"""The back office's forms: sign-in with a second factor, enrolment, and the article form."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dastan.content import services
from dastan.content.dates import published_at_error
from dastan.content.models import Article, ArticleVersion, local_datetime
from dastan.content.revisions import TEXT_FIELDS
from dastan.newsroom.diffs import FieldDiff, versions_diff
from dastan.newsroom.preferences import staff_languages
from dastan.newsroom.twofactor import totp_device_get
from dastan.rendering import prepare_body


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form, asking for a code from staff who have set up an app."""

    otp_token = forms.CharField(
        required=False,
        label=_("Code from your authenticator app"),
        help_text=_("Leave empty if you have not set up an authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        user = self.get_user()
        device = totp_device_get(user) if user is not None else None
        if device is None:
            return data
        token = (data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(
                _("Enter the code from your authenticator app."), code="token_required"
            )
        if not device.verify_is_allowed()[0]:
            raise forms.ValidationError(
                _("Too many wrong codes: wait a minute and try again."), code="token_throttled"
            )
        if not device.verify_token(token):
            # A wrong code counts as a failed sign-in, so guessing codes also ends in a lockout.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise forms.ValidationError(
                _("That code is wrong or has expired."), code="invalid_token"
            )
        user.otp_device = device
        return data


class TOTPEnrolmentForm(forms.Form):
    token = forms.CharField(
        label=_("Code shown by the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class StaffLanguageForm(forms.Form):
    """The back office's language; only the languages in ``settings.LANGUAGES`` are accepted."""

    language = forms.ChoiceField(
        label=_("Back-office language"),
        choices=staff_languages,
        widget=forms.RadioSelect,
    )


@dataclass(frozen=True)
class EditConflict:
    """What a refused save is shown: who saved since, when, and the differences."""

    saved_by: str
    saved_at: datetime.datetime | None
    diff: list[FieldDiff]


def edit_conflict(article_id: int, submitted: dict) -> EditConflict:
    """Compare the submitted text with the stored article's (stored first, submitted second)."""
    stored = Article.objects.get(pk=article_id)
    latest = ArticleVersion.objects.filter(article_id=article_id).select_related("author").first()
    author = latest.author if latest else None
    theirs = ArticleVersion(**{name: getattr(stored, name) for name in TEXT_FIELDS})
    mine = ArticleVersion(**{name: submitted.get(name) or "" for name in TEXT_FIELDS})
    return EditConflict(
        saved_by=(author.get_full_name() or author.get_username()) if author else "",
        saved_at=stored.updated_at,
        diff=[field for field in versions_diff(theirs, mine) if field.changed],
    )


class ArticleAdminForm(forms.ModelForm):
    # Typed without a scheme, an image address is HTTPS (Django 6's default too).
    featured_image_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Featured image URL")
    )
    # The lock version the form was opened at (optimistic locking, see clean()).
    opened_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    mark_revised = forms.BooleanField(
        required=False,
        label=_("Mark as a real update"),
        help_text=_('Shows "Updated" with the note on the article. Leave unticked for typo fixes.'),
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
            "breaking_until",
            "section",
            "sections",
            "tags",
            "places",
            "featured_image",
            "featured_image_url",
            "featured_image_caption",
            "featured_image_credit",
            "revision_note",
            "review_note",
            "legacy_url",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        when = self.initial.get("published_at")
        if when is not None and local_datetime(when) is when:
            # A stored time the site's zone cannot hold (9999-12-31) is shown as
            # it is in UTC, rather than failing the page; saving it is refused.
            self.initial["published_at"] = when.replace(tzinfo=None)
        if self.instance.pk is not None:
            self.initial["opened_version"] = self.instance.lock_version
        # Set by clean() when someone saved the article after this form was opened.
        self.conflict: EditConflict | None = None

    def clean_body(self) -> str:
        """Make paragraphs of blank-line-separated text, by the one rule: WordPress's wpautop.

        What the rich-text editor sends is already in paragraphs, which autop leaves as they
        are; text typed in the plain textarea (no JavaScript) gets them here. Word and
        Google Docs markup pasted anywhere is made plain and the whole body sanitised
        (``rendering.prepare_body``), so the stored body is what readers see.
        """
        return prepare_body(self.cleaned_data.get("body") or "")

    def clean_published_at(self):
        when = self.cleaned_data.get("published_at")
        problem = published_at_error(when)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return when

    def _check_image_alt(self, data: dict) -> None:
        """The form's own word for ``content.services.article_image_check``'s rule."""
        status = data.get("status") or self.instance.status
        image = data.get(
            "featured_image", self.instance.featured_image if self.instance.pk else None
        )
        if status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED) or image is None:
            return
        if not image.alt_text.strip():
            self.add_error(
                "featured_image" if "featured_image" in self.fields else None,
                _("Give the featured image alt text (in the media library) before publishing."),
            )

    def clean(self) -> dict:
        """Give a published article without a time "now"; a scheduled one needs its time."""
        data = super().clean()
        status = data.get("status")
        if status == Article.Status.PUBLISHED and not data.get("published_at"):
            data["published_at"] = timezone.now()
        if status == Article.Status.SCHEDULED:
            when = data.get("published_at")
            if not when:
                self.add_error("published_at", _("A scheduled article needs its publication time."))
            elif when <= timezone.now() and self.is_scheduling():
                self.add_error("published_at", _("A scheduled time must be in the future."))
        self._check_image_alt(data)
        if data.get("mark_revised") and not data.get("revision_note"):
            self.add_error("revision_note", _("Say what changed: readers see this note."))
        if "_send_back" in self.data and not (data.get("review_note") or "").strip():
            self.add_error("review_note", _("Say what to change: the writer sees this note."))
        self._check_not_stale(data)
        return data

    def _check_not_stale(self, data: dict) -> None:
        """Refuse to save over a version saved after this form was opened; show the diff.

        The refused form comes back carrying the stored version's number, so saving
        it again, after reading the differences, deliberately replaces that version.
        """
        opened = data.get("opened_version")
        if self.instance.pk is None or opened is None:
            return
        stored = services.article_lock_version(self.instance.pk)
        if stored is None or stored == opened:
            return
        self.conflict = edit_conflict(self.instance.pk, data)
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = str(stored)
        raise forms.ValidationError(
            _(
                "Someone saved this article after you opened it: nothing of yours was saved. "
                "Below are the differences between what you submitted and what is stored. "
                "Save again to replace the stored text with yours, or reload the page to "
                "start from it."
            ),
            code="stale",
        )

    def is_scheduling(self) -> bool:
        """Say whether this save sets a schedule, rather than keeping one whose time has come.

        A scheduled article goes live at its time with no status change, so
        saving it again later must not ask for a time in the future.
        """
        return (
            self.instance._state.adding
            or "status" in self.changed_data
            or "published_at" in self.changed_data
        )


class AutosaveForm(forms.Form):
    """The text fields the article form's script autosaves, checked as the article's own."""

    title = forms.CharField(required=False, max_length=300, strip=False)
    standfirst = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)
    excerpt = forms.CharField(required=False, strip=False)
    opened_version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class VersionCompareForm(forms.Form):
    """Two of an article's version numbers to compare (``?old=3&new=5`` on the versions page)."""

    old = forms.TypedChoiceField(label=_("Compare"), coerce=int)
    new = forms.TypedChoiceField(label=_("with"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices
        if len(numbers) > 1:
            self.fields["old"].initial, self.fields["new"].initial = numbers[1], numbers[0]
