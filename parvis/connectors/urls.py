"""Mounted at ``o/<slug:org>/parametres/comptes/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.connectors import views
from parvis.connectors.sandbox import views as sandbox

app_name = "connectors"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("mastodon/", views.mastodon_connect, name="mastodon_connect"),
    path("bluesky/", views.bluesky_connect, name="bluesky_connect"),
    path("bac-a-sable/", sandbox.connect, name="sandbox_connect"),
    path("<int:pk>/scenario/", sandbox.play, name="sandbox_play"),
    path("<int:pk>/revoquer/", sandbox.revoke, name="sandbox_revoke"),
    path("<int:pk>/reconnecter/", sandbox.reconnect, name="sandbox_reconnect"),
    path("<int:pk>/", views.account_detail, name="account_detail"),
    path("<int:pk>/verifier/", views.account_check, name="account_check"),
    path("<int:pk>/deconnecter/", views.account_disconnect, name="account_disconnect"),
]
