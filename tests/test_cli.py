"""The CLI, run in-process against a MEDBRIEF_HOME per test."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import FIXTURES
from medbrief.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_stats_show_roundtrip(home: Path) -> None:
    code, out, err = run("ingest", "-q", str(FIXTURES / "openfda"), str(FIXTURES / "spl"))
    assert code == 1  # the fixtures include deliberately broken files
    assert "ingested" in out and "failed" in out
    assert "Traceback" not in out + err
    assert "truncated.json" in err and "no_setid.xml" in err
    code, out, _ = run("stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["by_tier"]["label"]["documents"] >= 3
    assert {"openfda-json", "spl-xml"} <= set(stats["by_format"])
    assert (home / "medbrief.sqlite3").exists()
    code, out, _ = run("stats")
    assert code == 0 and "label" in out
    some_id = next(iter(json.loads(run("stats", "--json")[1])["by_format"]))
    assert some_id


def test_show_unknown_id_is_a_clear_error(home: Path) -> None:
    code, _, err = run("show", "PMID:0")
    assert code == 2
    assert "no document" in err and "PMID:12345" in err
    assert "Traceback" not in err


def test_ingest_without_paths_is_a_usage_error(home: Path) -> None:
    code, _, err = run("ingest")
    assert code == 2 and "PATH" in err


def test_ask_formats(home: Path) -> None:
    run("ingest", "-q", str(FIXTURES / "spl" / "rx_plr.xml"))
    stats = json.loads(run("stats", "--json")[1])
    assert stats["documents"] == 1
    for fmt in ("text", "markdown", "html", "json"):
        code, out, err = run("ask", "--format", fmt, "What is the question about nothing known?")
        assert code == 0, err
        assert out.strip()
    code, out, _ = run("ask", "--format", "json", "What is the dose of zolgensma?")
    data = json.loads(out)
    assert data["bottom_line"]["status"] == "insufficient_evidence"


def test_ask_rejects_empty_question(home: Path) -> None:
    code, _, err = run("ask", "   ")
    assert code == 2 and "empty" in err
