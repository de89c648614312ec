"""Mounted at ``o/<slug:org>/parametres/comptes/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.connectors import views

app_name = "connectors"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("mastodon/", views.mastodon_connect, name="mastodon_connect"),
    path("bluesky/", views.bluesky_connect, name="bluesky_connect"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/verifier/", views.account_check, name="account_check"),
    path("<int:pk>/deconnecter/", views.account_disconnect, name="account_disconnect"),
]
