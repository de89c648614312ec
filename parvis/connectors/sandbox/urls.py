"""Mounted at ``bac-a-sable/``: the training accounts' own pages."""

from __future__ import annotations

from django.urls import path

from parvis.connectors.sandbox import views

app_name = "sandbox"
urlpatterns = [path("<str:handle>/", views.timeline, name="timeline")]
