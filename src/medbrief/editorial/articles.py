"""Articles and their versions: storage and reads.

An article is a saved answer under a slug. Its content lives in ``article_versions`` (append-only:
every edit adds a version, none is ever changed or lost); ``articles`` holds the workflow state
(status, revision, which version is current and which is the latest approved one).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

from medbrief.answer import Answer
from medbrief.editorial.errors import EditorialInputError, NotFound
from medbrief.editorial.states import Status
from medbrief.editorial.users import User
from medbrief.store.answers import load_answer, save_answer
from medbrief.store.repository import Store

SLUG_MAX = 80
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_STOP = {"a", "an", "the", "of", "in", "for", "to", "is", "are", "what", "and", "with", "on", "does",
         "do", "how", "can", "i", "my"}

_ARTICLE_COLS = (
    "id, slug, question, audience, status, revision, current_version, approved_version, "
    "approved_at, approved_by, claimed_by, created_at, created_by, content_updated_at, "
    "status_changed_at, evidence_changed_at, evidence_note"
)
_VERSION_COLS = (
    "article_id, version, answer_id, question, audience, answer_json, corpus_snapshot, "
    "settings_hash, evidence_cursor, created_at, created_by, note"
)


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    slug: str
    question: str
    audience: str
    status: Status
    revision: int
    current_version: int
    approved_version: int | None
    approved_at: str | None
    approved_by: int | None
    claimed_by: int | None
    created_at: str
    created_by: int | None
    content_updated_at: str
    status_changed_at: str
    evidence_changed_at: str | None
    evidence_note: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "question": self.question, "audience": self.audience,
            "status": str(self.status), "status_label": self.status.label,
            "revision": self.revision, "current_version": self.current_version,
            "approved_version": self.approved_version, "approved_at": self.approved_at,
            "created_at": self.created_at, "last_updated": self.content_updated_at,
            "status_changed_at": self.status_changed_at,
            "evidence_changed": ({"at": self.evidence_changed_at, "reason": self.evidence_note}
                                 if self.evidence_changed_at else None),
        }


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    article_id: int
    version: int
    answer_id: str
    question: str
    audience: str
    answer_json: str
    corpus_snapshot: str
    settings_hash: str
    evidence_cursor: int
    created_at: str
    created_by: int | None
    note: str

    def answer(self) -> Answer:
        return Answer.model_validate_json(self.answer_json)

    def to_json_dict(self, with_answer: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": self.version, "answer_id": self.answer_id, "question": self.question,
            "audience": self.audience, "corpus_snapshot": self.corpus_snapshot,
            "settings_hash": self.settings_hash, "created_at": self.created_at,
            "note": self.note,
        }
        if with_answer:
            data["answer"] = self.answer().model_dump(mode="json")
        return data


def _article(row: tuple[Any, ...]) -> Article:
    values = list(row)
    values[4] = Status(values[4])
    return Article(*values)


def slugify(text: str) -> str:
    """``"What is the maximum dose of Flexeril?"`` → ``"maximum-dose-flexeril"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept = [w for w in words if w not in _STOP] or words
    slug = ""
    for word in kept:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    return slug or "article"


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not _SLUG.match(slug) or len(slug) > SLUG_MAX:
        raise EditorialInputError(f"{slug!r} is not a usable slug: lower-case letters, digits and "
                                  f"single hyphens, at most {SLUG_MAX} characters")
    return slug


def unique_slug(conn: sqlite3.Connection, base: str) -> str:
    slug, n = base, 1
    while conn.execute("SELECT 1 FROM articles WHERE slug = ?", (slug,)).fetchone():
        n += 1
        slug = f"{base}-{n}"
    return slug


def find_article(store: Store, slug: str) -> Article | None:
    row = store.conn.execute(f"SELECT {_ARTICLE_COLS} FROM articles WHERE slug = ?",
                             (slug.strip().lower(),)).fetchone()
    return _article(row) if row else None


def get_article(store: Store, slug: str) -> Article:
    article = find_article(store, slug)
    if article is None:
        raise NotFound(f"no article {slug!r}; `medbrief review list` shows the articles")
    return article


def list_articles(store: Store, statuses: list[Status] | None = None) -> list[Article]:
    sql = f"SELECT {_ARTICLE_COLS} FROM articles"
    params: list[Any] = []
    if statuses:
        sql += f" WHERE status IN ({','.join('?' * len(statuses))})"
        params = [str(s) for s in statuses]
    sql += " ORDER BY content_updated_at, id"
    return [_article(r) for r in store.conn.execute(sql, params)]


