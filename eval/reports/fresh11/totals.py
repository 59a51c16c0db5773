"""Print the totals of an independent reading: reader.jsonl beside this file, or the one given.

`python3 totals.py [path/to/reader.jsonl]` (fresh12's reading is totalled with this script too).
"""

import json
import os
import sys

READER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reader.jsonl")


def share(part, whole):
    if whole == 0:
        return "n/a"
    return f"{100.0 * part / whole:.1f}%"


def main():
    records = []
    with open(sys.argv[1] if len(sys.argv) > 1 else READER_PATH, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                records.append(json.loads(line))

    answered = [record for record in records if record["answered"]]
    refused = [record for record in records if not record["answered"]]

    quotes_total = sum(record["quotes_total"] for record in records)
    quotes_relevant = sum(record["quotes_relevant"] for record in records)

    first_judged = [record for record in answered if record["first_relevant"] is not None]
    first_good = sum(1 for record in first_judged if record["first_relevant"])

    all_blocks = [block for record in records for block in record["blocks"]]
    blocks_on_point = sum(1 for block in all_blocks if block["on_point"])
    blocks_real = sum(1 for block in all_blocks if block["real"])
    blocks_both = sum(1 for block in all_blocks if block["on_point"] and block["real"])

    status_right = sum(1 for record in records if record["answered"] == record["should_answer"])
    refusals_right = sum(1 for record in refused if not record["should_answer"])
    answered_unanswerable = [record["id"] for record in answered if not record["should_answer"]]
    refused_answerable = [record["id"] for record in refused if record["should_answer"]]

    referral_needed = [record for record in records if record["referral_needed"]]
    referral_missing = [record["id"] for record in referral_needed if not record["referral_present"]]

    readability_mean = sum(record["readability"] for record in records) / len(records)

    print(f"Answers read: {len(records)} ({len(answered)} answered, {len(refused)} refused)")
    print(
        f"Main quotes on the question: {quotes_relevant}/{quotes_total} ({share(quotes_relevant, quotes_total)})"
    )
    print(
        f"First quote relevant (answered): {first_good}/{len(first_judged)} ({share(first_good, len(first_judged))})"
    )
    print(
        f"Disagreement blocks: {len(all_blocks)}; on point: {blocks_on_point} ({share(blocks_on_point, len(all_blocks))}); "
        f"real: {blocks_real} ({share(blocks_real, len(all_blocks))}); on point and real: {blocks_both}"
    )
    print(f"Status right: {status_right}/{len(records)} ({share(status_right, len(records))})")
    print(f"Refusals right: {refusals_right}/{len(refused)}")
    print(f"Answered although unanswerable: {len(answered_unanswerable)} {answered_unanswerable}")
    print(f"Unanswered although answerable: {len(refused_answerable)} {refused_answerable}")
    print(f"Missing referrals: {len(referral_missing)}/{len(referral_needed)} needed {referral_missing}")
    print(f"Mean readability (1-5): {readability_mean:.2f}")


if __name__ == "__main__":
    main()
