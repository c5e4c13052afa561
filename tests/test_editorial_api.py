"""The editorial JSON API and HTML pages, mounted on a bare FastAPI app over a real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from medbrief.editorial.api import router as api_router
from medbrief.editorial.pages import router as pages_router
from medbrief.editorial.users import hash_token
from medbrief.settings import Settings
from test_editorial_support import Team, evidence_store, hand_answer, make_team


@pytest.fixture
def env(home: Path) -> Iterator[tuple[TestClient, Team, str]]:
    store = evidence_store(Settings().db_path)
    team = make_team(store)
    answer_id = hand_answer(store).id
    store.close()
    app = FastAPI()
    app.include_router(api_router)
    app.include_router(pages_router)
    with TestClient(app) as client:
        yield client, team, answer_id


def auth(team: Team, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {team.tokens[who]}"}


def _create(client: TestClient, team: Team, answer_id: str) -> dict[str, Any]:
    r = client.post("/api/articles", json={"answer_id": answer_id, "slug": "dose"},
                    headers=auth(team, "editor"))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_writes_need_a_valid_token(env: tuple[TestClient, Team, str]) -> None:
    client, team, answer_id = env
    r = client.post("/api/articles", json={"answer_id": answer_id})
    assert r.status_code == 401 and "needs an API token" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/articles", json={"answer_id": answer_id},
                    headers={"Authorization": "Bearer mbt_not-a-real-token"})
    assert r.status_code == 401 and "unknown API token" in r.json()["detail"]
    r = client.post("/api/articles", json={"answer_id": answer_id},
                    headers={"Authorization": f"Token {team.tokens['editor']}"})
    assert r.status_code == 401 and "Bearer" in r.json()["detail"]
    assert client.get("/api/articles").json() == []


def test_wrong_role_and_revoked_token(env: tuple[TestClient, Team, str]) -> None:
    client, team, answer_id = env
    r = client.post("/api/articles", json={"answer_id": answer_id}, headers=auth(team, "reviewer"))
    assert r.status_code == 403 and "needs the editor role" in r.json()["detail"]
    art = _create(client, team, answer_id)
    r = client.post("/api/articles/dose/claim", json={"revision": art["revision"]},
                    headers=auth(team, "editor"))
    assert r.status_code == 403 and "needs the reviewer role" in r.json()["detail"]
    r = client.post("/api/users/rev@example.org/revoke", json={}, headers=auth(team, "reviewer"))
    assert r.status_code == 403
    r = client.post("/api/users/rev@example.org/revoke", json={"tokens_only": True},
                    headers=auth(team, "admin"))
    assert r.status_code == 200 and r.json()["tokens_revoked"] == 1
    r = client.post("/api/articles/dose/claim", json={"revision": art["revision"]},
                    headers=auth(team, "reviewer"))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    # a new token works again; a revoked person's tokens do not
    r = client.post("/api/users/rev@example.org/tokens", headers=auth(team, "admin"))
    new = {"Authorization": f"Bearer {r.json()['token']}"}
    assert client.get("/api/me", headers=new).json()["email"] == "rev@example.org"
    client.post("/api/users/rev@example.org/revoke", json={}, headers=auth(team, "admin"))
    assert client.get("/api/me", headers=new).status_code == 401


def test_self_approval_is_forbidden(env: tuple[TestClient, Team, str]) -> None:
    client, team, answer_id = env
    r = client.post("/api/articles", json={"answer_id": answer_id}, headers=auth(team, "both"))
    art = r.json()
    slug = art["slug"]
    art = client.post(f"/api/articles/{slug}/claim", json={"revision": art["revision"]},
                      headers=auth(team, "both")).json()
    r = client.post(f"/api/articles/{slug}/approve", json={"revision": art["revision"]},
                    headers=auth(team, "both"))
    assert r.status_code == 403 and "cannot approve their own edit" in r.json()["detail"]
    r = client.post(f"/api/articles/{slug}/approve", json={"revision": art["revision"]},
                    headers=auth(team, "reviewer"))
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["approved_by"] == "Dr Rita Reviewer"


def test_full_flow_concurrency_and_public_reads(env: tuple[TestClient, Team, str]) -> None:
    client, team, answer_id = env
    art = _create(client, team, answer_id)
    assert art["status"] == "submitted" and art["allowed_actions"] == ["edit", "claim", "retire"]
    public = client.get("/api/articles/dose").json()
    assert public["pending_review"] is True and public["pending_note"]
    rev = art["revision"]
    ok = client.post("/api/articles/dose/claim", json={"revision": rev},
                     headers=auth(team, "reviewer"))
    assert ok.status_code == 200
    late = client.post("/api/articles/dose/claim", json={"revision": rev},
                       headers=auth(team, "reviewer2"))
    assert late.status_code == 409 and "changed since you read it" in late.json()["detail"]
    illegal = client.post("/api/articles/dose/reopen", json={"revision": rev + 1, "note": "x"},
                          headers=auth(team, "reviewer"))
    assert illegal.status_code == 409
    assert "from under_review you can: approve" in illegal.json()["detail"]
    r = client.post("/api/articles/dose/checks", json={"report": {"c": 1}, "contradicted": 1},
                    headers=auth(team, "reviewer"))
    assert r.status_code == 201
    blocked = client.post("/api/articles/dose/approve", json={"revision": rev + 1},
                          headers=auth(team, "reviewer"))
    assert blocked.status_code == 409 and "blocked" in blocked.json()["detail"]
    done = client.post("/api/articles/dose/approve",
                       json={"revision": rev + 1, "override_note": "checked by hand"},
                       headers=auth(team, "reviewer"))
    assert done.status_code == 200 and done.json()["approved_version"] == 1
    public = client.get("/api/articles/dose").json()
    assert public["pending_review"] is False and public["reviewed"]["by"] == "Dr Rita Reviewer"
    # a new version via answer JSON (an edited answer gets its own id)
    edited = client.get("/api/articles/dose/versions/1").json()["answer"]
    edited["bottom_line"]["verdict"]["text"] = "Edited: the maximum is 80 mg a day."
    r = client.post("/api/articles/dose/versions",
                    json={"revision": done.json()["revision"], "answer": edited, "note": "wording"},
                    headers=auth(team, "editor"))
    assert r.status_code == 201 and r.json()["current_version"] == 2
    v2 = client.get("/api/articles/dose/versions/2").json()
    assert v2["answer_id"] != answer_id and v2["answer"]["bottom_line"]["verdict"]["text"] \
        .startswith("Edited")
    assert client.get("/api/articles/dose").json()["newer_version_pending"] is True
    history = client.get("/api/articles/dose/history").json()
    assert [e["action"] for e in history["events"]] == [
        "create", "claim", "check", "approve", "edit"]
    assert history["events"][3]["note"].startswith("override of claim check report")
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert [a["slug"] for a in client.get("/api/review/queue").json()] == ["dose"]
    assert client.get("/api/articles/nope").status_code == 404


def test_people_management(env: tuple[TestClient, Team, str]) -> None:
    client, team, _ = env
    r = client.post("/api/users", json={"email": "new@example.org", "roles": ["editor"]},
                    headers=auth(team, "admin"))
    assert r.status_code == 201
    token = r.json()["token"]
    assert token.startswith("mbt_")
    from medbrief.store import open_store

    store = open_store(Settings().db_path)
    stored = [row[0] for row in store.conn.execute("SELECT token_hash FROM api_tokens")]
    assert hash_token(token) in stored and token not in stored
    assert not any(token in str(v) for row in store.conn.execute("SELECT * FROM api_tokens")
                   for v in row)
    store.close()
    people = client.get("/api/users", headers=auth(team, "admin")).json()
    assert "new@example.org" in [p["email"] for p in people]
    assert client.get("/api/users", headers=auth(team, "editor")).status_code == 403
    r = client.put("/api/users/new@example.org/roles", json={"roles": ["editor", "reviewer"]},
                   headers=auth(team, "admin"))
    assert r.json()["roles"] == ["editor", "reviewer"]
    r = client.post("/api/users", json={"email": "x@example.org", "roles": ["boss"]},
                    headers=auth(team, "admin"))
    assert r.status_code == 400 and "unknown role 'boss'" in r.json()["detail"]


def test_pages(env: tuple[TestClient, Team, str]) -> None:
    client, team, answer_id = env
    art = _create(client, team, answer_id)
    page = client.get("/articles/dose")
    assert page.status_code == 200 and "Pending medical review" in page.text
    assert 'class="step step-current"' in page.text and "Last updated" in page.text
    assert "View editorial policy" in page.text and 'href="/articles/dose/history"' in page.text
    assert "<script" not in page.text and "style=" not in page.text
    queue = client.get("/review")
    assert queue.status_code == 200 and "/articles/dose" in queue.text
    client.post("/api/articles/dose/claim", json={"revision": art["revision"]},
                headers=auth(team, "reviewer"))
    client.post("/api/articles/dose/approve", json={"revision": art["revision"] + 1},
                headers=auth(team, "reviewer"))
    page = client.get("/articles/dose")
    assert "Reviewed by our medical reviewers" in page.text
    assert "Medically reviewed by Dr Rita Reviewer" in page.text
    history = client.get("/articles/dose/history")
    assert history.status_code == 200
    for word in ("create", "claim", "approve", "Ed Editor", "Dr Rita Reviewer", "settings-test"):
        assert word in history.text
    assert "ed@example.org" not in history.text  # names only, never emails
    assert client.get("/articles/missing").status_code == 404
    client.post("/api/articles/dose/retire", json={"revision": art["revision"] + 2, "note": "old"},
                headers=auth(team, "admin"))
    assert client.get("/articles/dose").status_code == 410
    assert client.get("/articles/dose/history").status_code == 200
