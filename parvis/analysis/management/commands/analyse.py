"""``parvis analyse [FICHIER] [--explain]``: the analyzers on JSON lines, without a database."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.analysis import jsonlines
from parvis.analysis.context import DEFAULT_RULES, Rules
from parvis.analysis.engine import Engine, Item, engine
from parvis.analysis.findings import Finding

BATCH = 256  # lines analysed together: one matrix product per model


class Command(BaseCommand):
    help = (
        "Analyse des textes (lignes JSON) : ton, éloge, modération, sentiment, intention, "
        "accessibilité, réserve électorale, limites / Analyse texts given as JSON lines."
    )
    requires_system_checks: list[str] = []  # no database, no organisation needed

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="fichier de lignes JSON (par défaut : l'entrée standard)",
        )
        parser.add_argument(
            "--explain", action="store_true", help="écrire les constats pour des personnes"
        )
        parser.add_argument(
            "--rules",
            type=Path,
            help="fichier JSON des règles de l'organisation (pour chaque ligne)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = _rules(options["rules"]) if options["rules"] else DEFAULT_RULES
        path: Path | None = options["file"]
        if path is not None and not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        loaded = engine()
        stream: BinaryIO
        with path.open("rb") if path else _stdin() as stream:
            batch: list[tuple[int, dict[str, Any]]] = []
            for number, raw in _lines(stream):
                try:
                    batch.append((number, jsonlines.decode(raw, number)))
                except jsonlines.InputError as error:
                    self._emit_error(None, number, str(error))
                if len(batch) == BATCH:
                    self._analyse(loaded, batch, rules, options["explain"])
                    batch = []
            self._analyse(loaded, batch, rules, options["explain"])

    def _analyse(
        self, loaded: Engine, batch: list[tuple[int, dict[str, Any]]], rules: Rules, explain: bool
    ) -> None:
        items: list[tuple[Any, Item]] = []
        for number, value in batch:
            try:
                text, context = jsonlines.item_of(value, rules)
            except jsonlines.InputError as error:
                self._emit_error(
                    value.get("id"),
                    number,
                    _("ligne %(n)d : %(error)s") % {"n": number, "error": error},
                )
                continue
            items.append((value.get("id"), Item(text, context)))
        results = loaded.analyse_many([item for _id, item in items])
        for (identifier, item), findings in zip(items, results, strict=True):
            if explain:
                self._explain(identifier, item, findings)
            else:
                line = {"id": identifier, "findings": [f.as_dict() for f in findings]}
                self.stdout.write(json.dumps(line, ensure_ascii=False))

    def _emit_error(self, identifier: Any, number: int, message: str) -> None:
        line = {"id": identifier, "line": number, "error": message}
        self.stdout.write(json.dumps(line, ensure_ascii=False))
        self.stderr.write(message)

    def _explain(self, identifier: Any, item: Item, findings: list[Finding]) -> None:
        preview = item.text if len(item.text) <= 70 else item.text[:69] + "…"
        name = "?" if identifier is None else identifier
        self.stdout.write(f"── {name} · {item.context.kind} · « {preview} »")
        if not findings:
            self.stdout.write("   " + _("rien à signaler"))
        for finding in findings:
            score = "" if finding.score is None else f" {finding.score:.2f}"
            where = ""
            if finding.span:
                start, end = finding.span
                where = f" [{start}–{end} « {item.text[start:end]} »]"
            self.stdout.write(f"   {finding.severity:<8} {finding.code}{score}{where}")
            self.stdout.write(f"            {finding.message}")


def _rules(path: Path) -> Rules:
    try:
        return jsonlines.rules_of(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(
            _("Règles illisibles (%(path)s) : %(error)s") % {"path": path, "error": error}
        ) from None
    except jsonlines.InputError as error:
        raise CommandError(
            _("Règles invalides (%(path)s) : %(error)s") % {"path": path, "error": error}
        ) from None


def _stdin() -> BinaryIO:
    return sys.stdin.buffer


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(stream, start=1):
        raw = line.rstrip(b"\r\n")
        if raw.strip():
            yield number, raw
