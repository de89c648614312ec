"""The composer's live check, at the server: one POST of the form, answered with the findings.

A community manager types a 250-character post for three accounts (Mastodon, Bluesky, the
training network) of an organisation with an editorial line and a moderation charter; each
keystroke pause sends the form. Measured: the time Django takes to answer the check request
(middleware, session, form, three variants checked, template), over varied texts. The
baseline, in the same run, is the text analysis alone of the same texts for one account.

    .venv/bin/python bench/composer_check.py [--requests 300]
Target (issue 6): ≤ 100 ms p95 at the server.
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
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from parvis.accounts.models import User  # noqa: E402
from parvis.analysis import engine  # noqa: E402
from parvis.analysis.analyzers.limits import NETWORKS  # noqa: E402
from parvis.analysis.context import Context, Kind  # noqa: E402
from parvis.connectors.models import ConnectedAccount  # noqa: E402
from parvis.organisations.demo import DEMO_EDITORIAL_LINE, load_demo  # noqa: E402
from parvis.strategy.editorial import rules_for  # noqa: E402

SENTENCES = (
    "Travaux rue Victor-Hugo du 3 au 14 : le bus 4 est dévié par la rue des Écoles.",
    "La médiathèque ouvre le dimanche matin, de 10 h à 13 h, dès ce week-end !",
    "Inscriptions à la cantine en ligne jusqu'au 30 : https://ville.test/cantine #VieScolaire",
    "Merci aux bénévoles du marathon, vous êtes formidables @asso-course@mastodon.test",
    "Vigilance orange orages : évitez les bords de rivière et reportez vos sorties.",
)


def texts(count: int) -> list[str]:
    """Varied texts of about 250 characters, as they grow while being typed."""
    out = []
    for index in range(count):
        words = " ".join(SENTENCES[(index + k) % len(SENTENCES)] for k in range(3))
        out.append(words[: 120 + (index * 7) % 140])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    count = parser.parse_args().requests
    call_command("migrate", verbosity=0)
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    ville, _startup = load_demo()  # editorial line, charters, training accounts
    for network, service, handle in (
        ("mastodon", "https://mastodon.test", "ville@mastodon.test"),
        ("bluesky", "https://pds.test", "ville.bsky.social"),
    ):
        ConnectedAccount.objects.create(
            organisation=ville, network=network, service_url=service, remote_id=handle,
            handle=handle, credentials="",
        )  # fmt: skip
    accounts = list(
        ConnectedAccount.objects.filter(organisation=ville).values_list("pk", flat=True)[:3]
    )
    client = Client()
    client.force_login(User.objects.get(email="cm@ville-de-demo.test"))
    url = reverse("publishing:check", kwargs={"org": ville.slug})
    samples = texts(count + 20)
    served = []
    for index, text in enumerate(samples):
        started = time.perf_counter()
        answer = client.post(url, {"text": text, "accounts": accounts}, HTTP_HX_REQUEST="true")
        spent = time.perf_counter() - started
        if answer.status_code != 200:
            raise SystemExit(f"the check answered {answer.status_code}")
        if index >= 20:  # warm-up
            served.append(spent * 1000)
    rules = rules_for(ville)
    context = Context(kind=Kind.DRAFT, network="mastodon", limits=NETWORKS["mastodon"], rules=rules)
    alone = []
    for text in samples[20:]:
        started = time.perf_counter()
        engine.analyse(text, context)
        alone.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(served, n=20)[-1]
    base = statistics.median(alone)
    print(f"machine: {machine()}")
    print(
        f"requests: {count} live checks, 3 accounts (Mastodon, Bluesky, bac à sable), SQLite, "
        f"editorial line of the demo ({len(DEMO_EDITORIAL_LINE['themes'])} themes)"
    )
    print(f"live check at the server: median {statistics.median(served):.1f} ms, p95 {p95:.1f} ms")
    print(f"baseline, text analysis alone (one account): median {base:.2f} ms")
    print(f"ratio median / baseline: {statistics.median(served) / base:.1f}")
    print(f"target p95 ≤ 100 ms: {'met' if p95 <= 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
