from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parvis.core"
    label = "core"

    def ready(self) -> None:
        # Registers the system checks of the settings (parvis check, start-up).
        from parvis.conf import checks  # noqa: F401
        from parvis.core import checks as core_checks  # noqa: F401
