"""Publication overhead of Parvis itself: from the claim of a delivery to the HTTP request sent.

Deliveries to a Mastodon account whose instance is a local server answering at once with a
recorded real status. For each, the time from ``deliver()`` being called (claim, load, draft,
checks of state, connector built, Mastodon.py's request prepared) until the server receives
the request. The baseline, measured in the same run against the same server, is one bare
request of the same body through the same guarded HTTP session.

    .venv/bin/python bench/publication_overhead.py [--deliveries 200]
Target (issue 3): at most 5 ms per (post, account) above the baseline.
"""

from __future__ import annotations

import argparse
import statistics
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

from parvis.connectors.mastodon.tests.replay import load  # noqa: E402
from parvis.connectors.models import ConnectedAccount  # noqa: E402
from parvis.core import http  # noqa: E402
from parvis.core.http.tests.servers import Received, RecordingServer, Reply  # noqa: E402
from parvis.organisations.models import Organisation  # noqa: E402
from parvis.publishing import delivery  # noqa: E402
from parvis.publishing.models import Delivery  # noqa: E402

STATUS = load("test_status_post[None-public]")[0]


class Clock:
    def __init__(self) -> None:
        self.received_at: float = 0.0

    def handle(self, _received: Received) -> Reply:
        self.received_at = time.perf_counter()
        return Reply(200, STATUS.body, {"Content-Type": "application/json"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=200)
    count = parser.parse_args().deliveries
    call_command("migrate", verbosity=0)
    clock = Clock()
    server = RecordingServer(clock.handle).start()
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
    organisation = Organisation.objects.create(name="Banc d'essai", slug="banc")
    account = ConnectedAccount(
        organisation=organisation,
        network="mastodon",
        service_url=server.url,
        remote_id="117020565966271181",
        handle="ville@banc.test",
    )
    account.set_credentials({"access_token": "t", "version": "4.6.4"})
    account.save()

    session = http.session()
    body = {"status": "Toot!", "visibility": "public", "language": "fr"}
    baseline, overhead = [], []
    for index in range(count + 20):  # the first 20 warm up, and are not counted
        row = Delivery.objects.create(
            organisation=organisation, account=account, text=f"Publication n° {index}"
        )
        started = time.perf_counter()
        delivery.deliver(row.pk)
        spent = clock.received_at - started
        started = time.perf_counter()
        session.post(
            f"{server.url}/api/v1/statuses", data=body, headers={"Authorization": "Bearer t"}
        )
        bare = clock.received_at - started
        if index >= 20:
            overhead.append(spent * 1000)
            baseline.append(bare * 1000)
    server.stop()
    own = statistics.median(overhead) - statistics.median(baseline)
    print(f"machine: {machine()}")
    print(f"deliveries: {count} (SQLite, one local instance answering at once)")
    print(
        f"claim to request received: median {statistics.median(overhead):.2f} ms, "
        f"p95 {statistics.quantiles(overhead, n=20)[-1]:.2f} ms"
    )
    print(f"baseline, bare request: median {statistics.median(baseline):.2f} ms")
    print(f"ratio to baseline: {statistics.median(overhead) / statistics.median(baseline):.2f}")
    print(
        f"Parvis's own overhead: {own:.2f} ms per (post, account); target 5 ms: "
        f"{'met' if own <= 5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
