"""Articles, versions, the audit trail, optimistic concurrency, roles, self-approval, claim checks
and the public view — against a real SQLite store."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from medbrief.editorial import audit
from medbrief.editorial.articles import get_article, get_version, slugify, versions
from medbrief.editorial.checks import attach_check_report, latest_check
from medbrief.editorial.errors import (
    ApprovalBlocked,
    AuthError,
    EditorialInputError,
    Forbidden,
    Gone,
    StaleWrite,
)
from medbrief.editorial.public import public_view, review_summary
from medbrief.editorial.states import Action, Status
from medbrief.editorial.users import revoke
from medbrief.editorial.workflow import act, create_article, edit_article
from medbrief.store import Store
from test_editorial_support import (
    LABEL_ID,
    Team,
    drive,
    evidence_store,
    hand_answer,
    make_team,
    new_article,
)


@pytest.fixture
def world(tmp_path: Path) -> tuple[Store, Team]:
    store = evidence_store(tmp_path / "s.sqlite3")
    return store, make_team(store)


def test_slug_from_the_question_and_unique(world: tuple[Store, Team]) -> None:
    store, team = world
    assert slugify("What is the maximum dose of Flexeril®?") == "maximum-dose-flexeril"
    first = create_article(store, hand_answer(store), team.editor)
    second = create_article(store, hand_answer(store, text="Another answer."), team.editor)
    assert (first.slug, second.slug) == ("maximum-dose-examplofen", "maximum-dose-examplofen-2")
    with pytest.raises(EditorialInputError, match="already exists; add this answer as its new"):
        create_article(store, hand_answer(store, text="Third."), team.editor, slug=first.slug)
    with pytest.raises(EditorialInputError, match="not a usable slug"):
        create_article(store, hand_answer(store, text="Fourth."), team.editor, slug="No Spaces!")


def test_article_keeps_question_audience_answer_snapshot_and_settings(
        world: tuple[Store, Team]) -> None:
    store, team = world
    answer = hand_answer(store)
    art = create_article(store, answer, team.editor, note="first draft")
    assert (art.question, art.audience, art.status, art.current_version, art.revision) == (
        answer.question, "physician", Status.SUBMITTED, 1, 1)
    v1 = get_version(store, art, 1)
    assert v1.answer() == answer
    assert (v1.corpus_snapshot, v1.settings_hash, v1.note) == (
        answer.corpus_snapshot, "settings-test", "first draft")
    assert art.created_at == art.content_updated_at


def test_every_edit_is_a_new_version_and_none_is_lost(world: tuple[Store, Team]) -> None:
    store, team = world
    art = new_article(store, team, slug="dose")
    texts = ["v1 text"]
    for i in range(2, 5):
        texts.append(f"Version {i} says the maximum is 80 mg.")
        art = edit_article(store, "dose", hand_answer(store, text=texts[-1]), team.editor,
                           art.revision, f"edit {i}")
    all_versions = versions(store, art)
    assert [v.version for v in all_versions] == [1, 2, 3, 4]
    assert [v.answer().bottom_line.verdict.text for v in all_versions[1:]] == texts[1:]  # type: ignore[union-attr]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE article_versions SET answer_json = '{}' WHERE version = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM article_versions")
    assert len(versions(store, art)) == 4


def test_audit_trail_records_every_step_and_is_append_only(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, Status.APPROVED, slug="a")
    art = act(store, "a", Action.REOPEN, team.reviewer2, art.revision, "second look")
    events = audit.events(store.conn, art.id)
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("create", None, "submitted", "Ed Editor"),
        ("claim", "submitted", "under_review", "Dr Rita Reviewer"),
        ("approve", "under_review", "approved", "Dr Rita Reviewer"),
        ("reopen", "approved", "under_review", "Dr Sam Second"),
    ]
    assert events[-1].note == "second look"
    assert all(e.settings_hash == "settings-test" and e.version == 1 and e.at for e in events)
    assert [e.revision for e in events] == [1, 2, 3, 4]
    for sql in ("UPDATE article_events SET note = 'rewritten'", "DELETE FROM article_events",
                "UPDATE article_events SET actor = 'someone else' WHERE id = 1"):
        with pytest.raises(sqlite3.DatabaseError, match="article_events is append-only"):
            store.conn.execute(sql)
    assert audit.events(store.conn, art.id) == events


def test_stale_revision_is_refused_and_nothing_is_lost(world: tuple[Store, Team]) -> None:
    store, team = world
    art = new_article(store, team, slug="race")
    seen = art.revision
    # two reviewers read revision 1; the first claims it
    act(store, "race", Action.CLAIM, team.reviewer, seen)
    with pytest.raises(StaleWrite) as err:
        act(store, "race", Action.CLAIM, team.reviewer2, seen)
    assert "changed since you read it (you sent revision 1, it is now revision 2" in str(err.value)
    assert "claim by Dr Rita Reviewer" in str(err.value)
    # two editors: the second edit based on the old revision is refused, the first is kept
    art = act(store, "race", Action.REQUEST_CHANGES, team.reviewer, 2, "cite the dose")
    first = edit_article(store, "race", hand_answer(store, text="Editor one."), team.editor,
                         art.revision)
    with pytest.raises(StaleWrite, match="reload it and try again"):
        edit_article(store, "race", hand_answer(store, text="Editor two."), team.both,
                     art.revision)
    now = get_article(store, "race")
    assert now.current_version == first.current_version == 2
    assert get_version(store, now, 2).answer().bottom_line.verdict.text == "Editor one."  # type: ignore[union-attr]
    with pytest.raises(EditorialInputError, match="say which revision"):
        act(store, "race", Action.CLAIM, team.reviewer, None)


def test_roles_are_enforced(world: tuple[Store, Team]) -> None:
    store, team = world
    with pytest.raises(Forbidden, match="cannot save articles: that needs the editor role"):
        create_article(store, hand_answer(store), team.reviewer)
    art = new_article(store, team, slug="r")
    with pytest.raises(Forbidden, match="needs the reviewer role"):
        act(store, "r", Action.CLAIM, team.editor, art.revision)
    with pytest.raises(Forbidden, match="needs the reviewer role"):
        act(store, "r", Action.CLAIM, team.admin, art.revision)
    with pytest.raises(Forbidden, match="needs the editor role"):
        edit_article(store, "r", hand_answer(store, text="x"), team.reviewer, art.revision)
    revoke(store, team.reviewer2.email, team.admin)
    from medbrief.editorial.users import get_user

    with pytest.raises(AuthError, match="revoked"):
        act(store, "r", Action.CLAIM, get_user(store, team.reviewer2.email), art.revision)
    assert get_article(store, "r").revision == art.revision


def test_a_reviewer_cannot_approve_their_own_edit(world: tuple[Store, Team]) -> None:
    store, team = world
    art = create_article(store, hand_answer(store), team.both)  # editor+reviewer wrote it
    art = act(store, art.slug, Action.CLAIM, team.both, art.revision)
    with pytest.raises(Forbidden, match="cannot approve their own edit"):
        act(store, art.slug, Action.APPROVE, team.both, art.revision)
    art = act(store, art.slug, Action.APPROVE, team.reviewer, art.revision)
    assert art.status is Status.APPROVED
    # an own edit after someone else's approval is again not approvable by its author
    art = edit_article(store, art.slug, hand_answer(store, text="tweak"), team.both, art.revision)
    art = act(store, art.slug, Action.CLAIM, team.both, art.revision)
    with pytest.raises(Forbidden, match="wrote version 2"):
        act(store, art.slug, Action.APPROVE, team.both, art.revision)
    assert get_article(store, art.slug).status is Status.UNDER_REVIEW


def test_last_updated_moves_with_content_not_with_status(world: tuple[Store, Team]) -> None:
    store, team = world
    art = new_article(store, team, slug="t")
    created = art.content_updated_at
    time.sleep(1.1)
    art = act(store, "t", Action.CLAIM, team.reviewer, art.revision)
    art = act(store, "t", Action.APPROVE, team.reviewer, art.revision)
    assert art.content_updated_at == created and art.status_changed_at > created
    assert public_view(store, "t").last_updated == created
    time.sleep(1.1)
    art = edit_article(store, "t", hand_answer(store, text="new"), team.editor, art.revision)
    assert art.content_updated_at > created


def test_public_view_latest_approved_else_pending(world: tuple[Store, Team]) -> None:
    store, team = world
    art = new_article(store, team, slug="p", text="First version.")
    view = public_view(store, "p")
    assert view.pending and view.shown.version == 1 and view.reviewed_by is None
    assert view.to_json_dict()["pending_review"] is True
    art = act(store, "p", Action.CLAIM, team.reviewer, art.revision)
    art = act(store, "p", Action.APPROVE, team.reviewer, art.revision)
    art = edit_article(store, "p", hand_answer(store, text="Second version."), team.editor,
                       art.revision)
    view = public_view(store, "p")
    assert not view.pending and view.newer_pending and view.shown.version == 1
    assert view.reviewed_by == "Dr Rita Reviewer"
    assert view.to_json_dict()["answer"]["bottom_line"]["verdict"]["text"] == "First version."
    act(store, "p", Action.RETIRE, team.reviewer, art.revision, "superseded by guidance")
    with pytest.raises(Gone, match="retired"):
        public_view(store, "p")


def test_review_summary_for_the_answer_page(world: tuple[Store, Team]) -> None:
    store, team = world
    first = hand_answer(store, text="Answer one.")
    assert review_summary(store, first.id) is None
    art = create_article(store, first, team.editor, slug="s")
    art = act(store, "s", Action.CLAIM, team.reviewer, art.revision)
    art = act(store, "s", Action.APPROVE, team.reviewer, art.revision)
    summary = review_summary(store, first.id)
    assert summary is not None
    assert summary.review_info_fields() == {
        "status": "approved", "last_updated": art.content_updated_at,
        "reviewers": ("Dr Rita Reviewer",), "history_url": "/articles/s/history"}
    second = hand_answer(store, text="Answer two.")
    edit_article(store, "s", second, team.editor, art.revision)
    assert review_summary(store, second.id).status == "submitted"  # type: ignore[union-attr]
    assert review_summary(store, first.id).status == "approved"  # type: ignore[union-attr]


def test_check_reports_block_approval_unless_overridden(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, Status.UNDER_REVIEW, slug="c")
    report = {"claims": [{"text": "max 80 mg", "verdict": "contradicted"}]}
    attached = attach_check_report(store, "c", report, contradicted=1, checker="checker/1")
    assert latest_check(store, art.id, 1) == attached and attached.report() == report
    assert get_article(store, "c").revision == art.revision  # a check is not a content change
    with pytest.raises(ApprovalBlocked, match="found 1 contradicted claim"):
        act(store, "c", Action.APPROVE, team.reviewer, art.revision)
    # a newer clean report of the same version unblocks it
    attach_check_report(store, "c", {"claims": []}, contradicted=0, actor=team.reviewer)
    assert act(store, "c", Action.APPROVE, team.reviewer, art.revision).status is Status.APPROVED


def test_override_note_is_kept_in_the_audit_trail(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, Status.UNDER_REVIEW, slug="o")
    attach_check_report(store, "o", '{"claims": 2}', contradicted=2)
    art = act(store, "o", Action.APPROVE, team.reviewer, art.revision,
              override_note="both claims match the 2024 label; the checker is out of date")
    last = audit.events(store.conn, art.id)[-1]
    assert last.action == "approve"
    assert "override of claim check report" in last.note and "out of date" in last.note
    checks = [e for e in audit.events(store.conn, art.id) if e.action == "check"]
    assert checks and "2 contradicted" in checks[0].note
    with pytest.raises(EditorialInputError, match="not valid JSON"):
        attach_check_report(store, "o", "{not json", contradicted=0)
    with pytest.raises(Forbidden):
        attach_check_report(store, "o", {}, contradicted=0, actor=team.admin)


def test_saving_an_answer_whose_evidence_changed_is_refused(world: tuple[Store, Team]) -> None:
    from docs_factory import label

    store, team = world
    answer = hand_answer(store)
    with store.transaction():
        store.upsert(label(version="2", extra={"boxed_warning": "A new boxed warning."}))
    with pytest.raises(EditorialInputError, match=f"{LABEL_ID} is now version 2 .*ask the"):
        create_article(store, answer, team.editor)


def test_concurrent_writers_on_separate_connections_lose_nothing(tmp_path: Path) -> None:
    """Eight reviewers, each with their own connection, claim the same revision at once:
    exactly one wins, the others are refused as stale; then eight editors race to edit."""
    import threading

    from medbrief.store import open_store

    path = tmp_path / "s.sqlite3"
    store = evidence_store(path)
    team = make_team(store)
    art = new_article(store, team, slug="race")
    answers = [hand_answer(store, text=f"Edit number {i}.") for i in range(8)]
    seen = art.revision  # the revision every racer read (set again before the edit race)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int, action: str) -> None:
        own = open_store(path)
        barrier.wait()
        try:
            if action == "claim":
                act(own, "race", Action.CLAIM, team.reviewer, seen)
            else:
                edit_article(own, "race", answers[i], team.editor, seen, f"edit {i}")
            result = "ok"
        except StaleWrite:
            result = "stale"
        finally:
            own.close()
        with lock:
            outcomes.append(result)

    for action in ("claim", "edit"):
        if action == "edit":
            now = act(store, "race", Action.REQUEST_CHANGES, team.reviewer,
                      get_article(store, "race").revision, "changes")
            seen = now.revision
        outcomes.clear()
        threads = [threading.Thread(target=attempt, args=(i, action)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["ok"] + ["stale"] * 7, (action, outcomes)
    final = get_article(store, "race")
    assert final.current_version == 2 and len(versions(store, final)) == 2
    kinds = [e.action for e in audit.events(store.conn, final.id)]
    assert kinds == ["create", "claim", "request-changes", "edit"]


def test_unversioned_references_are_checked_by_replacement_time(world: tuple[Store, Team]) -> None:
    """Guideline and paper references carry no version: an unrelated change is fine, a
    replacement of the cited source after the answer was written is not."""
    from docs_factory import guideline, label
    from medbrief.editorial.articles import check_evidence_current
    from test_editorial_support import GUIDELINE_ID

    store, team = world
    answer = hand_answer(store, sources=(GUIDELINE_ID,))
    assert answer.references[0].version is None
    with store.transaction():
        store.upsert(label("otherofen"))  # the snapshot moves on; the guideline does not
    check_evidence_current(store, answer)
    time.sleep(1.1)
    changed = guideline("1")
    changed.passages[0].text += " Updated wording."
    with store.transaction():
        store.upsert(changed)
    with pytest.raises(EditorialInputError, match=f"{GUIDELINE_ID} was replaced on .* after the"):
        create_article(store, answer, team.editor)
