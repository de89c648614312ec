"""TOTP two-factor authentication: enrolment, verification state of a session, QR code.

Design: logging in (password or ProConnect) calls ``login()`` as usual; for a user with a
confirmed device the session is then marked "second factor required" and
``TwoFactorMiddleware`` sends every request to the code page until django-otp records a verified
device in the session. One gate covers every way in, and views need no decorator.
"""

from __future__ import annotations

import enum
from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# True when the logged-in user had a confirmed device at login time (checked once per session).
OTP_REQUIRED_SESSION_KEY = "parvis_otp_required"
DEVICE_NAME = "authenticator"


def confirmed_device(user: AbstractBaseUser | AnonymousUser) -> Any | None:
    """The user's confirmed TOTP device, if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: AbstractBaseUser) -> Any:
    """The unconfirmed device shown during enrolment, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: Any) -> str:
    """The base32 secret in groups of four, for manual entry in an authenticator app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: Any, title: str) -> SafeString:
    """The otpauth:// URI as an inline SVG image, drawn on the server (no external service)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=title, omitsize=False
    )
    # segno escapes the title and emits only its own markup.
    return mark_safe(svg)  # noqa: S308


def second_factor_required(request: HttpRequest) -> bool:
    """Whether this session still owes a code (authenticated, device confirmed, not verified)."""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's OTPMiddleware
    if is_verified is not None and is_verified():
        return False
    required = request.session.get(OTP_REQUIRED_SESSION_KEY)
    if required is None:  # session opened before this flag existed
        required = confirmed_device(user) is not None
        request.session[OTP_REQUIRED_SESSION_KEY] = required
    return bool(required)


def remember_login(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Called at every login: does this new session owe a second factor?"""
    request.session[OTP_REQUIRED_SESSION_KEY] = confirmed_device(user) is not None


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    THROTTLED = "throttled"  # too many recent failures: django-otp's back-off is running


def verify_code(request: HttpRequest, code: str) -> CodeCheck:
    """Check a code against the user's device; on success the session becomes verified."""
    device = confirmed_device(request.user)
    if device is None:
        return CodeCheck.REFUSED
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    if not device.verify_token(code):
        return CodeCheck.REFUSED
    otp_login(request, device)
    return CodeCheck.ACCEPTED


@transaction.atomic
def do_confirm_device(request: HttpRequest, device: Any, code: str) -> bool:
    """Confirm an enrolment with a first code; the current session counts as verified."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    request.session[OTP_REQUIRED_SESSION_KEY] = True
    return True


def do_disable(request: HttpRequest) -> None:
    """Remove every TOTP device of the user; the session no longer owes a code."""
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[OTP_REQUIRED_SESSION_KEY] = False
