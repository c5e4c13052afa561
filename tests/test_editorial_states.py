"""The status machine: every legal transition works, every illegal one is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from medbrief.editorial.articles import get_article
from medbrief.editorial.errors import IllegalTransition
from medbrief.editorial.states import Action, Status
from medbrief.editorial.workflow import act, edit_article
from medbrief.store import Store
from test_editorial_support import Team, drive, evidence_store, hand_answer, make_team

S, A = Status, Action
# The whole machine, written out independently of medbrief.editorial.states.TRANSITIONS.
LEGAL: dict[tuple[Status, Action], Status] = {
    (S.SUBMITTED, A.EDIT): S.SUBMITTED,
    (S.SUBMITTED, A.CLAIM): S.UNDER_REVIEW,
    (S.SUBMITTED, A.RETIRE): S.RETIRED,
    (S.UNDER_REVIEW, A.APPROVE): S.APPROVED,
    (S.UNDER_REVIEW, A.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.UNDER_REVIEW, A.RETIRE): S.RETIRED,
    (S.CHANGES_REQUESTED, A.EDIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.RETIRE): S.RETIRED,
    (S.APPROVED, A.EDIT): S.SUBMITTED,
    (S.APPROVED, A.REOPEN): S.UNDER_REVIEW,
    (S.APPROVED, A.RETIRE): S.RETIRED,
}
USER_ACTIONS = [A.EDIT, A.SUBMIT, A.CLAIM, A.APPROVE, A.REQUEST_CHANGES, A.REOPEN, A.RETIRE]
ALL = [(s, a) for s in Status for a in USER_ACTIONS]


@pytest.fixture
def world(tmp_path: Path) -> tuple[Store, Team]:
    store = evidence_store(tmp_path / "s.sqlite3")
    return store, make_team(store)


def _do(store: Store, team: Team, slug: str, action: Action, revision: int) -> Status:
    if action is A.EDIT:
        answer = hand_answer(store, text="An edited sentence about the 80 mg maximum.")
        return edit_article(store, slug, answer, team.editor, revision, "edit").status
    who = team.editor if action is A.SUBMIT else team.reviewer
    return act(store, slug, action, who, revision, note=f"{action} note").status


@pytest.mark.parametrize(("status", "action"), [k for k in ALL if k in LEGAL],
                         ids=lambda v: str(v))
def test_legal_transition(world: tuple[Store, Team], status: Status, action: Action) -> None:
    store, team = world
    art = drive(store, team, status)
    assert _do(store, team, art.slug, action, art.revision) is LEGAL[(status, action)]
    after = get_article(store, art.slug)
    assert after.revision == art.revision + 1
    assert after.status is LEGAL[(status, action)]


@pytest.mark.parametrize(("status", "action"), [k for k in ALL if k not in LEGAL],
                         ids=lambda v: str(v))
def test_illegal_transition_names_the_allowed_ones(world: tuple[Store, Team], status: Status,
                                                   action: Action) -> None:
    store, team = world
    art = drive(store, team, status)
    with pytest.raises(IllegalTransition) as err:
        _do(store, team, art.slug, action, art.revision)
    message = str(err.value)
    assert f"cannot {action} article 'subject': it is {status}" in message
    allowed = [a for (s, a) in LEGAL if s is status]
    for a in allowed:
        assert f"{a} (→ {LEGAL[(status, a)]})" in message
    if not allowed:
        assert "final" in message
    after = get_article(store, art.slug)  # nothing changed
    assert (after.status, after.revision, after.current_version) == (
        art.status, art.revision, art.current_version)


def test_the_machine_has_exactly_these_transitions() -> None:
    from medbrief.editorial.states import TRANSITIONS

    derived = {(s, a): r.target for a, r in TRANSITIONS.items() if r.roles for s in r.sources}
    assert derived == LEGAL
    system = TRANSITIONS[A.EVIDENCE_CHANGED]
    assert not system.roles and system.sources == {S.APPROVED} and system.target is S.UNDER_REVIEW


def test_full_cycle_with_changes_requested(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, S.CHANGES_REQUESTED)
    art = edit_article(store, art.slug, hand_answer(store, text="Fixed: at most 80 mg a day."),
                       team.editor, art.revision, "fixed the dose sentence")
    assert (art.status, art.current_version) == (S.SUBMITTED, 2)
    art = act(store, art.slug, A.CLAIM, team.reviewer2, art.revision)
    art = act(store, art.slug, A.APPROVE, team.reviewer2, art.revision, "looks right")
    assert (art.status, art.approved_version) == (S.APPROVED, 2)


def test_notes_are_required_where_a_reason_matters(world: tuple[Store, Team]) -> None:
    from medbrief.editorial.errors import EditorialInputError

    store, team = world
    art = drive(store, team, S.UNDER_REVIEW)
    with pytest.raises(EditorialInputError, match="request-changes needs a note"):
        act(store, art.slug, A.REQUEST_CHANGES, team.reviewer, art.revision, note="  ")
    with pytest.raises(EditorialInputError, match="retire needs a note"):
        act(store, art.slug, A.RETIRE, team.reviewer, art.revision)
    assert get_article(store, art.slug).status is S.UNDER_REVIEW
