"""The results: targets met or missed, the printed tables, and ``bench/results/latest.json``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from medbrief.benchmark.common import BACKENDS, RESULTS_FILE, TARGETS
from medbrief.settings import Settings

_SEARCH_MODE = "any tier, OR, top 20"  # the query shape of the search target
_DEFAULT = "default backend"  # how the per-backend targets name the backend


def _backend_values(results: dict[str, Any], backend: str) -> dict[str, float]:
    """The measured values of the per-backend targets for ``backend`` (keys as in TARGETS)."""
    values: dict[str, float] = {}
    modes = results.get("search", {}).get("modes", {})
    if backend in modes.get(_SEARCH_MODE, {}):
        values[f"search p50 ({_DEFAULT}, any tier, top 20)"] = \
            modes[_SEARCH_MODE][backend]["p50_ms"]
    warm = results.get("ask", {}).get("warm", {})
    if backend in warm:
        values[f"ask warm p50 ({_DEFAULT})"] = warm[backend]["p50_ms"]
        values[f"ask warm p95 ({_DEFAULT})"] = warm[backend]["p95_ms"]
    return values


def _target_row(measure: str, target: tuple[str, str, float],
                value: float | None) -> dict[str, Any]:
    unit, op, limit = target
    met = None if value is None else (value >= limit if op == ">=" else value <= limit)
    return {"measure": measure, "target": f"{op} {limit:g} {unit}", "value": value, "met": met}


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    values: dict[str, float | None] = dict.fromkeys(TARGETS)
    for row in results.get("ingest", {}).get("formats", []):
        key = f"ingest {row['format']} ({row['dataset']}, parse+store)"
        if key in values:
            values[key] = row.get("store_records_per_s")
    default = Settings().search_backend
    values.update(_backend_values(results, default))
    cold = results.get("ask", {}).get("cold", {})
    if "cli_default" in cold:
        values["ask cold start (medbrief ask, median)"] = cold["cli_default"]["median_s"]
    out = [_target_row(name, target, values[name]) for name, target in TARGETS.items()]
    # the same targets for the other backends, for the engine decision
    for backend in BACKENDS:
        if backend == default:
            continue
        for name, value in _backend_values(results, backend).items():
            out.append(_target_row(name.replace(_DEFAULT, backend), TARGETS[name], value))
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
                     f"{'parse+store rec/s':>24}{'passages/s':>12}{'index fts5 / bm25s rec/s':>26}")
        for r in ingest.get("formats", []):
            store = (f"{r['store_records_per_s']:,.0f} ({r['store_records_per_s_wall']:,.0f})"
                     if "store_records_per_s" in r else "-")
            passages = f"{r['store_passages_per_s']:,.0f}" if "store_passages_per_s" in r else "-"
            index_cell = (f"{r['index_fts5_records_per_s']:,.0f} / "
                          f"{r['index_bm25s_records_per_s']:,.0f}"
                          if "index_fts5_records_per_s" in r else "")
            lines.append(f"{r['format']:<16}{r['dataset']:<10}{r['records']:>9,}{r['passages']:>10,}"
                         f"{r['parse_records_per_s']:>13,.0f}{store:>24}{passages:>12}{index_cell:>26}")
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


def default_out() -> Path:
    repo = Path(__file__).resolve().parents[3]  # src/medbrief/benchmark/report.py
    if (repo / "bench").is_dir():
        return repo / RESULTS_FILE
    return Path.cwd() / RESULTS_FILE


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
