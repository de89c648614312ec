"""Mounted at ``o/<slug:org>/strategie/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("chartes/<str:kind>/", views.charter, name="charter"),
    path("chartes/<str:kind>/version/<int:number>/", views.charter, name="charter_version"),
    path("chartes/<str:kind>/creer/", views.start, name="start"),
    path("chartes/<str:kind>/modifier/", views.edit, name="edit"),
    path("chartes/<str:kind>/articles/ajouter/", views.article, name="article_add"),
    path("chartes/<str:kind>/articles/<int:number>/modifier/", views.article, name="article_edit"),
    path(
        "chartes/<str:kind>/articles/<int:number>/supprimer/",
        views.article_delete,
        name="article_delete",
    ),
]
