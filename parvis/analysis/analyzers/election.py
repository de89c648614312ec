"""Electoral reserve period: no promotion of the organisation's record before its election.

Code électoral, article L52-1, second paragraph: from the first day of the sixth month before
the month of a general election, no campaign promoting the achievements or the management of
a local authority may be run on its territory. Information (opening hours, works, alerts)
stays allowed; praise of the record does not.
"""

from __future__ import annotations

import datetime

import regex

from parvis.analysis.context import Context, Election, Level
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _

# An authority's general election, by tier; a State service has none of its own.
_ELECTIONS_OF = {
    Level.COMMUNE: Level.COMMUNE,
    Level.DEPARTEMENT: Level.DEPARTEMENT,
    Level.REGION: Level.REGION,
}

_ACTION = (
    r"r[ée]alis[ée]s?|tenus?|tenues?|livr[ée]s?|investis?|cr[ée]{1,2}s?|r[ée]nov[ée]s?|construits?"
    r"|obtenus?|permis|lanc[ée]s?|financ[ée]s?|doubl[ée]s?|tripl[ée]s?|transform[ée]s?|modernis[ée]s?"
)
_PROMOTION = [
    regex.compile(p, regex.I)
    for p in (
        r"\bbilan\b",
        r"\bpromesses?\s+(?:de\s+campagne\s+)?tenues?\b",
        r"\bengagements?\s+(?:\w+\s+)?tenus?\b",
        rf"\b(?:nous|on)\s+(?:l'|les\s+)?(?:avons|a)\s+(?:\w+\s+)?(?:{_ACTION})\b",
        rf"\b(?:la\s+municipalit[ée]|la\s+majorit[ée]|l'[ée]quipe\s+municipale|le\s+maire|la\s+maire"
        rf"|le\s+pr[ée]sident|la\s+pr[ée]sidente|le\s+conseil\s+(?:municipal|d[ée]partemental|r[ée]gional))"
        rf"\s+(?:a|ont)\s+(?:\w+\s+)?(?:{_ACTION})\b",
        r"\bgr[âa]ce\s+[àa]\s+(?:notre|l'action|la\s+municipalit[ée]|la\s+majorit[ée]|nos\s+[ée]lus"
        r"|l'[ée]quipe\s+municipale|la\s+politique)",
        r"\bdepuis\s+(?:20\d\d|le\s+d[ée]but\s+du\s+mandat|notre\s+[ée]lection|\d+\s+ans)\b",
        r"\b(?:en|au\s+cours\s+du)\s+(?:mandat|\d+\s+ans)\b",
        r"\bfi[eè]re?s?\s+d(?:e|')",
        r"\b(?:r[ée]ussite|succ[èe]s|record|historique|exemplaire)s?\b",
        r"\b\d+(?:[.,]\d+)?\s*(?:millions?|milliards?|M€|k€)\s*(?:d'euros\s+)?investis\b",
        r"\bmandat\b",
    )
]


def check(text: str, context: Context, today: datetime.date) -> list[Finding]:
    rules = context.rules
    day = context.date or today
    relevant = [
        election
        for election in rules.elections
        if election.in_reserve(day)
        and (rules.level is None or election.level == _ELECTIONS_OF.get(rules.level))
    ]
    if not relevant:
        return []
    cues = [match for pattern in _PROMOTION for match in pattern.finditer(text)]
    if not cues:
        return []
    first = min(cues, key=lambda m: m.start())
    election = min(relevant, key=lambda e: e.date)
    return [
        Finding(
            "election.reserve_period",
            Severity.WARNING,
            _(
                "Période de réserve électorale (%(name)s du %(date)s, depuis le %(since)s) : "
                "« %(cue)s » met en avant le bilan ou les réalisations de la collectivité. "
                "L'article L52-1 du Code électoral interdit ces campagnes de promotion pendant "
                "les six mois qui précèdent l'élection ; gardez un ton strictement informatif."
            )
            % {
                "name": election.name or _label(election),
                "date": election.date.strftime("%d/%m/%Y"),
                "since": election.reserve_starts.strftime("%d/%m/%Y"),
                "cue": first.group(),
            },
            start=first.start(),
            end=first.end(),
            score=min(1.0, len(cues) / 3),
        )
    ]


def _label(election: Election) -> str:
    labels = {
        Level.COMMUNE: _("élections municipales"),
        Level.DEPARTEMENT: _("élections départementales"),
        Level.REGION: _("élections régionales"),
        Level.STATE: _("élections nationales"),
    }
    return labels[election.level]
