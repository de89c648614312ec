"""Mounted at ``agenda/``: the private iCalendar feeds (no login: the token is the key)."""

from __future__ import annotations

from django.urls import path

from parvis.publishing import views

app_name = "publishing_feed"
urlpatterns = [path("<str:token>.ics", views.ical_feed, name="ical")]
