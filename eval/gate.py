"""The CI gate: fail when the full system's figures drop below eval/thresholds.toml.

Quote integrity, disagreement-quote integrity and citation provenance must be
exactly 1.0 whatever the file says: an answer that puts words in a source's
mouth, or cites text that is not in the document, is never acceptable.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
MUST_BE_PERFECT = ("quote_integrity", "position_integrity", "provenance")


def load_thresholds(path: str | Path = DEFAULT_THRESHOLDS) -> dict:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {"system": data.get("system", "hybrid"), "min": data.get("min", {}), "max": data.get("max", {})}


def check(overall: Mapping[str, Mapping], thresholds: Mapping) -> list[str]:
    """Failure messages; an empty list means the gate passes."""
    failures = []
    for name in MUST_BE_PERFECT:
        v = overall.get(name, {}).get("value")
        if v is not None and v < 1.0:
            failed = ", ".join(overall[name].get("failed", [])[:20])
            failures.append(f"{name} = {v:.4f} < 1.0 (questions: {failed})")
    for name, floor in thresholds.get("min", {}).items():
        v = overall.get(name, {}).get("value")
        if v is None:
            failures.append(f"{name}: not measured (threshold {floor})")
        elif v < floor:
            failures.append(f"{name} = {v:.4f} < {floor}")
    for name, ceiling in thresholds.get("max", {}).items():
        v = overall.get(name, {}).get("value")
        if v is None:
            failures.append(f"{name}: not measured (threshold {ceiling})")
        elif v > ceiling:
            failures.append(f"{name} = {v:.4f} > {ceiling}")
    return failures
