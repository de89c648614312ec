"""Mounted at ``o/<slug:org>/strategie/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("objectifs/", views.objectives_page, name="objectives"),
    path("objectifs/ajouter/", views.objective_edit, name="objective_add"),
    path("objectifs/<int:pk>/modifier/", views.objective_edit, name="objective_edit"),
    path("objectifs/<int:pk>/supprimer/", views.objective_delete, name="objective_delete"),
    path("questionnaire/", views.buzzform_page, name="buzzform"),
    path("questionnaire/remplir/", views.buzzform_edit, name="buzzform_edit"),
    path("questionnaire/version/<int:number>/", views.buzzform_page, name="buzzform_version"),
    path("questionnaire/version/<int:number>/pdf/", views.buzzform_pdf, name="buzzform_pdf"),
    path("questionnaire/version/<int:number>/envoyer/", views.buzzform_send, name="buzzform_send"),
    path("certification/", views.certifications, name="certifications"),
    path("certification/suivre/", views.certification_declare, name="certification_declare"),
    path("certification/<int:pk>/", views.certification_detail, name="certification"),
    path(
        "certification/<int:pk>/dossier.pdf",
        views.certification_dossier,
        name="certification_dossier",
    ),
    path("ligne-editoriale/", views.editorial, name="editorial"),
    path("ligne-editoriale/version/<int:number>/", views.editorial, name="editorial_version"),
    path("ligne-editoriale/modifier/", views.editorial_edit, name="editorial_edit"),
    path(
        "ligne-editoriale/version/<int:number>/export.<str:fmt>",
        views.editorial_export,
        name="editorial_export",
    ),
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
