"""The ``search`` section: ranked-query latency of every backend, and how far fts5 and bm25s agree."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from medbrief.benchmark.common import clock, disk_size, latency_summary, maxrss_mb
from medbrief.models import Tier
from medbrief.store import Store

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
    from medbrief.store.index import get_index
    from medbrief.store.index_bm25s import Bm25sIndex

    info: dict[str, Any] = {"fts5": index_sizes(store)}
    indexes: dict[str, Any] = {"fts5": get_index(store, "fts5")}
    folder = Bm25sIndex.default_folder(store)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    builder = Bm25sIndex(store)
    rss_before = maxrss_mb()
    with clock() as build:
        builder.current()
    rss_after = maxrss_mb()
    loader = Bm25sIndex(store)
    with clock() as load:
        loader.current()
    indexes["bm25s"] = loader
    info["bm25s"] = {
        "build_s": round(build[0], 2), "load_s": round(load[0], 3),
        "process_peak_rss_mb_before_build": rss_before, "process_peak_rss_mb_after_build": rss_after,
        "loaded_from_disk": loader.loads == 1 and loader.builds == 0,
        "disk_bytes": disk_size(folder) if folder is not None else None,
        "postings": int(loader.current().indices.shape[0]),
        "terms": len(loader.current().vocab),
    }
    return indexes, info


def _agreement(tops: dict[str, list[list[int]]], scores: dict[str, list[list[float]]],
               queries: int) -> dict[str, float]:
    """How often bm25s returns what fts5 returns, query by query."""
    same_list = sum(a == b for a, b in zip(tops["fts5"], tops["bm25s"], strict=True))
    same_set = sum(set(a) == set(b) for a, b in zip(tops["fts5"], tops["bm25s"], strict=True))
    overlap = [len(set(a) & set(b)) / max(1, len(a)) for a, b in
               zip(tops["fts5"], tops["bm25s"], strict=True) if a or b]
    # equal score lists = the engines differ only in which of several tied passages
    # fill the last places (replicated documents tie exactly)
    same_scores = sum(len(a) == len(b) and all(
        abs(x - y) <= 1e-4 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True))
        for a, b in zip(scores["fts5"], scores["bm25s"], strict=True))
    return {"same_ranked_list": round(same_list / queries, 3),
            "same_set": round(same_set / queries, 3),
            "same_scores": round(same_scores / queries, 3),
            "mean_overlap": round(statistics.fmean(overlap), 4) if overlap else 1.0}


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
            row["agreement"] = _agreement(tops, scores, len(queries))
        out["modes"][label] = row
        echo(f"  search {label:<52} " + "  ".join(
            f"{n} p50 {row[n]['p50_ms']:>7.2f} p95 {row[n]['p95_ms']:>7.2f} ms" for n in indexes))
    return out
