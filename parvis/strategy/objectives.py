"""Measurable objectives: their indicator is computed from what Parvis holds, never typed in.

An indicator Parvis cannot compute yet, or that the connected networks do not give, says so
and names what is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.connectors.models import ConnectedAccount
from parvis.publishing.models import Delivery, DeliveryState
from parvis.strategy.models import Kpi, Objective

WEEKS = 4  # publications a week: the mean over the last four weeks
# What each network cannot give at all, whatever Parvis does.
NOT_GIVEN: dict[str, dict[str, str]] = {Kpi.REACH: {"mastodon": "Mastodon", "bluesky": "Bluesky"}}


@dataclass(frozen=True)
class Measure:
    value: float | None
    missing: str | Promise = ""  # why there is no value

    def progress(self, objective: Objective) -> float | None:
        """Share of the way from the baseline to the target, between 0 and 1."""
        if self.value is None or objective.target == objective.baseline:
            return None
        share = (self.value - objective.baseline) / (objective.target - objective.baseline)
        return max(0.0, min(1.0, share))


# Indicators whose data Parvis does not collect yet, and where they will come from.
NOT_YET: dict[str, str | Promise] = {
    Kpi.RESPONSE_TIME: _("Pas encore de données : il se calculera sur la boîte de réception."),
    Kpi.ANSWERED_SHARE: _("Pas encore de données : il se calculera sur la boîte de réception."),
    Kpi.ENGAGEMENT_RATE: _(
        "Pas encore de données : il se calculera sur les mesures de chaque publication."
    ),
    Kpi.REACH: _("Pas encore de données : aucun réseau connecté ne donne la portée."),
}


def measure(objective: Objective) -> Measure:
    accounts = ConnectedAccount.objects.filter(
        organisation=objective.organisation, disconnected_at__isnull=True
    )
    if objective.network:
        accounts = accounts.filter(network=objective.network)
    networks = sorted(set(accounts.values_list("network", flat=True)))
    lacking = [name for n in networks if (name := NOT_GIVEN.get(objective.kpi, {}).get(n))]
    if lacking:
        return Measure(
            None,
            _("%(networks)s ne donne pas cet indicateur à ses utilisateurs.")
            % {"networks": ", ".join(lacking)},
        )
    if objective.kpi in NOT_YET:
        return Measure(None, NOT_YET[objective.kpi])
    if not networks:
        return Measure(None, _("Pas encore de données : aucun compte connecté."))
    if objective.kpi == Kpi.FOLLOWERS:
        counts = [c for c in accounts.values_list("followers_count", flat=True) if c is not None]
        if not counts:
            return Measure(None, _("Pas encore de données : les comptes n'ont pas été lus."))
        return Measure(float(sum(counts)))
    since = timezone.now() - datetime.timedelta(weeks=WEEKS)
    sent = Delivery.objects.filter(
        account__in=accounts, state=DeliveryState.SENT, sent_at__gte=since
    ).count()
    return Measure(sent / WEEKS)
