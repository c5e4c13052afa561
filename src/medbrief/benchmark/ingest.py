"""The ``ingest`` section: parse and parse + store rates per format, and the full shared store.

Rates are records per CPU second of this process (one core), with the wall-clock rate beside them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from medbrief.benchmark.common import (
    DB_NAME,
    TARGETS,
    Options,
    clock,
    db_bytes,
    disk_size,
    fresh_store,
    inner_name,
    open_raw,
    profile_top,
    rate,
)
from medbrief.benchmark.synthetic import synth_medline, synth_openfda, synth_pubmed, synth_spl
from medbrief.models import Document
from medbrief.sources import PARSERS, Parser
from medbrief.sources.base import SNIFF_BYTES
from medbrief.store import Store

INGEST_ORDER = ("pubmed-xml", "medline-text", "openfda-json", "openfda-derived", "spl-xml",
                "ngc-xml", "digest-md")

Found = dict[str, list[tuple[Path, Parser]]]


def discover(data: Path) -> Found:
    """Every file under ``data`` that a parser recognises, grouped by format (ingest's rules)."""
    found: Found = {}
    for path in sorted(data.rglob("*")):
        rel = path.relative_to(data)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        with open_raw(path) as stream:
            head = stream.read(SNIFF_BYTES)
        for parser in PARSERS.values():
            if parser.sniff(head, inner_name(path)):
                found.setdefault(parser.format, []).append((path, parser))
                break
    return found


@dataclass
class Timing:
    wall_s: float
    cpu_s: float  # this process's CPU time: the per-core cost, robust to other load on the machine
    documents: int
    passages: int

    def rates(self, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_wall_s": round(self.wall_s, 3), f"{prefix}_cpu_s": round(self.cpu_s, 3),
            f"{prefix}_records_per_s": rate(self.documents, self.cpu_s),
            f"{prefix}_records_per_s_wall": rate(self.documents, self.wall_s),
            f"{prefix}_passages_per_s": rate(self.passages, self.cpu_s),
        }


def parse_only(files: Sequence[tuple[Path, Parser]]) -> Timing:
    """Parse ``files`` without storing anything."""
    docs = passages = 0
    with clock() as t:
        for path, parser in files:
            with open_raw(path) as raw:
                for item in parser.parse(raw, inner_name(path)):
                    if isinstance(item, Document):
                        docs += 1
                        passages += len(item.passages)
    return Timing(t[0], t[1], docs, passages)


def ingest_into(store: Store, files: Sequence[Path]) -> tuple[Timing, Any]:
    """``ingest_paths`` of ``files`` into ``store``, timed; passages counted as the store grew."""
    from medbrief.ingest import ingest_paths

    before = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    with clock() as t:
        report = ingest_paths(store, list(files))
    after = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return Timing(t[0], t[1], sum(report.formats.values()), after - before), report


def parse_and_store(files: Sequence[Path], folder: Path) -> Timing:
    """``ingest_paths`` into a fresh store: the store of record plus the full-text queue."""
    store = fresh_store(folder)
    try:
        timing, _ = ingest_into(store, files)
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return timing


def index_after_ingest(files: Sequence[Path], folder: Path) -> dict[str, Any]:
    """Ingest ``files`` into a fresh store, then time bringing each search index up to date.

    ``medbrief ingest`` does this once at the end of a run for the configured backend: FTS5
    indexes the queued passages in one pass, bm25s builds its matrix from the passages table.
    """
    from medbrief.store.index import Fts5Index
    from medbrief.store.index_bm25s import Bm25sIndex

    store = fresh_store(folder)
    out: dict[str, Any] = {}
    try:
        timing, _ = ingest_into(store, files)
        for name, step in (("fts5", Fts5Index(store).catch_up),
                           ("bm25s", Bm25sIndex(store, folder / "bm25s").rebuild)):
            with clock() as t:
                step()
            out[f"index_{name}_cpu_s"] = round(t[1], 3)
            out[f"index_{name}_records_per_s"] = rate(timing.documents, t[1])
            out[f"index_{name}_passages_per_s"] = rate(timing.passages, t[1])
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def build_shared_store(found: Found, folder: Path, echo: Callable[[str], None]) -> dict[str, Any]:
    """Ingest all of the shared data into one fresh store, format by format, timing each."""
    store = fresh_store(folder)
    rows: list[dict[str, Any]] = []
    failed = 0
    try:
        order = [f for f in INGEST_ORDER if f in found] + sorted(set(found) - set(INGEST_ORDER))
        with clock() as total:
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
        "records_per_s": rate(records, total[1]), "passages_per_s": rate(stats.passages, total[1]),
        "records_per_s_wall": rate(records, total[0]), "failed": failed,
        "db_bytes": db_bytes(folder / DB_NAME), "formats": rows,
    }


