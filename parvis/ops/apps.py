from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "parvis.ops"
    label = "ops"
