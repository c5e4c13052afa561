"""One error shape for the whole app, and the messages that name the fix.

Every error — from the router (404, 405), input validation (400, 422), the body-size guard (413),
a rejected cross-site post (403) or an unexpected failure (500) — becomes :func:`error_response`:

* for the JSON API (``/api/...``, ``/openapi.json``) and for clients that ask for JSON only, the
  body is ``{"error": {"status": 404, "code": "not_found", "message": "..."}}`` (:class:`ErrorBody`);
* for everyone else an HTML page saying what happened and what to do, never a stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from medbrief.web.service import AUDIENCES, MAX_QUESTION_CHARS
from medbrief.web.templating import Templates

MAX_BODY_BYTES = 16 * 1024

CODES: dict[int, str] = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    500: "internal_error",
    503: "unavailable",
}

TITLES: dict[int, str] = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    413: "Request too large",
    415: "Unsupported request format",
    422: "Please check your question",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}

MESSAGES: dict[int, str] = {
    400: "The request could not be read; send the fields described at /openapi.json.",
    403: "This request is not allowed; ask from this site's own question form.",
    404: "There is nothing at this address; check the link, or ask a question from the home page.",
    405: "This address does not accept that method; see /openapi.json for the methods it accepts.",
    413: f"The request is larger than {MAX_BODY_BYTES // 1024} KB; questions are limited to "
         f"{MAX_QUESTION_CHARS} characters, so shorten the question and send it again.",
    415: "Send the question as JSON (Content-Type: application/json) to /api/ask, or use the form.",
    422: "The question could not be accepted; correct it and send it again.",
    500: "The server failed to answer this request. This is a bug in medbrief, not something you "
         "did; try again, and report it if it keeps happening.",
    503: "The server cannot answer right now; try again in a moment.",
}


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    """The JSON body of every error response."""

    error: ErrorDetail


class WebError(Exception):
    """An error with a status and a message for the user; raised by views, shaped here."""

    def __init__(self, status: int, message: str | None = None, code: str | None = None) -> None:
        super().__init__(message or MESSAGES.get(status, ""))
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or MESSAGES.get(status, TITLES.get(status, "Error"))


def wants_json(path: str, accept: str) -> bool:
    """API paths always get JSON; other paths only when the client accepts JSON but not HTML."""
    if path.startswith("/api/") or path == "/openapi.json":
        return True
    accept = accept.lower()
    return "application/json" in accept and "text/html" not in accept


def error_response(templates: Templates, path: str, accept: str, status: int,
                   message: str | None = None, code: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    err = WebError(status, message, code)
    if wants_json(path, accept):
        body = ErrorBody(error=ErrorDetail(status=status, code=err.code, message=err.message))
        return Response(body.model_dump_json().encode(), status_code=status,
                        media_type="application/json", headers=headers)
    html = templates.render("error.html", status=status, code=err.code,
                            title=TITLES.get(status, "Error"), message=err.message)
    return HTMLResponse(html, status_code=status, headers=headers)


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "body"


def validation_message(errors: Sequence[Any]) -> tuple[int, str]:
    """(status, message) for pydantic/FastAPI validation errors: the first problem, with its fix."""
    if not errors:
        return 422, MESSAGES[422]
    first = errors[0]
    kind = str(first.get("type", ""))
    field = _field(first.get("loc", ()))
    value = first.get("input")
    if kind == "json_invalid":
        return 400, ("The request body is not valid JSON; send an object such as "
                     '{"question": "What is the maximum dose of baclofen?", "audience": "patient"}.')
    if field == "body" or kind in ("model_attributes_type", "dict_type"):
        return 422, ('The request body must be a JSON object such as {"question": "...", '
                     '"audience": "patient"}.')
    if field == "question":
        if kind == "missing":
            return 422, "A question is required; type a question, for example about a medicine."
        if kind == "string_too_short":
            return 422, "The question is empty; type a question, for example about a medicine."
        if kind == "string_too_long":
            n = len(value) if isinstance(value, str) else "too many"
            return 422, (f"The question is {n} characters long; shorten it to "
                         f"{MAX_QUESTION_CHARS} characters or fewer.")
        return 422, "The question must be text; send it as a string."
    if field == "audience":
        return 422, f"The audience must be one of: {', '.join(AUDIENCES)}."
    if field == "previous_answer_id":
        return 422, ("previous_answer_id must be the 16-character id of an earlier answer "
                     "(its `id` field), or left out.")
    return 422, f"{field}: {first.get('msg', 'invalid value')}; see /openapi.json."
