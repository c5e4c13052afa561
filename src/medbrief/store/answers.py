"""Saved answers: every answer is kept so it can be shown again, followed up, or made an article."""

from __future__ import annotations

from medbrief.answer import Answer
from medbrief.store.repository import Store


def save_answer(store: Store, answer: Answer, previous_id: str | None = None) -> None:
    """Keep an answer under its id (same question, audience, corpus and settings: same id)."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO answers (id, question, audience, previous_id, corpus_snapshot, "
            "settings_hash, answer_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (answer.id, answer.question, answer.audience, previous_id, answer.corpus_snapshot,
             answer.settings_hash, answer.model_dump_json(), answer.created_at),
        )


def load_answer(store: Store, answer_id: str) -> Answer | None:
    row = store.conn.execute(
        "SELECT answer_json FROM answers WHERE id = ?", (answer_id,)
    ).fetchone()
    return Answer.model_validate_json(row[0]) if row else None
