"""The audit trail: every edit and transition, append-only (SQLite triggers reject UPDATE and
DELETE on ``article_events``), read back for the history page and the API."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from medbrief.editorial.users import User, now

SYSTEM_ACTOR = "medbrief (stale-evidence check)"


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    at: str
    actor: str          # display name at the time ("medbrief (stale-evidence check)" for the system)
    actor_id: int | None
    action: str
    from_status: str | None
    to_status: str
    version: int
    revision: int
    settings_hash: str
    note: str

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("actor_id")
        data["system"] = self.actor_id is None
        return data


def record(conn: sqlite3.Connection, article_id: int, actor: User | None, action: str,
           from_status: str | None, to_status: str, version: int, revision: int,
           settings_hash: str, note: str = "", at: str | None = None) -> None:
    """Append one event (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO article_events (article_id, at, actor_id, actor, action, from_status, "
        "to_status, version, revision, settings_hash, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (article_id, at or now(), actor.id if actor else None,
         actor.name if actor else SYSTEM_ACTOR, action, from_status, to_status, version,
         revision, settings_hash, note),
    )


def events(conn: sqlite3.Connection, article_id: int) -> list[Event]:
    rows = conn.execute(
        "SELECT id, at, actor, actor_id, action, from_status, to_status, version, revision, "
        "settings_hash, note FROM article_events WHERE article_id = ? ORDER BY id",
        (article_id,),
    )
    return [Event(*row) for row in rows]


def last_event(conn: sqlite3.Connection, article_id: int) -> Event | None:
    row = conn.execute(
        "SELECT id, at, actor, actor_id, action, from_status, to_status, version, revision, "
        "settings_hash, note FROM article_events WHERE article_id = ? ORDER BY id DESC LIMIT 1",
        (article_id,),
    ).fetchone()
    return Event(*row) if row else None
