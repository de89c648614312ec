"""Scripted reactions of the training network: citizens who answer, mention, or pile on.

A scenario is a list of reactions, each at a delay from the moment it is played; playing it
enqueues one job per reaction, so that a bad-buzz wave arrives over minutes as a real one
would. The texts are written for the exercise (no real person's words).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile


class Kind(StrEnum):
    REPLY = "reply"  # under our latest post (a mention when we have posted nothing)
    MENTION = "mention"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"


@dataclass(frozen=True)
class Reaction:
    delay: int  # seconds after the scenario is played
    kind: Kind
    author: str = ""  # handle on the training network
    name: str = ""
    text: str = ""
    count: int = 1  # followers gained or lost


@dataclass(frozen=True)
class Scenario:
    label: str | Promise
    description: str | Promise
    reactions: tuple[Reaction, ...]


def _wave() -> tuple[Reaction, ...]:
    """Twenty-four angry messages over about six minutes, faster and faster, and unfollows."""
    lines = (
        "Encore une coupure d'eau sans prévenir, c'est inadmissible",
        "Trois jours sans eau et pas un mot de la mairie ?",
        "Qui est responsable de ce fiasco ? On veut des réponses",
        "Honteux. Les personnes âgées du quartier n'ont rien reçu",
        "Vous publiez des photos de fleurs pendant qu'on n'a plus d'eau",
        "Bravo la communication… silence radio depuis ce matin",
        "Je relaie : aucune citerne rue des Lilas, c'est scandaleux",
        "Il faudra rendre des comptes au prochain conseil municipal",
    )
    reactions = []
    delay = 0
    for index in range(24):
        delay += max(5, 40 - index * 2)
        reactions.append(
            Reaction(
                delay,
                Kind.REPLY if index % 3 else Kind.MENTION,
                f"habitant{index + 1:02d}.bac-a-sable",
                f"Habitant {index + 1}",
                f"{lines[index % len(lines)]} #CoupureEau",
            )
        )
        if index % 6 == 5:
            reactions.append(Reaction(delay, Kind.UNFOLLOW, count=7))
    return tuple(reactions)


SCENARIOS: dict[str, Scenario] = {
    "questions": Scenario(
        _("Des questions d'habitants"),
        _("Quatre réponses à votre dernière publication en deux minutes, dont trois questions."),
        (
            Reaction(
                10,
                Kind.REPLY,
                "claire.bac-a-sable",
                "Claire",
                "Bonjour, est-ce que la déchetterie est ouverte le samedi après-midi ?",
            ),
            Reaction(
                40,
                Kind.REPLY,
                "karim.bac-a-sable",
                "Karim",
                "Merci pour l'info ! Où peut-on s'inscrire pour la cantine ?",
            ),
            Reaction(
                80,
                Kind.REPLY,
                "josiane.bac-a-sable",
                "Josiane",
                "Super initiative, bravo à toute l'équipe.",
            ),
            Reaction(
                120,
                Kind.REPLY,
                "theo.bac-a-sable",
                "Théo",
                "Les travaux de la rue Victor-Hugo finissent quand ? Le bus est dévié depuis "
                "un mois.",
            ),
        ),
    ),
    "mentions": Scenario(
        _("Des mentions du compte"),
        _("Une demande de journaliste, une réclamation et un événement à relayer, en une minute."),
        (
            Reaction(
                5,
                Kind.MENTION,
                "journaliste.bac-a-sable",
                "Rédaction locale",
                "Bonjour, journaliste au quotidien régional : pourrais-je joindre le service "
                "communication au sujet du nouveau marché ?",
            ),
            Reaction(
                30,
                Kind.MENTION,
                "marc.bac-a-sable",
                "Marc",
                "Ça fait deux semaines que le lampadaire devant le 12 rue des Écoles est en "
                "panne, personne ne répond.",
            ),
            Reaction(
                60,
                Kind.MENTION,
                "asso-quartier.bac-a-sable",
                "Association du quartier",
                "Notre fête de quartier a lieu samedi 14 h place du marché : pouvez-vous relayer ?",
            ),
        ),
    ),
    "followers": Scenario(
        _("De nouveaux abonnés"),
        _("Cent vingt abonnés de plus en trois minutes."),
        tuple(Reaction(delay, Kind.FOLLOW, count=40) for delay in (20, 90, 180)),
    ),
    "bad_buzz": Scenario(
        _("Une vague de bad buzz"),
        _(
            "Vingt-quatre messages en colère en six minutes environ, de plus en plus "
            "rapprochés, et des désabonnements : de quoi exercer l'escalade et le mode crise."
        ),
        _wave(),
    ),
}


def play(profile: SandboxProfile, key: str, now: dt.datetime | None = None) -> int:
    """Enqueue the reactions of scenario ``key`` on ``profile``; how many were enqueued."""
    from parvis.connectors.sandbox.tasks import react

    now = now or timezone.now()
    scenario = SCENARIOS[key]
    for index, reaction in enumerate(scenario.reactions):
        when = now + dt.timedelta(seconds=reaction.delay)
        arguments = (profile.pk, key, index)
        transaction.on_commit(
            lambda w=when, a=arguments: react.using(run_after=w).enqueue(*a)  # type: ignore[misc]
        )
    return len(scenario.reactions)


def apply(profile: SandboxProfile, key: str, index: int) -> SandboxPost | None:
    """Reaction ``index`` of scenario ``key``, now: a post written, or followers counted."""
    reaction = SCENARIOS[key].reactions[index]
    if reaction.kind in (Kind.FOLLOW, Kind.UNFOLLOW):
        change = reaction.count if reaction.kind == Kind.FOLLOW else -reaction.count
        SandboxProfile.objects.filter(pk=profile.pk).update(
            followers_count=Greatest(F("followers_count") + change, 0)
        )
        return None
    target = ""
    if reaction.kind == Kind.REPLY:
        latest = profile.posts.filter(ours=True, deleted_at=None).order_by("-pk").first()
        target = latest.remote_id if latest else ""
    return SandboxPost.objects.create(
        profile=profile,
        author_handle=reaction.author,
        author_name=reaction.name,
        text=reaction.text if target else f"@{profile.handle} {reaction.text}",
        language="fr",
        visibility="public",
        in_reply_to=target,
        mentions_us=not target,
        scenario=key,
    )
