"""Claim check on the web: ``POST /api/check`` (JSON in, the report's JSON out) and a page where
an editor pastes an article (``GET /check`` shows the form, ``POST /check`` the report).

Register on the app with::

    from medbrief.checking.web import check_router
    app.include_router(check_router(lambda: checker))   # checker: a Checker over the app's store

The checker is made on first use and reused; checks run one at a time under a lock (the store is
one SQLite connection). Pass the app's own lock to share it with other users of the connection.
The page is ``web/templates/check.html`` in the web app's page shell (autoescaped, no scripts, no
inline styles: its styles are in the app's one stylesheet, ``/static/medbrief.css``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from medbrief.checking.article import MAX_ARTICLE_CHARS
from medbrief.checking.checker import Checker
from medbrief.checking.render import report_body_html
from medbrief.checking.report import CheckReport
from medbrief.errors import MedbriefError
from medbrief.web.templating import shared_templates

MAX_FORM_BYTES = MAX_ARTICLE_CHARS * 4 + 4096


class CheckRequest(BaseModel):
    """The body of ``POST /api/check``."""

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS,
                      description="the article: plain text, Markdown or HTML")
    format: Literal["auto", "text", "markdown", "html"] = Field(
        default="auto", description="format of text; auto decides from the content")
    source: str = Field(default="pasted text", max_length=200,
                        description="a name for the article, shown in the report")


FORMATS = (("auto", "Detect"), ("text", "Plain text"), ("markdown", "Markdown"), ("html", "HTML"))


def _page(text: str = "", fmt: str = "auto", error: str = "", report: CheckReport | None = None,
          status_code: int = 200) -> HTMLResponse:
    """The form (with the report above it, if any) in the web app's page shell, ``check.html``."""
    body = Markup(report_body_html(report)) if report else None  # the renderer escapes all text
    html = shared_templates().render(
        "check.html", title="Claim check report" if report else "Check an article",
        report=body, text=text, format=fmt, formats=FORMATS, error=error,
        max_chars=MAX_ARTICLE_CHARS)
    return HTMLResponse(html, status_code=status_code)


def check_router(get_checker: Callable[[], Checker],
                 lock: threading.Lock | None = None) -> APIRouter:
    router = APIRouter()
    guard = lock or threading.Lock()
    cached: list[Checker] = []

    def run(text: str, fmt: str, source: str) -> CheckReport:
        with guard:
            if not cached:
                cached.append(get_checker())
            return cached[0].check_text(text, input_format=fmt, source=source)

    @router.post("/api/check", response_model=CheckReport, tags=["check"])
    def api_check(req: CheckRequest) -> Response:
        """Check an article's claims; returns the claim-check report (docs/claim-check.md)."""
        try:
            report = run(req.text, req.format, req.source)
        except MedbriefError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        return Response(report.to_json(), media_type="application/json")

    @router.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_form() -> HTMLResponse:
        return _page()

    @router.post("/check", response_class=HTMLResponse, include_in_schema=False)
    async def check_page(request: Request) -> HTMLResponse:
        raw = await request.body()
        if len(raw) > MAX_FORM_BYTES:
            return _page(error="The article is too long to check here.", status_code=413)
        fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        text = (fields.get("text") or [""])[0]
        fmt = (fields.get("format") or ["auto"])[0]
        if fmt not in dict(FORMATS):
            fmt = "auto"
        if not text.strip():
            return _page(fmt=fmt, error="Paste an article to check.", status_code=400)
        try:
            report = await run_in_threadpool(run, text, fmt, "pasted text")
        except MedbriefError as exc:
            return _page(text, fmt, str(exc), status_code=400)
        return _page(text, fmt, report=report)

    return router
