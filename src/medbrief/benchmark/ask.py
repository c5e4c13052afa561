"""The ``ask`` section: warm ``Engine.ask`` latency per backend, and cold start in a new process."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from medbrief.benchmark.common import BACKENDS, clock, latency_summary, profile_top
from medbrief.settings import HOME_ENV, Settings
from medbrief.store import Store

COLD_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
from medbrief.compose.answerer import Engine
from medbrief.render import render
from medbrief.settings import Settings
from medbrief.store import open_store
t1 = time.perf_counter()
settings = Settings(search_backend=sys.argv[1])
store = open_store(settings.db_path)
t2 = time.perf_counter()
engine = Engine(store, settings)
t3 = time.perf_counter()
answer = engine.ask(sys.argv[2])
t4 = time.perf_counter()
text = render(answer, "text")
t5 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "engine_s": t3 - t2, "ask_s": t4 - t3,
                  "render_s": t5 - t4, "chars": len(text)}))
"""


def _answer_digest(answer: Any) -> str:
    keep = {"bottom_line", "sections", "safety", "references"}
    blob = json.dumps(answer.model_dump(mode="json", include=keep), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def bench_ask_warm(store: Store, home: Path, questions: Sequence[str], profile: bool,
                   echo: Callable[[str], None]) -> dict[str, Any]:
    from medbrief.compose.answerer import Engine

    out: dict[str, Any] = {"questions": len(questions)}
    digests: dict[str, list[str]] = {}
    for backend in BACKENDS:
        settings = Settings(home=home, search_backend=backend)
        with clock() as build:
            engine = Engine(store, settings)
        with clock() as first:
            engine.ask(questions[0])  # loads the bm25s index from disk on first search
        times: list[float] = []
        digests[backend] = []
        statuses: Counter[str] = Counter()
        for q in questions:
            start = time.perf_counter()
            answer = engine.ask(q)
            times.append(time.perf_counter() - start)
            digests[backend].append(_answer_digest(answer))
            statuses[answer.bottom_line.status] += 1
        row: dict[str, Any] = latency_summary(times)
        row.update({"engine_init_s": round(build[0], 3), "first_ask_s": round(first[0], 3),
                    "statuses": dict(statuses)})
        if profile:
            slowest = sorted(zip(times, questions, strict=True), reverse=True)
            slow = [q for _, q in slowest[:10]]

            def run_slow(engine: Engine = engine, slow: list[str] = slow) -> None:
                for q in slow:
                    engine.ask(q)

            row["profile_slowest_10"] = profile_top(run_slow)
            row["slowest"] = [{"question": q, "ms": round(t * 1000, 1)} for t, q in slowest[:5]]
        out[backend] = row
        echo(f"  ask warm {backend:<6} p50 {row['p50_ms']:>7.2f}  p95 {row['p95_ms']:>7.2f}  "
             f"p99 {row['p99_ms']:>7.2f}  max {row['max_ms']:>8.1f} ms  (init "
             f"{row['engine_init_s']:.2f}s, first {row['first_ask_s']:.2f}s)")
    same = sum(a == b for a, b in zip(digests["fts5"], digests["bm25s"], strict=True))
    out["same_answer_both_backends"] = round(same / len(questions), 3)
    return out


def _medbrief_command() -> list[str]:
    exe = Path(sys.executable).with_name("medbrief")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("medbrief")
    if found:
        return [found]
    return [sys.executable, "-c", "from medbrief.cli import run; run()"]


def _timed_run(command: list[str], env: dict[str, str], what: str) -> tuple[float, str]:
    """Wall seconds and standard output of ``command`` in a new process; it must succeed."""
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}): {proc.stderr[-400:]}")
    return wall, proc.stdout


def _walls(walls: Sequence[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(walls), 3), "max_s": round(max(walls), 3)}


def bench_ask_cold(home: Path, questions: Sequence[str], runs: int,
                   echo: Callable[[str], None]) -> dict[str, Any]:
    env = dict(os.environ)
    env[HOME_ENV] = str(home)
    picks = [questions[(i * 37) % len(questions)] for i in range(runs)]
    out: dict[str, Any] = {"runs": runs, "home": "built store"}
    # the real command line, default backend
    walls = [_timed_run([*_medbrief_command(), "ask", q], env, "medbrief ask")[0] for q in picks]
    out["cli_default"] = {**_walls(walls), "runs_s": [round(w, 3) for w in walls]}
    # the same work in a script that reports where the time goes, per backend
    for backend in BACKENDS:
        walls, parts = [], []
        for q in picks:
            wall, stdout = _timed_run([sys.executable, "-c", COLD_SCRIPT, backend, q], env,
                                      f"cold ask ({backend})")
            walls.append(wall)
            parts.append(json.loads(stdout.strip().splitlines()[-1]))
        out[backend] = {
            **_walls(walls),
            "breakdown_median_s": {k: round(statistics.median(p[k] for p in parts), 3)
                                   for k in ("import_s", "open_s", "engine_s", "ask_s",
                                             "render_s")},
        }
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    out["python_startup_s"] = round(time.perf_counter() - start, 3)
    echo(f"  ask cold: medbrief ask median {out['cli_default']['median_s']:.2f}s (max "
         f"{out['cli_default']['max_s']:.2f}s); script fts5 {out['fts5']['median_s']:.2f}s, "
         f"bm25s {out['bm25s']['median_s']:.2f}s")
    return out


def bench_ask(store: Store, home: Path, asked: Sequence[str], questions: Sequence[str],
              profile: bool, cold_runs: int, echo: Callable[[str], None]) -> dict[str, Any]:
    """Warm latency over ``asked`` in this process, then ``cold_runs`` cold starts."""
    return {"warm": bench_ask_warm(store, home, asked, profile, echo),
            "cold": bench_ask_cold(home, questions, cold_runs, echo)}
