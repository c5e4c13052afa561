"""Claim check on the web: ``POST /api/check`` (JSON in, the report's JSON out) and a page where
an editor pastes an article (``GET /check`` shows the form, ``POST /check`` the report).

Register on the app with::

    from medbrief.checking.web import check_router
    app.include_router(check_router(lambda: checker))   # checker: a Checker over the app's store

The checker is made on first use and reused; checks run one at a time under a lock (the store is
one SQLite connection). Pass the app's own lock to share it with other users of the connection.
Every string on the page is HTML-escaped; the page has no scripts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape
from typing import Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from medbrief.checking.article import MAX_ARTICLE_CHARS
from medbrief.checking.checker import Checker
from medbrief.checking.render import CHECK_CSS, report_body_html
from medbrief.checking.report import CheckReport
from medbrief.errors import MedbriefError

MAX_FORM_BYTES = MAX_ARTICLE_CHARS * 4 + 4096


class CheckRequest(BaseModel):
    """The body of ``POST /api/check``."""

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS,
                      description="the article: plain text, Markdown or HTML")
    format: Literal["auto", "text", "markdown", "html"] = Field(
        default="auto", description="format of text; auto decides from the content")
    source: str = Field(default="pasted text", max_length=200,
                        description="a name for the article, shown in the report")


def _page(body: str, title: str = "Check an article") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{CHECK_CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _form(text: str = "", fmt: str = "auto", error: str = "") -> str:
    options = "".join(
        f'<option value="{v}"{" selected" if v == fmt else ""}>{label}</option>'
        for v, label in (("auto", "Detect"), ("text", "Plain text"), ("markdown", "Markdown"),
                         ("html", "HTML")))
    err = f'<p class="mb-error" role="alert">{escape(error)}</p>' if error else ""
    return ("<h1>Check an article</h1><p>Paste an article about a medicine. Each claim about a "
            "drug is checked against the FDA labels, guidelines and research in the store; "
            "contradicted claims are listed first.</p>" + err +
            '<form method="post" action="/check">'
            '<label for="text">Article</label>'
            f'<textarea id="text" name="text" required>{escape(text)}</textarea>'
            f'<p><label for="format">Format</label> <select id="format" name="format">{options}'
            '</select> <button type="submit">Check claims</button></p></form>')


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
        return HTMLResponse(_page(_form()))

    @router.post("/check", response_class=HTMLResponse, include_in_schema=False)
    async def check_page(request: Request) -> HTMLResponse:
        raw = await request.body()
        if len(raw) > MAX_FORM_BYTES:
            return HTMLResponse(_page(_form(error="The article is too long to check here.")),
                                status_code=413)
        fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        text = (fields.get("text") or [""])[0]
        fmt = (fields.get("format") or ["auto"])[0]
        if fmt not in ("auto", "text", "markdown", "html"):
            fmt = "auto"
        if not text.strip():
            return HTMLResponse(_page(_form(fmt=fmt, error="Paste an article to check.")),
                                status_code=400)
        try:
            from starlette.concurrency import run_in_threadpool

            report = await run_in_threadpool(run, text, fmt, "pasted text")
        except MedbriefError as exc:
            return HTMLResponse(_page(_form(text, fmt, str(exc))), status_code=400)
        return HTMLResponse(_page(report_body_html(report) + _form(text, fmt),
                                  title="Claim check report"))

    return router
