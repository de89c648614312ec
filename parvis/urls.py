from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("comptes/", include("parvis.accounts.urls")),
    path("reseaux/", include("parvis.connectors.oauth_urls")),
    path("o/<slug:org>/parametres/notifications/", include("parvis.notify.urls")),
    path("o/<slug:org>/parametres/comptes/", include("parvis.connectors.urls")),
    path("o/<slug:org>/parametres/sources/", include("parvis.connectors.feeds.urls")),
    path("o/<slug:org>/parametres/", include("parvis.organisations.urls")),
    path("o/<slug:org>/journal/", include("parvis.audit.urls")),
    path("o/<slug:org>/strategie/", include("parvis.strategy.urls")),
    path("o/<slug:org>/publication/", include("parvis.publishing.urls")),
    path("chartes/", include("parvis.strategy.public_urls")),
    path("bac-a-sable/", include("parvis.connectors.sandbox.urls")),
    path("agenda/", include("parvis.publishing.feed_urls")),
    path("", include("parvis.ops.urls")),
    path("", include("parvis.front.urls")),
]
