"""``medbrief users``, ``medbrief article`` and ``medbrief review``, in-process, per-test home."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from medbrief.editorial.cli import COMMANDS, TOKEN_ENV
from medbrief.settings import Settings
from test_editorial_support import evidence_store, hand_answer


@click.group()
def cli() -> None:
    """The editorial groups, registered as medbrief.cli registers them."""


for _command in COMMANDS:
    cli.add_command(_command)


def run(*args: str, token: str | None = None) -> tuple[int, str, str]:
    env = {TOKEN_ENV: token} if token else {TOKEN_ENV: ""}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def _token(out: str) -> str:
    match = re.search(r"(mbt_\S+)", out)
    assert match, out
    return match.group(1)


@pytest.fixture
def answer_id(home: Path) -> str:
    store = evidence_store(Settings().db_path)
    answer = hand_answer(store)
    store.close()
    return answer.id


def _team() -> dict[str, str]:
    code, out, _ = run("users", "add", "admin@example.org", "--role", "admin", "--name", "Ada")
    assert code == 0 and "shown once" in out
    tokens = {"admin": _token(out)}
    for key, email, roles in (("ed", "ed@example.org", "editor"),
                              ("rev", "rev@example.org", "reviewer"),
                              ("rev2", "rev2@example.org", "reviewer")):
        code, out, err = run("users", "add", email, "--role", roles, "--as", "admin@example.org")
        assert code == 0, err
        tokens[key] = _token(out)
    return tokens


def test_users_bootstrap_add_list_revoke(answer_id: str) -> None:
    code, _, err = run("users", "add", "ed@example.org", "--role", "editor")
    assert code == 2 and "first person in an empty store must be an admin" in err
    tokens = _team()
    code, _, err = run("users", "add", "x@example.org", "--role", "editor")
    assert code == 2 and err.strip().count("\n") == 0 and "adding people needs an admin" in err
    code, _, err = run("users", "list", "--as", "ed@example.org")
    assert code == 2 and "needs the admin role" in err
    code, out, _ = run("users", "list", token=tokens["admin"])
    assert code == 0 and "rev@example.org" in out and "1 active token(s)" in out
    code, out, _ = run("users", "revoke", "rev2@example.org", token=tokens["admin"])
    assert code == 0 and "1 token(s)" in out
    code, _, err = run("review", "claim", "anything", "--revision", "1",
                       "--as", "rev2@example.org")
    assert code == 2 and "revoked" in err
    code, _, err = run("review", "claim", "anything", "--revision", "1", token=tokens["rev2"])
    assert code == 2 and "revoked" in err
    code, _, err = run("users", "list", "--as", "admin@example.org", token=tokens["ed"])
    assert code == 2 and "belongs to ed@example.org" in err
    code, out, _ = run("users", "list", "--json", "--as", "admin@example.org")
    people = {p["email"]: p for p in json.loads(out)}
    assert people["rev2@example.org"]["active"] is False
    assert all("hash" not in json.dumps(p) for p in people.values())


def test_review_flow_on_the_command_line(answer_id: str, tmp_path: Path) -> None:
    tokens = _team()
    code, _, err = run("article", "save", answer_id)
    assert code == 2 and "say who you are" in err
    code, out, err = run("article", "save", answer_id, "--as", "ed@example.org")
    assert code == 0, err
    slug = "maximum-dose-examplofen"
    assert slug in out and "revision 1" in out
    code, out, _ = run("review", "list")
    assert code == 0 and slug in out and "submitted" in out
    code, out, _ = run("review", "show", slug)
    assert "revision 1" in out and "from submitted you can: edit" in out
    code, out, _ = run("review", "claim", slug, "--revision", "1", token=tokens["rev"])
    assert code == 0 and "under_review (revision 2)" in out
    code, _, err = run("review", "claim", slug, "--revision", "1", token=tokens["rev2"])
    assert code == 2 and "changed since you read it" in err
    code, _, err = run("review", "request-changes", slug, "--revision", "2", token=tokens["rev"])
    assert code == 2 and "--note" in err
    code, _, err = run("review", "approve", slug, "--as", "rev@example.org")
    assert code == 2 and "--revision" in err
    code, out, _ = run("review", "approve", slug, "--revision", "2", "--note", "ok",
                       token=tokens["rev"])
    assert code == 0 and "approved version v1" in out
    code, _, err = run("review", "claim", slug, "--revision", "3", token=tokens["rev"])
    assert code == 2 and "it is approved; from approved you can: edit" in err
    # an editor edits the approved article from a hand-edited answer JSON file
    code, out, _ = run("article", "show", slug, "--format", "json")
    edited = json.loads(out)
    edited["bottom_line"]["verdict"]["text"] = "Edited by hand: at most 80 mg a day."
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    code, out, err = run("article", "edit", slug, "--revision", "3", "--file", str(path),
                         token=tokens["ed"])
    assert code == 0, err
    assert "version v2 saved, status submitted (revision 4)" in out
    code, out, err = run("article", "show", slug)  # the public view: still the approved v1
    assert code == 0 and "version v1" in err and "Edited by hand" not in out
    code, out, _ = run("article", "show", slug, "--version", "2", "--format", "json")
    assert json.loads(out)["bottom_line"]["verdict"]["text"].startswith("Edited by hand")
    code, out, _ = run("article", "history", slug)
    assert [line.split()[2] for line in out.splitlines()[1:]] == [
        "create", "claim", "approve", "edit"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"question": 3}', encoding="utf-8")
    code, _, err = run("article", "edit", slug, "--revision", "4", "--file", str(bad),
                       token=tokens["ed"])
    assert code == 2 and "not an answer JSON" in err
    code, out, _ = run("review", "retire", slug, "--revision", "4", "--note", "merged",
                       token=tokens["rev"])
    assert code == 0 and "retired" in out
    code, _, err = run("article", "show", slug)
    assert code == 2 and "retired" in err
    code, out, _ = run("review", "list", "--all", "--json")
    assert [a["status"] for a in json.loads(out)] == ["retired"]


def test_refresh_asks_the_question_again(answer_id: str) -> None:
    tokens = _team()
    run("article", "save", answer_id, "--slug", "dose", token=tokens["ed"])
    code, out, err = run("article", "edit", "dose", "--revision", "1", "--refresh",
                         token=tokens["ed"])
    assert code == 0, err
    assert "version v2 saved" in out
    code, _, err = run("article", "edit", "dose", "--revision", "2", token=tokens["ed"])
    assert code == 2 and "exactly one of" in err
