from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "parvis.connectors.feeds"
    label = "feeds"
    verbose_name = _("Sources (flux RSS et Atom)")
