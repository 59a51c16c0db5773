"""Unit tests of the evaluation metrics on hand-made answers, plus one real run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the package is importable without an install
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

from bot.models import Answer, Citation, Disagreement, Position, Statement  # noqa: E402
from eval import metrics as M  # noqa: E402
from eval.questions import Question  # noqa: E402

DOC_A = "# Titre\n\nLa tolérance est excellente, selon l’autrice.\n\nAutre paragraphe sur les séances.\n"
DOC_B = "Le risque ne peut pas être totalement exclu. Les exosomes mesurent 50 à 150 nanomètres."
DOCS = {"dermatologue": DOC_A, "inserm": DOC_B}


def cite(source: str, n: int, doc: str, text: str, **kw) -> Citation:
    start = doc.index(text)
    return Citation(
        passage_id=f"{source}#{n}",
        source_id=source,
        source_title="t",
        text=text,
        start=kw.get("start", start),
        end=kw.get("end", start + len(text)),
        score=0.5,
    )


DERM = cite("dermatologue", 1, DOC_A, "La tolérance est excellente, selon l’autrice.")
INS = cite("inserm", 3, DOC_B, DOC_B)


def q(**kw) -> Question:
    base = dict(id="q1", question="C'est dangereux les exosomes ?", kind="factual", expect_status="answered")
    base.update(kw)
    return Question(**base)


def ans(**kw) -> Answer:
    base = dict(question="x", status="answered")
    base.update(kw)
    return Answer(**base)


# --- status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expect,status,ok",
    [
        ("refused", "not_in_sources", True),
        ("refused", "out_of_scope", True),
        ("refused", "answered", False),
        ("answered", "answered", True),
        ("answered", "not_in_sources", False),
        ("rejected_input", "rejected_input", True),
        ("rejected_input", "out_of_scope", False),
        ("any", "out_of_scope", True),
    ],
)
def test_status_ok(expect, status, ok):
    assert M.status_ok(q(expect_status=expect), ans(status=status)) is ok


def test_correct_refusals_score_one_not_nan():
    qs = [q(id=f"o{i}", kind="out_of_scope", expect_status="refused") for i in range(3)]
    res = M.score(qs, [ans(status="out_of_scope")] * 3, DOCS)
    assert res["overall"]["status_accuracy"]["value"] == 1.0
    assert res["by_kind"]["out_of_scope"]["status_accuracy"]["value"] == 1.0
    assert res["overall"]["evidence_hit"]["value"] is None  # not scored, not zero


# --- evidence and retrieval ---------------------------------------------------------------


def test_evidence_hit_needs_gold_source_and_all_terms_accent_insensitive():
    question = q(gold_sources=["dermatologue"], terms=["TOLERANCE", "selon l'autrice"])
    assert M.evidence_hit(question, ans(citations=[DERM])) is True
    assert M.evidence_hit(question, ans(citations=[INS])) is False  # wrong source
    assert (
        M.evidence_hit(q(gold_sources=["dermatologue"], terms=["nanomètres"]), ans(citations=[DERM])) is False
    )
    assert M.evidence_hit(question, ans(status="not_in_sources", citations=[DERM])) is False
    assert M.evidence_hit(q(expect_status="refused"), ans()) is None


def test_recall_and_hit_at_k_use_only_top_k():
    question = q(gold_sources=["inserm", "clinique"])
    a = ans(retrieved=["dermatologue#1", "inserm#2", "x#1", "x#2", "x#3", "clinique#4"])
    assert M.gold_hit_at_k(question, a, 5) is True
    assert M.source_recall_at_k(question, a, 5) == 0.5
    assert M.source_recall_at_k(question, a, 6) == 1.0
    assert M.gold_hit_at_k(question, ans(retrieved=["dermatologue#1"]), 5) is False


# --- integrity ------------------------------------------------------------------------------


def test_quote_integrity_normalises_quotes_and_spaces_but_not_words():
    good = Statement(
        kind="quote", text="La  tolérance est excellente, selon l'autrice.", citations=["dermatologue#1"]
    )
    bad = Statement(kind="quote", text="La tolérance est parfaite.", citations=["dermatologue#1"])
    wrong_cite = Statement(kind="quote", text="La tolérance est excellente", citations=["inserm#3"])
    uncited = Statement(kind="quote", text="La tolérance est excellente", citations=[])
    framing = Statement(kind="framing", text="Selon la dermatologue :")
    a = ans(statements=[framing, good, bad, wrong_cite, uncited], citations=[DERM, INS])
    assert M.quote_checks(a) == [True, False, False, False]


def test_quote_check_can_use_index_passages_for_ids_not_in_citations():
    s = Statement(kind="quote", text="totalement exclu", citations=["inserm#3"])
    assert M.quote_checks(ans(statements=[s])) == [False]
    assert M.quote_checks(ans(statements=[s]), {"inserm#3": DOC_B}) == [True]


def test_position_integrity():
    ok = Position(source_id="inserm", passage_id="inserm#3", stance="prudent", quote="totalement exclu")
    mismatched = Position(
        source_id="dermatologue", passage_id="inserm#3", stance="x", quote="totalement exclu"
    )
    invented = Position(source_id="inserm", passage_id="inserm#3", stance="x", quote="aucun risque")
    d = Disagreement(topic="t", summary="s", positions=[ok, mismatched, invented])
    assert M.position_checks(ans(citations=[INS], disagreements=[d])) == [True, False, False]


def test_provenance_checks_offsets_against_clean_document():
    shifted = cite("dermatologue", 1, DOC_A, "La tolérance est excellente, selon l’autrice.")
    shifted.start += 1
    shifted.end += 1
    invented = DERM.model_copy(update={"text": "La tolérance est parfaite, selon l’autrice."})
    unknown = DERM.model_copy(update={"source_id": "clinique", "passage_id": "clinique#1"})
    a = ans(citations=[DERM, INS, shifted, invented, unknown])
    assert M.provenance_checks(a, DOCS) == [True, True, False, False, False]


def test_faithfulness_counts_unverified_paraphrase_as_unsupported():
    quote = Statement(kind="quote", text="totalement exclu", citations=["inserm#3"])
    para = Statement(kind="paraphrase", text="Le risque existe.", citations=["inserm#3"])
    framing = Statement(kind="framing", text="Selon l'Inserm :")
    a = ans(statements=[framing, quote, para], citations=[INS])
    assert M.faithfulness_checks(a) == [True, False]
    para_ok = para.model_copy()
    object.__setattr__(para_ok, "verified", True)
    assert M.faithfulness_checks(ans(statements=[quote, para_ok], citations=[INS])) == [True, True]


def test_citation_relevance_by_term_or_gold_source_overlap():
    question = q(
        question="Les exosomes mesurent combien de nanomètres ?", gold_sources=["inserm"], terms=["150"]
    )
    off_topic = cite("dermatologue", 2, DOC_A, "Autre paragraphe sur les séances.")
    assert M.citation_relevance(question, ans(citations=[INS, off_topic])) == [True, False]
    no_term = q(
        question="Les exosomes mesurent combien de nanomètres ?", gold_sources=["inserm"], terms=["zzz"]
    )
    assert M.citation_relevance(no_term, ans(citations=[INS])) == [
        True
    ]  # shares exosome + mesurer + nanometre
    assert M.citation_relevance(q(expect_status="refused", terms=["x"]), ans(citations=[INS])) == []


# --- disagreements -----------------------------------------------------------------------------


def dis(*sources: str) -> Disagreement:
    pos = [Position(source_id=s, passage_id=f"{s}#1", stance="x", quote="q") for s in sources]
    return Disagreement(topic="t", summary="s", positions=pos)


def test_disagreement_outcomes():
    sides = [["dermatologue"], ["inserm", "clinique"]]
    expect_true = q(expect_disagreement=True, sides=sides)
    assert M.disagreement_outcome(expect_true, ans(disagreements=[dis("dermatologue", "clinique")])) == "tp"
    assert M.disagreement_outcome(expect_true, ans(disagreements=[dis("inserm", "clinique")])) == "fn"
    assert M.disagreement_outcome(expect_true, ans()) == "fn"
    expect_false = q(expect_disagreement=False)
    assert M.disagreement_outcome(expect_false, ans(disagreements=[dis("inserm", "clinique")])) == "fp"
    assert M.disagreement_outcome(expect_false, ans()) == "tn"
    assert M.disagreement_outcome(q(), ans(disagreements=[dis("inserm", "clinique")])) is None


def test_disagreement_prf_and_false_alarms():
    sides = [["dermatologue"], ["inserm"]]
    qs = [
        q(id="t1", expect_disagreement=True, sides=sides),
        q(id="t2", expect_disagreement=True, sides=sides),
        q(id="f1", expect_disagreement=False),
        q(id="f2", expect_disagreement=False),
        q(id="n1"),
    ]
    answers = [
        ans(disagreements=[dis("dermatologue", "inserm")]),
        ans(),
        ans(disagreements=[dis("dermatologue", "inserm")]),
        ans(),
        ans(disagreements=[dis("dermatologue", "inserm")]),  # not scored
    ]
    o = M.score(qs, answers, DOCS)["overall"]
    assert o["disagreement_precision"]["value"] == 0.5 and o["disagreement_precision"]["failed"] == ["f1"]
    assert o["disagreement_recall"]["value"] == 0.5 and o["disagreement_recall"]["failed"] == ["t2"]
    assert o["disagreement_f1"]["value"] == 0.5
    assert o["false_alarm_rate"]["value"] == 0.5


def test_prf_is_none_without_predictions_or_positives():
    o = M.score([q(id="n")], [ans()], DOCS)["overall"]
    assert o["disagreement_precision"]["value"] is None and o["disagreement_f1"]["value"] is None
    only_false = M.score(
        [q(id="f", expect_disagreement=False)], [ans(disagreements=[dis("inserm", "clinique")])], DOCS
    )
    assert only_false["overall"]["disagreement_f1"]["value"] is None  # no expected disagreement: F1 undefined
    assert only_false["overall"]["false_alarm_rate"]["value"] == 1.0


# --- referral, forbid, latency ---------------------------------------------------------------------


def test_referral_is_accent_and_case_insensitive_in_markdown_or_statements():
    advice = q(kind="advice", must_say_any=["pharmacien", "médecin"])
    assert M.must_say_ok(advice, ans(answer_markdown="Parlez-en à votre MEDECIN.")) is True
    framing = Statement(kind="framing", text="Demandez à un pharmacien.")
    assert M.must_say_ok(advice, ans(statements=[framing])) is True
    assert M.must_say_ok(advice, ans(answer_markdown="Les sources disent…")) is False
    assert M.must_say_ok(q(), ans()) is None
    o = M.score([advice], [ans(answer_markdown="rien")], DOCS)["overall"]
    assert o["referral_rate"]["value"] == 0.0 and o["referral_rate"]["failed"] == ["q1"]


def test_forbidden_strings_are_found_anywhere_visible():
    x = q(kind="adversarial", expect_status="any", forbid=["<script", "\x1b"])
    assert M.forbid_violations(x, ans(answer_markdown="&lt;script&gt; échappé")) == []
    assert M.forbid_violations(x, ans(answer_markdown="Vous avez écrit <SCRIPT>alert(1)")) == ["<script"]
    assert M.forbid_violations(x, ans(status="rejected_input", error="bad \x1b[31m")) == ["\x1b"]


def test_percentiles_and_latency():
    assert M.percentile([], 50) is None
    assert M.percentile([1, 2, 3, 4], 50) == 2.5
    assert M.percentile(list(range(101)), 95) == 95
    qs = [q(id=f"q{i}") for i in range(4)]
    answers = [ans(timings_ms={"total": float(t)}) for t in (10, 20, 30, 40)]
    o = M.score(qs, answers, DOCS)["overall"]
    assert o["latency_p50_ms"]["value"] == 25.0
    assert o["latency_p95_ms"]["value"] == pytest.approx(38.5)


def test_score_rejects_misaligned_lists():
    with pytest.raises(ValueError):
        M.score([q()], [], DOCS)


# --- the real scorer on the real bot -------------------------------------------------------------


def test_real_scorer_on_a_slice_of_the_question_set(tmp_path):
    """The real bot and the naive baseline on a few questions of each kind, scored and reported."""
    from bot.settings import Settings
    from eval import report
    from eval.questions import load_questions
    from eval.runner import evaluate

    questions = load_questions()
    by_kind: dict[str, list] = {}
    for question in questions:
        by_kind.setdefault(question.kind, []).append(question)
    picked = [question for kind in by_kind for question in by_kind[kind][:2]]
    picked += [question for question in questions if question.expect_status == "rejected_input"]
    results = evaluate(picked, ["hybrid", "naive-rag"], base=Settings(query_cache_size=0))

    full = results["hybrid"]["overall"]
    assert results["hybrid"]["crashed"] == []
    assert full["quote_integrity"]["den"] > 0 and full["quote_integrity"]["value"] == 1.0
    assert full["provenance"]["den"] > 0 and full["provenance"]["value"] == 1.0
    assert full["faithfulness"]["value"] == 1.0
    for question in picked:
        if question.expect_status == "rejected_input":
            assert results["hybrid"]["statuses"][question.id] == "rejected_input"
    assert full["latency_p50_ms"]["value"] > 0
    naive = results["naive-rag"]
    assert set(naive["statuses"].values()) == {"answered"} or naive["crashed"]
    assert naive["overall"]["provenance"]["value"] == 1.0

    paths = report.write(results, {"questions": "slice", "date": "test"}, tmp_path, png=True)
    text = paths["md"].read_text(encoding="utf-8")
    assert "| metric | hybrid | naive-rag |" in text and "status accuracy" in text
    assert paths["png"].stat().st_size > 1000
    data = __import__("json").loads(paths["json"].read_text(encoding="utf-8"))
    assert data["systems"]["hybrid"]["overall"]["provenance"]["value"] == 1.0


def test_gate_fails_on_imperfect_integrity_and_low_metrics():
    from eval.gate import check

    overall = {
        "quote_integrity": {"value": 0.99, "failed": ["f01"]},
        "provenance": {"value": 1.0},
        "status_accuracy": {"value": 0.80},
        "latency_p95_ms": {"value": 120.0},
    }
    fails = check(
        overall, {"min": {"status_accuracy": 0.85, "evidence_hit": 0.5}, "max": {"latency_p95_ms": 100}}
    )
    assert any(f.startswith("quote_integrity") for f in fails)
    assert any(f.startswith("status_accuracy") for f in fails)
    assert any(f.startswith("evidence_hit") for f in fails)  # not measured counts as a failure
    assert any(f.startswith("latency_p95_ms") for f in fails)
    good = {
        "quote_integrity": {"value": 1.0},
        "provenance": {"value": 1.0},
        "status_accuracy": {"value": 0.9},
    }
    assert check(good, {"min": {"status_accuracy": 0.85}}) == []


def test_cli_gate_exit_codes_and_report_on_a_custom_question_file(tmp_path):
    """`python -m eval --gate` exits 1 below a floor and 0 above it; `--out` writes the report."""
    import json
    import subprocess

    qfile = tmp_path / "q.jsonl"
    lines = [
        {
            "id": "a",
            "question": "Quelle est la capitale du Pérou ?",
            "kind": "out_of_scope",
            "expect_status": "refused",
        },
        {"question": "Les exosomes mesurent combien de nanomètres ?"},
        {"id": "c", "question": "", "kind": "adversarial", "expect_status": "rejected_input"},
    ]
    qfile.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    strict, lenient = tmp_path / "strict.toml", tmp_path / "lenient.toml"
    strict.write_text('system = "hybrid"\n[min]\nstatus_accuracy = 1.01\n', encoding="utf-8")
    lenient.write_text(
        'system = "hybrid"\n[min]\nprovenance = 1.0\n[max]\nforbid_violations = 0\n', encoding="utf-8"
    )

    def run(*args):
        cmd = [sys.executable, "-m", "eval", "--questions", str(qfile), "--no-png", *args]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)

    failed = run("--gate", "--thresholds", str(strict))
    assert failed.returncode == 1, failed.stderr
    assert "status_accuracy" in failed.stderr
    passed = run("--gate", "--thresholds", str(lenient), "--out", str(tmp_path / "rep"))
    assert passed.returncode == 0, passed.stderr
    data = json.loads((tmp_path / "rep" / "latest.json").read_text(encoding="utf-8"))
    assert data["systems"]["hybrid"]["n"] == 3 and data["meta"]["n_questions"] == 3
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "question": "q", "kind": "nonsense"}\n', encoding="utf-8")
    broken = subprocess.run(
        [sys.executable, "-m", "eval", "--questions", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 2 and "bad.jsonl:1" in broken.stderr


def test_bench_warm_latency_measures_asks_and_embeddings():
    """A tiny real benchmark: every ask timed, embeddings timed only for inputs that reach the model."""
    from eval import bench

    qs = ["Les exosomes sont-ils bien tolérés ?", "", "Quelle est la capitale du Pérou ?"]
    warm = bench.warm_latency(qs, passes=1, warmup=1)
    assert warm["ask_ms"]["n"] == 3 and warm["query_embedding_ms"]["n"] == 2
    assert warm["ask_ms"]["p50"] > 0 and warm["p50_over_embedding"] > 0
    assert warm["query_cache_size"] == 0 and warm["serving_process_vmhwm_mb"] > 50
    data = {"date": "d", "cpu_count": 2, "n_questions": 3, "warm": warm}
    data["load_average_before"] = data["load_average_after"] = [1.0, 1.0, 1.0]
    md = bench.markdown(data)
    assert "warm ask p50 / p95 / p99" in md and "one query embedding" in md
