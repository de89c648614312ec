"""Exactly-once delivery, against mastodon-mock: never lost, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.connectors import services
from parvis.connectors.base import Draft
from parvis.connectors.models import ConnectedAccount
from parvis.core.http.tests.servers import Reply, free_port, running
from parvis.jobs.errors import TransientError
from parvis.publishing import delivery as machine
from parvis.publishing.actions import do_create_delivery
from parvis.publishing.models import Delivery, DeliveryState

pytestmark = pytest.mark.django_db


def own_statuses(mock, account: ConnectedAccount) -> list[dict[str, object]]:
    answer = requests.get(
        f"{mock.url}/api/v1/accounts/{account.remote_id}/statuses",
        params={"limit": 40},
        timeout=5,
    )
    return list(answer.json())


def create(account: ConnectedAccount, text: str, **draft: object) -> Delivery:
    prepared = do_create_delivery(account, actor=None, draft=Draft(text, **draft))  # type: ignore[arg-type]
    assert prepared.delivery is not None, prepared.findings
    return prepared.delivery


def test_a_delivery_is_published_once_and_recorded(ville, mock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        delivery = create(ville, "Collecte des sapins samedi de 9 h à 12 h.")
    assert len(enqueued) == 1  # the job is enqueued once the row is committed

    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    assert machine.deliver(delivery.pk) == DeliveryState.SENT  # a second run does nothing

    delivery.refresh_from_db()
    assert delivery.remote_url.startswith(mock.url)
    assert delivery.sent_at is not None
    texts = [s["content"] for s in own_statuses(mock, ville)]
    assert sum("Collecte des sapins" in str(t) for t in texts) == 1
    event = AuditEvent.objects.get(action="post.published")
    assert event.after["remote_id"] == delivery.remote_id  # type: ignore[index]


def test_a_draft_the_network_would_refuse_is_not_stored(ville):
    prepared = do_create_delivery(ville, actor=None, draft=Draft("x" * 600))
    assert prepared.delivery is None
    [finding] = prepared.findings
    assert finding.code == "length.too_long"
    assert "600 sur 500" in finding.message
    assert not Delivery.objects.exists()


def test_after_a_crash_mid_send_the_post_is_found_not_sent_again(ville, mock):
    delivery = create(ville, "Le marché est déplacé place de l'Église.")
    # A first run claimed it, sent it, and its worker died before recording the result.
    machine.claim(delivery.pk)
    services.connector_for(ville).publish(
        delivery.draft(), idempotency_key=str(delivery.idempotency_key)
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - dt.timedelta(hours=1)
    )

    assert machine.deliver(delivery.pk) == DeliveryState.SENT

    texts = [str(s["content"]) for s in own_statuses(mock, ville)]
    assert sum("Le marché est déplacé" in t for t in texts) == 1
    assert AuditEvent.objects.get(action="post.published").after["reconciled"] is True  # type: ignore[index]


def test_a_delivery_another_run_is_sending_is_left_alone_until_its_claim_is_stale(
    ville, mock, settings
):
    settings.PARVIS_WORKER_STALE_SECONDS = 120
    delivery = create(ville, "Réunion publique mardi.")
    assert machine.claim(delivery.pk) is not None  # another run, just now

    # The job comes back once the claim is stale (its worker may have died), never ends here.
    with pytest.raises(TransientError) as later:
        machine.deliver(delivery.pk)
    assert 115 <= (later.value.retry_after or 0) <= 122
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=121)
    )
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    assert sum("Réunion publique" in str(s["content"]) for s in own_statuses(mock, ville)) == 1


def test_an_unreachable_instance_keeps_the_delivery_for_a_retry(ville, mock, settings):
    delivery = create(ville, "La déchetterie ferme à 17 h.")
    ConnectedAccount.objects.filter(pk=ville.pk).update(
        service_url=f"http://127.0.0.1:{free_port()}"
    )
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = ["127.0.0.1"]

    with pytest.raises(TransientError):
        machine.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert "impossible" in delivery.last_error
    ConnectedAccount.objects.filter(pk=ville.pk).update(service_url=mock.url)
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_refusal_fails_with_the_network_s_reason_and_can_be_retried(ville, settings):
    delivery = create(ville, "Un texte que l'instance refuse")
    refusal = Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
    with running(lambda _received: refusal) as instance:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{instance.port}"]
        ConnectedAccount.objects.filter(pk=ville.pk).update(service_url=instance.url)

        assert machine.deliver(delivery.pk) == DeliveryState.FAILED

    delivery.refresh_from_db()
    assert "character limit of 500" in delivery.last_error  # the instance's words
    assert machine.retry(delivery)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING


def test_a_disconnected_account_fails_the_delivery_with_its_reason(ville):
    delivery = create(ville, "Message pour un compte retiré")
    ConnectedAccount.objects.filter(pk=ville.pk).update(disconnected_at=timezone.now())

    assert machine.deliver(delivery.pk) == DeliveryState.FAILED
    delivery.refresh_from_db()
    assert "déconnecté" in delivery.last_error
