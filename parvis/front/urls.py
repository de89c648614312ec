from __future__ import annotations

from django.urls import path

from parvis.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    # Placeholders until each domain is built; the issue that builds one replaces its line.
    path("o/<slug:org>/boite/", views.placeholder, {"section": "inbox"}, name="inbox"),
    path("o/<slug:org>/veille/", views.placeholder, {"section": "listening"}, name="listening"),
    path(
        "o/<slug:org>/statistiques/", views.placeholder, {"section": "analytics"}, name="analytics"
    ),
    path("o/<slug:org>/rapports/", views.placeholder, {"section": "reports"}, name="reports"),
]
