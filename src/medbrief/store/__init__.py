"""SQLite is the store of record; search indexes are derived from it."""

from medbrief.store.db import open_store
from medbrief.store.repository import Store, UpsertOutcome

__all__ = ["Store", "UpsertOutcome", "open_store"]
