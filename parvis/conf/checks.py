"""System checks for settings that parse but are unsafe (``parvis check --deploy`` too)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=False)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Warning | Error]:
    """Refuse what would expose a production instance: debug pages, open hosts, plain HTTP."""
    if settings.PARVIS_ENV != "production":
        return []
    problems: list[Warning | Error] = []
    if settings.DEBUG:
        problems.append(
            Error(
                "PARVIS_DEBUG est activé en production : les pages d'erreur montreraient la "
                "configuration. / PARVIS_DEBUG is on in production.",
                hint="PARVIS_DEBUG=false",
                id="parvis.E001",
            )
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "PARVIS_ALLOWED_HOSTS est vide : aucune requête ne serait servie. "
                "/ PARVIS_ALLOWED_HOSTS is empty.",
                hint="PARVIS_ALLOWED_HOSTS=parvis.exemple.gouv.fr",
                id="parvis.E002",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "PARVIS_ALLOWED_HOSTS contient « * » : n'importe quel nom d'hôte serait accepté "
                "(liens d'e-mail empoisonnés). / PARVIS_ALLOWED_HOSTS contains '*'.",
                hint="Listez les noms exacts / list the exact host names.",
                id="parvis.E003",
            )
        )
    if len(settings.SECRET_KEY) < 40:
        problems.append(
            Error(
                "PARVIS_SECRET_KEY est trop courte (40 caractères au moins). "
                "/ PARVIS_SECRET_KEY is too short (at least 40 characters).",
                hint='python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
                id="parvis.E004",
            )
        )
    if not settings.PARVIS_BASE_URL:
        problems.append(
            Error(
                "PARVIS_BASE_URL est vide : les liens des e-mails seraient faux. "
                "/ PARVIS_BASE_URL is empty: links in e-mails would be wrong.",
                hint="PARVIS_BASE_URL=https://parvis.exemple.gouv.fr",
                id="parvis.E005",
            )
        )
    elif not settings.PARVIS_BASE_URL.startswith("https://"):
        problems.append(
            Warning(
                "PARVIS_BASE_URL n'est pas en https : les sessions circuleraient en clair. "
                "/ PARVIS_BASE_URL is not https.",
                id="parvis.W001",
            )
        )
    return problems
