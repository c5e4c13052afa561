"""The store of record: migrations, versioned upserts, history, snapshot, full-text search."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from docs_factory import guideline, label, paper
from medbrief.models import Tier
from medbrief.store import UpsertOutcome, open_store
from medbrief.store.index import Fts5Index, query_terms
from medbrief.store.migrations import MIGRATIONS, apply_migrations


def test_migrations_are_ordered_and_recorded(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations")]
    assert versions == sorted(m[0] for m in MIGRATIONS)
    assert apply_migrations(store.conn) == []  # idempotent


def test_failing_migration_rolls_back(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)

    def good(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE a (x)")

    def bad(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE b (x)")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        apply_migrations(conn, [(1, "a", good), (2, "b", bad)])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "a" in tables and "b" not in tables
    assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations")] == [1]


def test_upsert_versions_history_and_snapshot(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    s0 = store.snapshot()
    with store.transaction():
        assert store.upsert(label(version="2")) is UpsertOutcome.INGESTED
    s1 = store.snapshot()
    assert s1 != s0
    with store.transaction():
        assert store.upsert(label(version="2")) is UpsertOutcome.UNCHANGED
    assert store.snapshot() == s1
    newer = label(version="3", extra={"boxed_warning": "A new boxed warning sentence for tests."})
    with store.transaction():
        assert store.upsert(newer) is UpsertOutcome.UPDATED
    stored = store.get_document("SETID:examplofen-set")
    assert stored is not None and stored.document.version == "3"
    assert {p.section for p in stored.passages} >= {"boxed_warning"}
    history = store.history("SETID:examplofen-set")
    assert [h["version"] for h in history] == ["2"] and history[0]["reason"] == "replaced"
    with store.transaction():  # an older version arriving late does not replace the newer one
        assert store.upsert(label(version="1")) is UpsertOutcome.OLDER
    assert store.get_document("SETID:examplofen-set").document.version == "3"  # type: ignore[union-attr]
    kinds = [c[2] for c in store.changes_since(0)]
    assert kinds == ["added", "updated"]
    # passages and the FTS index follow the replacement: one copy only
    n = store.conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    assert n == len(newer.passages)
    hits = Fts5Index(store).search("boxed warning sentence", tier=Tier.LABEL)
    assert len(hits) == 1


def test_delete_keeps_history_and_changes_snapshot(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        store.upsert(paper("1", "A title", "Some conclusion about examplofen and pain."))
    before = store.snapshot()
    with store.transaction():
        assert store.delete("PMID:1") is True
        assert store.delete("PMID:1") is False
    assert store.get_document("PMID:1") is None
    assert store.snapshot() != before
    assert store.history("PMID:1")[0]["reason"] == "deleted"
    assert store.conn.execute("SELECT count(*) FROM passages_fts").fetchone()[0] == 0 or \
        Fts5Index(store).search("examplofen") == []


def test_transaction_rollback_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with pytest.raises(KeyboardInterrupt), store.transaction():
        store.upsert(label())
        store.upsert(guideline())
        raise KeyboardInterrupt  # a kill in the middle of a file
    assert store.stats().documents == 0
    assert store.conn.execute("SELECT count(*) FROM passages").fetchone()[0] == 0
    with store.transaction():  # the rerun completes without duplicates
        store.upsert(label())
        store.upsert(guideline())
    assert store.stats().documents == 2


@pytest.mark.parametrize("text", [
    'baclofen" OR "x', "NEAR(baclofen pain)", "baclofen AND NOT pain", "*", "back-pain's ^ -x",
    "(((", "a" * 5000, " ".join(["pain"] * 400), "col:baclofen", "\"unterminated",
])
def test_query_text_never_breaks_search(tmp_path: Path, text: str) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        store.upsert(label("baclofen"))
    Fts5Index(store).search(text)  # must not raise
    assert len(query_terms(text)) <= 32


def _reference_bm25(docs: list[list[str]], query: list[str], k1: float = 1.2,
                    b: float = 0.75) -> list[float]:
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    df = Counter(t for d in docs for t in set(d))
    scores = []
    for d in docs:
        tf = Counter(d)
        s = 0.0
        for t in query:
            if t not in tf:
                continue
            # FTS5's documented IDF, floored at 1e-6 for terms in half or more of the rows
            idf = math.log((n - df[t] + 0.5) / (df[t] + 0.5))
            idf = idf if idf > 0 else 1e-6
            s += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / avgdl))
        scores.append(s)
    return scores


def test_fts5_ranking_matches_reference_bm25(tmp_path: Path) -> None:
    """On a tiny corpus of stem-stable words, FTS5's scores equal BM25 (k1=1.2, b=0.75)."""
    corpus = [
        "cat dog bird", "dog dog fish", "bird fish fish fish", "cat cat cat dog",
        "fish lamb", "lamb lamb dog cat bird", "cow", "cow cat",
    ]
    store = open_store(tmp_path / "s.sqlite3")
    from medbrief.models import Document, Passage

    with store.transaction():
        for i, text in enumerate(corpus):
            store.upsert(Document(tier=Tier.RESEARCH, source_id=f"PMID:{i}", title=f"t{i}",
                                  source_format="test", passages=[Passage("abstract", text, 0)]))
    index = Fts5Index(store)
    for query in (["cat"], ["fish", "dog"], ["lamb", "cow", "bird"]):
        hits = index.search(" ".join(query), limit=20)
        ref = _reference_bm25([c.split() for c in corpus], query)
        ids = {h.passage_id: h for h in hits}
        rows = dict(store.conn.execute("SELECT p.id, d.source_id FROM passages p "
                                       "JOIN documents d ON d.id = p.doc_id").fetchall())
        got = {int(rows[pid].split(":")[1]): h.score for pid, h in ids.items()}
        expected = {i: s for i, s in enumerate(ref) if s > 0}
        assert set(got) == set(expected)
        for i, score in expected.items():
            assert got[i] == pytest.approx(score, rel=1e-6)


def test_stats_by_tier_and_sections(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        store.upsert(label())
        store.upsert(guideline())
        store.upsert(paper("9", "T", "Conclusion text here for the test."))
    st = store.stats().to_json_dict()
    assert st["by_tier"]["label"]["documents"] == 1
    assert st["by_tier"]["guideline"]["passages"] == 2
    assert st["guideline_recommendations"] == 2 and st["graded_recommendations"] == 2
    assert st["label_sections"]["indications"] == 1
    assert st["study_designs"] == {"RCT": 1}
    assert set(st) >= {"documents", "passages", "by_tier", "by_format", "label_sections",
                       "corpus_snapshot"}
