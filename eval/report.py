"""Write the evaluation report: Markdown for people, JSON with the same figures, a PNG chart."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from eval.metrics import HEADLINE, LOWER_IS_BETTER
from eval.questions import KINDS

KIND_METRICS = (
    "status_accuracy",
    "evidence_hit",
    "gold_hit@5",
    "citation_precision",
    "disagreement_f1",
    "false_alarm_rate",
    "referral_rate",
    "forbid_violations",
)
DETAIL_SYSTEMS = ("hybrid", "hybrid-no-map")  # failing ids listed in the Markdown for these
LABELS = {
    "status_accuracy": "status accuracy",
    "evidence_hit": "evidence hit",
    "gold_hit@5": "gold source in top 5",
    "source_recall@5": "gold-source recall@5",
    "quote_integrity": "quote integrity",
    "position_integrity": "disagreement-quote integrity",
    "provenance": "citation provenance",
    "faithfulness": "faithfulness",
    "citation_precision": "citation precision",
    "disagreement_precision": "disagreement precision",
    "disagreement_recall": "disagreement recall",
    "disagreement_f1": "disagreement F1",
    "false_alarm_rate": "disagreement false-alarm rate ↓",
    "quoted_hit": "quoted hit (quote_terms in a quote shown)",
    "first_quote_hit": "first-quote hit",
    "near_miss_refused": "near-miss unanswerable refused",
    "colloquial_answered": "colloquial answerable answered",
    "conversation_status": "status on follow-ups (history)",
    "answer_chars_p50": "answer length p50 (chars) ↓",
    "answer_chars_p90": "answer length p90 (chars) ↓",
    "quotes_per_answer": "quotes per answer ↓",
    "repeated_quotes": "answers repeating a quote ↓",
    "disagreement_on_topic": "disagreement block on the aspect asked",
    "summaries_faithful": "disagreement summaries faithful",
    "referral_rate": "referral rate (advice)",
    "referral_strict": "referral in a statement (advice)",
    "must_say": "must-say strings present",
    "forbid_violations": "answers with forbidden strings ↓",
    "latency_p50_ms": "latency p50 (ms) ↓",
    "latency_p95_ms": "latency p95 (ms) ↓",
}


def fmt(metric: Mapping, name: str) -> str:
    v = metric.get("value")
    if v is None:
        return "–"
    if name.startswith(("latency", "answer_chars")):
        return f"{v:.1f}" if name.startswith("latency") else f"{v:.0f}"
    if name == "quotes_per_answer":
        return f"{v:.2f}"
    if name in ("forbid_violations", "repeated_quotes"):
        return f"{int(v)}"
    den = metric.get("den") or 0
    num = metric.get("num", 0)
    if den == 0 or name.endswith("_f1"):
        return f"{v:.2f}"
    if not float(num).is_integer() or not float(den).is_integer():
        return f"{v:.2f} (n={_n(den)})"  # a mean of fractions, not a count of passes
    return f"{v:.2f} ({_n(num)}/{_n(den)})"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def public(results: Mapping[str, Mapping]) -> dict:
    """The JSON-safe part of the results (answers are dropped)."""
    return {name: {k: v for k, v in res.items() if not k.startswith("_")} for name, res in results.items()}


def headline_rows(results: Mapping[str, Mapping], metrics=HEADLINE) -> list[str]:
    systems = list(results)
    rows = ["| metric | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for m in metrics:
        if not any(m in results[s]["overall"] for s in systems):
            continue
        cells = [fmt(results[s]["overall"].get(m, {}), m) for s in systems]
        rows.append(f"| {LABELS.get(m, m)} | " + " | ".join(cells) + " |")
    return rows


def markdown(results: Mapping[str, Mapping], meta: Mapping) -> str:
    systems = list(results)
    n = next(iter(results.values()))["n"] if results else 0
    out = [
        "# Evaluation report",
        "",
        f"{n} questions from `{meta.get('questions', '')}`, scored on {meta.get('date', '')} "
        f"({meta.get('cpu_count', '?')} CPU cores, embedder `{meta.get('embedder', '?')}`).",
        "Cells show the value, then (passing / scored) items. `–` means the metric does not apply "
        "to that set. Metrics marked ↓ are better when lower. Definitions: `eval/README.md`.",
        "",
        "## Systems",
        "",
    ]
    out += [f"- **{s}**: {results[s].get('description', '')}" for s in systems]
    out += ["", "## Headline", "", *headline_rows(results), ""]
    crashed = {s: results[s].get("crashed") for s in systems if results[s].get("crashed")}
    if crashed:
        out += ["**Crashes** (recorded as failed answers): "]
        out += [f"- {s}: {', '.join(ids)}" for s, ids in crashed.items()]
        out.append("")
    out += ["## By question kind", ""]
    kinds = [k for k in KINDS if any(k in results[s]["by_kind"] for s in systems)]
    for kind in kinds:
        sample = next(results[s]["by_kind"][kind] for s in systems if kind in results[s]["by_kind"])
        count = int(sample["status_accuracy"]["den"])
        out += [f"### {kind} ({count} questions)", "", "| metric | " + " | ".join(systems) + " |"]
        out.append("|---|" + "---|" * len(systems))
        for m in KIND_METRICS:
            cells = [fmt(results[s]["by_kind"].get(kind, {}).get(m, {}), m) for s in systems]
            if all(c == "–" for c in cells) or (m == "forbid_violations" and kind != "adversarial"):
                continue
            out.append(f"| {LABELS.get(m, m)} | " + " | ".join(cells) + " |")
        out.append("")
    out += ["## Failing question ids", ""]
    for s in [s for s in DETAIL_SYSTEMS if s in results] or systems[:1]:
        out += [f"### {s}", ""]
        for m in HEADLINE:
            metric = results[s]["overall"].get(m, {})
            ids = metric.get("failed") or []
            if ids and not m.startswith("latency"):
                out.append(f"- {LABELS.get(m, m)}: {', '.join(ids)}")
        out.append("")
    others = [s for s in systems if s not in DETAIL_SYSTEMS]
    if others:
        out += ["Failing ids of the other systems are in the JSON report.", ""]
    return "\n".join(out)


def chart(results: Mapping[str, Mapping], path: Path) -> None:
    """Grouped bars: status accuracy and evidence hit per question kind, one bar per system."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(results)
    panels = [("status_accuracy", "Status accuracy"), ("evidence_hit", "Evidence hit")]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 7), sharex=False)
    for ax, (metric, title) in zip(axes, panels, strict=True):
        kinds = [
            k
            for k in KINDS
            if any(results[s]["by_kind"].get(k, {}).get(metric, {}).get("value") is not None for s in systems)
        ]
        width = 0.8 / max(len(systems), 1)
        for i, s in enumerate(systems):
            vals = [results[s]["by_kind"].get(k, {}).get(metric, {}).get("value") or 0.0 for k in kinds]
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(kinds))]
            ax.bar(xs, vals, width, label=s)
        ax.set_xticks(range(len(kinds)), kinds)
        ax.set_ylim(0, 1.05)
        ax.set_title(title + " by question kind")
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(systems), fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: Mapping[str, Mapping], meta: Mapping, out_dir: Path, png: bool = True) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"md": out_dir / "latest.md", "json": out_dir / "latest.json"}
    paths["md"].write_text(markdown(results, meta) + "\n", encoding="utf-8")
    data = {"meta": dict(meta), "systems": public(results), "lower_is_better": sorted(LOWER_IS_BETTER)}
    paths["json"].write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if png:
        paths["png"] = out_dir / "latest.png"
        chart(results, paths["png"])
    return paths
