"""FTS5 as a queue-fed index (migration 4) and the ``h2:`` content hash with legacy hashes kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docs_factory import label, paper
from medbrief.store import UpsertOutcome, open_store
from medbrief.store.index import Fts5Index
from medbrief.store.migrations import MIGRATIONS, apply_migrations
from medbrief.store.repository import Store


def _integrity_ok(store: Store) -> None:
    # FTS5 compares its index with the external content table; raises on any disagreement
    store.conn.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)")


def _fts_rows(store: Store) -> int:
    return int(store.conn.execute(
        "SELECT count(*) FROM passages_fts_docsize").fetchone()[0])


def test_ingest_queues_and_search_catches_up(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    index = Fts5Index(store)
    with store.transaction():
        store.upsert(paper("1", "Zorbitol for pain", "Zorbitol reduced pain scores."))
    assert index.pending() == 2 and _fts_rows(store) == 0  # nothing tokenised during ingest
    hits = index.search("zorbitol")
    assert {h.passage_id for h in hits} == {r[0] for r in store.conn.execute(
        "SELECT id FROM passages")}
    assert index.pending() == 0 and _fts_rows(store) == 2
    _integrity_ok(store)


def test_prepare_indexes_everything_once(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        for i in range(5):
            store.upsert(paper(str(i), f"Study {i} of quorvane", "Quorvane helped."))
    index = Fts5Index(store)
    index.prepare()
    assert index.pending() == 0 and _fts_rows(store) == 10
    assert index.catch_up() == 0  # nothing left to do
    _integrity_ok(store)


def test_deleting_queued_and_indexed_passages(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    index = Fts5Index(store)
    with store.transaction():
        store.upsert(paper("1", "Indexed zorbitol", "Zorbitol first."))
    index.prepare()
    with store.transaction():
        store.upsert(paper("2", "Queued zorbitol", "Zorbitol second."))
        store.delete("PMID:1")  # indexed: removed from FTS5 at once
        store.delete("PMID:2")  # still queued: simply dequeued
    assert index.pending() == 0
    assert index.search("zorbitol") == []
    _integrity_ok(store)


def test_reused_passage_ids_are_indexed(tmp_path: Path) -> None:
    """SQLite reuses the highest rowid after a delete: a new passage with an old id is found."""
    store = open_store(tmp_path / "s.sqlite3")
    index = Fts5Index(store)
    with store.transaction():
        store.upsert(paper("1", "Old alphazine", "Alphazine text."))
    index.prepare()
    old_ids = {r[0] for r in store.conn.execute("SELECT id FROM passages")}
    with store.transaction():
        store.delete("PMID:1")
        store.upsert(paper("2", "New betazine", "Betazine text."))
    new_ids = {r[0] for r in store.conn.execute("SELECT id FROM passages")}
    assert old_ids & new_ids  # the case this test is about
    assert index.search("alphazine") == []
    assert {h.passage_id for h in index.search("betazine")} == new_ids
    _integrity_ok(store)


def test_updating_a_document_replaces_its_indexed_text(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    index = Fts5Index(store)
    with store.transaction():
        store.upsert(label(version="1", indications="Gammadol treats gout."))
    index.prepare()
    with store.transaction():
        assert store.upsert(label(version="2", indications="Deltadol treats gout.")) == \
            UpsertOutcome.UPDATED
    assert index.search("gammadol") == []
    assert index.search("deltadol")
    _integrity_ok(store)


def test_rollback_leaves_queue_and_index_consistent(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    index = Fts5Index(store)
    try:
        with store.transaction():
            store.upsert(paper("1", "Epsilozine", "Epsilozine text."))
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert index.pending() == 0 and index.search("epsilozine") == []
    _integrity_ok(store)


def test_migration_keeps_an_existing_full_text_index(tmp_path: Path) -> None:
    """A store made before migration 4 (FTS5 written by triggers) upgrades without re-indexing."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    apply_migrations(conn, [m for m in MIGRATIONS if m[0] < 4])
    old = Store(conn, path)
    with old.transaction():
        old.upsert(paper("1", "Legacy zetamab", "Zetamab text."))
    assert _fts_rows(old) == 2  # indexed by the old insert trigger
    conn.close()
    store = open_store(path)
    index = Fts5Index(store)
    assert index.pending() == 0 and index.search("zetamab")
    with store.transaction():
        store.delete("PMID:1")  # an indexed passage leaves FTS5 through the new trigger
    assert index.search("zetamab") == []
    _integrity_ok(store)


def test_content_hash_scheme_and_legacy_hashes(tmp_path: Path) -> None:
    doc = paper("7", "Hash title", "Some abstract text.")
    h2 = doc.content_hash()
    assert h2.startswith("h2:") and len(h2) == 3 + 64
    assert doc.legacy_content_hash() != h2 and len(doc.legacy_content_hash()) == 64
    changed = paper("7", "Hash title", "Some abstract text!")
    assert changed.content_hash() != h2
    # moving characters between passages changes the hash (texts are length-delimited)
    a = paper("7", "ab", "c")
    b = paper("7", "a", "bc")
    assert a.content_hash() != b.content_hash()

    store = open_store(tmp_path / "s.sqlite3")
    with store.transaction():
        store.upsert(doc)
    # a store written before h2 holds the legacy hash: the same document is still unchanged
    store.conn.execute("UPDATE documents SET content_hash = ? WHERE source_id = 'PMID:7'",
                       (doc.legacy_content_hash(),))
    with store.transaction():
        assert store.upsert(paper("7", "Hash title", "Some abstract text.")) == \
            UpsertOutcome.UNCHANGED
        assert store.upsert(changed) == UpsertOutcome.UPDATED
    stored = store.conn.execute(
        "SELECT content_hash FROM documents WHERE source_id = 'PMID:7'").fetchone()[0]
    assert stored == changed.content_hash()
