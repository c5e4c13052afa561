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


def _m3_editorial(conn: sqlite3.Connection) -> None:
    """Editorial workflow: people, API tokens, articles and their versions, the audit trail."""
    run_script(
        conn,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            revoked_at TEXT,
            revoked_by INTEGER REFERENCES users(id)
        );
        CREATE TABLE user_roles (
            user_id INTEGER NOT NULL REFERENCES users(id),
            role TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
            PRIMARY KEY (user_id, role)
        );
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            token_hash TEXT NOT NULL UNIQUE,   -- sha256 hex of the token; the token is never stored
            prefix TEXT NOT NULL,              -- first characters, to tell tokens apart in lists
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX api_tokens_user ON api_tokens(user_id);

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            question TEXT NOT NULL,
            audience TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'approved',
                                                   'changes_requested', 'retired')),
            revision INTEGER NOT NULL DEFAULT 1,   -- optimistic concurrency: +1 on every write
            current_version INTEGER NOT NULL,
            approved_version INTEGER,
            approved_at TEXT,
            approved_by INTEGER REFERENCES users(id),
            claimed_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            content_updated_at TEXT NOT NULL,      -- "last updated": content changes only
            status_changed_at TEXT NOT NULL,
            evidence_changed_at TEXT,              -- set by the stale-evidence check
            evidence_note TEXT
        );
        CREATE INDEX articles_status ON articles(status);

        CREATE TABLE article_versions (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            version INTEGER NOT NULL,
            answer_id TEXT NOT NULL,
            question TEXT NOT NULL,
            audience TEXT NOT NULL,
            answer_json TEXT NOT NULL,
            corpus_snapshot TEXT NOT NULL,
            settings_hash TEXT NOT NULL,
            evidence_cursor INTEGER NOT NULL,      -- last evidence_changes.id when saved
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (article_id, version)
        );
        CREATE INDEX article_versions_answer ON article_versions(answer_id);

        CREATE TABLE article_citations (
            article_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            source_id TEXT NOT NULL,
            source_version TEXT,
            tier TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (article_id, version, source_id),
            FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, version)
        );
        CREATE INDEX article_citations_source ON article_citations(source_id);

        CREATE TABLE article_events (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),   -- NULL: the system (stale-evidence check)
            actor TEXT NOT NULL,                     -- display name at the time
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            version INTEGER NOT NULL,                -- the content version acted on
            revision INTEGER NOT NULL,               -- the article revision after the event
            settings_hash TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX article_events_article ON article_events(article_id, id);

        CREATE TABLE check_reports (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            checker TEXT NOT NULL DEFAULT '',
            contradicted INTEGER NOT NULL CHECK (contradicted >= 0),
            report_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users(id),
            FOREIGN KEY (article_id, version) REFERENCES article_versions(article_id, version)
        );
        CREATE INDEX check_reports_version ON check_reports(article_id, version, id);

        CREATE TABLE editorial_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TRIGGER article_events_no_update BEFORE UPDATE ON article_events BEGIN
            SELECT RAISE(ABORT, 'article_events is append-only');
        END;
        CREATE TRIGGER article_events_no_delete BEFORE DELETE ON article_events BEGIN
            SELECT RAISE(ABORT, 'article_events is append-only');
        END;
        CREATE TRIGGER article_versions_no_update BEFORE UPDATE ON article_versions BEGIN
            SELECT RAISE(ABORT, 'article_versions is append-only');
        END;
        CREATE TRIGGER article_versions_no_delete BEFORE DELETE ON article_versions BEGIN
            SELECT RAISE(ABORT, 'article_versions is append-only');
        END;
        CREATE TRIGGER check_reports_no_update BEFORE UPDATE ON check_reports BEGIN
            SELECT RAISE(ABORT, 'check_reports is append-only');
        END;
        CREATE TRIGGER check_reports_no_delete BEFORE DELETE ON check_reports BEGIN
            SELECT RAISE(ABORT, 'check_reports is append-only');
        END;
        """,
    )


def _m4_fts_catch_up(conn: sqlite3.Connection) -> None:
    """FTS5 stops being written row by row during ingest: new passages are queued in
    ``fts_pending`` (a cheap b-tree insert) and indexed in one pass by ``Fts5Index.prepare``.

    Tokenising every passage inside the insert trigger was two thirds of ingest time; the queue
    lives in the same database and transactions, so the FTS5 index plus the queue always equals the
    passages table, even after a crash. A deleted passage still queued is simply dequeued; one
    already indexed is removed from FTS5 at once (external-content FTS5 needs its old text).
    """
    run_script(
        conn,
        """
        CREATE TABLE fts_pending (id INTEGER PRIMARY KEY);
        DROP TRIGGER passages_ai;
        DROP TRIGGER passages_ad;
        CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
            INSERT INTO fts_pending(id) VALUES (new.id);
        END;
        CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text)
                SELECT 'delete', old.id, old.text
                WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = old.id);
            DELETE FROM fts_pending WHERE id = old.id;
        END;
        """,
    )


MIGRATIONS: list[Migration] = [
    (1, "evidence store", _m1_evidence),
    (2, "saved answers", _m2_answers),
    (3, "editorial workflow", _m3_editorial),
    (4, "full-text index caught up in batches", _m4_fts_catch_up),
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
