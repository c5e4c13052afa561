"""The guard around every request: security headers, the request-size limit, the last-resort 500.

A plain ASGI middleware (no per-request task or buffering):

* adds the security headers to every response — a strict Content-Security-Policy (everything from
  this origin only; no inline script or style, no plugins, no framing, forms post only here),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (no referrer leaves the
  site; same-origin posts keep their real ``Origin``), ``X-Frame-Options``;
* refuses a body larger than ``max_body`` bytes with 413 — at once from ``Content-Length``, or
  while reading a chunked body (the read raises an ``HTTPException(413)`` that the app's error
  handler shapes);
* turns any exception that escaped the app into the standard 500 response (HTML or JSON) and logs
  the traceback for the operator; the client never sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medbrief.web.errors import MESSAGES

log = logging.getLogger("medbrief.web")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]

ErrorFactory = Callable[[str, str, int], Response]


class GuardMiddleware:
    def __init__(self, app: ASGIApp, error: ErrorFactory, max_body: int) -> None:
        self.app = app
        self.error = error  # (path, accept, status) -> Response
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        path = str(scope.get("path", ""))
        accept = headers.get(b"accept", b"").decode("latin-1")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in present]
            await send(message)

        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                await self.error(path, accept, 400)(scope, receive, send_with_headers)
                return
            if too_big:
                await self.error(path, accept, 413)(scope, receive, send_with_headers)
                return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, MESSAGES[413])
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except Exception as exc:  # last resort: the client gets a 500 page, the log the traceback
            _log_failure(scope, exc)
            if not started:
                await self.error(path, accept, 500)(scope, receive, send_with_headers)


def _log_failure(scope: Scope, exc: BaseException) -> None:
    method: Any = scope.get("method", "?")
    log.error("unhandled error on %s %s", method, scope.get("path", "?"), exc_info=exc)
