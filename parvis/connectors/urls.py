"""Mounted at ``o/<slug:org>/parametres/comptes/``: every view receives ``org``."""

from __future__ import annotations

app_name = "connectors"
urlpatterns: list[object] = []
