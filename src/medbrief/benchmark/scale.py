"""The ``scale`` section: a ~1M-passage store made from the real documents, searched and asked."""

from __future__ import annotations

import dataclasses
import math
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from medbrief.benchmark.ask import bench_ask
from medbrief.benchmark.common import (
    DB_NAME,
    Options,
    clock,
    db_bytes,
    disk_size,
    fresh_store,
    rate,
)
from medbrief.benchmark.search import (
    SEARCH_MODES,
    bench_search,
    index_sizes,
    prepare_backends,
    search_queries,
)
from medbrief.store import Store, open_store


def build_scale_store(source: Store, folder: Path, target_passages: int,
                      echo: Callable[[str], None]) -> dict[str, Any]:
    """Replicate the real documents under new source ids until ``target_passages`` are stored."""
    ids = [r[0] for r in source.conn.execute("SELECT source_id FROM documents ORDER BY id")]
    with clock() as load:
        docs = [d.document for d in (source.get_document(i) for i in ids) if d is not None]
    base = sum(len(d.passages) for d in docs)
    copies = max(1, math.ceil(target_passages / max(1, base)))
    store = fresh_store(folder)
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
            "passages_per_s": rate(inserted, cpu), "passages_per_s_wall": rate(inserted, seconds),
            "db_bytes": db_bytes(folder / DB_NAME), **sizes}


def bench_scale(opts: Options, source: Store, questions: Sequence[str],
                work: Path) -> dict[str, Any]:
    """Build the scale-up store from ``source``, then the search and ask measures on it."""
    echo = opts.echo
    target = opts.scale_passages or opts.pick(150_000, 1_000_000)
    echo(f"scale-up: building a store of ~{target:,} passages ...")
    folder = work / "scale-store"
    info = build_scale_store(source, folder, target, echo)
    out: dict[str, Any] = {"store": info}
    scaled = open_store(folder / DB_NAME)
    try:
        indexes, index_info = prepare_backends(scaled)
        out["indexes"] = index_info
        info["bm25s_bytes"] = index_info["bm25s"]["disk_bytes"]
        queries = search_queries(questions)[: opts.pick(60, 150)]
        modes = [SEARCH_MODES[i] for i in (0, 2, 4, 5)]
        out["search"] = bench_search(indexes, queries, modes, echo)
        asked = questions[: opts.pick(40, 120)]
        out["ask"] = bench_ask(scaled, folder, asked, questions, False, opts.pick(2, 5), echo)
        out["disk_bytes_total"] = disk_size(folder)
    finally:
        scaled.close()
    if not opts.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return out
