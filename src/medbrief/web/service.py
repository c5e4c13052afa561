"""The one place the web app gets answers from: a single Engine per process, shared by every request.

Concurrency: the store is one SQLite connection (opened with ``check_same_thread=False``) and the
Engine keeps per-process state, so every use of them — asking, loading a saved answer, reading the
corpus snapshot — happens under one :class:`threading.Lock`. Requests run in the server's thread
pool; a cache hit holds the lock only for the snapshot read (microseconds), a miss for the time of
one ``Engine.ask``.

Caching: an answer id is a hash of the question (case and spacing folded), audience, corpus
snapshot, settings and previous answer id (:func:`medbrief.compose.answerer.answer_id`), so the
id of a repeated question is known before answering it. Answers are kept in a bounded LRU by id,
with their JSON already serialised. A changed corpus (a new snapshot) gives new ids, so a stale
answer is never served for a new question; an answer asked for by id stays what it was.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from medbrief.answer import Answer, Audience
from medbrief.compose.answerer import Engine, answer_id
from medbrief.store.answers import load_answer
from medbrief.store.repository import Store

MAX_QUESTION_CHARS = 2000
ANSWER_ID_PATTERN = r"^[0-9a-f]{16}$"
AUDIENCES: tuple[str, ...] = ("patient", "caregiver", "nurse", "pharmacist", "physician")
PAGE_AUDIENCE: Audience = "patient"  # preselected on the home page for a new visitor


class AskRequest(BaseModel):
    """A question to answer: the body of ``POST /api/ask`` and the fields of the ask form."""

    model_config = ConfigDict(str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS,
                          description="the clinical question, 1 to 2000 characters",
                          examples=["What is the role of baclofen in managing back pain?"])
    audience: Audience = Field(default="physician",
                               description="who the answer is written for (as `medbrief ask`)")
    previous_answer_id: str | None = Field(
        default=None, pattern=ANSWER_ID_PATTERN,
        description="id of an earlier answer this question follows up (asked in its context)")


class UnknownPrevious(LookupError):
    """``previous_answer_id`` names no saved answer."""


@dataclass(frozen=True, slots=True)
class Served:
    """An answer and its JSON bytes (the API response body), computed once."""

    answer: Answer
    json: bytes


class AnswerService:
    def __init__(self, engine: Engine, cache_size: int = 2048) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Served] = OrderedDict()
        self._cache_size = cache_size
        self.asked = 0  # Engine.ask calls made (cache misses), for tests and benchmarks

    @property
    def lock(self) -> threading.Lock:
        """Held by every user of the Engine's store connection (answers and claim checks)."""
        return self._lock

    @property
    def store(self) -> Store:
        return self.engine.store

    def _remember(self, answer: Answer) -> Served:
        served = Served(answer, answer.model_dump_json().encode())
        self._cache[answer.id] = served
        self._cache.move_to_end(answer.id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return served

    def _cached(self, key: str) -> Served | None:
        served = self._cache.get(key)
        if served is not None:
            self._cache.move_to_end(key)
        return served

    def ask(self, request: AskRequest) -> Served:
        """The answer to ``request``, from the cache when the same question was asked before."""
        after = request.previous_answer_id
        with self._lock:
            key = answer_id(request.question, request.audience, self.store.snapshot(),
                            self.engine.settings.settings_hash(), after)
            served = self._cached(key)
            if served is not None:
                return served
            if after is not None and self._cached(after) is None \
                    and load_answer(self.store, after) is None:
                raise UnknownPrevious(after)
            answer = self.engine.ask(request.question, audience=request.audience, after=after)
            self.asked += 1
            return self._remember(answer)

    def get(self, key: str) -> Served | None:
        """A saved answer by id (``None`` if there is none)."""
        with self._lock:
            served = self._cached(key)
            if served is not None:
                return served
            answer = load_answer(self.store, key)
            return self._remember(answer) if answer is not None else None

    def document_count(self) -> int:
        with self._lock:
            row = self.store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()
        return int(row[0])

