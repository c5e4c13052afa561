"""The HTML pages: home, ask (form → redirect), answer, editorial policy, stylesheet.

Pages work without JavaScript: the forms post to ``/ask``, which answers and redirects (303) to
``/answers/{id}`` — a path built from the answer id the server computed, never from the request, so
there is no open redirect. Cross-site form posts are refused (403) by their ``Origin`` /
``Sec-Fetch-Site`` headers. The audience a visitor picks is remembered in a first-party cookie
(``SameSite=Lax``, ``HttpOnly``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from starlette.responses import HTMLResponse, RedirectResponse, Response

from medbrief.web.errors import WebError, validation_message
from medbrief.web.service import AUDIENCES, AskRequest
from medbrief.web.views import (
    AUDIENCE_COOKIE,
    EXAMPLE_QUESTIONS,
    State,
    WebState,
    answer_view,
    ask_answer,
    audience_choices,
    get_answer,
    visitor_audience,
)

router = APIRouter(include_in_schema=False)
COOKIE_MAX_AGE = 365 * 24 * 3600
FORM_TYPE = "application/x-www-form-urlencoded"


def home_page(state: WebState, audience: str, question: str = "", error: str | None = None,
              status: int = 200) -> HTMLResponse:
    html = state.templates.render(
        "home.html", audience=audience, question=question, error=error,
        audiences=audience_choices(), examples=EXAMPLE_QUESTIONS,
    )
    return HTMLResponse(html, status_code=status)


@router.get("/")
def home(request: Request, state: State) -> HTMLResponse:
    return home_page(state, visitor_audience(request))


def _same_site(request: Request) -> bool:
    """Whether a form post comes from this site: browsers say so in ``Sec-Fetch-Site``; without
    it (older browsers, scripts) the ``Origin``, when present, must be this host."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


async def _form(request: Request) -> dict[str, str]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != FORM_TYPE:
        raise WebError(415, f"The form must be sent as {FORM_TYPE} (a normal HTML form post).")
    body = await request.body()
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20,
                          strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebError(400, "The form data could not be read; send the form again from the "
                            "home page.") from exc
    out: dict[str, str] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


async def _ask_and_redirect(request: Request, state: WebState, fields: dict[str, str],
                            remember: bool) -> Response:
    fields = {k: v for k, v in fields.items() if k in ("question", "audience",
                                                        "previous_answer_id") and v != ""}
    fields.setdefault("audience", visitor_audience(request))
    fields.setdefault("question", "")
    try:
        req = AskRequest.model_validate(fields)
    except ValidationError as exc:
        status, message = validation_message(exc.errors())
        audience = fields["audience"] if fields["audience"] in AUDIENCES \
            else visitor_audience(request)
        return home_page(state, audience, fields["question"][:4000], message, status)
    served = await run_in_threadpool(ask_answer, state, req)
    response = RedirectResponse(f"/answers/{served.answer.id}", status_code=303)
    if remember:
        response.set_cookie(AUDIENCE_COOKIE, req.audience, max_age=COOKIE_MAX_AGE, path="/",
                            samesite="lax", httponly=True, secure=request.url.scheme == "https")
    return response


@router.post("/ask")
async def ask_form(request: Request, state: State) -> Response:
    if not _same_site(request):
        raise WebError(403, "Questions can only be sent from this site's own form; open the home "
                            "page and ask there.")
    return await _ask_and_redirect(request, state, await _form(request), remember=True)


@router.get("/ask")
async def ask_link(request: Request, state: State) -> Response:
    """Example and suggested follow-up questions are plain links to this route."""
    return await _ask_and_redirect(request, state, dict(request.query_params), remember=False)


@router.get("/answers/{answer_id}")
def answer_page(answer_id: str, state: State) -> HTMLResponse:
    answer = get_answer(state, answer_id).answer
    previous = None
    if answer.previous_id:
        prev = state.service.get(answer.previous_id)
        previous = prev.answer if prev else None
    view = answer_view(answer, state.review_lookup(answer), previous)
    html = state.templates.render("answer.html", v=view, audiences=audience_choices())
    return HTMLResponse(html)


@router.get("/policy")
def policy_page(state: State) -> HTMLResponse:
    html = state.policy.html()
    if html is None:
        raise WebError(503, "The editorial policy is not available on this server right now; "
                            "it is kept in the repository as docs/editorial-policy.md.")
    return HTMLResponse(state.templates.render("policy.html", policy_html=html))


@router.get("/static/medbrief.css")
def stylesheet(state: State) -> Response:
    return Response(state.templates.css, media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})
