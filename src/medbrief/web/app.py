"""The ASGI app: pages and JSON API over one Engine, behind the security guard.

``create_app(engine)`` builds everything once per process (one :class:`AnswerService` wrapping the
Engine, the templates, the policy) and wires the error handlers so that every error has the one
shape of :mod:`medbrief.web.errors`. ``medbrief serve`` runs it with uvicorn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from medbrief import __version__
from medbrief.answer import Answer
from medbrief.compose.answerer import Engine
from medbrief.store import Store, open_store
from medbrief.web import api, pages
from medbrief.web.errors import MAX_BODY_BYTES, WebError, error_response, validation_message
from medbrief.web.policy import Policy
from medbrief.web.review import ReviewInfo, ReviewLookup, review_info
from medbrief.web.security import GuardMiddleware
from medbrief.web.service import AnswerService
from medbrief.web.templating import shared_templates
from medbrief.web.views import WebState

DESCRIPTION = """\
Tiered, cited answers to clinical questions from guidelines, FDA drug labels and research.

`POST /api/ask` answers a question and `GET /api/answers/{id}` returns a saved answer; both return
the documented Answer JSON (see the `Answer` schema). Every error has one shape:
`{"error": {"status": 404, "code": "not_found", "message": "..."}}`; the message says how to fix
the request. Limits: questions of 1 to 2000 characters, request bodies of at most 16 KB.
"""


def _accept(request: Request) -> str:
    return request.headers.get("accept", "")


def _is_json_type(request: Request) -> bool:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return ctype == "application/json" or ctype.endswith("+json")


def editorial_review_lookup(db_path: Path) -> ReviewLookup:
    """The answer page's review status from the editorial workflow (one connection per call)."""
    from medbrief.editorial.public import review_summary
    from medbrief.store import open_store

    def lookup(answer: Answer) -> ReviewInfo:
        store = open_store(db_path)
        try:
            summary = review_summary(store, answer.id)
        finally:
            store.close()
        return ReviewInfo(**summary.review_info_fields()) if summary else review_info(answer)

    return lookup


def create_app(engine: Engine, *, review_lookup: ReviewLookup | None = None,
               policy_path: Path | None = None) -> FastAPI:
    from medbrief.checking.checker import Checker
    from medbrief.checking.web import check_router
    from medbrief.editorial.api import EditorialHTTPException, editorial_store
    from medbrief.editorial.api import router as editorial_api
    from medbrief.editorial.pages import router as editorial_pages

    if review_lookup is None:
        review_lookup = editorial_review_lookup(engine.store.path)
    templates = shared_templates()
    state = WebState(service=AnswerService(engine), templates=templates,
                     review_lookup=review_lookup, policy=Policy(policy_path))
    app = FastAPI(title="medbrief", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.router.redirect_slashes = False
    app.state.web = state
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(editorial_api)
    app.include_router(editorial_pages)
    app.include_router(check_router(lambda: Checker(engine), lock=state.service.lock))

    def store_of_engine() -> Iterator[Store]:
        # the editorial routes use the same store file as the answers, on their own connection
        store = open_store(engine.store.path)
        try:
            yield store
        finally:
            store.close()

    app.dependency_overrides[editorial_store] = store_of_engine

    def shaped(request: Request, status: int, message: str | None = None,
               headers: dict[str, str] | None = None) -> Response:
        return error_response(templates, request.url.path, _accept(request), status, message,
                              headers=headers)

    @app.exception_handler(EditorialHTTPException)
    async def on_editorial_error(request: Request, exc: EditorialHTTPException) -> Response:
        return shaped(request, exc.status_code, str(exc.detail), dict(exc.headers or {}) or None)

    @app.exception_handler(WebError)
    async def on_web_error(request: Request, exc: WebError) -> Response:
        return shaped(request, exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if exc.status_code == 413 else None
        return shaped(request, exc.status_code, message, dict(exc.headers or {}) or None)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.method == "POST" and not _is_json_type(request):
            return shaped(request, 415)
        status, message = validation_message(exc.errors())
        return shaped(request, status, message)

    def middleware_error(path: str, accept: str, status: int) -> Response:
        return error_response(templates, path, accept, status)

    app.add_middleware(GuardMiddleware, error=middleware_error, max_body=MAX_BODY_BYTES)
    return app

