"""The JSON API: the same answers as the pages, as the documented Answer JSON.

``POST /api/ask`` and ``GET /api/answers/{id}`` return ``Answer.model_dump(mode="json")`` (schema:
``src/medbrief/schemas/answer.schema.json``, also in ``/openapi.json``); every error is an
:class:`~medbrief.web.errors.ErrorBody`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from medbrief.answer import Answer
from medbrief.web.errors import ErrorBody
from medbrief.web.service import AskRequest
from medbrief.web.views import State, ask_answer, get_answer

router = APIRouter(prefix="/api", tags=["answers"])


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorBody, "description": "error (one shape for every error)"}
            for s in statuses}


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.post(
    "/ask",
    response_class=Response,
    responses={200: {"model": Answer, "description": "the answer (documented Answer JSON)"},
               **_errors(400, 403, 413, 415, 422, 500)},
    summary="Answer a clinical question",
)
def api_ask(body: AskRequest, state: State) -> Response:
    """Answer ``question`` for ``audience``; with ``previous_answer_id`` the question is read in
    the context of that earlier answer (a follow-up). The answer is saved: fetch it again with
    ``GET /api/answers/{id}`` or open ``/answers/{id}`` in a browser."""
    served = ask_answer(state, body)
    return _json(served.json)


@router.get(
    "/answers/{answer_id}",
    response_class=Response,
    responses={200: {"model": Answer, "description": "the saved answer"}, **_errors(404, 500)},
    summary="Fetch a saved answer",
)
def api_answer(answer_id: str, state: State) -> Response:
    """A saved answer by its ``id``."""
    return _json(get_answer(state, answer_id).json)
