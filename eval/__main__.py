"""`python -m eval`: score the chatbot and its baselines on a question set, write the report.

python -m eval                          # all systems, report in eval/reports/
python -m eval --questions my.jsonl --out /tmp/report
python -m eval --systems hybrid,naive-rag --limit 20
python -m eval --gate                   # full system only; exit 1 below eval/thresholds.toml
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("MPLBACKEND", "Agg")

from eval.questions import DEFAULT_QUESTIONS, QuestionFileError, load_questions  # noqa: E402
from eval.runner import SYSTEMS, evaluate  # noqa: E402

from . import gate as gate_mod  # noqa: E402
from . import report  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "reports"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL question file.")
    ap.add_argument("--out", type=Path, default=None, help=f"Report folder (default {DEFAULT_OUT}).")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=f"Comma list from: {', '.join(SYSTEMS)}.")
    ap.add_argument("--limit", type=int, default=None, help="Score only the first N questions.")
    ap.add_argument("--gate", action="store_true", help="Check the full system against the thresholds.")
    ap.add_argument("--thresholds", type=Path, default=gate_mod.DEFAULT_THRESHOLDS)
    ap.add_argument("--no-png", action="store_true", help="Skip the chart.")
    ap.add_argument(
        "--answers", action="store_true", help="Also write every answer to answers-<system>.jsonl."
    )
    return ap.parse_args(argv)


def eval_settings():
    """Default settings with the query-embedding cache off, so every system pays for its embeddings."""
    from bot.settings import Settings

    return Settings(query_cache_size=0)


def meta_for(args: argparse.Namespace, n: int, base) -> dict:
    meta = {
        "questions": _display_path(args.questions),
        "n_questions": n,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    try:
        from bot import load_bot

        bot = load_bot(base, progress=False)
        meta["embedder"] = bot.embedder.name
        meta["index_fingerprint"] = bot.kb.fingerprint[:16]
    except Exception as exc:  # the report still says what it could not read
        meta["embedder"] = f"unavailable: {exc}"
    return meta


def _display_path(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        questions = load_questions(args.questions)
    except (OSError, QuestionFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.limit:
        questions = questions[: args.limit]
    if args.gate:
        thresholds = gate_mod.load_thresholds(args.thresholds)
        systems = [thresholds["system"]]
    else:
        systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        print(f"error: unknown system(s) {unknown}; choose from {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2

    base = eval_settings()
    results = evaluate(
        questions, systems, base=base, progress=lambda msg: print(msg, file=sys.stderr, flush=True)
    )
    print("\n".join(report.headline_rows(results)))

    out = args.out if args.out is not None else (None if args.gate else DEFAULT_OUT)
    if out is not None:
        paths = report.write(results, meta_for(args, len(questions), base), out, png=not args.no_png)
        if args.answers:
            for name, res in results.items():
                with open(out / f"answers-{name}.jsonl", "w", encoding="utf-8") as fh:
                    for a in res["_answers"]:
                        fh.write(json.dumps(a.model_dump(), ensure_ascii=False) + "\n")
        print("wrote " + ", ".join(str(p) for p in paths.values()), file=sys.stderr)

    from eval import claims as claims_mod  # the claim check on eval/claims.jsonl, scored and gated too

    claims_res = claims_mod.score()
    print("\n".join(claims_mod.headline(claims_res)))
    if args.gate and (claim_failures := claims_mod.gate(claims_res)):
        print("CLAIMS GATE FAILED:\n" + "\n".join(f"  - {f}" for f in claim_failures), file=sys.stderr)
        return 1
    if args.gate:
        failures = gate_mod.check(results[systems[0]]["overall"], thresholds)
        if failures:
            print(f"GATE FAILED ({systems[0]}):", file=sys.stderr)
            for f in failures:
                print(f"  - {f}", file=sys.stderr)
            return 1
        print(f"gate passed ({systems[0]}, {len(questions)} questions)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
