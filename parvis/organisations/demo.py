"""The demo organisations loaded by ``parvis demo``: idempotent, and marked as demo everywhere."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    ResourcePerson,
    Role,
)
from parvis.publishing import demo as publishing_demo
from parvis.strategy import charters, editorial
from parvis.strategy.models import CharterKind, Kpi, Objective

_DEMO_NOTE = "Démonstration : à adapter."
DEMO_OBJECTIVES = (
    ("Publier cinq fois par semaine", Kpi.POSTS_PER_WEEK, 2, 5),
    ("Passer à 3 000 abonnés", Kpi.FOLLOWERS, 1800, 3000),
    ("Répondre aux questions en moins de 24 h", Kpi.RESPONSE_TIME, 48, 24),
)
DEMO_EDITORIAL_LINE = {
    "themes": ["Travaux et mobilités", "Culture et sport", "Vie scolaire", "Alertes et sécurité"],
    "tone": "Chaleureux et clair ; impertinent parfois, jamais agressif.",
    "style_rules": "Phrases courtes, une idée par publication, un lien au plus.",
    "language_level": "simple",
    "forbidden_words": ["bobo*", "racaille"],
    "forbidden_topics": {"politique nationale": ["gouvernement", "ministre", "Assemblée"]},
    "cadence": {"mastodon": 5, "bluesky": 5, "sandbox": 2},
    "reply_policy": "Réponse sous 24 h ouvrées ; questions orientées vers la personne ressource.",
}
# Shown by `make run`; demo accounts exist only where `parvis demo` was run.
DEMO_PASSWORD = "demo-parvis-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    memberships: tuple[tuple[str, str], ...]  # (organisation slug, role)
    description: str


VILLE = "ville-de-demo"
STARTUP = "startup-demo"

DEMO_PEOPLE = (
    DemoPerson(
        "admin@ville-de-demo.test",
        "Camille Martin",
        ((VILLE, Role.ADMIN), (STARTUP, Role.ADMIN)),
        "administratrice des deux organisations",
    ),
    DemoPerson(
        "cm@ville-de-demo.test",
        "Léa Dubois",
        ((VILLE, Role.COMMUNITY_MANAGER), (STARTUP, Role.CONTRIBUTOR)),
        "community manager de la Ville, contributrice de la startup",
    ),
    DemoPerson(
        "contrib@ville-de-demo.test",
        "Hugo Bernard",
        ((VILLE, Role.CONTRIBUTOR),),
        "contributeur (service culture)",
    ),
    DemoPerson(
        "dgs@ville-de-demo.test",
        "Nadia Lefèvre",
        ((VILLE, Role.READER),),
        "directrice générale des services (lecture)",
    ),
    DemoPerson(
        "cm@startup-demo.test",
        "Yanis Moreau",
        ((STARTUP, Role.COMMUNITY_MANAGER),),
        "chargé de communication de la startup d'État",
    ),
)
DEMO_LOGINS = tuple((person.email, person.description) for person in DEMO_PEOPLE)

DEMO_ORGANISATIONS = (
    {
        "slug": VILLE,
        "name": "Ville de Démo",
        "kind": OrganisationKind.COMMUNE,
        "communication_email": "communication@ville-de-demo.test",
    },
    {
        "slug": STARTUP,
        "name": "Démarches Simplifiées Démo (startup d'État)",
        "kind": OrganisationKind.STATE_STARTUP,
        "communication_email": "communication@startup-demo.test",
    },
)

DEMO_RESOURCE_PERSONS = (
    (
        VILLE,
        "Service État civil — Julie Petit",
        "etat-civil@ville-de-demo.test",
        "@julie.petit-ville-de-demo:agent.tchap.gouv.fr",
        ["état civil", "élections", "cimetière"],
    ),
    (
        VILLE,
        "Urbanisme — Marc Roux",
        "urbanisme@ville-de-demo.test",
        "",
        ["urbanisme", "permis de construire", "travaux"],
    ),
    (
        VILLE,
        "Transports — Sofia Garcia",
        "mobilites@ville-de-demo.test",
        "@sofia.garcia-ville-de-demo:agent.tchap.gouv.fr",
        ["transports", "stationnement", "vélo"],
    ),
    (
        STARTUP,
        "Support usagers — Thomas Blanc",
        "support@startup-demo.test",
        "",
        ["support", "incidents", "maintenance"],
    ),
)


DEMO_CHANNELS = (
    # Outside production, e-mails are written to $PARVIS_DATA_DIR/mail/: a test message lands there.
    (VILLE, "Cabinet du maire (courriel)", "cabinet@ville-de-demo.test"),
    (STARTUP, "Équipe produit (courriel)", "equipe@startup-demo.test"),
)


@transaction.atomic
def load_demo() -> list[Organisation]:
    """Create what is missing of the demo; running it twice changes nothing.

    What exists is left as it is, so that changes made while trying Parvis are kept.
    """
    organisations = {}
    for spec in DEMO_ORGANISATIONS:
        values = {key: value for key, value in spec.items() if key != "slug"}
        organisation, _ = Organisation.objects.get_or_create(
            slug=spec["slug"], defaults={**values, "is_demo": True}
        )
        organisations[organisation.slug] = organisation
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
        for slug, role in person.memberships:
            Membership.objects.get_or_create(
                organisation=organisations[slug], user=user, defaults={"role": role}
            )
    for slug, name, email, handle, subjects in DEMO_RESOURCE_PERSONS:
        ResourcePerson.objects.get_or_create(
            organisation=organisations[slug],
            name=name,
            defaults={"email": email, "chat_handle": handle, "subjects": subjects},
        )
    for slug, name, address in DEMO_CHANNELS:
        NotificationChannel.objects.get_or_create(
            organisation=organisations[slug],
            name=name,
            defaults={"kind": ChannelKind.EMAIL, "target": address},
        )
    ville = organisations[VILLE]
    if editorial.current(ville) is None:
        editorial.write(ville, DEMO_EDITORIAL_LINE, actor=None, note=_DEMO_NOTE)
    if not Objective.objects.filter(organisation=ville).exists():
        today = timezone.localdate()
        for title, kpi, baseline, target in DEMO_OBJECTIVES:
            Objective.objects.create(
                organisation=ville,
                title=title,
                kpi=kpi,
                baseline=baseline,
                target=target,
                start=today,
                deadline=today + datetime.timedelta(days=180),
            )
    publishing_demo.load(ville, User.objects.get(email="cm@ville-de-demo.test"))
    for organisation in organisations.values():
        for kind in CharterKind.values:
            if charters.current(organisation, kind) is None:
                text = charters.model_charter(kind, organisation)
                charters.write(organisation, kind, text, actor=None, note=_DEMO_NOTE)
    return list(organisations.values())
