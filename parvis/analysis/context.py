"""What an analysis is told besides the text: its kind, its network, its media, the rules, the date.

Plain frozen data: the command line builds it from JSON, Parvis from an organisation's
editorial line and charters. The rules are inputs, never constants of the analyzers.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from parvis.analysis.analyzers.limits import NetworkLimits


class Kind(enum.StrEnum):
    DRAFT = "draft"  # written by the organisation, about to be published
    REPOST = "repost"  # someone else's content the organisation would share
    INCOMING = "incoming"  # a reply, mention or message sent to the organisation


class Level(enum.StrEnum):
    """The tier of a public body, which decides the elections of its reserve period."""

    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    STATE = "state"


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    GIF = "gif"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True)
class Media:
    kind: MediaKind = MediaKind.IMAGE
    alt: str = ""


@dataclass(frozen=True)
class Election:
    """A general election; the reserve period runs up to ``last_day`` (the second round)."""

    date: datetime.date
    level: Level
    name: str = ""
    last_day: datetime.date | None = None

    @property
    def reserve_starts(self) -> datetime.date:
        """First day of the sixth month before the month of the election (Code électoral L52-1)."""
        month = self.date.month - 6
        year = self.date.year
        if month < 1:
            month += 12
            year -= 1
        return datetime.date(year, month, 1)

    @property
    def reserve_ends(self) -> datetime.date:
        return self.last_day or self.date

    def in_reserve(self, day: datetime.date) -> bool:
        return self.reserve_starts <= day <= self.reserve_ends


@dataclass(frozen=True)
class Rules:
    """An organisation's rules, as its editorial line and charters state them."""

    # The organisation's name, its aliases and handles: what praise of itself names.
    names: tuple[str, ...] = ()
    level: Level | None = None
    forbidden_words: tuple[str, ...] = ()
    # topic → words that reveal it ("politique nationale": ("gouvernement", "ministre"…)).
    forbidden_topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The organisation's own public phones, e-mails and addresses: not a third party's data.
    public_contacts: tuple[str, ...] = ()
    elections: tuple[Election, ...] = ()
    max_emoji: int = 3
    # Charter categories the public moderation charter forbids; None: all of them.
    charter_categories: frozenset[str] | None = None


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Context:
    kind: Kind = Kind.DRAFT
    network: str | None = None  # "mastodon", "bluesky", "x"…; None: no length check
    # The account's own limits when its server sets them; None: the network's defaults.
    limits: NetworkLimits | None = None
    content_warning: str = ""
    media: tuple[Media, ...] = ()
    rules: Rules = DEFAULT_RULES
    date: datetime.date | None = None  # the publication day; None: today
    # The author's recent messages (incoming only): the same text again is flooding.
    previous: tuple[str, ...] = ()
