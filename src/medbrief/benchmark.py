"""Benchmarks: ingest throughput, search and ``ask`` latency, and a ~1M-passage scale-up.

Run with ``python bench/run.py [--quick] [--only ingest|search|ask|scale]`` or ``medbrief bench``.
Results go to ``bench/results/latest.json`` (sections not run keep their previous results) and a
table is printed. Everything happens in a temporary folder that is removed at the end unless
``--keep``; the shared data is only read. Nothing is downloaded.

Sections
  ingest  per format, parse only and parse + store into a fresh store (records/s on one core), on
          the shared files and on large synthetic files made by repeating real records with fresh
          ids; plus the build of the full shared store (which the other sections use).
  search  ranked queries from the medicationqa questions (``query_terms``) against every search
          backend (fts5, bm25s): p50/p95/p99 per tier and query shape, index build/load time, size.
  ask     ``Engine.ask`` over the medicationqa questions, warm (p50/p95/p99) per backend, whether
          both backends give the same answers, and cold start (``medbrief ask`` in a new process).
  scale   a store of ~1M passages made by replicating the real documents with new source ids,
          then the same search and ask measures on it.
"""

from __future__ import annotations

import contextlib
import cProfile
import dataclasses
import gzip
import hashlib
import importlib.metadata
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from medbrief.models import Document, Tier
from medbrief.settings import HOME_ENV, Settings, default_shared
from medbrief.sources import PARSERS, Parser
from medbrief.sources.base import SNIFF_BYTES
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


# -- small helpers ---------------------------------------------------------------------------------
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _maxrss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return round(kb / 1024, 1)


def _db_bytes(db: Path) -> int:
    return sum(_size(Path(f"{db}{suffix}")) for suffix in ("", "-wal", "-shm"))


def _profile_top(func: Callable[[], Any], lines: int = 18) -> str:
    prof = cProfile.Profile()
    prof.runcall(func)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(lines)
    text = out.getvalue()
    start = text.find("   ncalls")
    header = text[:start].strip().splitlines()
    summary = next((h.strip() for h in header if "function calls" in h), "")
    return summary + "\n" + text[start:].rstrip() if start >= 0 else text


@contextmanager
def _timer() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def _open_raw(path: Path) -> BinaryIO:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return cast(BinaryIO, gzip.open(path, "rb"))
    return open(path, "rb")  # noqa: SIM115


def _inner_name(path: Path) -> str:
    return path.name[:-3] if path.name.lower().endswith(".gz") else path.name


def discover(data: Path) -> dict[str, list[tuple[Path, Parser]]]:
    """Every file under ``data`` that a parser recognises, grouped by format (ingest's rules)."""
    found: dict[str, list[tuple[Path, Parser]]] = {}
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        with _open_raw(path) as stream:
            head = stream.read(SNIFF_BYTES)
        for parser in PARSERS.values():
            if parser.sniff(head, _inner_name(path)):
                found.setdefault(parser.format, []).append((path, parser))
                break
    return found


def medicationqa_questions(shared: Path) -> list[str]:
    path = shared / "eval" / "medicationqa-dev.jsonl"
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                q = str(json.loads(line).get("question", "")).strip()
                if q:
                    out.append(q)
    return out


# -- synthetic data ------------------------------------------------------------------------------
_MARK = b"MEDBRIEFBENCHPMID"


