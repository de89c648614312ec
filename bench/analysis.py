"""Speed of the text-analysis engine: the fast tier of ingestion, one draft, start-up.

* Fast tier: every incoming message (moderation, sentiment, intent, personal data, flooding)
  in batches of 256, on one core (the process is pinned to CPU 0). Target: 2,000 texts/s.
  Passes of the fast tier and of the baseline alternate; each figure is the median pass.
* One draft checked in full (tone, accessibility, editorial words, electoral reserve,
  personal data, Mastodon's limits), one call per draft as the composer makes. Target: p95 ≤ 30 ms.
* Start-up in a fresh process: importing and loading every model and lexicon. Targets ≤ 3 s,
  ≤ 300 MB (maximum resident memory of the process).
The baseline, measured in the same run on the same texts: one model alone (sentiment).
Texts: Parvis's own sets (parvis/analysis/data), messages and drafts as people write them.

    .venv/bin/python bench/analysis.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine  # noqa: E402

from parvis.analysis import owndata  # noqa: E402
from parvis.analysis.context import Context, Kind, Media, Rules  # noqa: E402
from parvis.analysis.engine import Engine, Item  # noqa: E402

STARTUP = (
    "import resource, time; t = time.perf_counter(); "
    "from parvis.analysis.engine import Engine; from parvis.analysis import vocabulary; "
    "Engine(); vocabulary.known_words(); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)


def texts(name: str) -> list[str]:
    return [record["text"] for record in owndata.read(name)]


def interleaved(
    works: list[tuple[Callable[[list[Any]], object], list[Any]]], seconds: float
) -> list[float]:
    """Texts per second of each (work, batch), passes run in turn so that the noise of a
    shared machine falls on all alike: the median pass of each, then each over all passes."""
    rates: list[list[float]] = [[] for _ in works]
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(rates[0]) < 5:
        for rate, (work, batch) in zip(rates, works, strict=True):
            begin = time.perf_counter()
            work(batch)
            rate.append(len(batch) / (time.perf_counter() - begin))
    return [statistics.median(rate) for rate in rates] + [
        len(rate) / sum(1 / r for r in rate)
        for rate in rates  # all passes: total rate
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    os.sched_setaffinity(0, {0})
    print(f"machine: {machine()} (pinned to CPU 0)")

    runs = [
        subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", STARTUP], capture_output=True, text=True, cwd=ROOT, check=True
        )
        for _ in range(3)
    ]
    startup = [tuple(map(float, run.stdout.split())) for run in runs]
    print(
        f"start-up: {min(s for s, _ in startup):.2f} s (best of 3), "
        f"{max(m for _, m in startup):.0f} MB max resident (targets 3 s, 300 MB)"
    )

    engine = Engine()
    messages = [*texts("incoming"), *(r["text"] for r in owndata.training("incoming"))]
    incoming = [Item(text, Context(kind=Kind.INCOMING)) for text in messages[:256]]
    engine.analyse_many(incoming)  # warm
    sentiment = engine.models["sentiment"]
    baseline, fast, baseline_all, fast_all = interleaved(
        [(sentiment.predict_proba, messages[:256]), (engine.analyse_many, incoming)], seconds
    )
    print(
        f"baseline, sentiment model alone: {baseline:,.0f} texts/s "
        f"(median pass; {baseline_all:,.0f} over all passes)"
    )
    print(
        f"fast tier (moderation + sentiment + intent + rules): {fast:,.0f} texts/s "
        f"(median pass of 256; {fast_all:,.0f} over all passes; target 2,000; "
        f"{baseline / fast:.2f}x the baseline's time)"
    )

    rules = Rules(names=("Ville de Saint-Aubin",), forbidden_words=("bobo*",))
    drafts = texts("drafts")
    context = Context(
        kind=Kind.DRAFT, network="mastodon", media=(Media(alt="Le marché"),), rules=rules
    )
    for text in drafts[:20]:
        engine.analyse(text, context)  # warm
    timings = []
    for text in drafts * 3:
        start = time.perf_counter()
        engine.analyse(text, context)
        timings.append((time.perf_counter() - start) * 1000)
    one = []
    for text in drafts:
        start = time.perf_counter()
        sentiment.predict_proba([text])
        one.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"one draft in full: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms "
        f"(target 30 ms; baseline one model on one text: median {statistics.median(one):.2f} ms)"
    )


if __name__ == "__main__":
    main()
