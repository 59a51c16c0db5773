"""`pip install .` gives a working bot: the wheel ships the corpus, the static files and the language
data, installs no top-level `eval`, and the installed `exobot ask` answers from outside the checkout.

The wheel is built from a copy of the checkout (so no build/ folder appears in it) without build
isolation (no download). The installed copy reuses this venv's dependencies (`pip install --no-deps
--target`) and a copy of the checkout's index, so nothing is rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SKIP = {
    ".venv",
    ".git",
    ".index",
    "build",
    "dist",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "artifacts",
}


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP or n.endswith(".egg-info") or n.startswith(".index")}


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], cwd=cwd, check=True, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    _pip("wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(base / "dist"), cwd=base)
    (found,) = (base / "dist").glob("exosome_bot-*.whl")
    return found


def _files(folder: Path, patterns: tuple[str, ...]) -> set[str]:
    return {
        p.relative_to(ROOT).as_posix()
        for pat in patterns
        for p in folder.glob(pat)
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_wheel_ships_code_corpus_static_and_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = _files(ROOT / "bot", ("**/*.py",))
    assert code - names == set(), "modules missing from the wheel (a sub-package not listed?)"
    data = _files(ROOT / "bot", ("lang/**/*.yaml", "lang/**/*.txt", "render/*.yaml", "web/static/*"))
    assert data and data - names == set()
    corpus = {
        "bot/corpus/" + p.split("/", 1)[1]
        for p in _files(ROOT / "corpus", ("*.yaml", "*.json", "clean/*", "raw/*"))
    }
    assert {"bot/corpus/sources.yaml", "bot/corpus/claims.yaml", "bot/corpus/claims.schema.json"} <= corpus
    assert len([c for c in corpus if c.startswith("bot/corpus/clean/")]) == 5
    assert corpus - names == set()


def test_the_wheel_installs_no_eval_package_and_declares_the_console_script(wheel):
    zf = zipfile.ZipFile(wheel)
    tops = {n.split("/", 1)[0] for n in zf.namelist()}
    assert "eval" not in tops and "tests" not in tops
    assert tops <= {"bot", next(t for t in tops if t.endswith(".dist-info"))}
    info = next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "exobot = bot.__main__:main" in zf.read(info).decode()
    meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "langchain-community" not in meta


def test_the_installed_package_answers_from_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    _pip("install", "--no-deps", "--target", str(site), str(wheel), cwd=tmp_path)
    index = tmp_path / "index"
    shutil.copytree(ROOT / ".index", index)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "BOT_INDEX_DIR": str(index),
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("BOT_CORPUS_DIR", None)

    def run(*cmd: str) -> str:
        out = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    probe = (
        "import json, bot; from bot.settings import Settings, IN_CHECKOUT; s = Settings();"
        "print(json.dumps([bot.__file__, str(s.corpus_dir), IN_CHECKOUT]))"
    )
    where, corpus, in_checkout = json.loads(run(sys.executable, "-c", probe))
    assert Path(where).is_relative_to(site) and Path(corpus) == site / "bot" / "corpus"
    assert not in_checkout
    env_no_index = {k: v for k, v in env.items() if k != "BOT_INDEX_DIR"}
    default_index = subprocess.run(
        [sys.executable, "-c", "from bot.settings import Settings; print(Settings().index_dir)"],
        cwd=work,
        env=env_no_index,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(default_index) == tmp_path / "cache" / "exosome-bot" / "index"  # not in site-packages

    exobot = site / "bin" / "exobot"
    answer = json.loads(run(str(exobot), "ask", "--json", "Que sont les exosomes ?"))
    assert answer["status"] == "answered" and answer["citations"]
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == json.loads((ROOT / ".index" / "manifest.json").read_text(encoding="utf-8"))


def test_a_missing_corpus_is_named_with_its_setting(tmp_path):
    env = {**os.environ, "BOT_CORPUS_DIR": str(tmp_path / "nowhere"), "BOT_INDEX_DIR": str(tmp_path / "i")}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Que sont les exosomes ?"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 2
    assert "BOT_CORPUS_DIR" in out.stderr and "nowhere" in out.stderr and "Traceback" not in out.stderr
