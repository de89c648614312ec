from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "parvis.analysis"
    label = "analysis"
    verbose_name = _("Analyse des textes")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from parvis.analysis import i18n

        i18n.install(gettext)  # findings speak the language of the request
