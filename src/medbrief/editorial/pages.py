"""The editorial HTML pages, as a FastAPI ``APIRouter``: ``/review`` (the queue),
``/articles/{slug}`` (the public article) and ``/articles/{slug}/history`` (the audit trail).

All three are read-only and need no token (changes go through the CLI or the JSON API). The public
article shows the latest approved version, else the pending one under a "Pending medical review"
banner, and says so when the evidence it cites has changed.

The pages are templates of the web app (``web/templates/review_queue.html``, ``article.html``,
``article_history.html``) in its one page shell; the article's review stepper is the answer page's
(``_review_status.html``), fed the same :class:`~medbrief.web.review.ReviewInfo`.
"""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from medbrief.editorial import articles as arts
from medbrief.editorial.api import StoreDep, article_json, http_errors
from medbrief.editorial.public import PublicView, history_view, public_view
from medbrief.editorial.states import Status
from medbrief.render.html import answer_body_html
from medbrief.web.review import ReviewInfo, ReviewStatus
from medbrief.web.templating import shared_templates

router = APIRouter(include_in_schema=False)


def render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(shared_templates().render(name, **context))


def stepper_review(view: PublicView, history_url: str) -> ReviewInfo:
    """What the stepper describes: the shown approved version, unless it is also the current
    version and went back under review (evidence changed, reopened)."""
    article = view.article
    if view.pending or article.current_version == article.approved_version:
        status = str(article.status)
    else:
        status = str(Status.APPROVED)
    return ReviewInfo(status=cast(ReviewStatus, status), last_updated=view.last_updated,
                      history_url=history_url)


@router.get("/review", response_class=HTMLResponse)
def review_page(store: StoreDep) -> HTMLResponse:
    queue = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED]
    rows = [article_json(store, a) for a in arts.list_articles(store, queue)]
    approved = [a.to_json_dict() for a in arts.list_articles(store, [Status.APPROVED])]
    return render("review_queue.html", rows=rows, approved=approved)


@router.get("/articles/{slug}", response_class=HTMLResponse)
def article_page(slug: str, store: StoreDep) -> HTMLResponse:
    with http_errors():
        view = public_view(store, slug)
    data: dict[str, Any] = view.to_json_dict()
    return render(
        "article.html", question=data["question"], pending=view.pending,
        newer_pending=view.newer_pending, version=view.shown.version,
        evidence_changed=data["evidence_changed"],
        review=stepper_review(view, data["history_url"]), reviewed=data["reviewed"],
        body=Markup(answer_body_html(view.shown.answer())),  # the renderer escapes all text
    )


@router.get("/articles/{slug}/history", response_class=HTMLResponse)
def history_page(slug: str, store: StoreDep) -> HTMLResponse:
    with http_errors():
        hist = history_view(store, slug)
    return render(
        "article_history.html", article=hist.article.to_json_dict(),
        events=[e.to_json_dict() for e in hist.events],
        versions=[v.to_json_dict(with_answer=False) for v in hist.versions])
