"""``parvis analyse``: JSON lines in, JSON lines out, bad lines answered, not fatal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]


def analyse(tmp_path: Path, *lines: str, explain: bool = False) -> list[str]:
    source = tmp_path / "textes.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "analyse",
        str(source),
        *(["--explain"] if explain else []),
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue().splitlines()


def test_each_line_gets_its_findings_with_code_severity_score_span_message(tmp_path: Path) -> None:
    lines = analyse(
        tmp_path,
        json.dumps({"id": 1, "text": "Appelez-le au 06 12 34 56 78", "kind": "incoming"}),
        json.dumps(
            {"id": "b", "text": "Votez pour vos projets #budgetparticipatif", "network": "bluesky"}
        ),
    )
    first, second = (json.loads(line) for line in lines)
    assert first["id"] == 1
    assert second["id"] == "b"
    data = next(f for f in first["findings"] if f["code"] == "moderation.personal_data")
    assert data["span"] == [14, 28]
    assert data["severity"] == "warning"
    assert data["message"]
    assert {"code", "severity", "score", "span", "message"} == set(data)
    assert any(f["code"].startswith("sentiment.") for f in first["findings"])
    assert [f["code"] for f in second["findings"]] == ["a11y.hashtag_case"]


def test_a_bad_line_gets_an_error_and_the_others_are_analysed(tmp_path: Path) -> None:
    lines = analyse(
        tmp_path,
        "{pas du json",
        json.dumps({"id": 2, "text": 42}),
        json.dumps({"id": 3, "text": "ok", "kind": "tweet"}),
        json.dumps(
            {"id": 4, "text": "La piscine est fermée lundi pour la vidange.", "network": "x"}
        ),
    )
    results = [json.loads(line) for line in lines]
    assert "JSON invalide" in results[0]["error"]
    assert results[0]["line"] == 1
    assert "« text »" in results[1]["error"]
    assert "draft, repost, incoming" in results[2]["error"]
    assert results[3]["id"] == 4
    assert "error" not in results[3]
    assert not [f for f in results[3]["findings"] if f["severity"] != "info"]


def test_explain_writes_for_people(tmp_path: Path) -> None:
    text = analyse(
        tmp_path, json.dumps({"id": 7, "text": "Bonjour", "kind": "incoming"}), explain=True
    )
    assert text[0].startswith("── 7 · incoming · « Bonjour »")
    assert any("sentiment." in line for line in text)


def test_standard_input_with_invalid_utf8_is_answered_without_a_database() -> None:
    payload = (
        b'{"id": 1, "text": "caf\xe9"}\n'
        + json.dumps({"id": 2, "text": "Merci !", "kind": "incoming"}).encode()
    )
    result = subprocess.run(
        [sys.executable, "-m", "parvis.cli", "analyse"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "PARVIS_ENV": "test",
            "DATABASE_URL": "sqlite:////nonexistent/dir/db.sqlite3",
        },
        timeout=60,
        check=True,
    )
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert "UTF-8" in first["error"]
    assert first["line"] == 1
    assert second["id"] == 2
    assert any(f["code"].startswith("intent.") for f in second["findings"])