@dataclass
class IngestCase:
    format: str
    files: list[tuple[Path, Parser]]
    note: str = ""
    small: Callable[[Path], list[Path]] | None = None  # a smaller file of the same kind, to profile


def synthetic_cases(opts: Options, found: Found,
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
        with clock() as t:
            templates = make(files_of(fmt), path, n)
        made[fmt] = {"records": n, "templates": templates, "bytes": disk_size(path),
                     "make_s": round(t[0], 2)}
        paths = sorted(path.iterdir()) if path.is_dir() else [path]

        def small(dest: Path, fmt: str = fmt, n: int = n,
                  make: Callable[[list[Path], Path, int], int] = make) -> list[Path]:
            make(files_of(fmt), dest, max(1, n // 10))
            return sorted(dest.iterdir()) if dest.is_dir() else [dest]

        cases.append(IngestCase(fmt, [(p, PARSERS[fmt]) for p in paths],
                                note.format(n=n, t=templates), small))
    return cases, made


def _repeat(opts: Options, *measures: Callable[[], Timing]) -> list[list[Timing]]:
    """The runs of each measure, in rounds of one run each: one round with ``--quick``, else up to
    three while the last measure's first run took under 3 s of CPU."""
    rounds = [[measure() for measure in measures]]
    while not opts.quick and len(rounds) < 3 and rounds[0][-1].cpu_s < 3.0:
        rounds.append([measure() for measure in measures])
    return [list(runs) for runs in zip(*rounds, strict=True)]


def _best(runs: Sequence[Timing]) -> Timing:
    return min(runs, key=lambda r: r.cpu_s)


def bench_ingest(opts: Options, work: Path, found: Found,
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
        (runs,) = _repeat(opts, partial(parse_only, files))
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
        parses, stores = _repeat(opts, partial(parse_only, case.files),
                                 partial(parse_and_store, paths, work / "ingest-store"))
        parsed, stored_t = _best(parses), _best(stores)
        row = {"format": case.format, "dataset": "synthetic", "files": len(paths),
               "records": stored_t.documents, "passages": stored_t.passages, "runs": len(stores),
               **parsed.rates("parse"), **stored_t.rates("store"), "note": case.note}
        key = f"ingest {case.format} (synthetic, parse+store)"
        if key in TARGETS:
            row.update(index_after_ingest(paths, work / "ingest-store"))
            target = TARGETS[key][2]
            row["target_records_per_s"] = target
            row["met"] = bool(row["store_records_per_s"] >= target)
            if not row["met"] and (opts.profile or not opts.quick) and case.small:
                suffix = paths[0].suffix if len(paths) == 1 else ""
                small_paths = case.small(work / "synthetic" / f"profile-{case.format}{suffix}")

                def profiled(paths: list[Path] = small_paths) -> None:
                    parse_and_store(paths, work / "ingest-profile")

                profiles[key] = f"1/10 of the synthetic file ({len(small_paths)} file(s))\n" + \
                    profile_top(profiled)
        rows.append(row)
        _echo_row(echo, row)
    return {"formats": rows, "synthetic": made, "profiles": profiles}


def _echo_row(echo: Callable[[str], None], row: dict[str, Any]) -> None:
    text = (f"  ingest {row['format']:<16} {row['dataset']:<9} {row['records']:>7,} rec  parse "
            f"{row['parse_records_per_s']:>9,.0f}/s")
    if "store_records_per_s" in row:
        text += (f"  parse+store {row['store_records_per_s']:>8,.0f}/s "
                 f"({row['store_passages_per_s']:,.0f} passages/s)")
    if "index_fts5_records_per_s" in row:
        text += (f"  then index: fts5 {row['index_fts5_records_per_s']:,.0f}/s, bm25s "
                 f"{row['index_bm25s_records_per_s']:,.0f}/s")
    echo(text + "  [per CPU second]")
