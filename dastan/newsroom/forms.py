"""The back office's forms: sign-in with a second factor, enrolment, and the article form."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dastan.content.dates import published_at_error
from dastan.content.models import Article, local_datetime
from dastan.newsroom.preferences import staff_languages
from dastan.newsroom.twofactor import totp_device_get


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


class ArticleAdminForm(forms.ModelForm):
    # Typed without a scheme, an image address is HTTPS (Django 6's default too).
    featured_image_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Featured image URL")
    )
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
                self.add_error("published_at", _("A scheduled article needs its publication time."))
            elif when <= timezone.now() and self.is_scheduling():
                self.add_error("published_at", _("A scheduled time must be in the future."))
        if data.get("mark_revised") and not data.get("revision_note"):
            self.add_error("revision_note", _("Say what changed: readers see this note."))
        return data

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
