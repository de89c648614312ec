from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parvis.audit.services import record
from parvis.audit.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def url(organisation, name="list"):
    return reverse(f"audit:{name}", kwargs={"org": organisation.slug})


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def events(organisation, other_organisation, admin):
    with time_machine.travel(at(1), tick=False):
        record(
            organisation=organisation,
            actor=admin,
            action="member.role_changed",
            target="Carole",
            before={"role": "contributor"},
            after={"role": "community_manager"},
            summary="Carole devient community manager",
        )
    with time_machine.travel(at(5), tick=False):
        record(
            organisation=organisation,
            actor=admin,
            action="account.connected",
            target='=HYPERLINK("http://piege.test")',
            after={"handle": "@mairie@social.test"},
        )
    with time_machine.travel(at(9), tick=False):
        record(organisation=organisation, actor=None, action="post.published", target="Bonjour")
    record(organisation=other_organisation, actor=None, action="post.published", target="Ailleurs")


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_an_administrator_sees_the_events_of_the_organisation(client, admin, organisation, events):
    client.force_login(admin)
    response = client.get(url(organisation))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Carole devient community manager" in page
    assert "contributor → community_manager" in page
    assert "@mairie@social.test" in page
    assert "Ailleurs" not in page
    assert "<caption>" in page
    assert '<th scope="col">' in page
    assert "3 événements" in page


def test_the_list_filters_by_action_and_by_days(client, admin, organisation, events):
    client.force_login(admin)
    page = client.get(url(organisation), {"action": "account.connected"}).content.decode()
    assert "@mairie@social.test" in page
    assert "Carole devient" not in page

    page = client.get(url(organisation), {"action": "member.*"}).content.decode()
    assert "Carole devient" in page
    assert "Bonjour" not in page

    page = client.get(url(organisation), {"start": "2026-03-02", "end": "2026-03-09"})
    page = page.content.decode()
    assert "Carole devient" not in page
    assert "@mairie@social.test" in page
    assert "Bonjour" in page


def test_a_reversed_date_range_is_explained(client, admin, organisation, events):
    client.force_login(admin)
    response = client.get(url(organisation), {"start": "2026-03-09", "end": "2026-03-01"})
    assert "postérieure" in response.content.decode()
    export = client.get(
        url(organisation, "export_csv"), {"start": "2026-03-09", "end": "2026-03-01"}
    )
    assert export.status_code == 400


def test_the_list_is_paginated(client, admin, organisation):
    for index in range(PAGE_SIZE + 3):
        record(organisation=organisation, actor=admin, action="post.published", target=f"n°{index}")
    client.force_login(admin)
    first = client.get(url(organisation)).content.decode()
    assert "page 1 sur 2" in first
    second = client.get(url(organisation), {"page": 2}).content.decode()
    assert second.count("<tr>") == 3 + 1  # three events and the header row


def test_the_csv_export_holds_the_filtered_events_with_french_headers(
    client, admin, organisation, events
):
    client.force_login(admin)
    response = client.get(url(organisation, "export_csv"), {"start": "2026-03-02"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(streamed(response).removeprefix("\ufeff"))))
    assert rows[0][:4] == ["Date", "Action", "Libellé de l'action", "Auteur"]
    assert "Résumé" in rows[0]
    assert [row[1] for row in rows[1:]] == ["post.published", "account.connected"]
    connected = dict(zip(rows[0], rows[2], strict=True))
    assert connected["Auteur"] == admin.display_name
    assert connected["Libellé de l'action"] == "Compte de réseau connecté"
    assert json.loads(connected["Après"]) == {"handle": "@mairie@social.test"}
    # A label from outside must not run as a spreadsheet formula.
    assert connected["Cible"].startswith("'=")
    assert connected["Date"].startswith("2026-03-05T12:00:00")


def test_the_json_export_holds_the_filtered_events(client, admin, organisation, events):
    client.force_login(admin)
    response = client.get(url(organisation, "export_json"), {"action": "member.role_changed"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (event,) = json.loads(streamed(response))
    assert event["action"] == "member.role_changed"
    assert event["actor"] == admin.display_name
    assert event["actor_id"] == admin.pk
    assert event["before"] == {"role": "contributor"}
    assert event["after"] == {"role": "community_manager"}
    assert event["target_label"] == "Carole"
    assert event["date"].startswith("2026-03-01T12:00:00")

    everything = json.loads(streamed(client.get(url(organisation, "export_json"))))
    assert len(everything) == 3


@pytest.mark.parametrize("name", ["list", "export_csv", "export_json"])
def test_a_community_manager_is_refused(client, community_manager, organisation, name):
    client.force_login(community_manager)
    assert client.get(url(organisation, name)).status_code == 403


@pytest.mark.parametrize("name", ["list", "export_csv", "export_json"])
def test_an_outsider_does_not_learn_that_the_log_exists(client, outsider, organisation, name):
    client.force_login(outsider)
    assert client.get(url(organisation, name)).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_events(
    client, admin, organisation, django_assert_max_num_queries
):
    client.force_login(admin)

    def add(count: int) -> None:
        for index in range(count):
            record(
                organisation=organisation,
                actor=admin,
                action=f"post.published{index % 3}",
                target=f"n°{index}",
                after={"index": index},
            )

    add(2)
    # The base page (session, menus of the shell) has its own queries: measure them once.
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(organisation)).status_code == 200
    assert len(few) <= 12
    add(40)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url(organisation)).status_code == 200
