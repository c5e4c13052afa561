"""Shared helpers of the editorial tests (no tests here): a store with evidence, a team of people
with tokens, hand-made answers citing stored documents, and a way to drive an article to a status.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docs_factory import guideline, label, paper
from medbrief.answer import Answer, BottomLine, Reference, Sentence
from medbrief.editorial.articles import Article, get_article
from medbrief.editorial.states import Action, Role, Status
from medbrief.editorial.users import User, add_user
from medbrief.editorial.workflow import act, create_article
from medbrief.store import Store, open_store
from medbrief.store.answers import save_answer

LABEL_ID = "SETID:examplofen-set"
GUIDELINE_ID = "NGC:1"
PAPER_ID = "PMID:111"


def evidence_store(path: Path) -> Store:
    """A store holding one label (version 1), one guideline and one paper."""
    store = open_store(path)
    with store.transaction():
        store.upsert(label(version="1"))
        store.upsert(guideline("1"))
        store.upsert(paper("111", "Examplofen for spasticity",
                           "Examplofen reduced spasticity in a randomised trial."))
    return store


@dataclass
class Team:
    admin: User
    editor: User
    reviewer: User
    reviewer2: User
    both: User          # editor and reviewer: may not approve their own edit
    tokens: dict[str, str]


def make_team(store: Store) -> Team:
    tokens: dict[str, str] = {}
    admin, tokens["admin"] = add_user(store, "admin@example.org", "Ada Admin",
                                      frozenset({Role.ADMIN}), None)

    def person(key: str, email: str, name: str, roles: set[Role]) -> User:
        user, tokens[key] = add_user(store, email, name, frozenset(roles), admin)
        return user

    return Team(
        admin=admin,
        editor=person("editor", "ed@example.org", "Ed Editor", {Role.EDITOR}),
        reviewer=person("reviewer", "rev@example.org", "Dr Rita Reviewer", {Role.REVIEWER}),
        reviewer2=person("reviewer2", "rev2@example.org", "Dr Sam Second", {Role.REVIEWER}),
        both=person("both", "both@example.org", "Dr Bo Both", {Role.EDITOR, Role.REVIEWER}),
        tokens=tokens,
    )


def hand_answer(store: Store, text: str = "The total daily dose should not exceed 80 mg.",
                question: str = "What is the maximum dose of examplofen?",
                sources: tuple[str, ...] = (LABEL_ID,)) -> Answer:
    """A saved answer citing ``sources`` at their stored versions (distinct text, distinct id)."""
    refs = []
    for n, source_id in enumerate(sources, start=1):
        stored = store.get_document(source_id)
        assert stored is not None, source_id
        doc = stored.document
        tier = {"guideline": "guidelines"}.get(str(doc.tier), str(doc.tier))
        refs.append(Reference(n=n, tier=tier, source_id=source_id, title=doc.title,  # type: ignore[arg-type]
                              citation=doc.title, version=doc.version or None))
    answer = Answer(
        id="", question=question, audience="physician",
        bottom_line=BottomLine(verdict=Sentence(text=text, citations=[1])),
        references=refs, corpus_snapshot=store.snapshot(), settings_hash="settings-test",
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    answer.id = hashlib.sha256(answer.model_dump_json().encode()).hexdigest()[:16]
    save_answer(store, answer)
    return answer


def new_article(store: Store, team: Team, slug: str | None = None, **kwargs: object) -> Article:
    return create_article(store, hand_answer(store, **kwargs), team.editor, slug=slug)  # type: ignore[arg-type]


def drive(store: Store, team: Team, status: Status, slug: str = "subject") -> Article:
    """A new article brought to ``status`` by legal actions."""
    art = new_article(store, team, slug=slug)
    steps: dict[Status, list[tuple[Action, User]]] = {
        Status.SUBMITTED: [],
        Status.UNDER_REVIEW: [(Action.CLAIM, team.reviewer)],
        Status.APPROVED: [(Action.CLAIM, team.reviewer), (Action.APPROVE, team.reviewer)],
        Status.CHANGES_REQUESTED: [(Action.CLAIM, team.reviewer),
                                   (Action.REQUEST_CHANGES, team.reviewer)],
        Status.RETIRED: [(Action.RETIRE, team.reviewer)],
    }
    for action, who in steps[status]:
        art = act(store, art.slug, action, who, art.revision, note=f"{action} for the test")
    assert art.status is status
    return get_article(store, art.slug)
