"""The README stays truthful: its quick start and settings table match the code."""

import re
from pathlib import Path

from bot.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`BOT_{name.upper()}`" in README, name


def test_quick_start_has_exactly_the_two_commands():
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```\w*\n(.*?)```", section, re.S).group(1)
    assert [line for line in block.splitlines() if line.strip()] == ["make run", "make test"]


def test_ci_runs_the_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
