"""``parvis analyse``'s input and output: one JSON object per line, read without Django.

Input: ``{"id": …, "text": …, "kind": "draft" | "repost" | "incoming", "network": …,
"media": [{"kind": "image", "alt": …}], "content_warning": …, "date": "AAAA-MM-JJ",
"previous": [...], "rules": {...}}``. Output: ``{"id": …, "findings": [...]}`` or, for a line
that cannot be read, ``{"id": …, "line": n, "error": "…"}`` — never a crash for one bad line.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from parvis.analysis.context import Context, Election, Kind, Level, Media, MediaKind, Rules
from parvis.analysis.i18n import gettext as _

E = TypeVar("E", Kind, Level, MediaKind)


class InputError(ValueError):
    """A line that cannot be analysed; the message says why, in French."""


def decode(raw: bytes, number: int) -> dict[str, Any]:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            _(
                "ligne %(n)d : ce n'est pas de l'UTF-8 valide "
                "(octet 0x%(byte)02x en position %(at)d)."
            )
            % {"n": number, "byte": raw[error.start], "at": error.start}
        ) from None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(
            _("ligne %(n)d : JSON invalide (%(why)s, colonne %(col)d).")
            % {"n": number, "why": error.msg, "col": error.colno}
        ) from None
    if not isinstance(value, dict):
        raise InputError(_("ligne %(n)d : un objet JSON est attendu.") % {"n": number})
    return value


def item_of(value: Mapping[str, Any], default_rules: Rules) -> tuple[str, Context]:
    text = value.get("text")
    if not isinstance(text, str):
        raise InputError(_("le champ « text » doit être une chaîne de caractères."))
    kind = _choice(value.get("kind", "draft"), Kind, "kind")
    media = tuple(_media(m) for m in _list(value.get("media", []), "media"))
    rules = rules_of(value["rules"]) if "rules" in value else default_rules
    previous = tuple(str(p) for p in _list(value.get("previous", []), "previous"))
    network = value.get("network")
    if network is not None and not isinstance(network, str):
        raise InputError(_("le champ « network » doit être une chaîne de caractères."))
    return text, Context(
        kind=kind,
        network=network,
        media=media,
        rules=rules,
        date=_date(value["date"], "date") if value.get("date") else None,
        previous=previous,
        content_warning=str(value.get("content_warning") or ""),
    )


def rules_of(value: Any) -> Rules:
    if not isinstance(value, dict):
        raise InputError(_("le champ « rules » doit être un objet JSON."))
    topics = value.get("forbidden_topics", {})
    if not isinstance(topics, dict):
        raise InputError(_("« forbidden_topics » doit associer un sujet à une liste de mots."))
    categories = value.get("charter_categories")
    return Rules(
        names=_strings(value.get("names", []), "names"),
        level=_choice(value["level"], Level, "level") if value.get("level") else None,
        forbidden_words=_strings(value.get("forbidden_words", []), "forbidden_words"),
        forbidden_topics={str(k): _strings(v, "forbidden_topics") for k, v in topics.items()},
        public_contacts=_strings(value.get("public_contacts", []), "public_contacts"),
        elections=tuple(_election(e) for e in _list(value.get("elections", []), "elections")),
        max_emoji=_integer(value.get("max_emoji", 3), "max_emoji"),
        charter_categories=(
            None if categories is None else frozenset(_strings(categories, "charter_categories"))
        ),
    )


def _election(value: Any) -> Election:
    if not isinstance(value, dict) or "date" not in value or "level" not in value:
        raise InputError(_('une élection s\'écrit {"date": "AAAA-MM-JJ", "level": …}.'))
    return Election(
        date=_date(value["date"], "elections.date"),
        level=_choice(value["level"], Level, "elections.level"),
        name=str(value.get("name", "")),
        last_day=_date(value["last_day"], "elections.last_day") if value.get("last_day") else None,
    )


def _media(value: Any) -> Media:
    if not isinstance(value, dict):
        raise InputError(_('un média s\'écrit {"kind": "image", "alt": "…"}.'))
    return Media(
        _choice(value.get("kind", "image"), MediaKind, "media.kind"), str(value.get("alt") or "")
    )


def _choice(value: Any, enum: type[E], field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise InputError(
            _("« %(field)s » vaut %(value)s ; valeurs permises : %(allowed)s.")
            % {
                "field": field,
                "value": json.dumps(value),
                "allowed": ", ".join(e.value for e in enum),
            }
        ) from None


def _date(value: Any, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            _("« %(field)s » : date invalide %(value)s (format AAAA-MM-JJ).")
            % {"field": field, "value": json.dumps(value)}
        ) from None


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(_("« %(field)s » doit être une liste.") % {"field": field})
    return value


def _strings(value: Any, field: str) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(value, field))


def _integer(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(_("« %(field)s » doit être un entier positif.") % {"field": field})
    return value
