"""Stale evidence: after an ingest, put articles whose cited evidence changed back under review.

``evidence_changes`` (filled by the store on every ingest change) is read from a cursor kept in
``editorial_state``; when nothing was added since, :func:`check_stale_evidence` costs one indexed
query. A change concerns an article version when the version cites the source (its references) and
the change came after the version was saved (``article_versions.evidence_cursor``). Only the
article's current version and its latest approved one (the public one) are considered.

* an **approved** article goes to ``under_review`` (action ``evidence-changed``, by the system)
  with the reason in the audit trail;
* an article in any other live status keeps its status, gets an ``evidence-changed`` event, and
  is flagged so reviewers and the public page see it;
* the flag (``evidence_changed_at`` / ``evidence_note``) is cleared by the next approval.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from medbrief.editorial import audit
from medbrief.editorial.articles import get_article, get_version
from medbrief.editorial.states import Action, Status
from medbrief.editorial.users import now
from medbrief.store.repository import Store

CURSOR_KEY = "evidence_cursor"


@dataclass(frozen=True, slots=True)
class StaleArticle:
    slug: str
    from_status: Status
    to_status: Status
    reason: str


def _positions(store: Store) -> tuple[int, int]:
    """(newest evidence change id, last one checked) in one indexed read."""
    top, done = store.conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM evidence_changes), "
        "(SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM editorial_state WHERE key = ?)",
        (CURSOR_KEY,),
    ).fetchone()
    return int(top), int(done)


def _describe(source_id: str, title: str, kind: str, old: str | None, new: str | None) -> str:
    name = f"{source_id} ({title})" if title else source_id
    if kind == "retracted":
        return f"{name} was retracted"
    if kind == "deleted":
        return f"{name} was withdrawn from the store"
    if old != new and (old or new):
        return f"{name} was updated from version {old or '-'} to version {new or '-'}"
    return f"{name} was updated (new content, version {new or '-'})"


def check_stale_evidence(store: Store) -> list[StaleArticle]:
    """Process evidence changes since the last check; returns the articles affected."""
    top, start = _positions(store)
    if top <= start:
        return []
    out: list[StaleArticle] = []
    at = now()
    with store.transaction():
        top, start = _positions(store)  # again, under the write lock
        if top <= start:
            return []
        cites = store.conn.execute("SELECT 1 FROM article_citations LIMIT 1").fetchone()
        rows = [] if cites is None else store.conn.execute(
            """
            SELECT a.slug, c.source_id, ac.title, c.kind, c.old_version, c.new_version
            FROM evidence_changes c
            JOIN article_citations ac ON ac.source_id = c.source_id
            JOIN article_versions v ON v.article_id = ac.article_id AND v.version = ac.version
            JOIN articles a ON a.id = ac.article_id
            WHERE c.id > ? AND c.id <= ? AND c.kind IN ('updated', 'retracted', 'deleted')
              AND c.id > v.evidence_cursor AND a.status != 'retired'
              AND (ac.version = a.current_version OR ac.version = a.approved_version)
            ORDER BY a.id, c.id
            """,
            (start, top),
        ).fetchall()
        reasons: dict[str, list[str]] = defaultdict(list)
        for slug, source_id, title, kind, old, new in rows:
            text = _describe(source_id, title, kind, old, new)
            if text not in reasons[slug]:
                reasons[slug].append(text)
        for slug, texts in reasons.items():
            out.append(_mark(store, slug, "; ".join(texts), at))
        store.conn.execute(
            "INSERT INTO editorial_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (CURSOR_KEY, str(top)))
    return out


def _mark(store: Store, slug: str, reason: str, at: str) -> StaleArticle:
    article = get_article(store, slug)
    version = get_version(store, article, article.current_version)
    target = Status.UNDER_REVIEW if article.status is Status.APPROVED else article.status
    flag = reason
    if article.evidence_changed_at and article.evidence_note:  # still unreviewed: keep both
        flag = f"{article.evidence_note}; {reason}"
    sets = "status = ?, revision = revision + 1, evidence_changed_at = ?, evidence_note = ?"
    if target is not article.status:
        sets += ", status_changed_at = ?, claimed_by = NULL"
        params: tuple[object, ...] = (str(target), at, flag, at, article.id)
    else:
        params = (str(target), at, flag, article.id)
    store.conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", params)
    audit.record(store.conn, article.id, None, str(Action.EVIDENCE_CHANGED), str(article.status),
                 str(target), article.current_version, article.revision + 1,
                 version.settings_hash, reason, at)
    return StaleArticle(slug, article.status, target, reason)
