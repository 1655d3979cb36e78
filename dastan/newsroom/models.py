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
