"""Accessibility of a post: what a screen reader or a reader in a hurry stumbles on."""

from __future__ import annotations

import unicodedata

import regex

from parvis.analysis import text as t
from parvis.analysis import vocabulary
from parvis.analysis.context import Context, MediaKind
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _

# Said on purpose: the image adds nothing a reader would miss (WCAG's decorative image).
_DECORATIVE = regex.compile(
    r"^\W*(image|illustration|photo)?\s*d[ée]corati(f|ve)\W*$|^\W*decorative\W*$", regex.I
)
# Says nothing: a file name, "image", "photo 2".
_PLACEHOLDER = regex.compile(
    r"^\W*(image|photo|img|illustration|alt|picture|visuel|capture)?\W*\d*\W*$|^\S+\.(jpe?g|png|gif|webp)$",
    regex.I,
)
_DETERMINERS = frozenset(
    [
        "à",
        "a",
        "au",
        "aux",
        "la",
        "le",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "notre",
        "nos",
        "votre",
        "vos",
        "ma",
        "mon",
        "mes",
        "ta",
        "ton",
        "tes",
        "sa",
        "son",
        "ses",
        "ce",
        "cette",
        "ces",
        "en",
        "pour",
        "par",
        "sur",
        "avec",
        "sans",
        "chez",
    ]
)


def check(text: str, context: Context) -> list[Finding]:
    return [
        *_media(context),
        *_hashtags(text),
        *_fake_letters(text),
        *_emoji(text, context.rules.max_emoji),
    ]


def _media(context: Context) -> list[Finding]:
    findings = []
    for position, media in enumerate(context.media, start=1):
        alt = media.alt.strip()
        if _DECORATIVE.match(alt) or not _PLACEHOLDER.match(alt):
            continue
        if media.kind == MediaKind.GIF:
            findings.append(
                Finding(
                    "a11y.gif_without_description",
                    Severity.BLOCKING,
                    _(
                        "Média %(n)d : le GIF n'a pas de description. Décrivez ce qui s'y passe "
                        "pour les personnes qui ne le voient pas."
                    )
                    % {"n": position},
                )
            )
        elif media.kind in (MediaKind.IMAGE, MediaKind.VIDEO):
            findings.append(
                Finding(
                    "a11y.missing_alt",
                    Severity.BLOCKING,
                    _(
                        "Média %(n)d : ajoutez un texte alternatif qui décrit l'image (ou écrivez "
                        "« image décorative » si elle n'apporte rien)."
                    )
                    % {"n": position},
                )
            )
    return findings


def _hashtags(text: str) -> list[Finding]:
    findings = []
    for match in t.HASHTAG.finditer(text):
        tag = match.group(1)
        if any(c.isupper() for c in tag[1:]) or tag.isdigit():
            continue  # CamelCase already, or a number
        pieces = vocabulary.split_words(tag)
        if pieces is None or len(pieces) < 2:
            continue  # one word, or a name the vocabulary does not know
        camel = "".join(piece.capitalize() for piece in _original_pieces(tag, pieces))
        findings.append(
            Finding(
                "a11y.hashtag_case",
                Severity.WARNING,
                _(
                    "Le mot-dièse #%(tag)s réunit plusieurs mots : écrivez #%(camel)s pour que les "
                    "lecteurs d'écran les prononcent séparément."
                )
                % {"tag": tag, "camel": camel},
                start=match.start(),
                end=match.end(),
            )
        )
    return findings


def _original_pieces(tag: str, pieces: list[str]) -> list[str]:
    """The pieces of the folded tag, cut back out of the tag as written (accents kept)."""
    out, position = [], 0
    for piece in pieces:
        out.append(tag[position : position + len(piece)])
        position += len(piece)
    return out


def _is_fake_letter(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(
        ("MATHEMATICAL ", "FULLWIDTH LATIN", "CIRCLED LATIN", "PARENTHESIZED LATIN")
    ) or (name.startswith("NEGATIVE ") and "LATIN" in name)


def _fake_letters(text: str) -> list[Finding]:
    findings = []
    for match in regex.finditer(r"[^\s\p{P}]+", text):
        run = match.group()
        if any(_is_fake_letter(c) for c in run):
            readable = unicodedata.normalize("NFKC", run)
            findings.append(
                Finding(
                    "a11y.fake_bold",
                    Severity.WARNING,
                    _(
                        "« %(word)s » est écrit avec des symboles mathématiques Unicode : les "
                        "lecteurs d'écran les épellent un par un et la recherche ne les trouve "
                        "pas. Écrivez « %(readable)s »."
                    )
                    % {"word": run, "readable": readable},
                    start=match.start(),
                    end=match.end(),
                )
            )
    return findings


def _emoji(text: str, max_emoji: int) -> list[Finding]:
    emoji = t.emoji_spans(text)
    findings = []
    if len(emoji) > max_emoji:
        findings.append(
            Finding(
                "a11y.too_many_emoji",
                Severity.WARNING,
                _(
                    "%(count)d émojis (la règle en permet %(max)d) : un lecteur d'écran lit le nom "
                    "de chacun, ce qui noie le message."
                )
                % {"count": len(emoji), "max": max_emoji},
                start=emoji[0].start,
                end=emoji[-1].end,
            )
        )
    for token in emoji:
        before = text[: token.start].rstrip()
        after = text[token.end :]
        previous_word = regex.search(r"(\w+)['’]?$", before)
        if (
            previous_word
            and previous_word.group(1).lower() in _DETERMINERS
            and regex.match(r"\s*[\w]", after)
        ):
            findings.append(
                Finding(
                    "a11y.emoji_as_word",
                    Severity.WARNING,
                    _(
                        "L'émoji %(emoji)s remplace un mot : un lecteur d'écran dira son nom "
                        "(« %(name)s »). Écrivez le mot."
                    )
                    % {"emoji": token.text, "name": _emoji_name(token.text)},
                    start=token.start,
                    end=token.end,
                )
            )
    return findings


def _emoji_name(emoji: str) -> str:
    return unicodedata.name(emoji[0], "?").lower()
