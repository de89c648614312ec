"""Mounted at ``o/<slug:org>/parametres/sources/``: every view receives ``org``."""

from __future__ import annotations

app_name = "feeds"
urlpatterns: list[object] = []
