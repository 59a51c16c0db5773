"""Score the claim check on eval/claims.jsonl (blind: scored, never tuned on), with a baseline.

Metrics per (claim, source): label accuracy, macro-F1 over the four labels,
"contredit" precision (the costliest error), quote integrity (every quote and
every row's quote verbatim in its cited passage) and status accuracy, plus the
latency of a check (p50 / p95, warm, query cache off).

Baseline: the plain `bot.ask(claim)`, its disagreement blocks read as labels:
a source with a position in a block -> "nuance", a source absent -> "ne dit rien"
(the blocks say who disagrees, not which side the claim is on).

python -m eval.claims [--file eval/claims.jsonl] [--gate]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_CLAIMS = HERE / "claims.jsonl"
LABELS = ("soutient", "contredit", "nuance", "ne dit rien")


def _norm(t: str) -> str:
    return " ".join(t.replace("’", "'").replace("‘", "'").replace("«", '"').replace("»", '"').split())


def load(path: Path = DEFAULT_CLAIMS) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def labels_of(answer) -> dict[str, str]:
    """One label per source for the claim: the first part a source speaks to decides (parts are ordered)."""
    out: dict[str, str] = {}
    for ch in answer.checks:
        for r in ch.rows:
            if r.label != "ne dit rien":
                out.setdefault(r.source_id, r.label)
    return out


def baseline_labels(answer) -> dict[str, str]:
    return {p.source_id: "nuance" for d in answer.disagreements for p in d.positions}


def integrity(answer, kb) -> bool:
    texts = {c.passage_id: _norm(c.text) for c in answer.citations}
    for s in answer.statements:
        if s.kind == "quote" and not any(_norm(s.text) in texts.get(p, "") for p in s.citations):
            return False
    for ch in answer.checks:
        for r in ch.rows:
            if r.quote and (
                r.passage_id not in kb.passages or _norm(r.quote) not in _norm(kb.passages[r.passage_id].text)
            ):
                return False
    return True


def scored_sources(it: dict, sources: list[str]) -> list[str]:
    """The sources whose label a claim scores: a second reader may leave out a label both readings defend."""
    return [s for s in sources if s not in it.get("unscored", [])]


def metrics(items: list[dict], got: list[dict[str, str]], sources: list[str]) -> dict:
    pairs = [
        (it["labels"].get(s, "ne dit rien"), g.get(s, "ne dit rien"))
        for it, g in zip(items, got, strict=True)
        for s in scored_sources(it, sources)
    ]
    acc = sum(a == b for a, b in pairs) / len(pairs) if pairs else 0.0
    f1s = {}
    for lab in LABELS:
        tp = sum(a == lab and b == lab for a, b in pairs)
        fp = sum(a != lab and b == lab for a, b in pairs)
        fn = sum(a == lab and b != lab for a, b in pairs)
        f1s[lab] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    said = sum(b == "contredit" for _, b in pairs)
    cp = sum(a == b == "contredit" for a, b in pairs) / said if said else 0.0
    return {
        "label_accuracy": acc,
        "macro_f1": sum(f1s.values()) / len(f1s),
        "contredit_precision": cp,
        "contredit_said": said,
        "f1": f1s,
        "pairs": len(pairs),
    }


def _status_ok(expect: str, got: str) -> bool:
    if expect in ("any", None):
        return True
    if expect == "refused":
        return got in ("not_in_sources", "out_of_scope")
    return expect == got


def score(path: Path = DEFAULT_CLAIMS, bot=None) -> dict:
    from bot import load_bot
    from bot.check import check
    from bot.settings import Settings

    bot = bot or load_bot(Settings(query_cache_size=0), progress=False)
    items = load(path)
    sources = list(bot.kb.sources)
    check(bot, "Les exosomes sont sans risque")  # warm
    got, base, lat, rows = [], [], [], []
    intact = status_ok = must = 0
    for it in items:
        t = time.perf_counter()
        a = check(bot, it["claim"], id=it.get("id"))
        lat.append((time.perf_counter() - t) * 1000)
        got.append(labels_of(a))
        base.append(baseline_labels(bot.ask(it["claim"])))
        intact += integrity(a, bot.kb)
        status_ok += _status_ok(it.get("expect_status", "any"), a.status)
        words = it.get("must_say_any") or []
        must += (not words) or any(w.lower() in a.answer_markdown.lower() for w in words)
        wrong = sum(
            it["labels"].get(s, "ne dit rien") != got[-1].get(s, "ne dit rien")
            for s in scored_sources(it, sources)
        )
        rows.append(
            {
                "id": it.get("id"),
                "claim": it["claim"],
                "wrong": wrong,
                "status": a.status,
                "expected": it["labels"],
                "got": got[-1],
            }
        )
    n = len(items)
    out = {
        "check": metrics(items, got, sources),
        "baseline": metrics(items, base, sources),
        "quote_integrity": intact / n,
        "status_accuracy": status_ok / n,
        "must_say": must / n,
        "latency_p50_ms": float(np.percentile(lat, 50)),
        "latency_p95_ms": float(np.percentile(lat, 95)),
        "n_claims": n,
        "hardest": sorted(rows, key=lambda r: -r["wrong"])[:10],
    }
    return out


def flat(res: dict) -> dict[str, float]:
    c = res["check"]
    return {
        "claims_label_accuracy": c["label_accuracy"],
        "claims_macro_f1": c["macro_f1"],
        "claims_contredit_precision": c["contredit_precision"],
        "claims_quote_integrity": res["quote_integrity"],
        "claims_status_accuracy": res["status_accuracy"],
        "claims_latency_p95_ms": res["latency_p95_ms"],
    }


def gate(res: dict, thresholds: Path = HERE / "thresholds.toml") -> list[str]:
    """Failures against [claims_min] / [claims_max] of eval/thresholds.toml; integrity must be 1.0."""
    data = tomllib.loads(thresholds.read_text(encoding="utf-8"))
    v = flat(res)
    fails = (
        []
        if v["claims_quote_integrity"] >= 1.0
        else [f"claims_quote_integrity = {v['claims_quote_integrity']:.4f} < 1.0"]
    )
    fails += [f"{k} = {v[k]:.4f} < {f}" for k, f in data.get("claims_min", {}).items() if v.get(k, -1) < f]
    fails += [f"{k} = {v[k]:.4f} > {f}" for k, f in data.get("claims_max", {}).items() if v.get(k, 1e9) > f]
    return fails


def headline(res: dict) -> list[str]:
    c, b = res["check"], res["baseline"]
    return [
        f"claims ({res['n_claims']}): label accuracy {c['label_accuracy']:.3f} (baseline {b['label_accuracy']:.3f}), "
        f"macro-F1 {c['macro_f1']:.3f} (baseline {b['macro_f1']:.3f}), contredit precision "
        f"{c['contredit_precision']:.3f} on {c['contredit_said']}, quote integrity {res['quote_integrity']:.3f}, "
        f"status {res['status_accuracy']:.3f}, p50 {res['latency_p50_ms']:.1f} ms, p95 {res['latency_p95_ms']:.1f} ms"
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.claims", description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DEFAULT_CLAIMS)
    ap.add_argument("--gate", action="store_true")
    ap.add_argument("--json", action="store_true", help="print every figure and the ten hardest claims")
    args = ap.parse_args(argv)
    res = score(args.file)
    print("\n".join(headline(res)))
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    if args.gate:
        fails = gate(res)
        for f in fails:
            print(f"  - {f}", file=sys.stderr)
        return 1 if fails else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
