"""The answer page shows the real editorial status: pending until approved, then reviewed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from medbrief.compose.answerer import Engine
from medbrief.settings import Settings
from medbrief.store import open_store
from medbrief.web.app import create_app
from test_editorial_cli import _team, run
from test_editorial_support import evidence_store, hand_answer


def _get(app, path: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get(path, headers={"accept": "text/html"})

    return asyncio.run(go())


def test_answer_page_follows_the_review(home: Path) -> None:
    store = evidence_store(Settings().db_path)
    answer = hand_answer(store)
    store.close()
    tokens = _team()
    code, _, err = run("article", "save", answer.id, "--as", "ed@example.org")
    assert code == 0, err
    store = open_store(Settings().db_path)
    app = create_app(Engine(store))
    page = _get(app, f"/answers/{answer.id}").text
    assert "Pending human review" in page and "Reviewed by our medical reviewers" not in page
    listing = run("review", "list", "--json")[1]
    slug = json.loads(listing)[0]["slug"]
    assert run("review", "claim", slug, "--revision", "1", token=tokens["rev"])[0] == 0
    page = _get(app, f"/answers/{answer.id}").text
    assert "Pending human review" in page
    code, _, err = run("review", "approve", slug, "--revision", "2", "--note", "checked",
                       token=tokens["rev"])
    assert code == 0, err
    page = _get(app, f"/answers/{answer.id}").text
    assert "Reviewed by our medical reviewers" in page
    assert f"/articles/{slug}/history" in page
    history = _get(app, f"/articles/{slug}/history")
    assert history.status_code == 200 and "approve" in history.text.lower()
    store.close()
