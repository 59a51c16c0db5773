"""`python -m eval.load`: a bounded load test of POST /api/ask on a real server over loopback.

    python -m eval.load                      # cache on, then cache off; writes eval/reports/load.md + .json
    python -m eval.load --cache on --duration 10

It starts the app itself (`python app.py` on a free 127.0.0.1 port, rate limit
raised through the environment), drives /api/ask with N concurrent clients over
the questions of eval/questions.jsonl, and stops at whichever comes first: the
request budget or the time limit. It reports throughput, latency percentiles,
errors (must be 0), the server's peak memory (VmHWM) and whether torch was
loaded. Two runs: with the query-embedding cache (realistic: people ask the
same things) and without it (BOT_QUERY_CACHE_SIZE=0: every question embedded).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from eval.metrics import percentile
from eval.questions import DEFAULT_QUESTIONS, load_questions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "reports"
TARGET = {"answers_per_s": 40.0, "p95_ms": 300.0, "rss_mb": 500.0, "errors": 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int, key: str) -> float | None:
    """A memory figure of /proc/<pid>/status, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Server:
    """`python app.py` in a subprocess, on loopback, with the given extra environment."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        full_env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False",
            "BOT_HOST": "127.0.0.1",
            "BOT_PORT": str(self.port),
            **env,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 300) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self._log.name}")
            try:
                health = httpx.get(self.url + "/api/health", timeout=2).json()
                if health.get("status") == "ok":
                    return health
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.3)
        raise TimeoutError("server not ready")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


async def drive(url: str, questions: list[str], clients: int, duration: float, max_requests: int) -> dict:
    """`clients` loops posting questions until the time limit or the request budget is reached."""
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[str, int] = {}
    issued = 0
    deadline = time.perf_counter() + duration

    async def client(k: int, http: httpx.AsyncClient) -> None:
        nonlocal issued
        i = k * 7
        while time.perf_counter() < deadline and issued < max_requests:
            issued += 1
            q = questions[i % len(questions)]
            i += 1
            t0 = time.perf_counter()
            try:
                r = await http.post("/api/ask", json={"question": q})
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    errors.append(f"HTTP {r.status_code}: {r.text[:120]}")
                    continue
                status = r.json().get("status", "?")
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(ms)
            except (httpx.HTTPError, ValueError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(k, http) for k in range(clients)))
    wall = time.perf_counter() - t0
    return {
        "requests": len(latencies) + len(errors),
        "answers": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "statuses": statuses,
        "seconds": round(wall, 2),
        "answers_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": _r(percentile(latencies, 50)),
        "p95_ms": _r(percentile(latencies, 95)),
        "p99_ms": _r(percentile(latencies, 99)),
        "max_ms": _r(max(latencies) if latencies else None),
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def run(cache: bool, questions: list[str], args, log_dir: Path) -> dict:
    env = {
        "BOT_RATE_LIMIT_PER_MINUTE": "1000000",  # one loopback client: lift the per-client limit
        "BOT_RATE_LIMIT_BURST": "1000000",
        "BOT_QUERY_CACHE_SIZE": "512" if cache else "0",
    }
    server = Server(env, log_dir / f"load-server-{'cache' if cache else 'nocache'}.log")
    try:
        t0 = time.perf_counter()
        health = server.wait_ready()
        startup = time.perf_counter() - t0
        # warm-up, not measured: the first requests pay lazy imports; with the cache on, one pass over
        # the questions fills it (the steady state of a chat where people ask the same things)
        warm = questions if cache else questions[:8]
        asyncio.run(drive(server.url, warm, 1, 180, len(warm)))
        rss_before = proc_status(server.proc.pid, "VmRSS")
        result = asyncio.run(drive(server.url, questions, args.clients, args.duration, args.max_requests))
        result.update(
            cache="on" if cache else "off",
            clients=args.clients,
            startup_s=round(startup, 1),
            rss_after_warmup_mb=_r(rss_before),
            rss_mb=_r(proc_status(server.proc.pid, "VmRSS")),
            peak_rss_mb=_r(proc_status(server.proc.pid, "VmHWM")),
            torch_loaded=httpx.get(server.url + "/api/health", timeout=5)
            .json()
            .get("torch_loaded", health.get("torch_loaded")),
        )
        result["meets_target"] = (
            result["errors"] == TARGET["errors"]
            and result["answers_per_s"] >= TARGET["answers_per_s"]
            and (result["p95_ms"] or 1e9) < TARGET["p95_ms"]
            and (result["peak_rss_mb"] or 1e9) < TARGET["rss_mb"]
            and result["torch_loaded"] is False
        )
        return result
    finally:
        server.stop()


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it (reports carry no machine paths)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def write_report(runs: list[dict], args, out: Path, extra: dict | None = None) -> None:
    meta = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "clients": args.clients,
        "duration_s": args.duration,
        "max_requests": args.max_requests,
        "questions": _shown(Path(args.questions)),
        "target": TARGET,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    (out / "load.json").write_text(
        json.dumps({"meta": meta, "runs": runs, "serving": extra}, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# Load test: POST /api/ask",
        "",
        f"`python -m eval.load` on {meta['cpu_count']} CPU(s), {args.clients} concurrent clients, "
        f"at most {args.duration:.0f} s or {args.max_requests} requests per run, loopback, "
        f"questions of `{Path(args.questions).name}` in turn. One `python app.py` server (one process; "
        "answers run one at a time in its thread pool), rate limit lifted for the run.",
        "",
        f"Target: >= {TARGET['answers_per_s']:.0f} answers/s, p95 < {TARGET['p95_ms']:.0f} ms, "
        f"peak RSS < {TARGET['rss_mb']:.0f} MB, 0 errors, torch not loaded.",
        "",
        "| query cache | answers | answers/s | p50 ms | p95 ms | p99 ms | max ms | errors | peak RSS MB | torch | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['cache']} | {r['answers']} | {r['answers_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['max_ms']} | {r['errors']} | {r['peak_rss_mb']} | "
            f"{'loaded' if r['torch_loaded'] else 'not loaded'} | {'met' if r['meets_target'] else 'missed'} |"
        )
    lines += [
        "",
        "Answer statuses per run: " + "; ".join(f"cache {r['cache']}: {r['statuses']}" for r in runs),
    ]
    if extra:
        from eval.load_serving import serving_lines

        lines += serving_lines(extra)
    notes = Path(args.notes) if args.notes else out / "load-profile.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    (out / "load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--duration", type=float, default=30.0, help="seconds per run (upper bound)")
    p.add_argument("--max-requests", type=int, default=5000, help="requests per run (upper bound)")
    p.add_argument("--cache", choices=["on", "off", "both"], default="both")
    p.add_argument("--questions", default=str(DEFAULT_QUESTIONS))
    p.add_argument("--out", default=str(DEFAULT_OUT))
    p.add_argument("--sessions", type=int, default=1500, help="sessions of the session-flood scenario")
    p.add_argument(
        "--scenarios", choices=["on", "off"], default="on", help="the serving scenarios (issue 12)"
    )
    p.add_argument("--notes", default=None, help="Markdown appended to the report (default: load-profile.md)")
    args = p.parse_args(argv)
    questions = [q.question for q in load_questions(args.questions)]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    log_dir = Path(tempfile.mkdtemp(prefix="load-"))  # server logs, kept for a look after a failure
    for cache in {"on": [True], "off": [False], "both": [True, False]}[args.cache]:
        r = run(cache, questions, args, log_dir)
        print(json.dumps(r), flush=True)
        runs.append(r)
    from eval.load_serving import scenarios

    extra = scenarios(questions, args, log_dir) if args.scenarios == "on" else None
    if extra:
        print(json.dumps(extra), flush=True)
    write_report(runs, args, out, extra)
    print(f"wrote {out / 'load.md'}")
    return 0 if all(r["errors"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
