"""OAuth return addresses: one per network for the whole instance (registered once)."""

from __future__ import annotations

from django.urls import path

from parvis.connectors import views

app_name = "connectors_oauth"
urlpatterns = [
    path("mastodon/retour/", views.mastodon_callback, name="mastodon_callback"),
]
