"""Opening the SQLite store: pragmas, migrations, one place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from medbrief.errors import MedbriefError
from medbrief.store.migrations import apply_migrations
from medbrief.store.repository import Store


class StoreError(MedbriefError):
    """The store cannot be opened or used (message names the file and the fix)."""


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path}: not a usable medbrief store ({exc}); point MEDBRIEF_HOME at another folder "
            "or move this file away and re-ingest"
        ) from exc
    return conn


def open_store(path: Path) -> Store:
    conn = connect(path)
    try:
        apply_migrations(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"{path}: could not migrate the store ({exc}); move the file away and re-ingest"
        ) from exc
    return Store(conn, path)
