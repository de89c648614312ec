"""The network's own rules, checked on a draft before it leaves: pure functions, no Django.

Length (as the network counts it), media count, types and sizes, alt text, and what the
account's server cannot do. The editorial checks (tone, charter, accessibility of the text,
electoral reserve) come with the text analyzers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parvis.analysis.findings import Finding, Severity
from parvis.connectors.base import Capability, Connector, Draft, MediaLimits
from parvis.connectors.labels import CAPABILITY_LABELS


def check_draft(draft: Draft, connector: Connector) -> list[Finding]:
    """Everything that stops ``draft`` from being published through ``connector`` as it is."""
    limits = connector.account_limits()  # read once: a Mastodon instance's are parsed
    label = connector.label
    findings: list[Finding] = []
    for capability in sorted(draft.required_capabilities() - connector.account_capabilities()):
        findings.append(
            Finding(
                "network.unsupported",
                Severity.ERROR,
                _("%(network)s ne permet pas : %(what)s.")
                % {"network": label, "what": CAPABILITY_LABELS[Capability(capability)]},
            )
        )
    length = connector.text_length(draft.text)
    if draft.content_warning and connector.network == "mastodon":
        length += connector.text_length(draft.content_warning)  # Mastodon counts both
    if length > limits.max_length:
        findings.append(
            Finding(
                "length.too_long",
                Severity.ERROR,
                _("%(length)d sur %(max)d (%(rule)s) : raccourcissez de %(over)d.")
                % {
                    "length": length,
                    "max": limits.max_length,
                    "rule": limits.length_rule,
                    "over": length - limits.max_length,
                },
                start=0,
                end=len(draft.text),
            )
        )
    if not draft.text.strip() and not draft.media:
        findings.append(Finding("length.empty", Severity.ERROR, _("La publication est vide.")))
    findings.extend(_media_findings(draft, limits.media, label))
    return findings


def _media_findings(draft: Draft, media_limits: MediaLimits, label: str) -> list[Finding]:
    findings: list[Finding] = []
    if len(draft.media) > media_limits.max_count:
        findings.append(
            Finding(
                "media.too_many",
                Severity.ERROR,
                _("%(network)s accepte %(max)d médias par publication, pas %(count)d.")
                % {
                    "network": label,
                    "max": media_limits.max_count,
                    "count": len(draft.media),
                },
            )
        )
    for position, media in enumerate(draft.media, start=1):
        is_video = media.mime_type in media_limits.video_types
        if media.mime_type not in media_limits.image_types and not is_video:
            findings.append(
                Finding(
                    "media.type_refused",
                    Severity.ERROR,
                    _("Média %(n)d : %(network)s n'accepte pas le type %(type)s.")
                    % {"n": position, "network": label, "type": media.mime_type},
                )
            )
            continue
        limit = media_limits.video_max_bytes if is_video else media_limits.image_max_bytes
        if len(media.data) > limit:
            findings.append(
                Finding(
                    "media.too_large",
                    Severity.ERROR,
                    _("Média %(n)d : %(size)d Ko, %(network)s en accepte %(max)d au plus.")
                    % {
                        "n": position,
                        "size": len(media.data) // 1024,
                        "network": label,
                        "max": limit // 1024,
                    },
                )
            )
        if not media.alt_text.strip():
            findings.append(
                Finding(
                    "a11y.missing_alt",
                    Severity.WARNING,
                    _(
                        "Média %(n)d sans texte alternatif : décrivez l'image pour les "
                        "personnes qui ne la voient pas."
                    )
                    % {"n": position},
                )
            )
        elif (
            media_limits.alt_text_max_length
            and len(media.alt_text) > media_limits.alt_text_max_length
        ):
            findings.append(
                Finding(
                    "a11y.alt_too_long",
                    Severity.ERROR,
                    _("Média %(n)d : texte alternatif de %(length)d caractères, %(max)d au plus.")
                    % {
                        "n": position,
                        "length": len(media.alt_text),
                        "max": media_limits.alt_text_max_length,
                    },
                )
            )
    return findings
