"""Curated sources: new items of the organisation's sharing feeds, suggested for sharing.

Each suggestion is read as a repost (:data:`~parvis.analysis.context.Kind.REPOST`): praise of
the organisation itself is flagged, since the guides advise against reposting it. Sharing one
opens a draft with its title and address; dismissing it hides it for the whole team.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from parvis.analysis import engine
from parvis.analysis.context import Context, Kind
from parvis.analysis.findings import Finding
from parvis.connectors.feeds.models import FeedItem, FeedSource, SourceUse
from parvis.organisations.models import Organisation
from parvis.publishing.models import Post, SuggestionDismissal
from parvis.strategy.editorial import rules_for

SHOWN = 30


@dataclass(frozen=True)
class Suggestion:
    item: FeedItem
    findings: list[Finding]
    shared: bool  # a post of the organisation already shares it


def text_of(item: FeedItem) -> str:
    return f"{item.title}\n{item.summary_text}".strip()


def draft_text(item: FeedItem) -> str:
    return f"{item.title} {item.url}".strip()


def sources(organisation: Organisation) -> list[FeedSource]:
    return list(FeedSource.objects.filter(organisation=organisation, use=SourceUse.SHARING))


def for_organisation(organisation: Organisation, limit: int = SHOWN) -> list[Suggestion]:
    dismissed = SuggestionDismissal.objects.filter(item=OuterRef("pk"))
    shared = Post.objects.filter(organisation=organisation, source_item=OuterRef("pk"))
    items = list(
        FeedItem.objects.of(organisation)
        .filter(source__use=SourceUse.SHARING, source__is_active=True)
        .distinct_stories()
        .exclude(Exists(dismissed))
        .annotate(shared=Exists(shared))
        .select_related("source")
        .newest_first()[:limit]
    )
    rules = rules_for(organisation)
    found = engine.engine().analyse_many(
        [engine.Item(text_of(item), Context(kind=Kind.REPOST, rules=rules)) for item in items]
    )
    return [
        Suggestion(item, findings, bool(getattr(item, "shared", False)))
        for item, findings in zip(items, found, strict=True)
    ]
