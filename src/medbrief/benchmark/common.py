"""What every benchmark section shares: options, targets, clocks, percentiles, sizes, raw files."""

from __future__ import annotations

import cProfile
import gzip
import io
import json
import math
import os
import pstats
import shutil
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from medbrief.settings import default_shared
from medbrief.store import Store, open_store

SECTIONS = ("ingest", "search", "ask", "scale")
BACKENDS = ("fts5", "bm25s")
DB_NAME = "medbrief.sqlite3"
RESULTS_FILE = Path("bench") / "results" / "latest.json"

# The targets from the issue: (unit, direction, value)
TARGETS: dict[str, tuple[str, str, float]] = {
    "ingest pubmed-xml (synthetic, parse+store)": ("records/s", ">=", 5000.0),
    "ingest openfda-json (synthetic, parse+store)": ("labels/s", ">=", 500.0),
    "ingest openfda-json (shared, parse+store)": ("labels/s", ">=", 500.0),
    "search p50 (default backend, any tier, top 20)": ("ms", "<=", 5.0),
    "ask warm p50 (default backend)": ("ms", "<=", 50.0),
    "ask warm p95 (default backend)": ("ms", "<=", 150.0),
    "ask cold start (medbrief ask, median)": ("s", "<=", 1.0),
}


@dataclass
class Options:
    quick: bool = False
    only: tuple[str, ...] = SECTIONS
    keep: bool = False
    out: Path | None = None
    workdir: Path | None = None
    shared: Path = field(default_factory=default_shared)
    shared_store: Path | None = None  # reuse an existing store of all shared data (skips its build)
    scale_passages: int | None = None
    profile: bool = False
    echo: Callable[[str], None] = print

    @property
    def data(self) -> Path:
        return self.shared / "data"

    def pick(self, quick: int, full: int) -> int:
        return quick if self.quick else full


# -- statistics and clocks -----------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of ``values``."""
    if not values:
        return float("nan")
    data = sorted(values)
    rank = (len(data) - 1) * p / 100.0
    lo, hi = math.floor(rank), math.ceil(rank)
    return data[lo] + (data[hi] - data[lo]) * (rank - lo)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
        "max_ms": round(max(ms), 3) if ms else float("nan"),
    }


def rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("nan")


@contextmanager
def clock() -> Iterator[list[float]]:
    """Yields a list that receives [wall seconds, CPU seconds] when the block ends."""
    box: list[float] = []
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield box
    finally:
        box.extend([time.perf_counter() - wall, time.process_time() - cpu])


def profile_top(func: Callable[[], Any], lines: int = 18) -> str:
    """The ``lines`` functions with the most own time while ``func`` runs (cProfile)."""
    prof = cProfile.Profile()
    prof.runcall(func)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(lines)
    text = out.getvalue()
    start = text.find("   ncalls")
    header = text[:start].strip().splitlines()
    summary = next((h.strip() for h in header if "function calls" in h), "")
    return summary + "\n" + text[start:].rstrip() if start >= 0 else text


# -- the machine -----------------------------------------------------------------------------------
def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def maxrss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return round(kb / 1024, 1)


# -- files and stores ------------------------------------------------------------------------------
def disk_size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder (0 if missing)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def db_bytes(db: Path) -> int:
    """The SQLite database with its WAL and shared-memory files."""
    return sum(disk_size(Path(f"{db}{suffix}")) for suffix in ("", "-wal", "-shm"))


def fresh_store(folder: Path) -> Store:
    """A new, empty store in ``folder`` (whatever was there is removed first)."""
    shutil.rmtree(folder, ignore_errors=True)
    return open_store(folder / DB_NAME)


def open_raw(path: Path) -> BinaryIO:
    """The bytes of a shared data file, gunzipped if it is gzip-compressed."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return cast(BinaryIO, gzip.open(path, "rb"))
    return open(path, "rb")  # noqa: SIM115


def inner_name(path: Path) -> str:
    """The file name without a ``.gz`` suffix (what the parsers sniff)."""
    return path.name[:-3] if path.name.lower().endswith(".gz") else path.name


def medicationqa_questions(shared: Path) -> list[str]:
    """The questions of the medicationqa dev set: the queries of search, ask and scale."""
    path = shared / "eval" / "medicationqa-dev.jsonl"
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                q = str(json.loads(line).get("question", "")).strip()
                if q:
                    out.append(q)
    return out
