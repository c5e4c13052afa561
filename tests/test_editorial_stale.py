"""Stale evidence: an ingest that changes evidence an approved article cites sends it back to
review, with the reason in the audit trail and on the public view."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_factory import label, paper
from medbrief.compose.answerer import Engine
from medbrief.editorial import audit
from medbrief.editorial.articles import get_article
from medbrief.editorial.public import public_view
from medbrief.editorial.stale import check_stale_evidence
from medbrief.editorial.states import Action, Status
from medbrief.editorial.workflow import act, create_article, edit_article
from medbrief.ingest import ingest_paths
from medbrief.store import Store, open_store
from test_editorial_support import (
    GUIDELINE_ID,
    LABEL_ID,
    PAPER_ID,
    Team,
    drive,
    evidence_store,
    hand_answer,
    make_team,
)

DIGEST_ID = "DIGEST:label-zorbaclofen"


def write_label_digest(folder: Path, version: str, max_dose: str) -> Path:
    path = folder / "zorbaclofen.md"
    path.write_text(f"""---
medbrief_digest: 1
tier: label
id: label-zorbaclofen
title: "Zorbaclofen tablets - label digest"
issuer: "Example Pharma"
version: "{version}"
conditions: [spasticity]
drug: zorbaclofen
brand_names: [Zorbax]
statements:
  - {{section: indications, text: "Zorbaclofen is labelled to relieve spasticity caused by multiple sclerosis.", source_section: indications_and_usage}}
  - {{section: dosage_administration, text: "The total daily dose of zorbaclofen must stay at or below {max_dose} mg daily.", source_section: dosage_and_administration}}
  - {{section: warnings_precautions, text: "Stopping zorbaclofen abruptly has been followed by hallucinations and seizures.", source_section: warnings}}
---
""", encoding="utf-8")
    return path


def test_ingesting_a_newer_label_sends_the_approved_article_back_to_review(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    store = open_store(tmp_path / "s.sqlite3")
    write_label_digest(data, "1", "80")
    assert ingest_paths(store, [data]).counts["ingested"] == 1
    team = make_team(store)
    answer = Engine(store).ask("What is the maximum dose of zorbaclofen?")
    cited = {(r.source_id, r.version) for r in answer.references}
    assert (DIGEST_ID, "1") in cited
    art = create_article(store, answer, team.editor)
    art = act(store, art.slug, Action.CLAIM, team.reviewer, art.revision)
    art = act(store, art.slug, Action.APPROVE, team.reviewer, art.revision)
    assert art.status is Status.APPROVED

    # re-ingesting the same file changes nothing
    ingest_paths(store, [data])
    assert get_article(store, art.slug).status is Status.APPROVED

    write_label_digest(data, "2", "60")
    report = ingest_paths(store, [data])
    assert report.counts["updated"] == 1
    after = get_article(store, art.slug)
    assert after.status is Status.UNDER_REVIEW
    assert after.revision == art.revision + 1 and after.claimed_by is None
    last = audit.events(store.conn, art.id)[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_id) == (
        "evidence-changed", "approved", "under_review", None)
    assert f"{DIGEST_ID} (Zorbaclofen tablets - label digest) was updated from version 1 to " \
           "version 2" in last.note
    view = public_view(store, art.slug).to_json_dict()
    assert view["evidence_changed"]["reason"] == last.note
    assert "evidence this article cites has changed" in view["evidence_changed"]["note"]
    assert view["version"] == 1 and view["pending_review"] is False  # still the reviewed text

    # refreshing the answer and approving again clears the flag
    fresh = Engine(store).ask("What is the maximum dose of zorbaclofen?")
    art = act(store, art.slug, Action.REQUEST_CHANGES, team.reviewer, after.revision,
              "the maximum dose changed to 60 mg")
    art = edit_article(store, art.slug, fresh, team.editor, art.revision, "refreshed")
    art = act(store, art.slug, Action.CLAIM, team.reviewer, art.revision)
    art = act(store, art.slug, Action.APPROVE, team.reviewer, art.revision)
    assert art.evidence_changed_at is None and art.approved_version == 2
    ingest_paths(store, [data])  # nothing new: stays approved
    assert get_article(store, art.slug).status is Status.APPROVED


@pytest.fixture
def world(tmp_path: Path) -> tuple[Store, Team]:
    store = evidence_store(tmp_path / "s.sqlite3")
    return store, make_team(store)


def _approved_citing(store: Store, team: Team, slug: str, *sources: str) -> int:
    art = create_article(store, hand_answer(store, text=f"About {slug}.", sources=sources),
                         team.editor, slug=slug)
    art = act(store, slug, Action.CLAIM, team.reviewer, art.revision)
    return act(store, slug, Action.APPROVE, team.reviewer, art.revision).id


def test_retracted_and_deleted_papers(world: tuple[Store, Team]) -> None:
    store, team = world
    _approved_citing(store, team, "cites-paper", PAPER_ID)
    _approved_citing(store, team, "cites-guideline", GUIDELINE_ID)
    with store.transaction():
        store.upsert(paper("111", "Examplofen for spasticity",
                           "Examplofen reduced spasticity in a randomised trial.", retracted=True))
    stale = check_stale_evidence(store)
    assert [(s.slug, s.from_status, s.to_status) for s in stale] == [
        ("cites-paper", Status.APPROVED, Status.UNDER_REVIEW)]
    assert f"{PAPER_ID} (Examplofen for spasticity) was retracted" in stale[0].reason
    assert get_article(store, "cites-guideline").status is Status.APPROVED
    with store.transaction():
        store.delete(GUIDELINE_ID)
    stale = check_stale_evidence(store)
    assert [s.slug for s in stale] == ["cites-guideline"]
    assert "was withdrawn from the store" in stale[0].reason
    assert check_stale_evidence(store) == []  # each change is handled once


def test_pending_articles_are_flagged_without_a_status_change(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, Status.UNDER_REVIEW, slug="pending")
    with store.transaction():
        store.upsert(label(version="2"))
    [hit] = check_stale_evidence(store)
    assert (hit.from_status, hit.to_status) == (Status.UNDER_REVIEW, Status.UNDER_REVIEW)
    after = get_article(store, "pending")
    assert after.status is Status.UNDER_REVIEW and after.evidence_changed_at
    # a reviewer who read the article before the flag must reload before approving
    from medbrief.editorial.errors import StaleWrite

    with pytest.raises(StaleWrite):
        act(store, "pending", Action.APPROVE, team.reviewer, art.revision)


def test_changes_before_the_version_was_saved_do_not_count(world: tuple[Store, Team]) -> None:
    store, team = world
    with store.transaction():
        store.upsert(label(version="2"))  # before the article exists, not yet checked
    _approved_citing(store, team, "fresh", LABEL_ID)  # cites version 2
    assert check_stale_evidence(store) == []
    assert get_article(store, "fresh").status is Status.APPROVED


def test_retired_articles_and_unrelated_changes_are_left_alone(world: tuple[Store, Team]) -> None:
    store, team = world
    art = drive(store, team, Status.RETIRED, slug="old")
    with store.transaction():
        store.upsert(label(version="2"))
        store.upsert(label("otherofen"))
    assert check_stale_evidence(store) == []
    assert get_article(store, "old").revision == art.revision


def test_the_check_is_one_query_when_nothing_changed(world: tuple[Store, Team]) -> None:
    store, _team = world
    check_stale_evidence(store)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert check_stale_evidence(store) == []
    finally:
        store.conn.set_trace_callback(None)
    assert len(statements) == 1  # newest change id and cursor, in one indexed read
