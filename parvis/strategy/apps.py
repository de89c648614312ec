from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "parvis.strategy"
    verbose_name = _("Stratégie")
    default_auto_field = "django.db.models.BigAutoField"
