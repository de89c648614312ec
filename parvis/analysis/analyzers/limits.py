"""Network limits: length as each network counts it, number of media, length of alt texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from parvis.analysis import text as t
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.i18n import gettext_noop


@dataclass(frozen=True)
class NetworkLimits:
    label: str
    max_length: int
    count: Callable[[str], int]
    rule: str  # how the network counts, for people (marked, translated when shown)
    max_media: int
    max_alt: int | None
    counts_warning: bool = False  # Mastodon counts the content warning in the length


def mastodon_length(text: str) -> int:
    """Mastodon's count: a link is 23 characters, a mention counts without its instance."""
    from mastodon import Mastodon  # the client's own counter, kept in step with the server

    return int(Mastodon.get_status_length(text))


# twitter-text 3.0 (the "weightedLength" configuration): these ranges weigh 1, the rest 2;
# a link weighs 23 and an emoji sequence 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def x_length(text: str) -> int:
    weight = 0
    rest = t.URL.sub("", text)
    weight += 23 * len(t.URL.findall(text))
    for grapheme in regex.findall(r"\X", rest):
        if t.emoji_spans(grapheme):
            weight += 2
            continue
        for char in grapheme:
            code = ord(char)
            weight += 1 if any(low <= code <= high for low, high in _LIGHT) else 2
    return weight


NETWORKS: dict[str, NetworkLimits] = {
    "mastodon": NetworkLimits(
        "Mastodon",
        500,
        mastodon_length,
        gettext_noop("caractères, un lien compte pour 23, une mention sans son instance"),
        max_media=4,
        max_alt=1500,
        counts_warning=True,
    ),
    "bluesky": NetworkLimits(
        "Bluesky",
        300,
        t.graphemes,
        gettext_noop("caractères tels qu'affichés (graphèmes)"),
        max_media=4,
        max_alt=2000,
    ),
    "x": NetworkLimits(
        "X",
        280,
        x_length,
        gettext_noop(
            "caractères pondérés : un lien compte pour 23, un émoji ou un idéogramme pour 2"
        ),
        max_media=4,
        max_alt=1000,
    ),
}


def check(
    text: str, limits: NetworkLimits, alts: list[str], content_warning: str = ""
) -> list[Finding]:
    findings = []
    length = limits.count(text)
    if content_warning and limits.counts_warning:
        length += limits.count(content_warning)
    if length > limits.max_length:
        findings.append(
            Finding(
                "length.too_long",
                Severity.BLOCKING,
                _("%(length)d sur %(max)d (%(rule)s) : raccourcissez de %(over)d.")
                % {
                    "length": length,
                    "max": limits.max_length,
                    "rule": _(limits.rule),
                    "over": length - limits.max_length,
                },
                start=0,
                end=len(text),
                score=min(1.0, length / limits.max_length),
            )
        )
    if len(alts) > limits.max_media:
        findings.append(
            Finding(
                "media.too_many",
                Severity.BLOCKING,
                _("%(network)s accepte %(max)d médias par publication, pas %(count)d.")
                % {"network": limits.label, "max": limits.max_media, "count": len(alts)},
            )
        )
    for position, alt in enumerate(alts, start=1):
        if limits.max_alt and len(alt) > limits.max_alt:
            findings.append(
                Finding(
                    "a11y.alt_too_long",
                    Severity.BLOCKING,
                    _("Média %(n)d : texte alternatif de %(length)d caractères, %(max)d au plus.")
                    % {"n": position, "length": len(alt), "max": limits.max_alt},
                )
            )
    return findings
