"""The second factor for staff: TOTP devices (django-otp), who must have one, and resets.

A staff member with a confirmed device signs in with a code as well as a password. Members of
the groups in ``DASTAN_NEWSROOM["REQUIRE_2FA_FOR"]`` cannot use the back office until they
have confirmed one; anyone else may opt in.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dastan.newsroom.conf import newsroom_setting

DEVICE_NAME = "Authenticator app"
StaffState = Literal["ok", "enrol", "verify"]


def twofactor_required(user: AbstractBaseUser) -> bool:
    """Return whether ``user`` belongs to a group that must use a second factor."""
    groups = newsroom_setting("REQUIRE_2FA_FOR")
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def totp_device_get(user: AbstractBaseUser) -> TOTPDevice | None:
    """Return ``user``'s confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def staff_state(request: HttpRequest) -> StaffState:
    """Say what a signed-in staff member still owes: nothing, an enrolment or a code."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return "ok"
    if user.is_verified():
        return "ok"
    if totp_device_get(user) is not None:
        # Signed in without the code (a session from before enrolment): sign in again.
        return "verify"
    return "enrol" if twofactor_required(user) else "ok"


def totp_enrolment_start(user: AbstractBaseUser) -> TOTPDevice:
    """Return the unconfirmed device ``user`` is setting up, creating it on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm ``device`` with a code from the app; the session counts as verified after it."""
    if not device.verify_is_allowed()[0] or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True


def twofactor_reset(user: AbstractBaseUser) -> int:
    """Remove every TOTP device of ``user`` (a lost phone); return how many were removed."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
