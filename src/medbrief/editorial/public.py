"""What the public sees: the latest approved version of an article, or else the pending one,
marked as such; plus the review summary the web app's answer page shows for an answer.

No token is needed for anything here. People appear by name only (never by email).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medbrief.editorial import audit
from medbrief.editorial.articles import (
    Article,
    ArticleVersion,
    articles_for_answer,
    get_article,
    get_version,
    user_names,
    versions,
)
from medbrief.editorial.errors import Gone
from medbrief.editorial.states import Status
from medbrief.store.repository import Store

PENDING_NOTE = ("Pending medical review: this version has not yet been approved by a medical "
                "reviewer. Use with caution.")
EVIDENCE_NOTE = ("The evidence this article cites has changed since it was reviewed; it is back "
                 "under medical review.")


def article_url(slug: str) -> str:
    return f"/articles/{slug}"


def history_url(slug: str) -> str:
    return f"/articles/{slug}/history"


@dataclass(frozen=True, slots=True)
class PublicView:
    article: Article
    shown: ArticleVersion
    pending: bool                 # the shown version has not been approved
    newer_pending: bool           # an approved version is shown while a newer one awaits review
    reviewed_by: str | None
    reviewed_at: str | None

    @property
    def last_updated(self) -> str:
        """When the shown content last changed (never a status click)."""
        return self.shown.created_at

    @property
    def evidence_changed(self) -> str | None:
        return self.article.evidence_note if self.article.evidence_changed_at else None

    def to_json_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "slug": a.slug, "question": self.shown.question, "audience": self.shown.audience,
            "status": str(a.status), "status_label": a.status.label,
            "version": self.shown.version, "current_version": a.current_version,
            "approved_version": a.approved_version,
            "pending_review": self.pending, "pending_note": PENDING_NOTE if self.pending else None,
            "newer_version_pending": self.newer_pending,
            "last_updated": self.last_updated,
            "reviewed": ({"by": self.reviewed_by, "at": self.reviewed_at}
                         if self.reviewed_at else None),
            "evidence_changed": ({"at": a.evidence_changed_at, "reason": a.evidence_note,
                                  "note": EVIDENCE_NOTE} if a.evidence_changed_at else None),
            "url": article_url(a.slug), "history_url": history_url(a.slug),
            "answer": self.shown.answer().model_dump(mode="json"),
        }


def public_view(store: Store, slug: str) -> PublicView:
    article = get_article(store, slug)
    if article.status is Status.RETIRED:
        raise Gone(f"article {article.slug!r} was retired on {article.status_changed_at} and is "
                   "no longer published")
    if article.approved_version is not None:
        shown = get_version(store, article, article.approved_version)
        names = user_names(store, [article.approved_by])
        return PublicView(article, shown, pending=False,
                          newer_pending=article.current_version > article.approved_version,
                          reviewed_by=names.get(article.approved_by or -1),
                          reviewed_at=article.approved_at)
    shown = get_version(store, article, article.current_version)
    return PublicView(article, shown, pending=True, newer_pending=False, reviewed_by=None,
                      reviewed_at=None)


@dataclass(frozen=True, slots=True)
class HistoryView:
    article: Article
    events: list[audit.Event]
    versions: list[ArticleVersion] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_json_dict(),
            "events": [e.to_json_dict() for e in self.events],
            "versions": [v.to_json_dict(with_answer=False) for v in self.versions],
        }


def history_view(store: Store, slug: str) -> HistoryView:
    """The audit trail and version list; shown even for retired articles (accountability)."""
    article = get_article(store, slug)
    return HistoryView(article, audit.events(store.conn, article.id), versions(store, article))


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """The review state of one answer saved as (a version of) an article, for the answer page.

    ``status`` is the state of *this answer*: the article's status when the answer is its current
    version; ``approved`` when it is the approved version while a newer edit waits for review;
    ``retired`` when a newer version replaced it or the article was retired. ``status``,
    ``last_updated``, ``reviewers`` and ``history_url`` match ``medbrief.web.review.ReviewInfo``:
    ``ReviewInfo(**summary.review_info_fields())``.
    """

    slug: str
    status: str
    article_status: str
    last_updated: str
    reviewers: tuple[str, ...]
    history_url: str
    article_url: str
    version: int
    evidence_changed: str | None

    def review_info_fields(self) -> dict[str, Any]:
        return {"status": self.status, "last_updated": self.last_updated,
                "reviewers": self.reviewers, "history_url": self.history_url}


def _answer_status(article: Article, version: int) -> str:
    if article.status is Status.RETIRED:
        return str(Status.RETIRED)
    if version == article.current_version:
        return str(article.status)
    if version == article.approved_version:
        return str(Status.APPROVED)
    return str(Status.RETIRED)  # superseded by a newer version


def review_summary(store: Store, answer_id: str) -> ReviewSummary | None:
    """The review state of ``answer_id`` if it was saved as an article version, else ``None``."""
    found = articles_for_answer(store, answer_id)
    if not found:
        return None
    article = found[0]
    mine = [v for v in versions(store, article) if v.answer_id == answer_id][-1]
    events = audit.events(store.conn, article.id)
    reviewer_ids = [e.actor_id for e in events if e.version == mine.version
                    and e.action in ("claim", "approve", "request-changes", "reopen")]
    names = user_names(store, reviewer_ids)
    reviewers = tuple(dict.fromkeys(names[i] for i in reviewer_ids if i in names))
    return ReviewSummary(
        slug=article.slug, status=_answer_status(article, mine.version),
        article_status=str(article.status), last_updated=mine.created_at, reviewers=reviewers,
        history_url=history_url(article.slug), article_url=article_url(article.slug),
        version=mine.version,
        evidence_changed=article.evidence_note if article.evidence_changed_at else None,
    )
