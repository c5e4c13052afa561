"""What the pages and the API share: the app state, asking and fetching answers, the page models.

The HTML routes (:mod:`medbrief.web.pages`) and the JSON routes (:mod:`medbrief.web.api`) both call
:func:`ask_answer` and :func:`get_answer`, so the API returns exactly the data the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from medbrief.answer import Answer, Reference, SafetyItem, Section, Sentence
from medbrief.errors import InputError
from medbrief.render import common as c
from medbrief.web.errors import WebError
from medbrief.web.policy import Policy
from medbrief.web.review import ReviewInfo, ReviewLookup
from medbrief.web.service import (
    ANSWER_ID_PATTERN,
    AUDIENCES,
    PAGE_AUDIENCE,
    AnswerService,
    AskRequest,
    Served,
    UnknownPrevious,
)
from medbrief.web.templating import Templates, query

AUDIENCE_COOKIE = "medbrief_audience"
AUDIENCE_LABELS: dict[str, str] = {
    "patient": "Patient",
    "caregiver": "Caregiver or family member",
    "nurse": "Nurse",
    "pharmacist": "Pharmacist",
    "physician": "Physician or other prescriber",
}
EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "What is the role of baclofen in managing back pain?",
    "What type of pain is baclofen used to treat?",
    "What is the maximum dose of Flexeril?",
    "Is gabapentin safe in kidney disease?",
)
_ID = re.compile(ANSWER_ID_PATTERN)


@dataclass
class WebState:
    """Everything a request needs, built once per process by ``create_app``."""

    service: AnswerService
    templates: Templates
    review_lookup: ReviewLookup
    policy: Policy


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]


def audience_choices() -> list[tuple[str, str]]:
    return [(a, AUDIENCE_LABELS[a]) for a in AUDIENCES]


def visitor_audience(request: Request) -> str:
    """The audience this visitor chose before (cookie), else the home page's default."""
    value = request.cookies.get(AUDIENCE_COOKIE, "")
    return value if value in AUDIENCES else PAGE_AUDIENCE


def ask_answer(state: WebState, req: AskRequest) -> Served:
    try:
        return state.service.ask(req)
    except UnknownPrevious as exc:
        raise WebError(422, f"No earlier answer has the id {str(exc)!r} given as "
                            "previous_answer_id; use the `id` of an answer from this server, "
                            "or leave it out.") from exc
    except InputError as exc:
        raise WebError(422, str(exc)) from exc


def get_answer(state: WebState, key: str) -> Served:
    served = state.service.get(key) if _ID.fullmatch(key) else None
    if served is None:
        raise WebError(404, f"There is no answer with the id {key[:40]!r}; answer ids are the 16 "
                            "characters at the end of an answer's address. Ask the question "
                            "again from the home page.")
    return served


# -- the answer page model ------------------------------------------------------------------------

@dataclass
class RefView:
    n: int
    text: str
    href: str | None  # allowlisted outbound link, or None
    url_text: str     # the raw URL shown as text when it is not allowlisted


@dataclass
class FollowUp:
    text: str
    href: str


@dataclass
class AnswerView:
    answer: Answer
    review: ReviewInfo
    known: set[int]
    insufficient: bool
    reasons: list[str]
    verdict: Sentence | None
    summary: list[Sentence]
    label_status: str | None
    sections: list[Section]
    safety: list[SafetyItem]
    references: list[RefView]
    follow_ups: list[FollowUp]
    audience_label: str
    previous: Answer | None = None
    footer: str = ""
    tips: list[str] = field(default_factory=list)


INSUFFICIENT_TIPS: tuple[str, ...] = (
    "Name the medicine (generic or brand name) and the condition, for example "
    "\u201cbaclofen\u201d and \u201cback pain\u201d.",
    "Ask one thing at a time: use, dose, side effects, interactions or stopping.",
    "This server only answers from the evidence in its own store; a question outside it gets no "
    "answer rather than a guess.",
)


def _ref_view(ref: Reference) -> RefView:
    url = c.clean(ref.url)
    safe = c.safe_url(ref.url)
    return RefView(n=ref.n, text=c.reference_text(ref), href=safe,
                   url_text="" if safe else url)


def follow_up_href(question: str, answer: Answer) -> str:
    return "/ask?" + query(question=question, audience=answer.audience,
                           previous_answer_id=answer.id)


def answer_view(answer: Answer, review: ReviewInfo, previous: Answer | None) -> AnswerView:
    bl = answer.bottom_line
    insufficient = c.is_insufficient(answer)
    return AnswerView(
        answer=answer,
        review=review,
        known=c.reference_numbers(answer),
        insufficient=insufficient,
        reasons=c.insufficient_reasons(answer) if insufficient else [],
        verdict=bl.verdict,
        summary=bl.summary,
        label_status=c.label_status_text(answer),
        sections=c.sections_to_show(answer),
        safety=answer.safety,
        references=[_ref_view(r) for r in c.ordered_references(answer)],
        follow_ups=[FollowUp(c.clean(q), follow_up_href(q, answer))
                    for q in answer.follow_up_questions if c.clean(q)],
        audience_label=AUDIENCE_LABELS.get(answer.audience, answer.audience),
        previous=previous,
        footer=c.footer_text(answer),
        tips=list(INSUFFICIENT_TIPS) if insufficient else [],
    )
