"""The public pages of an organisation's strategy, readable without an account."""

from __future__ import annotations

from django.urls import path

from parvis.strategy import views

app_name = "charters"
urlpatterns = [
    path("<slug:org>/", views.public_charter, name="charter"),
    path("<slug:org>/version/<int:number>/", views.public_charter, name="version"),
]
