"""Parvis's own labelled sets (parvis/analysis/data/): public-sector drafts, reposts, messages.

Written for the project (data/README.md says how), split once by a hash of each record's id:
30 % held out, never used to train or tune.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
SETS = ("drafts", "reposts", "incoming", "personal_data")

# Categories the moderation model learns; personal data and flooding are found by rules.
MODEL_CATEGORIES = ("insult", "hate", "threat", "defamation", "spam", "propaganda")


def is_heldout(identifier: str) -> bool:
    return zlib.crc32(identifier.encode("utf-8")) % 10 < 3


def read(name: str) -> list[dict[str, Any]]:
    """Every record of ``data/<name>.jsonl``."""
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# Training-only sets (never evaluated), by the evaluation set whose task they extend.
TRAINING = {
    "drafts": ("drafts_train", "drafts_train_b", "drafts_train_c", "drafts_train_d"),
    "incoming": ("incoming_train_a", "incoming_train_b", "incoming_train_c"),
}


def training(name: str) -> list[dict[str, Any]]:
    """Every training-only record for the task of the evaluation set ``name``."""
    return [record for part in TRAINING[name] for record in read(part)]


def load(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(dev, held-out) records of one evaluation set."""
    records = read(name)
    dev = [r for r in records if not is_heldout(r["id"])]
    heldout = [r for r in records if is_heldout(r["id"])]
    return dev, heldout


def moderation_label(record: dict[str, Any]) -> str:
    """The one category the model learns for a message (``none`` for no violation)."""
    for category in record["moderation"]:
        if category in MODEL_CATEGORIES:
            return str(category)
    return "none"


def is_criticism(record: dict[str, Any]) -> bool:
    """Legitimate criticism: negative or a complaint, and no violation of the charter."""
    return not record["moderation"] and (
        record["sentiment"] == "negative" or record["intent"] == "complaint"
    )
