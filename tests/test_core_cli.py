"""The batch CLI, run as the contract says: one process, one Answer a line, in order."""

import json
import subprocess
import sys
from pathlib import Path

from bot.models import Answer

ROOT = Path(__file__).resolve().parent.parent


def test_batch_file_of_forty_questions(tmp_path):
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--file", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = [Answer.model_validate(json.loads(x)) for x in run.stdout.splitlines() if x.strip()]
    assert [a.id for a in out] == [json.loads(x)["id"] for x in lines]
    assert all(a.status in ("answered", "not_in_sources", "out_of_scope", "rejected_input") for a in out)
    assert "Traceback" not in run.stderr


def test_readable_and_json_single_question():
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Quelle est la taille d'un exosome ?"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "Sources :" in run.stdout and "nm" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", ""],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    ans = Answer.model_validate_json(run.stdout)
    assert ans.status == "rejected_input" and ans.error
