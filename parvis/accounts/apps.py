from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parvis.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_on_login, dispatch_uid="parvis.accounts.on_login")


def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every login, password or ProConnect: owe a code if needed, apply the user's language."""
    from parvis.accounts.middleware import LANGUAGE_ATTRIBUTE
    from parvis.accounts.two_factor import remember_login

    if request is None or not hasattr(request, "session"):
        return
    remember_login(request, user)
    setattr(request, LANGUAGE_ATTRIBUTE, getattr(user, "language", None))
