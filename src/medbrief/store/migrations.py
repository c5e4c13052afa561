"""Ordered, transactional schema migrations. Append only: never edit an applied migration."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the caller's transaction.

    ``executescript`` would COMMIT first, breaking the migration's atomicity, so statements are
    split with ``sqlite3.complete_statement`` (which understands trigger bodies) and run one by one.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement:
                conn.execute(statement)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:80]}")


def _m1_evidence(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL UNIQUE,
            tier TEXT NOT NULL CHECK (tier IN ('guideline', 'label', 'research')),
            source_format TEXT NOT NULL,
            version TEXT NOT NULL DEFAULT '',
            version_rank TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL,
            issuer TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            year INTEGER,
            url TEXT NOT NULL DEFAULT '',
            study_design TEXT,
            retracted INTEGER NOT NULL DEFAULT 0,
            source_file TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL,            -- JSON: drugs, brand_names, conditions, meta ...
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX documents_tier ON documents(tier);

        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            tier TEXT NOT NULL,
            ord INTEGER NOT NULL,
            section TEXT NOT NULL,
            section_title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX passages_doc ON passages(doc_id, ord);

        CREATE TABLE doc_terms (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,   -- drug | brand | substance | condition
            term TEXT NOT NULL,   -- lower case
            generic TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX doc_terms_term ON doc_terms(term, kind);
        CREATE INDEX doc_terms_doc ON doc_terms(doc_id);

        CREATE TABLE document_history (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            version TEXT NOT NULL,
            version_rank TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            superseded_at TEXT NOT NULL,
            reason TEXT NOT NULL,     -- replaced | older | deleted
            document_json TEXT NOT NULL,
            UNIQUE (source_id, content_hash)
        );

        CREATE TABLE evidence_changes (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            kind TEXT NOT NULL,       -- added | updated | deleted | retracted
            old_version TEXT,
            new_version TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX evidence_changes_source ON evidence_changes(source_id);

        CREATE TABLE corpus_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO corpus_state VALUES ('generation', '0'), ('digest', '0');

        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content='passages', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        """
    )


def _m2_answers(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            question TEXT NOT NULL,
            audience TEXT NOT NULL,
            previous_id TEXT REFERENCES answers(id),
            corpus_snapshot TEXT NOT NULL,
            settings_hash TEXT NOT NULL,
            answer_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX answers_previous ON answers(previous_id);
        """,
    )


MIGRATIONS: list[Migration] = [
    (1, "evidence store", _m1_evidence),
    (2, "saved answers", _m2_answers),
]


def apply_migrations(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every pending migration in order, each in its own transaction. Returns those applied."""
    migrations = MIGRATIONS if migrations is None else migrations
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    applied: list[int] = []
    for version, name, func in sorted(migrations, key=lambda m: m[0]):
        if version in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            func(conn)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                (version, name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(version)
    return applied
