"""A submitted article is claim-checked; a contradicted claim blocks approval until overridden."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medbrief.cli import main
from medbrief.settings import Settings
from test_editorial_cli import _team, run
from test_editorial_support import evidence_store, hand_answer


def test_contradicted_claims_block_approval(home: Path, tmp_path: Path) -> None:
    store = evidence_store(Settings().db_path)
    answer = hand_answer(store)
    store.close()
    tokens = _team()
    assert run("article", "save", answer.id, "--as", "ed@example.org")[0] == 0
    slug = json.loads(run("review", "list", "--json")[1])[0]["slug"]
    # the editor rewrites the verdict with a dose above the label maximum
    code, out, _ = run("article", "show", slug, "--format", "json")
    edited = json.loads(out)
    edited["bottom_line"]["verdict"]["text"] = (
        "The maximum daily dose of examplofen is 200 mg per day.")
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    assert run("article", "edit", slug, "--revision", "1", "--file", str(path),
               token=tokens["ed"])[0] == 0
    result = CliRunner().invoke(main, ["review", "check", slug])
    assert result.exit_code == 0, result.output
    assert "1 contradicted claim(s)" in result.stdout and "approval is blocked" in result.stdout
    rev = json.loads(run("review", "list", "--json")[1])[0]["revision"]
    assert run("review", "claim", slug, "--revision", str(rev), token=tokens["rev"])[0] == 0
    code, _, err = run("review", "approve", slug, "--revision", str(rev + 1),
                       token=tokens["rev"])
    assert code == 2 and "contradicted" in err
    code, _, err = run("review", "approve", slug, "--revision", str(rev + 1), "--override",
                       "dose confirmed with the prescriber", token=tokens["rev"])
    assert code == 0, err
    history = run("article", "history", slug)[1]
    assert "dose confirmed with the prescriber" in history
