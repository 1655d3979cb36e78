"""The back office's interface language, chosen per staff member.

Reader pages follow their edition; the admin and ``/newsroom/`` follow the staff member's
choice (``StaffMiddleware`` activates it), defaulting to the site's language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation

from dastan.newsroom.models import StaffPreference


def staff_languages() -> list[tuple[str, str]]:
    """Return ``(code, name in that language)`` for each language the back office offers."""
    return [
        (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
    ]


def staff_language_get(user: AbstractBaseUser) -> str:
    """Return ``user``'s back-office language: their choice while offered, else the default."""
    if user.is_authenticated:
        chosen = (
            StaffPreference.objects.filter(user=user).values_list("language", flat=True).first()
        )
        if chosen in {code for code, _ in settings.LANGUAGES}:
            return chosen
    return settings.LANGUAGE_CODE


def staff_language_set(user: AbstractBaseUser, language: str) -> None:
    """Store ``user``'s back-office language; a code not in ``settings.LANGUAGES`` is refused."""
    if language not in {code for code, _ in settings.LANGUAGES}:
        raise ValueError(f"{language!r} is not one of settings.LANGUAGES")
    StaffPreference.objects.update_or_create(user=user, defaults={"language": language})
