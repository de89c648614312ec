from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_member_sees_the_dashboard_of_their_organisation(client, community_manager, organisation):
    client.force_login(community_manager)
    response = client.get(reverse("front:dashboard", kwargs={"org": organisation.slug}))
    assert response.status_code == 200
    assert organisation.name in response.content.decode()


def test_an_outsider_gets_404_on_the_dashboard(client, outsider, organisation):
    client.force_login(outsider)
    response = client.get(reverse("front:dashboard", kwargs={"org": organisation.slug}))
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, organisation):
    response = client.get(reverse("front:dashboard", kwargs={"org": organisation.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
