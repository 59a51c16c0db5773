"""Helpers for the pharmacy-ready browser tests: a branded app, axe-core, timings."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.browser.browser_kit import ARTIFACTS, ROOT

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core from npm, vendored (MPL-2.0)
BRAND = {
    "BOT_BRAND_COLOR": "#7c2d12",
    "BOT_PHARMACY_NAME": "Pharmacie des Tilleuls",
    "BOT_PHARMACY_PHONE": "01 23 45 67 89",
    "BOT_PHARMACY_HOURS": "lun.–sam. 8 h 30 – 19 h 30",
    "BOT_PHARMACY_URL": "https://pharmacie-des-tilleuls.example",
}
TIMINGS: dict[str, list[float]] = {}


def start_app(port: int, extra: dict[str, str], log_name: str):
    """`python app.py` with extra settings; returns (process, base URL) once /api/health says ok."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    env = {**os.environ, "BOT_HOST": "127.0.0.1", "BOT_PORT": str(port), "PYTHONUNBUFFERED": "1", **extra}
    env.update({"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"})
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        if proc.poll() is not None:
            return proc, None
        try:
            if httpx.get(f"{base}/api/health", timeout=2).json().get("status") == "ok":
                return proc, base
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            pytest.fail(f"app did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.5)


def axe(scope, context: str | None = None) -> list[dict]:
    """axe-core's critical and serious violations on the page or frame (WCAG 2.x A/AA rules)."""
    if not scope.evaluate("typeof window.axe !== 'undefined'"):
        scope.add_script_tag(path=str(AXE))
    result = scope.evaluate(
        """async (ctx) => {
          const r = await axe.run(ctx || document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
            'best-practice']});
          return r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target)}));
        }""",
        context,
    )
    return [v for v in result if v["impact"] in ("critical", "serious")]


def timed(name: str, seconds: float) -> None:
    TIMINGS.setdefault(name, []).append(round(seconds, 3))
    lines = [f"{k}: " + ", ".join(f"{x:.2f}" for x in v) + " s" for k, v in sorted(TIMINGS.items())]
    (ARTIFACTS / "pharmacy-timings.txt").write_text("\n".join(lines) + "\n")
