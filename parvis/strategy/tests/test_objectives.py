"""Objectives: progress computed from Parvis's data, or an honest "no data yet"."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.connectors.models import ConnectedAccount
from parvis.publishing.models import Delivery, DeliveryState
from parvis.strategy import objectives
from parvis.strategy.models import Kpi, Objective

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": organisation.slug, **kwargs})


def objective(organisation, kpi: str, baseline: float, target: float, network: str = ""):
    today = timezone.localdate()
    return Objective.objects.create(
        organisation=organisation,
        title=f"Objectif {kpi}",
        kpi=kpi,
        network=network,
        baseline=baseline,
        target=target,
        start=today,
        deadline=today + datetime.timedelta(days=90),
    )


@pytest.fixture
def accounts(organisation) -> list[ConnectedAccount]:
    return [
        ConnectedAccount.objects.create(
            organisation=organisation,
            network=network,
            service_url=f"https://{network}.test",
            remote_id=network,
            handle=f"ville@{network}.test",
            followers_count=count,
        )
        for network, count in (("mastodon", 1200), ("bluesky", 300))
    ]


def test_followers_are_the_connected_accounts_own_counts(organisation, accounts):
    goal = objective(organisation, Kpi.FOLLOWERS, 1000, 2000)
    found = objectives.measure(goal)
    assert found.value == 1500
    assert found.progress(goal) == pytest.approx(0.5)
    only = objective(organisation, Kpi.FOLLOWERS, 0, 600, network="bluesky")
    assert objectives.measure(only).value == 300


def test_posts_a_week_are_counted_from_what_parvis_delivered(organisation, accounts):
    now = timezone.now()
    for days, state in (
        (1, DeliveryState.SENT),
        (10, DeliveryState.SENT),
        (40, DeliveryState.SENT),
    ):
        Delivery.objects.create(
            organisation=organisation,
            account=accounts[0],
            text="x",
            state=state,
            sent_at=now - datetime.timedelta(days=days),
        )
    Delivery.objects.create(
        organisation=organisation, account=accounts[0], text="x", state=DeliveryState.FAILED
    )
    goal = objective(organisation, Kpi.POSTS_PER_WEEK, 0, 2)
    assert objectives.measure(goal).value == 0.5  # two in the last four weeks
    assert objectives.measure(goal).progress(goal) == pytest.approx(0.25)


def test_an_indicator_the_networks_do_not_give_names_them(organisation, accounts):
    found = objectives.measure(objective(organisation, Kpi.REACH, 0, 10_000))
    assert found.value is None
    assert str(found.missing) == "Bluesky, Mastodon ne donne pas cet indicateur à ses utilisateurs."


@pytest.mark.parametrize(
    ("kpi", "reason"),
    [
        (Kpi.RESPONSE_TIME, "boîte de réception"),
        (Kpi.ANSWERED_SHARE, "boîte de réception"),
        (Kpi.ENGAGEMENT_RATE, "mesures de chaque publication"),
        (Kpi.FOLLOWERS, "aucun compte connecté"),
    ],
)
def test_an_objective_without_data_says_so(organisation, kpi, reason):
    found = objectives.measure(objective(organisation, kpi, 0, 10))
    assert found.value is None
    assert found.progress(objective(organisation, kpi, 0, 10)) is None
    assert reason in str(found.missing)


def test_progress_stays_between_0_and_1(organisation, accounts):
    assert objectives.Measure(5000).progress(objective(organisation, Kpi.FOLLOWERS, 0, 10)) == 1
    assert objectives.Measure(10).progress(objective(organisation, Kpi.FOLLOWERS, 100, 200)) == 0


def test_an_objective_is_set_in_the_browser_with_checked_dates(
    client, community_manager, organisation, accounts
):
    client.force_login(community_manager)
    today = timezone.localdate()
    values = {
        "title": "Passer à 2 000 abonnés",
        "kpi": "followers",
        "network": "",
        "baseline": "1000",
        "target": "2000",
        "start": today.isoformat(),
        "deadline": (today - datetime.timedelta(days=1)).isoformat(),
    }
    refused = client.post(url("objective_add", organisation), values)
    assert "L'échéance doit venir après le début." in unescape(refused.content.decode())
    same = client.post(url("objective_add", organisation), {**values, "target": "1000"})
    assert "La cible doit différer du point de départ." in same.content.decode()
    assert not Objective.objects.exists()
    values["deadline"] = (today + datetime.timedelta(days=180)).isoformat()
    assert client.post(url("objective_add", organisation), values).status_code == 302
    page = client.get(url("objectives", organisation)).content.decode()
    assert "Passer à 2 000 abonnés" in page
    assert "1500" in page
    assert 'value="50"' in page
    goal = Objective.objects.get()
    client.post(url("objective_delete", organisation, pk=goal.pk))
    assert not Objective.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions[-2:] == ["objective.saved", "objective.deleted"]
