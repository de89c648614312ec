from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parvis.conf.env import Env, SettingError

ROOT = Path(__file__).resolve().parents[3]


def test_a_missing_required_variable_is_named_in_french_and_english():
    with pytest.raises(SettingError) as caught:
        Env({}).string("PARVIS_SECRET_KEY", required=True)
    message = str(caught.value)
    assert "PARVIS_SECRET_KEY" in message
    assert "obligatoire" in message
    assert "required" in message


@pytest.mark.parametrize(("raw", "expected"), [("oui", True), ("0", False), ("TRUE", True)])
def test_booleans_accept_french_and_english_words(raw, expected):
    assert Env({"X": raw}).boolean("X", default=not expected) is expected


def test_a_word_that_is_not_a_boolean_is_refused():
    with pytest.raises(SettingError, match="PARVIS_DEBUG"):
        Env({"PARVIS_DEBUG": "peut-être"}).boolean("PARVIS_DEBUG", default=False)


def test_integers_are_bounded():
    env = Env({"PORT": "70000"})
    with pytest.raises(SettingError, match="au plus 65535"):
        env.integer("PORT", 25, minimum=1, maximum=65535)
    with pytest.raises(SettingError, match="nombre entier"):
        Env({"PORT": "vingt"}).integer("PORT", 25)


def test_choices_list_what_is_allowed():
    with pytest.raises(SettingError, match="production, local, test"):
        Env({"PARVIS_ENV": "prod"}).choice("PARVIS_ENV", ("production", "local", "test"), "local")


def test_blank_values_count_as_absent():
    assert Env({"X": "   "}).string("X", "défaut") == "défaut"
    assert Env({"X": " a, b ,,c "}).strings("X", []) == ["a", "b", "c"]


def _parvis(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PARVIS_", "DATABASE_URL"))}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "parvis.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_secret_key_stops_with_the_variable_named(tmp_path):
    result = _parvis({"PARVIS_ENV": "production", "PARVIS_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode == 2
    assert "PARVIS_SECRET_KEY" in result.stderr
    assert "obligatoire en production" in result.stderr
    assert "required in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_stops_start_up(tmp_path):
    env = {"PARVIS_ENV": "local", "PARVIS_DATA_DIR": str(tmp_path), "DATABASE_URL": "mysql://x/y"}
    result = _parvis(env, "check")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr


def test_production_checks_refuse_open_hosts(tmp_path):
    env = {
        "PARVIS_ENV": "production",
        "PARVIS_DATA_DIR": str(tmp_path),
        "PARVIS_SECRET_KEY": "x" * 50,
        "PARVIS_ENCRYPTION_KEYS": "k" * 50,
        "PARVIS_ALLOWED_HOSTS": "*",
        "PARVIS_BASE_URL": "https://parvis.exemple.gouv.fr",
    }
    result = _parvis(env, "check")
    assert result.returncode != 0
    assert "parvis.E003" in result.stderr


def test_local_instances_generate_and_keep_their_secret(tmp_path):
    env = {"PARVIS_ENV": "local", "PARVIS_DATA_DIR": str(tmp_path)}
    assert _parvis(env, "check").returncode == 0
    first = (tmp_path / "secret_key").read_text()
    assert _parvis(env, "check").returncode == 0
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_every_environment_variable_read_by_the_settings_is_documented():
    code = "\n".join(
        p.read_text() for p in (ROOT / "parvis").rglob("*.py") if "tests" not in p.parts
    )
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', code))
    read |= set(re.findall(r'os\.environ(?:\.get)?\(\s*"((?:PARVIS|DATABASE)_[A-Z_]+)"', code))
    assert "PARVIS_SECRET_KEY" in read
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(name for name in read if f"`{name}`" not in readme)
    assert undocumented == [], f"variables absentes du README : {undocumented}"
