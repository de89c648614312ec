"""Mounted at ``o/<slug:org>/publication/``: every view receives ``org``."""

from __future__ import annotations

from django.urls import path

from parvis.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.new, name="new"),
    path("verifier/", views.check, name="check"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/confirmer/", views.confirm, name="confirm"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("envois/<int:pk>/reessayer/", views.retry, name="retry"),
    path("envois/<int:pk>/reprendre/", views.resume, name="resume"),
    path("regularite/", views.regularity_page, name="regularity"),
    path("calendrier/", views.calendar_page, name="calendar"),
    path("file/", views.queue_page, name="queue"),
    path("file/<int:pk>/ajouter/", views.queue_add, name="queue_add"),
    path("file/creneaux/<int:pk>/retirer/", views.queue_remove, name="queue_remove"),
    path("suggestions/", views.suggestions_page, name="suggestions"),
    path("suggestions/<int:pk>/partager/", views.share, name="share"),
    path("suggestions/<int:pk>/ecarter/", views.dismiss, name="dismiss"),
    path("suggestions/suivre/", views.follow_add, name="follow_add"),
    path("suggestions/suivis/<int:pk>/relire/", views.follow_read, name="follow_read"),
    path("suggestions/suivis/<int:pk>/retirer/", views.follow_remove, name="follow_remove"),
    path(
        "suggestions/publications/<int:pk>/ecarter/",
        views.followed_dismiss,
        name="followed_dismiss",
    ),
    path("calendrier/lien/", views.calendar_feed, name="calendar_feed"),
    path("<int:pk>/deplacer/", views.reschedule, name="reschedule"),
    path("crise/", views.crisis_page, name="crisis"),
    path("crise/preparer/", views.crisis_prepare, name="crisis_prepare"),
    path("crise/<int:pk>/declencher/", views.crisis_confirm, name="crisis_confirm"),
    path("crise/terminer/", views.crisis_end, name="crisis_end"),
]
