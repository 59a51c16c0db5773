"""Scoring functions: pure, deterministic, no model and no index.

Each per-question check takes a `Question` and an `Answer` and returns a
result or None when the check does not apply to that question. `score()`
aggregates them overall and per question kind, and keeps the ids of the
questions that failed each metric so a reader can look at them.

Text matching follows the answer contract: verbatim checks use the same
whitespace and typographic-quote normalisation as the bot (`bot.lang.text`);
term and referral checks also ignore case and accents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from bot.lang.text import normalize
from bot.models import Answer
from eval.integrity import (  # noqa: F401 (the integrity checks are part of this module's interface)
    MIN_SHARED_LEMMAS,
    citation_relevance,
    contains_term,
    faithfulness_checks,
    folded,
    position_checks,
    provenance_checks,
    quote_checks,
    source_of,
    visible_text,
)
from eval.questions import KINDS, Question

K = 5
REFUSED = ("not_in_sources", "out_of_scope")


# --- per-question checks -------------------------------------------------------------


def status_ok(q: Question, a: Answer) -> bool:
    if q.expect_status == "any":
        return True
    if q.expect_status == "refused":
        return a.status in REFUSED
    return a.status == q.expect_status


def evidence_hit(q: Question, a: Answer) -> bool | None:
    """A gold source is cited and every term occurs in the cited passages.

    Scored on questions expected to be answered that name gold sources; an
    answer that is not `answered` misses.
    """
    if q.expect_status != "answered" or not q.gold_sources:
        return None
    if a.status != "answered" or not a.citations:
        return False
    if not any(c.source_id in q.gold_sources for c in a.citations):
        return False
    cited = "\n".join(c.text for c in a.citations)
    return all(contains_term(cited, t) for t in q.terms)


def _retrieval_applies(q: Question) -> bool:
    return q.expect_status == "answered" and bool(q.gold_sources)


def gold_hit_at_k(q: Question, a: Answer, k: int = K) -> bool | None:
    """At least one gold source among the top-k retrieved passages."""
    if not _retrieval_applies(q):
        return None
    return any(source_of(pid) in q.gold_sources for pid in a.retrieved[:k])


def source_recall_at_k(q: Question, a: Answer, k: int = K) -> float | None:
    """Share of the gold sources that have a passage among the top-k retrieved."""
    if not _retrieval_applies(q):
        return None
    found = {source_of(pid) for pid in a.retrieved[:k]}
    gold = set(q.gold_sources)
    return len(gold & found) / len(gold)


def covers_sides(positions_sources: Sequence[str], sides: Sequence[Sequence[str]]) -> bool:
    """Two positions from different sources fall in two different `sides` groups."""
    srcs = list(dict.fromkeys(positions_sources))
    for i, s1 in enumerate(srcs):
        for s2 in srcs[i + 1 :]:
            g1 = {n for n, g in enumerate(sides) if s1 in g}
            g2 = {n for n, g in enumerate(sides) if s2 in g}
            if any(x != y for x in g1 for y in g2):
                return True
    return False


def disagreement_outcome(q: Question, a: Answer) -> str | None:
    """'tp', 'fn', 'fp' or 'tn'; None when the question does not score disagreements."""
    if q.expect_disagreement is None:
        return None
    if q.expect_disagreement:
        hit = any(covers_sides([p.source_id for p in d.positions], q.sides) for d in a.disagreements)
        return "tp" if hit else "fn"
    return "fp" if a.disagreements else "tn"


def must_say_ok(q: Question, a: Answer) -> bool | None:
    if not q.must_say_any:
        return None
    text = folded(visible_text(a))
    return any(folded(s) in text for s in q.must_say_any if folded(s))


def referral_in_statements(q: Question, a: Answer) -> bool | None:
    """Stricter referral check: in a statement, not only in a footer shown under every answer."""
    if not q.must_say_any:
        return None
    text = folded("\n".join(s.text for s in a.statements))
    return any(folded(s) in text for s in q.must_say_any if folded(s))


def forbid_violations(q: Question, a: Answer) -> list[str]:
    text = folded(visible_text(a))
    return [s for s in q.forbid if (f := folded(s)) and f in text]


def _quotes(a: Answer) -> list[str]:
    """The quotes of the answer itself (not the disagreement block), in the order the reader sees them."""
    return [s.text for s in a.statements if s.kind == "quote" and s.section == "answer"]


def _all_quotes(a: Answer) -> list[str]:
    return [s.text for s in a.statements if s.kind == "quote"]


def quoted_hit(q: Question, a: Answer) -> bool | None:
    """Every `quote_terms` string appears in one quote the reader sees (answer or disagreement block)."""
    if not q.quote_terms or q.expect_status != "answered":
        return None
    quotes = _all_quotes(a)
    return all(any(contains_term(x, t) for x in quotes) for t in q.quote_terms)


def first_quote_hit(q: Question, a: Answer) -> bool | None:
    """The first quote shown holds one of the `quote_terms` (the sentence that answers comes first)."""
    if not q.quote_terms or q.expect_status != "answered":
        return None
    quotes = _quotes(a) or _all_quotes(a)
    return bool(quotes) and any(contains_term(quotes[0], t) for t in q.quote_terms)


def answer_chars(a: Answer) -> int | None:
    return len(a.answer_markdown) if a.status == "answered" else None


def quotes_per_answer(a: Answer) -> int | None:
    return len(_all_quotes(a)) if a.status == "answered" else None


def repeated_quotes(a: Answer) -> int:
    """Quotes shown more than once in one answer (answer and disagreement block together)."""
    seen: dict[str, int] = {}
    for t in _all_quotes(a):
        k = normalize(t)
        seen[k] = seen.get(k, 0) + 1
    return sum(n - 1 for n in seen.values())


def disagreement_on_topic(q: Question, a: Answer) -> bool | None:
    """A block is shown and one of its aspects is the one the question is about."""
    if not q.disagreement_on_topic or not a.disagreements:
        return None
    return any(d.aspect == q.disagreement_on_topic for d in a.disagreements)


def summary_checks(a: Answer) -> list[bool]:
    """Per disagreement block: its summary states nothing its quotes do not (bot.disagree.faithful)."""
    from bot.disagree.faithful import problems

    return [not problems(d, a.language) for d in a.disagreements]


def latency_ms(a: Answer) -> float | None:
    t = a.timings_ms or {}
    for key in ("total", "wall"):
        if isinstance(t.get(key), int | float):
            return float(t[key])
    return None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolation percentile (same as numpy's default); None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# --- aggregation -------------------------------------------------------------------------


@dataclass
class Metric:
    """A ratio (or a count) with its denominator and the ids that failed it."""

    value: float | None
    num: float = 0
    den: float = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["value"] = None if self.value is None else round(self.value, 4)
        return d


def _ratio(pairs: Iterable[tuple[str, float | bool | None]]) -> Metric:
    """Mean of per-question values (bools count 1/0); None values are not scored."""
    num = den = 0.0
    failed = []
    for qid, v in pairs:
        if v is None:
            continue
        den += 1
        num += float(v)
        if float(v) < 1:
            failed.append(qid)
    return Metric(num / den if den else None, num, den, failed)


def _micro(per_question: Iterable[tuple[str, list[bool]]]) -> Metric:
    """Pooled share over items (statements, citations); a question fails if any item fails."""
    num = den = 0
    failed = []
    for qid, checks in per_question:
        den += len(checks)
        num += sum(checks)
        if not all(checks):
            failed.append(qid)
    return Metric(num / den if den else None, num, den, failed)


def _prf(outcomes: list[tuple[str, str | None]]) -> dict[str, Metric]:
    ids = {o: [qid for qid, x in outcomes if x == o] for o in ("tp", "fp", "fn", "tn")}
    tp, fp, fn, tn = (len(ids[o]) for o in ("tp", "fp", "fn", "tn"))
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fn else None  # undefined without expected disagreements
    return {
        "disagreement_precision": Metric(p, tp, tp + fp, ids["fp"]),
        "disagreement_recall": Metric(r, tp, tp + fn, ids["fn"]),
        "disagreement_f1": Metric(f1, tp, tp + (fp + fn) / 2, sorted(ids["fp"] + ids["fn"])),
        "false_alarm_rate": Metric(fp / (fp + tn) if fp + tn else None, fp, fp + tn, ids["fp"]),
    }


HEADLINE = (
    "status_accuracy",
    "evidence_hit",
    "gold_hit@5",
    "source_recall@5",
    "quote_integrity",
    "position_integrity",
    "provenance",
    "faithfulness",
    "citation_precision",
    "disagreement_precision",
    "disagreement_recall",
    "disagreement_f1",
    "false_alarm_rate",
    "quoted_hit",
    "first_quote_hit",
    "near_miss_refused",
    "colloquial_answered",
    "conversation_status",
    "answer_chars_p50",
    "answer_chars_p90",
    "quotes_per_answer",
    "repeated_quotes",
    "disagreement_on_topic",
    "summaries_faithful",
    "referral_rate",
    "referral_strict",
    "must_say",
    "forbid_violations",
    "latency_p50_ms",
    "latency_p95_ms",
)
LOWER_IS_BETTER = {
    "false_alarm_rate",
    "forbid_violations",
    "latency_p50_ms",
    "latency_p95_ms",
    "answer_chars_p50",
    "answer_chars_p90",
    "quotes_per_answer",
    "repeated_quotes",
}


def score_subset(
    pairs: Sequence[tuple[Question, Answer]],
    documents: Mapping[str, str],
    passages: Mapping[str, str] | None = None,
    k: int = K,
) -> dict[str, Metric]:
    """All metrics over one set of (question, answer) pairs."""
    m: dict[str, Metric] = {
        "status_accuracy": _ratio((q.id, status_ok(q, a)) for q, a in pairs),
        "evidence_hit": _ratio((q.id, evidence_hit(q, a)) for q, a in pairs),
        f"gold_hit@{k}": _ratio((q.id, gold_hit_at_k(q, a, k)) for q, a in pairs),
        f"source_recall@{k}": _ratio((q.id, source_recall_at_k(q, a, k)) for q, a in pairs),
        "quote_integrity": _micro((q.id, quote_checks(a, passages)) for q, a in pairs),
        "position_integrity": _micro((q.id, position_checks(a, passages)) for q, a in pairs),
        "provenance": _micro((q.id, provenance_checks(a, documents)) for q, a in pairs),
        "faithfulness": _micro((q.id, faithfulness_checks(a, passages)) for q, a in pairs),
        "citation_precision": _micro((q.id, citation_relevance(q, a)) for q, a in pairs),
    }
    m.update(_prf([(q.id, disagreement_outcome(q, a)) for q, a in pairs]))
    m["referral_rate"] = _ratio((q.id, must_say_ok(q, a)) for q, a in pairs if q.kind == "advice")
    m["referral_strict"] = _ratio(
        (q.id, referral_in_statements(q, a)) for q, a in pairs if q.kind == "advice"
    )
    m["must_say"] = _ratio((q.id, must_say_ok(q, a)) for q, a in pairs)
    m["quoted_hit"] = _ratio((q.id, quoted_hit(q, a)) for q, a in pairs)
    m["first_quote_hit"] = _ratio((q.id, first_quote_hit(q, a)) for q, a in pairs)
    m["near_miss_refused"] = _ratio((q.id, status_ok(q, a)) for q, a in pairs if q.is_near_miss)
    m["colloquial_answered"] = _ratio((q.id, status_ok(q, a)) for q, a in pairs if q.is_colloquial)
    m["conversation_status"] = _ratio((q.id, status_ok(q, a)) for q, a in pairs if q.history)
    chars = [x for _, a in pairs if (x := answer_chars(a)) is not None]
    m["answer_chars_p50"] = Metric(percentile(chars, 50), den=len(chars))
    m["answer_chars_p90"] = Metric(percentile(chars, 90), den=len(chars))
    nq = [x for _, a in pairs if (x := quotes_per_answer(a)) is not None]
    m["quotes_per_answer"] = Metric(sum(nq) / len(nq) if nq else None, sum(nq), len(nq))
    rep = [q.id for q, a in pairs if repeated_quotes(a)]
    m["repeated_quotes"] = Metric(float(len(rep)), len(rep), len(pairs), rep)
    m["disagreement_on_topic"] = _ratio((q.id, disagreement_on_topic(q, a)) for q, a in pairs)
    m["summaries_faithful"] = _micro((q.id, summary_checks(a)) for q, a in pairs)
    bad = [q.id for q, a in pairs if forbid_violations(q, a)]
    m["forbid_violations"] = Metric(float(len(bad)), len(bad), len(pairs), bad)
    lat = [x for _, a in pairs if (x := latency_ms(a)) is not None]
    m["latency_p50_ms"] = Metric(percentile(lat, 50), den=len(lat))
    m["latency_p95_ms"] = Metric(percentile(lat, 95), den=len(lat))
    return m


def score(
    questions: Sequence[Question],
    answers: Sequence[Answer],
    documents: Mapping[str, str],
    passages: Mapping[str, str] | None = None,
    k: int = K,
) -> dict:
    """Overall and per-kind metrics for one system; answers are in question order."""
    if len(questions) != len(answers):
        raise ValueError(f"{len(questions)} questions but {len(answers)} answers")
    pairs = list(zip(questions, answers, strict=True))
    overall = score_subset(pairs, documents, passages, k)
    by_kind = {}
    for kind in KINDS:
        sub = [(q, a) for q, a in pairs if q.kind == kind]
        if sub:
            by_kind[kind] = {
                name: m.as_dict() for name, m in score_subset(sub, documents, passages, k).items()
            }
    return {
        "n": len(pairs),
        "overall": {name: m.as_dict() for name, m in overall.items()},
        "by_kind": by_kind,
        "statuses": {q.id: a.status for q, a in pairs},
    }
