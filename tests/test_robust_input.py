"""Any input, as a question or in the history, gives a valid Answer or a clear refusal; never an exception.

Property tests drive the real bot (Python API) and the real REST API with
arbitrary Unicode (control characters, lone surrogates, right-to-left marks,
huge strings), JSON that is not an object and values of the wrong type.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Answer
from bot.settings import get_settings
from bot.web.app import create_app
from bot.web.service import ChatService

ROOT = Path(__file__).resolve().parent.parent
STATUSES = {"answered", "not_in_sources", "out_of_scope", "rejected_input"}
QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
][:40]
ODD = [
    "\u202e",  # right-to-left override
    "\u200f",
    "\u2066",
    "\u061c",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\ufeff",
    "\ud800",  # lone surrogates
    "\udfff",
    "\r\n",
    "\u0085",
    "\u2028",
    "\u0301",
    "\U0001f600",
    "مرحبا",
    "שלום",
    "<script>alert(1)</script>",
    "](javascript:alert(1))",
    "{{7*7}}",
    "%s%n",
]
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_char = st.one_of(st.characters(codec=None, exclude_categories=[]), st.characters(categories=["Cs"]))
junk = st.one_of(
    st.text(any_char, max_size=300),
    st.lists(st.one_of(st.sampled_from(ODD), st.text(any_char, max_size=8)), max_size=30).map("".join),
    st.builds(lambda w, n: w * n, st.text(any_char, min_size=1, max_size=4), st.integers(0, 3000)),
)
# Real questions with odd characters spliced in reach retrieval and composition, not only the checks.
spliced = st.builds(
    lambda q, extra, at: q[: at % (len(q) + 1)] + extra + q[at % (len(q) + 1) :],
    st.sampled_from(QUESTIONS),
    st.lists(st.one_of(any_char, st.sampled_from(ODD)), max_size=6).map("".join),
    st.integers(0, 500),
)
question_text = st.one_of(junk, spliced)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(any_char, max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=16,
)
turns = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "", 3]), "content": question_text | scalars}
    ),
    max_size=6,
)
history_any = st.one_of(turns, json_values)


def assert_valid(ans: Answer) -> None:
    assert isinstance(ans, Answer)
    assert ans.status in STATUSES
    if ans.status == "rejected_input":
        assert ans.error and ans.error.strip()
    data = json.loads(ans.model_dump_json())  # serialisable: no lone surrogate survives
    Answer.model_validate(data)
    for ch in ans.question:
        assert not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\x00\x1b\u202e"


# ---------------------------------------------------------------- Python API


@PROPS
@given(q=question_text)
def test_any_text_question_gives_an_answer(bot, q):
    assert_valid(bot.ask(q))


@PROPS
@given(q=question_text, history=history_any, qid=scalars)
def test_any_history_and_id_give_an_answer(bot, q, history, qid):
    assert_valid(bot.ask(q, history=history, id=qid))


@PROPS
@given(q=st.one_of(json_values.filter(lambda v: not isinstance(v, str)), st.binary(max_size=200)))
def test_non_text_question_is_rejected_clearly(bot, q):
    ans = bot.ask(q)
    assert_valid(ans)
    if not isinstance(q, bytes):
        assert ans.status == "rejected_input"


@pytest.mark.parametrize(
    "q",
    [
        "a" * 1_000_000,
        "é" * 1_000_000,
        "exosomes " * 120_000,
        "\ud800" * 1_000_000,
        "\u202e" * 500_000 + "exosomes",
        " " * 1_000_000,
    ],
    ids=["ascii", "accents", "words", "surrogates", "rtl", "blank"],
)
def test_one_megabyte_question_is_rejected_fast(bot, q):
    t0 = time.perf_counter()
    ans = bot.ask(q)
    assert time.perf_counter() - t0 < 2.0
    assert_valid(ans)
    assert ans.status == "rejected_input"
    assert len(ans.question) <= get_settings().max_question_chars


def test_one_megabyte_history_is_ignored_not_fatal(bot):
    history = [
        {"role": "user", "content": "peau " * 200_000},
        {"role": "assistant", "content": "\ud800" * 10**6},
    ]
    ans = bot.ask("Et pour les cheveux ?", history=history * 50)
    assert_valid(ans)


@pytest.mark.parametrize(
    "qid",
    ["\ud800", "q\x00\u202e1", 10**5000, b"\xff", ["a"], "x" * 10_000],
    ids=["surrogate", "controls", "huge-int", "bytes", "list", "long"],
)
def test_odd_ids_are_echoed_safely(bot, qid):
    ans = bot.ask("Les exosomes sont-ils bien tolérés ?", id=qid)
    assert_valid(ans)
    assert ans.id is None or len(ans.id) <= 200


def test_question_length_limit_is_the_documented_setting(bot):
    limit = get_settings().max_question_chars
    base = "Les exosomes sont-ils bien tolérés ? "
    ok = (base * (limit // len(base) + 1))[:limit]
    assert bot.ask(ok).status != "rejected_input"
    too_long = bot.ask(ok + "x")
    assert too_long.status == "rejected_input" and str(limit) in too_long.error


def test_odd_characters_do_not_change_a_real_answer(bot):
    plain = bot.ask("Les exosomes sont-ils bien tolérés ?")
    odd = bot.ask("\u202eLes exosomes\x00 sont-ils\u200f bien \ud800tolérés ?\x1b[0m")
    assert plain.status == odd.status == "answered"
    assert [c.passage_id for c in plain.citations] == [c.passage_id for c in odd.citations]


def test_batch_cli_survives_bad_lines(bot, tmp_path, capsys):
    from bot.__main__ import main

    lines = [
        '{"id": "\\ud800", "question": "Les exosomes sont-ils bien tolérés ?"}',
        '"not an object"',
        "[1, 2]",
        "{not json",
        '{"question": 42, "id": 7}',
        '{"question": "\\u202e\\u0000", "id": {"x": 1}}',
        '{"question": "Quel est le prix ?", "id": "ok"}',
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ask", "--json", "--file", str(path)]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(out) == len(lines)
    for data in out:
        assert_valid(Answer.model_validate(data))
    assert [d["status"] == "rejected_input" for d in out[1:6]] == [True] * 5
    assert out[-1]["id"] == "ok"


# ------------------------------------------------------------------ REST API


@pytest.fixture(scope="module")
def api(bot):
    s = get_settings().model_copy(update={"rate_limit_per_minute": 0})
    with TestClient(create_app(s, ChatService(bot=bot)), raise_server_exceptions=False) as c:
        yield c


def assert_http_ok_or_4xx(r) -> None:
    assert r.status_code < 500, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    assert "Traceback" not in r.text and 'File "' not in r.text
    data = r.json()
    if r.status_code == 200:
        assert_valid(Answer.model_validate(data))
    else:
        assert 400 <= r.status_code < 500
        assert isinstance(data.get("error"), str) and data.get("message")


def post_json(api, value) -> object:
    body = json.dumps(value, ensure_ascii=True).encode()  # lone surrogates travel as \ud800 escapes
    return api.post("/api/ask", content=body, headers={"Content-Type": "application/json"})


@PROPS
@given(q=question_text, history=history_any)
def test_rest_any_question_and_history_is_200_or_4xx(api, q, history):
    assert_http_ok_or_4xx(post_json(api, {"question": q, "history": history}))


@PROPS
@given(body=json_values)
def test_rest_json_that_is_not_a_request_is_4xx(api, body):
    r = post_json(api, body)
    assert_http_ok_or_4xx(r)
    assert r.status_code != 200


@PROPS
@given(raw=st.binary(max_size=2000))
def test_rest_arbitrary_bytes_are_4xx(api, raw):
    r = api.post("/api/ask", content=raw, headers={"Content-Type": "application/json"})
    assert_http_ok_or_4xx(r)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,  # nesting deep enough to exhaust a naive recursive parser
        b'{"question": "\\ud800\\udfff\\u0000"}',
        b'{"question": "ok", "id": "\\ud800"}',
        b"\xff\xfe\x00{",
        b'{"question": NaN}',
        b'{"question": "a", "history": [{"role": "user", "content": "\\ud800"}]}',
    ],
    ids=["deep", "surrogates", "surrogate-id", "bad-utf8", "nan", "surrogate-history"],
)
def test_rest_hostile_bodies_are_answered_cleanly(api, body):
    assert_http_ok_or_4xx(api.post("/api/ask", content=body, headers={"Content-Type": "application/json"}))


def test_rest_one_megabyte_question_is_413(api):
    r = post_json(api, {"question": "a" * 1_000_000})
    assert_http_ok_or_4xx(r)
    assert r.status_code == 413


def test_rest_wrong_content_type_is_4xx(api):
    r = api.post(
        "/api/ask", content=b"question=hello", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_http_ok_or_4xx(r)
    assert r.status_code in (400, 415, 422)
