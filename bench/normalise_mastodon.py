"""Normalising remote posts: recorded Mastodon statuses per second, on one core.

For every status in the recorded real traffic (../shared/fixtures/mastodon/cassettes): parse
the JSON text, validate it, sanitise its HTML, extract its text (``mapping.post_from_json``,
on one core). Also shown: the same from already parsed JSON (``mapping.post_from``, what
the connector does with Mastodon.py's results). The baseline, measured in the same run on the
same documents, is parsing the JSON alone with the standard library.

    .venv/bin/python bench/normalise_mastodon.py [--seconds 3]
Target (issue 3): at least 20,000 statuses per second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings_test")

import django  # noqa: E402

django.setup()

from common import machine  # noqa: E402

from parvis.connectors.mastodon import mapping  # noqa: E402

CASSETTES = ROOT.parent / "shared" / "fixtures" / "mastodon" / "cassettes"


def _statuses(node: Any) -> list[Any]:
    """Every Status object inside a response (lists, search results, notifications…)."""
    found = []
    if isinstance(node, dict):
        if {"id", "content", "account", "created_at", "visibility"} <= node.keys():
            found.append(node)
        for value in node.values():
            found.extend(_statuses(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_statuses(item))
    return found


def recorded_statuses() -> list[str]:
    documents = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            body = interaction["response"]["body"]["string"]
            try:
                data = json.loads(body)
            except (TypeError, ValueError):
                continue
            documents.extend(json.dumps(status) for status in _statuses(data))
    return documents


def rate(work: Any, documents: list[Any], seconds: float) -> float:
    """Documents handled per second: the best of full passes over about ``seconds``.

    The best pass, as ``timeit`` does: a shared machine only ever slows a pass down.
    """
    best, started = float("inf"), time.perf_counter()
    while time.perf_counter() - started < seconds:
        begin = time.perf_counter()
        for document in documents:
            work(document)
        best = min(best, time.perf_counter() - begin)
    return len(documents) / best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    documents = recorded_statuses()
    rate(mapping.post_from_json, documents, 0.5)  # warm-up
    baseline = rate(json.loads, documents, seconds)
    normalised = rate(mapping.post_from_json, documents, seconds)
    # What the connector does with what Mastodon.py parsed already (for comparison).
    parsed = [json.loads(document) for document in documents]
    from_dicts = rate(mapping.post_from, parsed, seconds)
    print(f"machine: {machine()}")
    print(f"recorded statuses: {len(documents)} ({sum(map(len, documents)) // 1024} KiB of JSON)")
    print(f"baseline, JSON parsing only: {baseline:,.0f} statuses/s")
    print(f"normalisation from JSON text (parse, validate, sanitise, text): {normalised:,.0f}/s")
    print(
        f"normalisation from parsed JSON (validate, sanitise, text): {from_dicts:,.0f} statuses/s"
    )
    print(f"ratio to baseline: {normalised / baseline:.3f}")
    print(f"target 20,000/s: {'met' if normalised >= 20_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
