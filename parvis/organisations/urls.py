"""Mounted at ``o/<slug:org>/parametres/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("modifier/", views.profile_edit, name="profile_edit"),
    path("membres/", views.members, name="members"),
    path("membres/ajouter/", views.member_add, name="member_add"),
    path("membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path("personnes-ressources/", views.resource_persons, name="resource_persons"),
    path(
        "personnes-ressources/ajouter/",
        views.resource_person_create,
        name="resource_person_create",
    ),
    path(
        "personnes-ressources/<int:pk>/modifier/",
        views.resource_person_edit,
        name="resource_person_edit",
    ),
    path(
        "personnes-ressources/<int:pk>/supprimer/",
        views.resource_person_delete,
        name="resource_person_delete",
    ),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
]
