"""Every check a draft passes before it leaves: the network's rules and the text analyzers.

Length (as the network counts it), media count, types and sizes, alt text, and what the
account's server cannot do; then the editorial checks of parvis.analysis (tone,
accessibility, charter words, electoral reserve, personal data).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parvis.analysis import engine
from parvis.analysis.analyzers.limits import NETWORKS, NetworkLimits
from parvis.analysis.context import DEFAULT_RULES, Context, Kind, Media, MediaKind, Rules
from parvis.analysis.findings import Finding, Severity
from parvis.connectors.base import Capability, Connector, Draft, MediaLimits
from parvis.connectors.labels import CAPABILITY_LABELS


def check_capabilities(draft: Draft, connector: Connector) -> list[Finding]:
    """What ``draft`` asks for that the account's server cannot do."""
    return [
        Finding(
            "network.unsupported",
            Severity.BLOCKING,
            _("%(network)s ne permet pas : %(what)s.")
            % {"network": connector.label, "what": CAPABILITY_LABELS[Capability(capability)]},
        )
        for capability in sorted(draft.required_capabilities() - connector.account_capabilities())
    ]


def check_draft(draft: Draft, connector: Connector, rules: Rules = DEFAULT_RULES) -> list[Finding]:
    """Everything to say about ``draft`` before it is published through ``connector``."""
    limits = connector.account_limits()  # read once: a Mastodon instance's are parsed
    label = connector.label
    findings = check_capabilities(draft, connector)
    defaults = NETWORKS.get(connector.network)
    network = NetworkLimits(
        label=label,
        max_length=limits.max_length,
        count=connector.text_length,
        rule=str(limits.length_rule),
        max_media=limits.media.max_count,
        max_alt=limits.media.alt_text_max_length or None,
        counts_warning=defaults.counts_warning if defaults else False,
    )
    media = tuple(Media(_media_kind(m.mime_type), m.alt_text) for m in draft.media)
    context = Context(
        kind=Kind.DRAFT,
        network=connector.network,
        limits=network,
        media=media,
        rules=rules,
        content_warning=draft.content_warning,
    )
    findings.extend(engine.analyse(draft.text, context))
    findings.extend(_media_findings(draft, limits.media, label))
    return findings


def _media_kind(mime_type: str) -> MediaKind:
    if mime_type == "image/gif":
        return MediaKind.GIF
    return MediaKind.VIDEO if mime_type.startswith("video/") else MediaKind.IMAGE


def _media_findings(draft: Draft, media_limits: MediaLimits, label: str) -> list[Finding]:
    findings: list[Finding] = []
    for position, media in enumerate(draft.media, start=1):
        is_video = media.mime_type in media_limits.video_types
        if media.mime_type not in media_limits.image_types and not is_video:
            findings.append(
                Finding(
                    "media.type_refused",
                    Severity.BLOCKING,
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
                    Severity.BLOCKING,
                    _("Média %(n)d : %(size)d Ko, %(network)s en accepte %(max)d au plus.")
                    % {
                        "n": position,
                        "size": len(media.data) // 1024,
                        "network": label,
                        "max": limit // 1024,
                    },
                )
            )
    return findings
