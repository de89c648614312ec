"""Mounted at ``o/<slug:org>/parametres/sources/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.connectors.feeds import views

app_name = "feeds"
urlpatterns = [
    path("", views.sources, name="sources"),
    path("ajouter/", views.source_create, name="source_create"),
    path("<int:pk>/", views.source_detail, name="source_detail"),
    path("<int:pk>/etat/", views.source_status, name="source_status"),
    path("<int:pk>/modifier/", views.source_edit, name="source_edit"),
    path("<int:pk>/supprimer/", views.source_delete, name="source_delete"),
    path("<int:pk>/recuperer/", views.source_fetch, name="source_fetch"),
]