def get_version(store: Store, article: Article, version: int) -> ArticleVersion:
    row = store.conn.execute(
        f"SELECT {_VERSION_COLS} FROM article_versions WHERE article_id = ? AND version = ?",
        (article.id, version),
    ).fetchone()
    if row is None:
        raise NotFound(f"article {article.slug!r} has no version {version}; it has versions "
                       f"1 to {article.current_version}")
    return ArticleVersion(*row)


def versions(store: Store, article: Article) -> list[ArticleVersion]:
    rows = store.conn.execute(
        f"SELECT {_VERSION_COLS} FROM article_versions WHERE article_id = ? ORDER BY version",
        (article.id,),
    )
    return [ArticleVersion(*r) for r in rows]


def articles_for_answer(store: Store, answer_id: str) -> list[Article]:
    """Articles that have (had) this answer as one of their versions, newest first."""
    rows = store.conn.execute(
        f"SELECT {', '.join('a.' + c.strip() for c in _ARTICLE_COLS.split(','))} FROM articles a "
        "WHERE a.id IN (SELECT article_id FROM article_versions WHERE answer_id = ?) "
        "ORDER BY a.content_updated_at DESC, a.id DESC",
        (answer_id,),
    )
    return [_article(r) for r in rows]


def evidence_cursor(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM evidence_changes").fetchone()[0])


def check_evidence_current(store: Store, answer: Answer) -> None:
    """Refuse an answer whose cited evidence has changed since it was composed.

    Same corpus snapshot: nothing changed. Otherwise every cited source must still be in the store,
    not retracted, at the cited version (labels carry one), and not replaced since the answer was
    written (guidelines and papers carry no version in the reference).
    """
    if answer.corpus_snapshot and answer.corpus_snapshot == store.snapshot():
        return
    problems: list[str] = []
    for source_id, version in dict.fromkeys((r.source_id, r.version) for r in answer.references):
        stored = store.get_document(source_id)
        if stored is None:
            problems.append(f"{source_id} is no longer in the store")
        elif stored.document.retracted:
            problems.append(f"{source_id} has been retracted")
        elif version is not None and (stored.document.version or None) != version:
            problems.append(f"{source_id} is now version {stored.document.version or '-'} "
                            f"(the answer cites version {version})")
        elif version is None and answer.created_at and stored.ingested_at > answer.created_at:
            problems.append(f"{source_id} was replaced on {stored.ingested_at}, after the answer")
    if problems:
        raise EditorialInputError(
            f"answer {answer.id} cites evidence that has changed: {'; '.join(problems)}; ask the "
            "question again and save the new answer")


def insert_version(conn: sqlite3.Connection, article_id: int, version: int, answer: Answer,
                   actor: User, at: str, note: str) -> None:
    conn.execute(
        f"INSERT INTO article_versions ({_VERSION_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (article_id, version, answer.id, answer.question, answer.audience,
         answer.model_dump_json(), answer.corpus_snapshot, answer.settings_hash,
         evidence_cursor(conn), at, actor.id, note),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO article_citations (article_id, version, source_id, source_version, "
        "tier, title) VALUES (?, ?, ?, ?, ?, ?)",
        [(article_id, version, r.source_id, r.version, r.tier, r.title)
         for r in answer.references],
    )


def authored_since_approval(conn: sqlite3.Connection, article: Article, user_id: int) -> list[int]:
    """Versions after the latest approved one that ``user_id`` wrote (their own, unapproved edits)."""
    rows = conn.execute(
        "SELECT version FROM article_versions WHERE article_id = ? AND version > ? "
        "AND created_by = ? ORDER BY version",
        (article.id, article.approved_version or 0, user_id),
    )
    return [int(r[0]) for r in rows]


def adopt_answer(store: Store, answer: Answer) -> Answer:
    """An answer given as JSON (hand-edited, or posted to the API) as a saved answer.

    If it is exactly a saved answer it is returned as is; otherwise it gets a new id (a hash of its
    content) and is saved, so an edited answer never passes for the machine answer it came from.
    """
    saved = load_answer(store, answer.id) if answer.id else None
    if saved is not None and saved.model_dump(mode="json") == answer.model_dump(mode="json"):
        return saved
    body = answer.model_copy(update={"id": ""}).model_dump_json()
    edited = answer.model_copy(update={"id": hashlib.sha256(body.encode()).hexdigest()[:16]})
    save_answer(store, edited, previous_id=None)
    return edited


def user_names(store: Store, ids: list[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = store.conn.execute(
        f"SELECT id, name FROM users WHERE id IN ({','.join('?' * len(wanted))})", wanted)
    return {int(i): n for i, n in rows}
