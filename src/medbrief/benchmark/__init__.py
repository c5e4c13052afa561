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

Modules: ``common`` (options, targets, clocks, percentiles, sizes), ``synthetic`` (large source
files from the real records), one module per section (``ingest``, ``search``, ``ask``, ``scale``),
``report`` (targets, tables, the results file) and ``runner`` (a whole run).
"""

from medbrief.benchmark.common import (
    BACKENDS,
    SECTIONS,
    TARGETS,
    Options,
    latency_summary,
    percentile,
)
from medbrief.benchmark.report import evaluate_targets, format_tables, write_results
from medbrief.benchmark.runner import main, run_benchmarks

__all__ = [
    "BACKENDS",
    "SECTIONS",
    "TARGETS",
    "Options",
    "evaluate_targets",
    "format_tables",
    "latency_summary",
    "main",
    "percentile",
    "run_benchmarks",
    "write_results",
]
