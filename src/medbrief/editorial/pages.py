"""The editorial HTML pages, as a FastAPI ``APIRouter``: ``/review`` (the queue),
``/articles/{slug}`` (the public article) and ``/articles/{slug}/history`` (the audit trail).

All three are read-only and need no token (changes go through the CLI or the JSON API). The public
article shows the latest approved version, else the pending one under a "Pending medical review"
banner, and says so when the evidence it cites has changed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from medbrief.editorial import articles as arts
from medbrief.editorial.api import StoreDep, article_json, http_errors
from medbrief.editorial.public import history_view, public_view
from medbrief.editorial.states import Status
from medbrief.editorial.templates import render
from medbrief.render.html import answer_body_html

router = APIRouter(include_in_schema=False)

STEPS = (("submitted", "Submitted"), ("under_review", "Under Review"), ("approved", "Approved"))
_REACHED = {"submitted": 1, "under_review": 2, "changes_requested": 2, "approved": 3}


def steps(status: str) -> list[dict[str, str]]:
    """The three steps of the stepper with their state (done, current, todo)."""
    reached = _REACHED.get(status, 0)
    out = []
    for i, (key, label) in enumerate(STEPS, start=1):
        if i < reached or (i == reached and status == "approved"):
            state = "done"
        elif i == reached:
            state = "current"
        else:
            state = "todo"
        out.append({"key": key, "label": label, "state": state})
    return out


@router.get("/review", response_class=HTMLResponse)
def review_page(store: StoreDep) -> HTMLResponse:
    queue = [Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED]
    rows = [article_json(store, a) for a in arts.list_articles(store, queue)]
    approved = [a.to_json_dict() for a in arts.list_articles(store, [Status.APPROVED])]
    return HTMLResponse(render("queue.html", rows=rows, approved=approved))


@router.get("/articles/{slug}", response_class=HTMLResponse)
def article_page(slug: str, store: StoreDep) -> HTMLResponse:
    with http_errors():
        view = public_view(store, slug)
    data: dict[str, Any] = view.to_json_dict()
    article = view.article
    # The shown approved version is what the stepper describes, unless it is also the current
    # version and went back under review (evidence changed, reopened).
    if view.pending or article.current_version == article.approved_version:
        stepper_status = str(article.status)
    else:
        stepper_status = str(Status.APPROVED)
    status_label = Status(stepper_status).label
    html = render(
        "article.html", question=data["question"], pending=view.pending,
        newer_pending=view.newer_pending, version=view.shown.version,
        evidence_changed=data["evidence_changed"], stepper_status=stepper_status,
        steps=steps(stepper_status), status_label=status_label,
        last_updated=view.last_updated, reviewed=data["reviewed"],
        history_url=data["history_url"],
        body=Markup(answer_body_html(view.shown.answer())),  # the renderer escapes all text
    )
    return HTMLResponse(html)


@router.get("/articles/{slug}/history", response_class=HTMLResponse)
def history_page(slug: str, store: StoreDep) -> HTMLResponse:
    with http_errors():
        hist = history_view(store, slug)
    return HTMLResponse(render(
        "history.html", article=hist.article.to_json_dict(),
        events=[e.to_json_dict() for e in hist.events],
        versions=[v.to_json_dict(with_answer=False) for v in hist.versions]))