def synth_pubmed(files: Sequence[Path], dest: Path, n: int, first_pmid: int = 90_000_000) -> int:
    """A PubmedArticleSet of ``n`` records: the real records repeated with fresh PMIDs."""
    from lxml import etree

    templates: list[tuple[bytes, bytes]] = []
    for path in files:
        with _open_raw(path) as stream:
            for _, el in etree.iterparse(stream, events=("end",), tag="PubmedArticle",
                                         huge_tree=True, resolve_entities=False, no_network=True):
                pmid = el.find("MedlineCitation/PMID")
                if pmid is not None and (pmid.text or "").strip().isdigit():
                    pmid.text = _MARK.decode()
                    blob = etree.tostring(el, with_tail=False)
                    pre, post = blob.split(_MARK, 1)
                    templates.append((pre, post))
                el.clear()
    if not templates:
        raise RuntimeError("no PubmedArticle records found in the shared PubMed files")
    with open(dest, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for i in range(n):
            pre, post = templates[i % len(templates)]
            out.write(pre + str(first_pmid + i).encode() + post + b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return len(templates)


def synth_openfda(files: Sequence[Path], dest: Path, n: int) -> int:
    """One openFDA bulk-style file of ``n`` labels: the real labels with new set ids and ids."""
    records: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    for path in files:
        with _open_raw(path) as stream:
            data = json.load(stream)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            meta = meta or dict(data.get("meta") or {})
            records.extend(r for r in data["results"] if isinstance(r, dict) and r.get("set_id"))
    if not records:
        raise RuntimeError("no openFDA label records found in the shared files")
    meta = dict(meta)
    meta["results"] = {"skip": 0, "limit": n, "total": n}
    meta.setdefault("terms", "https://open.fda.gov/terms/")
    with open(dest, "w", encoding="utf-8") as out:
        out.write('{"meta": ' + json.dumps(meta) + ', "results": [\n')
        for i in range(n):
            rec = dict(records[i % len(records)])
            rec["set_id"] = str(uuid.UUID(int=(0xBE4C << 112) + 2 * i))
            rec["id"] = str(uuid.UUID(int=(0xBE4C << 112) + 2 * i + 1))
            out.write(("," if i else "") + json.dumps(rec, ensure_ascii=False) + "\n")
        out.write("]}\n")
    return len(records)


_SET_ID = re.compile(rb'(<setId\s+root=")([^"]*)(")')


def synth_spl(files: Sequence[Path], dest: Path, n: int) -> int:
    """``n`` SPL files: the real ones with new setId roots."""
    blobs = []
    for path in files:
        with _open_raw(path) as stream:
            blobs.append(stream.read())
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        new_id = str(uuid.UUID(int=(0x5B1 << 112) + i)).encode()
        data = _SET_ID.sub(b"\\g<1>" + new_id + b"\\g<3>", blobs[i % len(blobs)], count=1)
        (dest / f"spl-{i:05d}.xml").write_bytes(data)
    return len(blobs)


_MEDLINE_PMID = re.compile(r"^PMID- ?\d+", re.M)


def synth_medline(files: Sequence[Path], dest: Path, n: int, first_pmid: int = 80_000_000) -> int:
    """One MEDLINE text file of ``n`` records: the real records with fresh PMIDs."""
    records: list[str] = []
    for path in files:
        with _open_raw(path) as stream:
            text = stream.read().decode("utf-8", "replace")
        records.extend(r.strip("\n") for r in re.split(r"\n[ \t\r]*\n", text)
                       if _MEDLINE_PMID.search(r))
    if not records:
        raise RuntimeError("no MEDLINE records found in the shared files")
    with open(dest, "w", encoding="utf-8") as out:
        for i in range(n):
            rec = _MEDLINE_PMID.sub(f"PMID- {first_pmid + i}", records[i % len(records)], count=1)
            out.write(rec + "\n\n")
    return len(records)


# -- ingest ------------------------------------------------------------------------------------------
@dataclass
class Timing:
    wall_s: float
    cpu_s: float  # this process's CPU time: the per-core cost, robust to other load on the machine
    documents: int
    passages: int

    def rates(self, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_wall_s": round(self.wall_s, 3), f"{prefix}_cpu_s": round(self.cpu_s, 3),
            f"{prefix}_records_per_s": _rate(self.documents, self.cpu_s),
            f"{prefix}_records_per_s_wall": _rate(self.documents, self.wall_s),
            f"{prefix}_passages_per_s": _rate(self.passages, self.cpu_s),
        }


@contextmanager
def _clock() -> Iterator[list[float]]:
    """Yields a list that receives [wall seconds, CPU seconds] when the block ends."""
    box: list[float] = []
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield box
    finally:
        box.extend([time.perf_counter() - wall, time.process_time() - cpu])


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("nan")


def parse_only(files: Sequence[tuple[Path, Parser]]) -> Timing:
    """Parse ``files`` without storing anything."""
    docs = passages = 0
    with _clock() as t:
        for path, parser in files:
            with _open_raw(path) as raw:
                for item in parser.parse(raw, _inner_name(path)):
                    if isinstance(item, Document):
                        docs += 1
                        passages += len(item.passages)
    return Timing(t[0], t[1], docs, passages)


def _drop_fts_triggers(store: Store) -> None:
    """Benchmark-only: stop maintaining FTS5 so the cost of the rest of the store shows."""
    names = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'passages'")]
    for name in names:
        store.conn.execute(f'DROP TRIGGER "{name}"')


def ingest_into(store: Store, files: Sequence[Path]) -> tuple[Timing, Any]:
    """``ingest_paths`` of ``files`` into ``store``, timed; passages counted as the store grew."""
    from medbrief.ingest import ingest_paths

    before = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    with _clock() as t:
        report = ingest_paths(store, list(files))
    after = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return Timing(t[0], t[1], sum(report.formats.values()), after - before), report


def parse_and_store(files: Sequence[Path], folder: Path, fts: bool = True) -> Timing:
    """``ingest_paths`` into a fresh store (without FTS5 maintenance if ``fts`` is False)."""
    shutil.rmtree(folder, ignore_errors=True)
    store = open_store(folder / DB_NAME)
    try:
        if not fts:
            _drop_fts_triggers(store)
        timing, _ = ingest_into(store, files)
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return timing


def _best(runs: Sequence[Timing]) -> Timing:
    return min(runs, key=lambda r: r.cpu_s)


INGEST_ORDER = ("pubmed-xml", "medline-text", "openfda-json", "openfda-derived", "spl-xml",
                "ngc-xml", "digest-md")


def build_shared_store(found: dict[str, list[tuple[Path, Parser]]], folder: Path,
                       echo: Callable[[str], None]) -> dict[str, Any]:
    """Ingest all of the shared data into one fresh store, format by format, timing each."""
    shutil.rmtree(folder, ignore_errors=True)
    store = open_store(folder / DB_NAME)
    rows: list[dict[str, Any]] = []
    failed = 0
    try:
        order = [f for f in INGEST_ORDER if f in found] + sorted(set(found) - set(INGEST_ORDER))
        with _clock() as total:
            for fmt in order:
                timing, report = ingest_into(store, [p for p, _ in found[fmt]])
                failed += report.failed
                rows.append({"format": fmt, "files": len(found[fmt]),
                             "records": timing.documents, "passages": timing.passages,
                             **timing.rates("store")})
                echo(f"  shared store += {fmt:<16} {timing.documents:>6,} rec in "
                     f"{timing.wall_s:5.1f}s wall / {timing.cpu_s:5.1f}s CPU")
        stats = store.stats()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    records = sum(r["records"] for r in rows)
    return {
        "documents": stats.documents, "passages": stats.passages, "records": records,
        "by_tier": stats.by_tier, "by_format": stats.by_format,
        "wall_s": round(total[0], 2), "cpu_s": round(total[1], 2),
        "records_per_s": _rate(records, total[1]), "passages_per_s": _rate(stats.passages, total[1]),
        "records_per_s_wall": _rate(records, total[0]), "failed": failed,
        "db_bytes": _db_bytes(folder / DB_NAME), "formats": rows,
    }


@dataclass
class IngestCase:
    format: str
    files: list[tuple[Path, Parser]]
    note: str = ""
    small: Callable[[Path], list[Path]] | None = None  # a smaller file of the same kind, to profile


def synthetic_cases(opts: Options, found: dict[str, list[tuple[Path, Parser]]],
                    folder: Path) -> tuple[list[IngestCase], dict[str, Any]]:
    """Large files made by repeating the real records with fresh ids (steady-state rates)."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[IngestCase] = []
    made: dict[str, Any] = {}

    def files_of(fmt: str) -> list[Path]:
        return [p for p, _ in found.get(fmt, [])]

    plans: list[tuple[str, int, Path, Callable[[list[Path], Path, int], int], str]] = [
        ("pubmed-xml", opts.pick(8_000, 50_000), folder / "pubmed-synthetic.xml", synth_pubmed,
         "{n:,} records from {t} real ones, fresh PMIDs, one file"),
        ("openfda-json", opts.pick(300, 2_000), folder / "openfda-synthetic.json", synth_openfda,
         "one bulk file of {n:,} labels from {t} real ones, new set ids"),
        ("spl-xml", opts.pick(30, 300), folder / "spl", synth_spl,
         "{n} files from {t} real ones, new set ids"),
        ("medline-text", opts.pick(3_000, 20_000), folder / "medline-synthetic.txt", synth_medline,
         "{n:,} records from {t} real ones, fresh PMIDs, one file"),
    ]
    for fmt, n, path, make, note in plans:
        if not found.get(fmt):
            continue
        with _timer() as t:
            templates = make(files_of(fmt), path, n)
        made[fmt] = {"records": n, "templates": templates, "bytes": _size(path),
                     "make_s": round(t[0], 2)}
        paths = sorted(path.iterdir()) if path.is_dir() else [path]

        def small(dest: Path, fmt: str = fmt, n: int = n,
                  make: Callable[[list[Path], Path, int], int] = make) -> list[Path]:
            make(files_of(fmt), dest, max(1, n // 10))
            return sorted(dest.iterdir()) if dest.is_dir() else [dest]

        cases.append(IngestCase(fmt, [(p, PARSERS[fmt]) for p in paths],
                                note.format(n=n, t=templates), small))
    return cases, made


def bench_ingest(opts: Options, work: Path, found: dict[str, list[tuple[Path, Parser]]],
                 shared_store: dict[str, Any] | None) -> dict[str, Any]:
    echo = opts.echo
    rows: list[dict[str, Any]] = []
    profiles: dict[str, str] = {}
    stored = {r["format"]: r for r in (shared_store or {}).get("formats", [])}
    # the shared files: parse only here; parse + store was timed while building the shared store
    for fmt in [f for f in INGEST_ORDER if f in found]:
        files = found[fmt]
        note = ""
        if fmt == "ngc-xml" and opts.quick:
            files, note = files[:300], "parse rate on the first 300 files (--quick)"
        runs = [parse_only(files)]
        while not opts.quick and len(runs) < 3 and runs[0].cpu_s < 3.0:
            runs.append(parse_only(files))
        parsed = _best(runs)
        row: dict[str, Any] = {"format": fmt, "dataset": "shared", "files": len(found[fmt]),
                               "records": parsed.documents, "passages": parsed.passages,
                               **parsed.rates("parse"), "note": note}
        if fmt in stored:
            s = stored[fmt]
            row.update({k: v for k, v in s.items() if k.startswith("store_")})
            row["records"], row["passages"] = s["records"], s["passages"]
            row["note"] = (note + "; " if note else "") + "stored into the growing shared store"
        rows.append(row)
        _echo_row(echo, row)
    cases, made = synthetic_cases(opts, found, work / "synthetic")
    for case in cases:
        paths = [p for p, _ in case.files]
        parses = [parse_only(case.files)]
        stores = [parse_and_store(paths, work / "ingest-store")]
        while not opts.quick and len(stores) < 3 and stores[0].cpu_s < 3.0:
            parses.append(parse_only(case.files))
            stores.append(parse_and_store(paths, work / "ingest-store"))
        parsed, stored_t = _best(parses), _best(stores)
        row = {"format": case.format, "dataset": "synthetic", "files": len(paths),
               "records": stored_t.documents, "passages": stored_t.passages, "runs": len(stores),
               **parsed.rates("parse"), **stored_t.rates("store"), "note": case.note}
        key = f"ingest {case.format} (synthetic, parse+store)"
        if key in TARGETS:
            no_fts = parse_and_store(paths, work / "ingest-store", fts=False)
            row.update(no_fts.rates("nofts"))
            target = TARGETS[key][2]
            row["target_records_per_s"] = target
            row["met"] = bool(row["store_records_per_s"] >= target)
            if not row["met"] and (opts.profile or not opts.quick) and case.small:
                suffix = paths[0].suffix if len(paths) == 1 else ""
                small_paths = case.small(work / "synthetic" / f"profile-{case.format}{suffix}")

                def profiled(paths: list[Path] = small_paths) -> None:
                    parse_and_store(paths, work / "ingest-profile")

                profiles[key] = f"1/10 of the synthetic file ({len(small_paths)} file(s))\n" + \
                    _profile_top(profiled)
        rows.append(row)
        _echo_row(echo, row)
    return {"formats": rows, "synthetic": made, "profiles": profiles}


def _echo_row(echo: Callable[[str], None], row: dict[str, Any]) -> None:
    text = (f"  ingest {row['format']:<16} {row['dataset']:<9} {row['records']:>7,} rec  parse "
            f"{row['parse_records_per_s']:>9,.0f}/s")
    if "store_records_per_s" in row:
        text += (f"  parse+store {row['store_records_per_s']:>8,.0f}/s "
                 f"({row['store_passages_per_s']:,.0f} passages/s)")
    if "nofts_records_per_s" in row:
        text += f"  without FTS5 {row['nofts_records_per_s']:,.0f}/s"
    echo(text + "  [per CPU second]")


# -- search ------------------------------------------------------------------------------------------
SEARCH_MODES: list[tuple[str, dict[str, Any]]] = [
    ("any tier, OR, top 20", {"limit": 20}),
    ("guideline, OR, top 20", {"tier": Tier.GUIDELINE, "limit": 20}),
    ("label, OR, top 20", {"tier": Tier.LABEL, "limit": 20}),
    ("research, OR, top 20", {"tier": Tier.RESEARCH, "limit": 20}),
    ("any tier, AND, top 20", {"limit": 20, "require_all": True}),
    ("guideline recommendations, OR, top 240 (retriever)",
     {"tier": Tier.GUIDELINE, "sections": ("recommendation",), "limit": 240}),
    ("research, OR, top 300 (retriever)", {"tier": Tier.RESEARCH, "limit": 300}),
]


def search_queries(questions: Sequence[str]) -> list[str]:
    from medbrief.store.index import query_terms

    out = []
    for q in questions:
        terms = query_terms(q)
        if terms:
            out.append(" ".join(terms))
    return out


def index_sizes(store: Store) -> dict[str, int | None]:
    try:
        fts = store.conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'passages_fts%'").fetchone()[0]
    except sqlite3.DatabaseError:
        fts = None
    return {"fts5_bytes": fts}


def prepare_backends(store: Store) -> tuple[dict[str, Any], dict[str, Any]]:
    """Instances of every backend, ready to query, and facts about building/loading them."""
    from medbrief.store.index import Bm25sIndex, get_index

    info: dict[str, Any] = {"fts5": index_sizes(store)}
    indexes: dict[str, Any] = {"fts5": get_index(store, "fts5")}
    folder = Bm25sIndex.default_folder(store)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    builder = Bm25sIndex(store)
    rss_before = _maxrss_mb()
    with _timer() as build:
        builder.current()
    rss_after = _maxrss_mb()
    loader = Bm25sIndex(store)
    with _timer() as load:
        loader.current()
    indexes["bm25s"] = loader
    info["bm25s"] = {
        "build_s": round(build[0], 2), "load_s": round(load[0], 3),
        "process_peak_rss_mb_before_build": rss_before, "process_peak_rss_mb_after_build": rss_after,
        "loaded_from_disk": loader.loads == 1 and loader.builds == 0,
        "disk_bytes": _size(folder) if folder is not None else None,
        "postings": int(loader.current().indices.shape[0]),
        "terms": len(loader.current().vocab),
    }
    return indexes, info


def bench_search(indexes: dict[str, Any], queries: Sequence[str],
                 modes: Sequence[tuple[str, dict[str, Any]]], echo: Callable[[str], None]
                 ) -> dict[str, Any]:
    out: dict[str, Any] = {"queries": len(queries), "modes": {}}
    for index in indexes.values():  # warm caches (pages, vocab, numpy) outside the timing
        for q in queries[:20]:
            index.search(q, limit=20)
    for label, kwargs in modes:
        row: dict[str, Any] = {}
        tops: dict[str, list[list[int]]] = {}
        scores: dict[str, list[list[float]]] = {}
        for name, index in indexes.items():
            times = []
            tops[name], scores[name] = [], []
            for q in queries:
                start = time.perf_counter()
                hits = index.search(q, **kwargs)
                times.append(time.perf_counter() - start)
                tops[name].append([h.passage_id for h in hits])
                scores[name].append([h.score for h in hits])
            row[name] = latency_summary(times)
            row[name]["mean_hits"] = round(statistics.fmean(len(t) for t in tops[name]), 1)
        if "fts5" in tops and "bm25s" in tops:
            same_list = sum(a == b for a, b in zip(tops["fts5"], tops["bm25s"], strict=True))
            same_set = sum(set(a) == set(b) for a, b in zip(tops["fts5"], tops["bm25s"], strict=True))
            overlap = [len(set(a) & set(b)) / max(1, len(a)) for a, b in
                       zip(tops["fts5"], tops["bm25s"], strict=True) if a or b]
            # equal score lists = the engines differ only in which of several tied passages
            # fill the last places (replicated documents tie exactly)
            same_scores = sum(len(a) == len(b) and all(
                abs(x - y) <= 1e-4 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True))
                for a, b in zip(scores["fts5"], scores["bm25s"], strict=True))
            row["agreement"] = {"same_ranked_list": round(same_list / len(queries), 3),
                                "same_set": round(same_set / len(queries), 3),
                                "same_scores": round(same_scores / len(queries), 3),
                                "mean_overlap": round(statistics.fmean(overlap), 4)
                                if overlap else 1.0}
        out["modes"][label] = row
        echo(f"  search {label:<52} " + "  ".join(
            f"{n} p50 {row[n]['p50_ms']:>7.2f} p95 {row[n]['p95_ms']:>7.2f} ms" for n in indexes))
    return out


# -- ask ---------------------------------------------------------------------------------------------
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
        with _timer() as build:
            engine = Engine(store, settings)
        with _timer() as first:
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
            slow = [q for _, q in sorted(zip(times, questions, strict=True), reverse=True)[:10]]

            def run_slow(engine: Engine = engine, slow: list[str] = slow) -> None:
                for q in slow:
                    engine.ask(q)

            row["profile_slowest_10"] = _profile_top(run_slow)
            row["slowest"] = [{"question": q, "ms": round(t * 1000, 1)} for t, q in
                              sorted(zip(times, questions, strict=True), reverse=True)[:5]]
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


def bench_ask_cold(home: Path, questions: Sequence[str], runs: int,
                   echo: Callable[[str], None]) -> dict[str, Any]:
    env = dict(os.environ)
    env[HOME_ENV] = str(home)
    picks = [questions[(i * 37) % len(questions)] for i in range(runs)]
    out: dict[str, Any] = {"runs": runs, "home": "built store"}
    # the real command line, default backend
    walls = []
    for q in picks:
        start = time.perf_counter()
        proc = subprocess.run([*_medbrief_command(), "ask", q], env=env, capture_output=True,
                              text=True, check=False)
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"medbrief ask failed ({proc.returncode}): {proc.stderr[-400:]}")
    out["cli_default"] = {"median_s": round(statistics.median(walls), 3),
                          "max_s": round(max(walls), 3), "runs_s": [round(w, 3) for w in walls]}
    # the same work in a script that reports where the time goes, per backend
    for backend in BACKENDS:
        walls, parts = [], []
        for q in picks:
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", COLD_SCRIPT, backend, q], env=env,
                                  capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise RuntimeError(f"cold ask ({backend}) failed: {proc.stderr[-400:]}")
            parts.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        out[backend] = {
            "median_s": round(statistics.median(walls), 3), "max_s": round(max(walls), 3),
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


# -- scale -------------------------------------------------------------------------------------------
def build_scale_store(source: Store, folder: Path, target_passages: int,
                      echo: Callable[[str], None]) -> dict[str, Any]:
    """Replicate the real documents under new source ids until ``target_passages`` are stored."""
    shutil.rmtree(folder, ignore_errors=True)
    ids = [r[0] for r in source.conn.execute("SELECT source_id FROM documents ORDER BY id")]
    with _timer() as load:
        docs = [d.document for d in (source.get_document(i) for i in ids) if d is not None]
    base = sum(len(d.passages) for d in docs)
    copies = max(1, math.ceil(target_passages / max(1, base)))
    store = open_store(folder / DB_NAME)
    inserted = n_docs = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        for k in range(copies):
            with store.transaction():  # one big transaction per copy of the corpus
                for doc in docs:
                    if inserted >= target_passages:
                        break
                    store.upsert(dataclasses.replace(doc, source_id=f"{doc.source_id}-copy{k}",
                                                     meta=dict(doc.meta)))
                    inserted += len(doc.passages)
                    n_docs += 1
            elapsed = time.perf_counter() - start
            echo(f"  scale: {inserted:>9,} passages stored ({inserted / elapsed:,.0f}/s)")
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes = index_sizes(store)
    finally:
        store.close()
    return {"documents": n_docs, "passages": inserted, "copies": copies,
            "source_documents": len(docs), "load_source_s": round(load[0], 2),
            "insert_s": round(seconds, 1), "insert_cpu_s": round(cpu, 1),
            "passages_per_s": _rate(inserted, cpu), "passages_per_s_wall": _rate(inserted, seconds),
            "db_bytes": _db_bytes(folder / DB_NAME), **sizes}


# -- targets and report --------------------------------------------------------------------------------
def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    values: dict[str, float | None] = dict.fromkeys(TARGETS)
    for row in results.get("ingest", {}).get("formats", []):
        key = f"ingest {row['format']} ({row['dataset']}, parse+store)"
        if key in values:
            values[key] = row["store_records_per_s"]
    default = Settings().search_backend
    modes = results.get("search", {}).get("modes", {})
    if "any tier, OR, top 20" in modes:
        values["search p50 (default backend, any tier, top 20)"] = \
            modes["any tier, OR, top 20"][default]["p50_ms"]
    warm = results.get("ask", {}).get("warm", {})
    if default in warm:
        values["ask warm p50 (default backend)"] = warm[default]["p50_ms"]
        values["ask warm p95 (default backend)"] = warm[default]["p95_ms"]
    cold = results.get("ask", {}).get("cold", {})
    if "cli_default" in cold:
        values["ask cold start (medbrief ask, median)"] = cold["cli_default"]["median_s"]
    out = []
    for name, (unit, op, target) in TARGETS.items():
        value = values[name]
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        out.append({"measure": name, "target": f"{op} {target:g} {unit}", "value": value,
                    "met": met})
    # the same targets for the bm25s backend, for the engine decision
    for backend in BACKENDS:
        if backend == default:
            continue
        if "any tier, OR, top 20" in modes and backend in modes["any tier, OR, top 20"]:
            v = modes["any tier, OR, top 20"][backend]["p50_ms"]
            out.append({"measure": f"search p50 ({backend}, any tier, top 20)",
                        "target": "<= 5 ms", "value": v, "met": v <= 5.0})
        if backend in warm:
            for p, t in (("p50", 50.0), ("p95", 150.0)):
                v = warm[backend][f"{p}_ms"]
                out.append({"measure": f"ask warm {p} ({backend})", "target": f"<= {t:g} ms",
                            "value": v, "met": v <= t})
    return out


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def format_tables(results: dict[str, Any]) -> str:
    lines: list[str] = []
    meta = results.get("meta", {})
    lines.append(f"medbrief benchmarks — {meta.get('date', '')} — {meta.get('cpus')} CPUs, "
                 f"{meta.get('platform', '')}, load avg {meta.get('loadavg_start')}")
    ingest = results.get("ingest")
    if ingest:
        lines.append("\nIngest (records per CPU second of one core; wall-clock rate in brackets)")
        lines.append(f"{'format':<16}{'data':<10}{'records':>9}{'passages':>10}{'parse rec/s':>13}"
                     f"{'parse+store rec/s':>24}{'passages/s':>12}{'no-FTS5 rec/s':>15}")
        for r in ingest.get("formats", []):
            store = (f"{r['store_records_per_s']:,.0f} ({r['store_records_per_s_wall']:,.0f})"
                     if "store_records_per_s" in r else "-")
            passages = f"{r['store_passages_per_s']:,.0f}" if "store_passages_per_s" in r else "-"
            nofts = f"{r['nofts_records_per_s']:,.0f}" if "nofts_records_per_s" in r else ""
            lines.append(f"{r['format']:<16}{r['dataset']:<10}{r['records']:>9,}{r['passages']:>10,}"
                         f"{r['parse_records_per_s']:>13,.0f}{store:>24}{passages:>12}{nofts:>15}")
        full = ingest.get("all_shared")
        if full:
            lines.append(f"all shared data: {full['documents']:,} documents, {full['passages']:,} "
                         f"passages in {full['wall_s']:.1f}s wall, {full['cpu_s']:.1f}s CPU "
                         f"({full['records_per_s']:,.0f} rec/s, {full['passages_per_s']:,.0f} "
                         "passages/s per CPU second)")
    for section, title in (("search", "Search over the full shared corpus"),
                           ("scale", "Scale-up")):
        data = results.get(section)
        if not data:
            continue
        search = data if section == "search" else data.get("search", {})
        if section == "scale":
            st = data.get("store", {})
            lines.append(f"\n{title}: {st.get('passages', 0):,} passages, "
                         f"{st.get('documents', 0):,} documents, db {st.get('db_bytes', 0) / 1e9:.2f} GB"
                         f", inserted at {st.get('passages_per_s', 0):,.0f} passages/s")
        else:
            lines.append(f"\n{title} ({search.get('queries', 0)} queries)")
        idx = data.get("indexes", {})
        if idx.get("bm25s"):
            b = idx["bm25s"]
            lines.append(f"bm25s index: build {b['build_s']:.1f}s, load {b['load_s'] * 1000:.0f} ms,"
                         f" {b['disk_bytes'] / 1e6:,.0f} MB on disk; fts5 index "
                         f"{(idx.get('fts5', {}).get('fts5_bytes') or 0) / 1e6:,.0f} MB")
        lines.append(f"{'query shape':<54}{'backend':<8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                     f"{'hits':>7}{'overlap':>9}{'same scores':>13}")
        for label, row in search.get("modes", {}).items():
            for name in BACKENDS:
                if name not in row:
                    continue
                r = row[name]
                agreement = row.get("agreement", {}) if name == "bm25s" else {}
                overlap = f"{agreement['mean_overlap']:.3f}" if agreement else ""
                same = f"{agreement.get('same_scores', 0) * 100:.1f}%" if agreement else ""
                lines.append(f"{label:<54}{name:<8}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}"
                             f"{r['p99_ms']:>9.2f}{r['mean_hits']:>7.0f}{overlap:>9}{same:>13}")
        ask = data.get("ask") if section == "scale" else None
        if ask:
            lines.extend(_ask_lines(ask))
    ask = results.get("ask")
    if ask:
        lines.append("\nAsk on the full shared store")
        lines.extend(_ask_lines(ask))
    targets = results.get("targets")
    if targets:
        lines.append("\nTargets")
        for t in targets:
            mark = {True: "met", False: "MISSED", None: "not run"}[t["met"]]
            lines.append(f"  {t['measure']:<52} {t['target']:<18} {_fmt(t['value']):>10}  {mark}")
    return "\n".join(lines)


def _ask_lines(ask: dict[str, Any]) -> list[str]:
    lines = []
    warm = ask.get("warm", {})
    for backend in BACKENDS:
        if backend in warm:
            r = warm[backend]
            lines.append(f"ask warm {backend:<6} {r['n']} questions: p50 {r['p50_ms']:.1f} ms, "
                         f"p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max "
                         f"{r['max_ms']:.0f} ms")
    if "same_answer_both_backends" in warm:
        lines.append(f"same answer with both backends: {warm['same_answer_both_backends'] * 100:.1f}%"
                     " of questions")
    cold = ask.get("cold", {})
    if cold:
        lines.append(f"ask cold (new process): medbrief ask median {cold['cli_default']['median_s']:.2f}s"
                     f" (max {cold['cli_default']['max_s']:.2f}s); fts5 {cold['fts5']['median_s']:.2f}s"
                     f", bm25s {cold['bm25s']['median_s']:.2f}s; python startup "
                     f"{cold['python_startup_s']:.2f}s")
        for backend in BACKENDS:
            parts = cold[backend]["breakdown_median_s"]
            lines.append(f"  {backend:<6} " + ", ".join(f"{k[:-2]} {v * 1000:.0f} ms"
                                                        for k, v in parts.items()))
    return lines


# -- the run ---------------------------------------------------------------------------------------------
def default_out() -> Path:
    repo = Path(__file__).resolve().parents[2]
    if (repo / "bench").is_dir():
        return repo / RESULTS_FILE
    return Path.cwd() / RESULTS_FILE


def command_line(opts: Options) -> str:
    parts = ["python bench/run.py"]
    if opts.quick:
        parts.append("--quick")
    if tuple(opts.only) != SECTIONS:
        parts.extend(f"--only {s}" for s in opts.only)
    if opts.scale_passages:
        parts.append(f"--scale-passages {opts.scale_passages}")
    return " ".join(parts)


def run_benchmarks(opts: Options) -> dict[str, Any]:
    echo = opts.echo
    if not opts.data.is_dir():
        raise FileNotFoundError(f"shared data not found at {opts.data}; set MEDBRIEF_SHARED")
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="medbrief-bench-", dir=opts.workdir))
    meta = {
        "date": _now(), "command": command_line(opts), "quick": opts.quick,
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "loadavg_start": _loadavg(), "default_backend": Settings().search_backend,
        "workdir": str(work),
    }
    for package in ("bm25s", "numpy", "lxml"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            meta[package] = importlib.metadata.version(package)
    results: dict[str, Any] = {"meta": meta}
    echo(f"medbrief bench: {meta['command']} (work folder {work})")
    try:
        found = discover(opts.data)
        need_store = any(s in opts.only for s in ("search", "ask", "scale"))
        shared_info: dict[str, Any] | None = None
        store_path = opts.shared_store
        if store_path is None and (need_store or "ingest" in opts.only):
            echo("ingesting all shared data into a fresh store, format by format ...")
            shared_info = build_shared_store(found, work / "shared-store", echo)
            store_path = work / "shared-store" / DB_NAME
            echo(f"  {shared_info['documents']:,} documents, {shared_info['passages']:,} passages "
                 f"in {shared_info['wall_s']:.1f}s wall / {shared_info['cpu_s']:.1f}s CPU")
        if "ingest" in opts.only:
            echo("ingest throughput ...")
            results["ingest"] = bench_ingest(opts, work, found, shared_info)
        if shared_info is not None:
            results.setdefault("ingest", {})["all_shared"] = shared_info
        if need_store and store_path is not None:
            _run_store_sections(opts, results, store_path, work)
    finally:
        meta["loadavg_end"] = _loadavg()
        meta["seconds"] = round(time.perf_counter() - started, 1)
        if opts.keep:
            echo(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for section in results:
        if section != "meta":
            results[section]["command"] = meta["command"]
            results[section]["date"] = meta["date"]
    return results


def _run_store_sections(opts: Options, results: dict[str, Any], store_path: Path,
                        work: Path) -> None:
    echo = opts.echo
    questions = medicationqa_questions(opts.shared)
    home = store_path.parent
    store = open_store(store_path)
    try:
        if "search" in opts.only or "ask" in opts.only:
            indexes, index_info = prepare_backends(store)
            if "search" in opts.only:
                echo("search latency on the full shared corpus ...")
                queries = search_queries(questions)[: opts.pick(120, 10_000)]
                modes = SEARCH_MODES if not opts.quick else SEARCH_MODES[:5]
                results["search"] = bench_search(indexes, queries, modes, echo)
                results["search"]["indexes"] = index_info
                results["search"]["corpus"] = {"passages": store.stats().passages}
            if "ask" in opts.only:
                echo("ask latency on the full shared store ...")
                asked = questions[: opts.pick(120, 10_000)]
                profile = opts.profile or not opts.quick
                results["ask"] = {
                    "warm": bench_ask_warm(store, home, asked, profile, echo),
                    "cold": bench_ask_cold(home, questions, opts.pick(3, 7), echo),
                }
        if "scale" in opts.only:
            target = opts.scale_passages or opts.pick(150_000, 1_000_000)
            echo(f"scale-up: building a store of ~{target:,} passages ...")
            folder = work / "scale-store"
            info = build_scale_store(store, folder, target, echo)
            results["scale"] = {"store": info}
            scaled = open_store(folder / DB_NAME)
            try:
                indexes, index_info = prepare_backends(scaled)
                results["scale"]["indexes"] = index_info
                info["bm25s_bytes"] = index_info["bm25s"]["disk_bytes"]
                queries = search_queries(questions)[: opts.pick(60, 150)]
                modes = [SEARCH_MODES[i] for i in (0, 2, 4, 5)]
                results["scale"]["search"] = bench_search(indexes, queries, modes, echo)
                asked = questions[: opts.pick(40, 120)]
                results["scale"]["ask"] = {
                    "warm": bench_ask_warm(scaled, folder, asked, False, echo),
                    "cold": bench_ask_cold(folder, questions, opts.pick(2, 5), echo),
                }
                results["scale"]["disk_bytes_total"] = _size(folder)
            finally:
                scaled.close()
            if not opts.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        store.close()


def write_results(results: dict[str, Any], out: Path) -> dict[str, Any]:
    """Merge ``results`` into ``out`` (sections not run keep their last values) and write it."""
    merged: dict[str, Any] = {}
    if out.exists():
        try:
            merged = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            merged = {}
    for key, value in results.items():
        if key == "ingest" and set(value) <= {"all_shared", "command", "date"} and "ingest" in merged:
            merged["ingest"]["all_shared"] = value.get("all_shared")
            continue
        merged[key] = value
    merged["targets"] = evaluate_targets(merged)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(merged, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return merged


def main(opts: Options) -> dict[str, Any]:
    results = run_benchmarks(opts)
    out = opts.out or default_out()
    merged = write_results(results, out)
    opts.echo("")
    opts.echo(format_tables(merged))
    opts.echo(f"\nresults written to {out}")
    return merged
