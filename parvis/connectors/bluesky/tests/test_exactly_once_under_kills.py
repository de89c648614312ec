"""500 posts to accounts on the real local Bluesky servers, workers killed (SIGKILL) at random
while they publish and restarted: every post is on the server exactly once.

Run on SQLite and, in the PostgreSQL pass of ``make test``, on PostgreSQL. A worker that dies
while sending leaves its delivery ``sending``; after the stale delay another worker takes it
over and first asks the PDS whether the record of its key exists (the record key is derived
from the delivery's idempotency key), so it never writes a second post.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.connectors import actions
from parvis.connectors.base import Draft
from parvis.connectors.bluesky.connect import login
from parvis.connectors.models import Network
from parvis.jobs.conftest import start_worker  # noqa: F401 — the fixture used below
from parvis.publishing.actions import store_delivery
from parvis.publishing.models import Delivery, DeliveryState

POSTS = 500
ACCOUNTS = 5
WORKERS = 2
STALE_SECONDS = 10  # the smallest the settings accept: a dead worker's delivery waits this long
DEADLINE = 420.0


def _records(bluesky, did: str) -> list[str]:
    texts: list[str] = []
    cursor = None
    while True:
        params = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        answer = bluesky.xrpc.get("/com.atproto.repo.listRecords", params=params)
        answer.raise_for_status()
        page = answer.json()
        texts.extend(str(record["value"]["text"]) for record in page["records"])
        cursor = page.get("cursor")
        if not cursor or not page["records"]:
            return texts


def _jobs() -> dict[tuple[str, str], int]:
    """The publishing jobs by status and error class: what to read when the test fails."""
    rows = DBTaskResult.objects.filter(queue_name="publish")
    return dict(Counter(rows.values_list("status", "exception_class_path")))


@pytest.fixture
def worker_environment(bluesky, monkeypatch) -> None:
    """What the worker processes read from their environment (set before they are started)."""
    monkeypatch.setenv("PARVIS_HTTP_ALLOWED_PRIVATE", ",".join(bluesky.network.allowed))
    monkeypatch.setenv("PARVIS_WORKER_STALE_SECONDS", str(STALE_SECONDS))


@pytest.mark.django_db(transaction=True)
def test_every_post_is_delivered_exactly_once_while_workers_are_killed(
    organisation,
    bluesky,
    worker_environment,
    start_worker,  # noqa: F811 — the fixture imported above
    tmp_path,
):
    seed = int(os.environ.get("PARVIS_KILL_SEED", time.time()))
    chance = random.Random(seed)  # which worker dies when; PARVIS_KILL_SEED replays a run
    people = [bluesky.person(f"poste{index}") for index in range(ACCOUNTS)]
    accounts = [
        actions.do_connect(
            organisation,
            actor=None,
            network=Network.BLUESKY,
            connection=login(person.handle, person.app_password, bluesky.network.pds),
        )
        for person in people
    ]
    now = timezone.now()
    for index in range(POSTS):
        store_delivery(
            accounts[index % ACCOUNTS],
            Draft(text=f"Publication numéro {index} de l'essai"),
            actor=None,
            scheduled_at=now,
        )

    serial = 0

    def fresh() -> subprocess.Popen[bytes]:
        nonlocal serial
        serial += 1
        worker: subprocess.Popen[bytes] = start_worker(
            f"publisher-{serial}", "--queue-name", "publish"
        )
        return worker

    workers = [fresh() for _ in range(WORKERS)]
    kills = 0
    deadline = time.monotonic() + DEADLINE
    pending = Delivery.objects.exclude(state=DeliveryState.SENT)
    while pending.exists():
        assert time.monotonic() < deadline, (
            f"seed {seed}: {pending.count()} deliveries not sent, "
            f"{dict(Counter(pending.values_list('state', flat=True)))} "
            f"{set(pending.values_list('last_error', flat=True))} jobs: {_jobs()}"
        )
        time.sleep(chance.uniform(0.3, 1.5))
        for worker in workers:
            assert worker.poll() is None, f"a worker died by itself: see its log in {tmp_path}"
        sending = Delivery.objects.filter(state=DeliveryState.SENDING).exists()
        if kills < 12 and sending:  # kill while a post is on its way, when there is one
            victim = workers.pop(chance.randrange(len(workers)))
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=10)
            kills += 1
            workers.append(fresh())

    assert kills >= 3, f"seed {seed}: only {kills} kills, the test proved little"
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
    published: Counter[str] = Counter()
    for person in people:
        published.update(_records(bluesky, person.did))
    expected = {f"Publication numéro {index} de l'essai" for index in range(POSTS)}
    assert set(published) == expected
    twice = {text: count for text, count in published.items() if count > 1}
    assert twice == {}, f"seed {seed}: published more than once: {twice}"
    assert sum(published.values()) == POSTS
    # Some deliveries were taken over from a killed worker: the case this test is for.
    assert Delivery.objects.filter(attempts__gt=1).exists(), f"seed {seed}: no takeover"
