"""Mounted at ``o/<slug:org>/parametres/notifications/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.channels, name="channels"),
    path("ajouter/", views.channel_create, name="channel_create"),
    path("<int:pk>/modifier/", views.channel_edit, name="channel_edit"),
    path("<int:pk>/supprimer/", views.channel_delete, name="channel_delete"),
    path("<int:pk>/essai/", views.channel_test, name="channel_test"),
]
