"""System checks of the core: keys for secrets at rest."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from parvis.core.crypto import MIN_KEY_LENGTH, key_problems


@register(Tags.security)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Refuse encryption keys that are missing or too short to resist guessing."""
    keys = getattr(settings, "PARVIS_ENCRYPTION_KEYS", [])
    return [
        Error(
            problem,
            hint=(
                f"Utilisez une chaîne aléatoire d'au moins {MIN_KEY_LENGTH} caractères "
                f"/ use a random string of at least {MIN_KEY_LENGTH} characters: "
                'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
            ),
            id="parvis.E020",
        )
        for problem in key_problems(list(keys))
    ]
