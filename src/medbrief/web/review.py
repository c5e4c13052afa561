"""Review status of an answer, as the answer page shows it (stepper, banner, "Last updated").

The page depends only on :class:`ReviewInfo` and on a :data:`ReviewLookup` — a function from an
answer to its review information. :func:`review_info` is the default lookup: a plain machine answer
has never been submitted to the medical reviewers, so it is ``not_submitted`` and the page says
"Pending human review — use with caution". The editorial workflow supplies the real lookup through
``create_app(review_lookup=...)``.

Truthfulness rule (enforced by :attr:`ReviewInfo.approved`, used by the banner): the words
"Reviewed by our medical reviewers" appear only when the status is ``approved``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from medbrief.answer import Answer

ReviewStatus = Literal[
    "not_submitted", "submitted", "under_review", "changes_requested", "approved", "retired"
]

STEPS: tuple[tuple[str, str], ...] = (
    ("submitted", "Submitted"),
    ("under_review", "Under Review"),
    ("approved", "Approved"),
)

# how far along the three steps each status is (number of steps reached)
_REACHED: dict[str, int] = {
    "not_submitted": 0,
    "submitted": 1,
    "under_review": 2,
    "changes_requested": 2,
    "approved": 3,
    "retired": 0,
}

STATUS_TEXT: dict[str, str] = {
    "not_submitted": "Not yet submitted for medical review",
    "submitted": "Submitted for medical review",
    "under_review": "Under review by a medical reviewer",
    "changes_requested": "Under review: the reviewer asked for changes",
    "approved": "Approved by a medical reviewer",
    "retired": "Retired: no longer maintained",
}


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    label: str
    state: Literal["done", "current", "todo"]


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """What the answer page needs to know about the review of one answer."""

    status: ReviewStatus = "not_submitted"
    last_updated: str = ""  # ISO 8601 date or date-time; empty if unknown
    reviewers: tuple[str, ...] = ()
    history_url: str | None = None  # a same-site path such as /articles/12/history

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, STATUS_TEXT["not_submitted"])

    def steps(self) -> list[Step]:
        """The three steps with their state; the last reached step is ``current``
        (``done`` for all three once approved)."""
        reached = _REACHED.get(self.status, 0)
        out = []
        for i, (key, label) in enumerate(STEPS, start=1):
            if i < reached or (i == reached and self.approved):
                state: Literal["done", "current", "todo"] = "done"
            elif i == reached:
                state = "current"
            else:
                state = "todo"
            out.append(Step(key, label, state))
        return out

    def safe_history_url(self) -> str | None:
        """``history_url`` only if it is a same-site absolute path (never another site)."""
        url = self.history_url or ""
        if url.startswith("/") and not url.startswith("//") and "\\" not in url \
                and all(c.isprintable() and not c.isspace() for c in url):
            return url
        return None


ReviewLookup = Callable[[Answer], ReviewInfo]


def review_info(answer: Answer) -> ReviewInfo:
    """Default lookup: a machine answer nobody has submitted for review yet."""
    return ReviewInfo(status="not_submitted", last_updated=answer.created_at)
