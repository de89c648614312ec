from __future__ import annotations

app_name = "organisations"
urlpatterns: list[object] = []
