#!/usr/bin/env python3
"""Print the totals from reader.jsonl (same folder)."""

import json
import os

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reader.jsonl")
with open(path, encoding="utf-8") as fh:
    rows = [json.loads(line) for line in fh if line.strip()]


def pct(a, b):
    return f"{100 * a / b:.1f}%" if b else "n/a"


n = len(rows)
answered = [r for r in rows if r["answered"]]
refused = [r for r in rows if not r["answered"]]
qt = sum(r["quotes_total"] for r in rows)
qr = sum(r["quotes_relevant"] for r in rows)
first = [r for r in answered if r["first_relevant"] is not None]
first_ok = sum(1 for r in first if r["first_relevant"])
blocks = [b for r in rows for b in r["blocks"]]
on_point = sum(1 for b in blocks if b["on_point"])
real = sum(1 for b in blocks if b["real"])
both = sum(1 for b in blocks if b["on_point"] and b["real"])
ref_right = sum(1 for r in refused if not r["should_answer"])
ans_wrong = sum(1 for r in answered if not r["should_answer"])
unans_wrong = sum(1 for r in refused if r["should_answer"])
status_ok = sum(1 for r in rows if r["answered"] == r["should_answer"])
need = [r for r in rows if r["referral_needed"]]
missing = [r for r in need if not r["referral_present"]]
read = sum(r["readability"] for r in rows) / n

print(f"Answers read: {n} (answered {len(answered)}, refused/rejected {len(refused)})")
print(f"Main quotes on the question: {qr} of {qt} ({pct(qr, qt)})")
print(f"First quote relevant among answered: {first_ok} of {len(first)} ({pct(first_ok, len(first))})")
print(
    f"Disagreement blocks: {len(blocks)}; on point: {on_point} ({pct(on_point, len(blocks))}); "
    f"real: {real} ({pct(real, len(blocks))}); on point and real: {both}"
)
print(f"Status right: {status_ok} of {n}")
print(f"Refusals right: {ref_right} of {len(refused)}")
print(
    f"Answered although unanswerable: {ans_wrong} ({', '.join(r['id'] for r in answered if not r['should_answer'])})"
)
print(
    f"Unanswered although answerable: {unans_wrong} ({', '.join(r['id'] for r in refused if r['should_answer'])})"
)
print(f"Missing referrals: {len(missing)} of {len(need)} needed ({', '.join(r['id'] for r in missing)})")
print(f"Mean readability (1-5): {read:.2f}")
