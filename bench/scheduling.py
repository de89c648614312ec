"""Scheduled posts and crisis broadcasts, against the real local Bluesky servers.

1. **Scheduled posts**: 10,000 posts scheduled in the coming weeks sit in the database (each
   with its job); then 60 posts fall due one every half second. One ``parvis worker``, started
   as ``parvis run`` starts it, sends them to accounts on the local PDS. Lateness is the time
   from a post's scheduled time to the PDS's answer (``sent_at``).
2. **Crisis broadcast**: crisis mode is started with one message for 10 accounts; the time
   from the end of the undo window (the broadcast's scheduled time) to the last account's
   post on the PDS.

The baseline, measured in the same run on the same PDS, is one publication through the
Bluesky connector called directly (no database, no worker): the network's own cost.

    .venv/bin/python bench/scheduling.py [--scheduled 10000] [--due 60]
Targets (issue 6): scheduled posts leave within 2 s of their time (p99); the broadcast to
10 accounts is delivered within 3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_on_a_new_database, machine  # noqa: E402

django_on_a_new_database()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from parvis.accounts.models import User  # noqa: E402
from parvis.connectors import actions, services  # noqa: E402
from parvis.connectors.base import Draft  # noqa: E402
from parvis.connectors.bluesky.connect import login  # noqa: E402
from parvis.connectors.bluesky.tests.conftest import (  # noqa: E402
    Bluesky,
    postgres_for_bluesky,
    running_network,
)
from parvis.connectors.models import Network  # noqa: E402
from parvis.organisations.models import Organisation  # noqa: E402
from parvis.publishing import composer, crisis  # noqa: E402
from parvis.publishing.actions import store_delivery  # noqa: E402
from parvis.publishing.models import Delivery, DeliveryState, Post, Variant  # noqa: E402

ACCOUNTS = 10


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _wait(rows, count: int, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while rows.filter(state=DeliveryState.SENT).count() < count:
        if time.monotonic() > deadline:
            states = list(rows.values_list("state", "last_error"))
            raise SystemExit(f"not all sent after {timeout} s: {states[:5]}")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheduled", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=60)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    with postgres_for_bluesky() as postgres, running_network(postgres) as network:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = network.allowed
        helper = Bluesky(network)
        people = [helper.person(f"banc{index}") for index in range(ACCOUNTS)]
        organisation = Organisation.objects.create(name="Banc d'essai", slug="banc")
        manager = User.objects.create_user("cm@banc.test", "banc-essai-2026")
        accounts = [
            actions.do_connect(
                organisation,
                actor=None,
                network=Network.BLUESKY,
                connection=login(person.handle, person.app_password, network.pds),
            )
            for person in people
        ]

        # Baseline: the connector alone, publishing on the same PDS.
        connector = services.connector_for(accounts[0])
        baseline = []
        for index in range(30):
            started = time.perf_counter()
            connector.publish(Draft(text=f"Référence {index}"), idempotency_key=f"ref-{index}")
            baseline.append(time.perf_counter() - started)
        base = statistics.median(baseline)

        # 10,000 posts in the coming weeks, each with its job.
        now = timezone.now()
        with transaction.atomic():
            for index in range(options.scheduled):
                store_delivery(
                    accounts[index % ACCOUNTS],
                    Draft(text=f"Plus tard {index}"),
                    actor=None,
                    scheduled_at=now + dt.timedelta(days=1, minutes=index),
                )
        first = timezone.now() + dt.timedelta(seconds=8)
        with transaction.atomic():
            due = [
                store_delivery(
                    accounts[index % ACCOUNTS],
                    Draft(text=f"À l'heure {index}"),
                    actor=None,
                    scheduled_at=first + dt.timedelta(seconds=0.5 * index),
                ).pk
                for index in range(options.due)
            ]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parvis.settings",
            "PARVIS_ENV": "test",
            "PARVIS_HTTP_ALLOWED_PRIVATE": ",".join(network.allowed),
            "PARVIS_LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "parvis.cli", "worker", "--worker-id", "banc"],
            cwd=ROOT,
            env=environment,
        )
        try:
            rows = Delivery.objects.filter(pk__in=due)
            _wait(rows, len(due), timeout=0.5 * options.due + 120)
            lateness = [
                (sent - scheduled).total_seconds()
                for sent, scheduled in rows.values_list("sent_at", "scheduled_at")
            ]

            # Crisis broadcast to the ten accounts.
            settings.PARVIS_UNDO_SECONDS = 0
            post = Post.objects.create(
                organisation=organisation, text="🚱 Coupure d'eau : points d'eau place du marché."
            )
            for account in accounts:
                Variant.objects.create(post=post, account=account)
            crisis.start(organisation, actor=manager, kind="coupure_eau", title="Coupure d'eau")
            composer.confirm(post, actor=manager, revision=post.revision, broadcast=True)
            broadcast = Delivery.objects.filter(post=post)
            _wait(broadcast, ACCOUNTS, timeout=60)
            spans = [
                (sent - scheduled).total_seconds()
                for sent, scheduled in broadcast.values_list("sent_at", "scheduled_at")
            ]
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            helper.close()

    p99 = _percentile(lateness, 0.99)
    print(f"machine: {machine()}")
    print(
        f"database: SQLite; {options.scheduled} posts scheduled for later; one worker "
        "(parvis worker, default options); 10 accounts on the local Bluesky PDS"
    )
    print(f"baseline, one publication by the connector alone: median {base * 1000:.0f} ms")
    print(
        f"scheduled posts ({len(lateness)} due): lateness median "
        f"{statistics.median(lateness):.2f} s, p99 {p99:.2f} s, max {max(lateness):.2f} s; "
        f"ratio p99 / baseline {p99 / base:.1f}; target p99 ≤ 2 s: "
        f"{'met' if p99 <= 2 else 'NOT met'}"
    )
    print(
        f"crisis broadcast to {ACCOUNTS} accounts: all delivered {max(spans):.2f} s after the "
        f"end of the undo window (first {min(spans):.2f} s); ratio to baseline "
        f"{max(spans) / base:.1f}; target 3 s: {'met' if max(spans) <= 3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
