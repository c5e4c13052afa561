"""One benchmark run: the sections asked for, in a temporary folder, then the results written."""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from medbrief.benchmark.ask import bench_ask
from medbrief.benchmark.common import (
    DB_NAME,
    SECTIONS,
    Options,
    loadavg,
    medicationqa_questions,
    now,
)
from medbrief.benchmark.ingest import bench_ingest, build_shared_store, discover
from medbrief.benchmark.report import default_out, format_tables, write_results
from medbrief.benchmark.scale import bench_scale
from medbrief.benchmark.search import SEARCH_MODES, bench_search, prepare_backends, search_queries
from medbrief.settings import Settings
from medbrief.store import open_store


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
        "date": now(), "command": command_line(opts), "quick": opts.quick,
        "cpus": os.cpu_count(), "platform": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "loadavg_start": loadavg(), "default_backend": Settings().search_backend,
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
        meta["loadavg_end"] = loadavg()
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
    """search, ask and scale: all read the store of the full shared data."""
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
                results["ask"] = bench_ask(store, home, asked, questions, profile,
                                           opts.pick(3, 7), echo)
        if "scale" in opts.only:
            results["scale"] = bench_scale(opts, store, questions, work)
    finally:
        store.close()


def main(opts: Options) -> dict[str, Any]:
    results = run_benchmarks(opts)
    out = opts.out or default_out()
    merged = write_results(results, out)
    opts.echo("")
    opts.echo(format_tables(merged))
    opts.echo(f"\nresults written to {out}")
    return merged
