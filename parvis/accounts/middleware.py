"""Every request of a session that owes a second factor goes to the code page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.i18n import set_language

from parvis.accounts.two_factor import second_factor_required

# Set on the request by the login signal: the user's language, written to the language cookie.
LANGUAGE_ATTRIBUTE = "parvis_login_language"


def allowed_before_second_factor(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that a session waiting for its code may open (code page, logout)."""
    view.allowed_before_second_factor = True  # type: ignore[attr-defined]
    return view


class TwoFactorMiddleware:
    """Send sessions that owe a TOTP code to the code page; apply the language chosen at login.

    Placed after django-otp's ``OTPMiddleware``, which gives ``request.user.is_verified()``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, LANGUAGE_ATTRIBUTE, None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "allowed_before_second_factor", False) or view_func is set_language:
            return None
        if not second_factor_required(request):
            return None
        target = request.get_full_path() if request.method == "GET" else ""
        url = reverse("accounts:two_factor_verify")
        if target:
            url = f"{url}?{urlencode({'next': target})}"
        return HttpResponseRedirect(url)
