from __future__ import annotations

from django.urls import path

from parvis.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
]
