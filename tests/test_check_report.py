"""Claim checking on a hand-made store: verdicts, evidence cited and verified as answers cite it,
the report's JSON contract, the renderers, the ``check`` command and the web router."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import jsonschema
import pytest
from click.testing import CliRunner
from fastapi import FastAPI

from conftest import FIXTURES
from docs_factory import guideline, label
from medbrief.checking import Checker, CheckReport
from medbrief.checking.cli import check
from medbrief.checking.render import render
from medbrief.checking.report import SCHEMA_ID, SCHEMA_PATH, load_schema, report_schema, schema_text
from medbrief.checking.web import check_router
from medbrief.cli import main
from medbrief.errors import InputError
from medbrief.settings import Settings
from medbrief.store import open_store
from medbrief.store.repository import Store

ARTICLE = FIXTURES / "check" / "article.md"
HOSTILE = 'Baclofen <script>alert("x")</script> &amp; is used for spasticity.'
main.add_command(check)


def fill(store: Store) -> None:
    with store.transaction():
        store.upsert(label("baclofen", brand="Lioresal"))
        store.upsert(guideline("1", "low back pain"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "s.sqlite3")
    fill(s)
    return s


@pytest.fixture
def report(store: Store) -> CheckReport:
    return Checker.from_store(store).check_file(ARTICLE)


def verdicts(report: CheckReport) -> dict[str, str]:
    return {c.text: c.verdict for c in report.claims}


def test_verdicts_and_order(report: CheckReport) -> None:
    assert verdicts(report) == {
        "Baclofen is used to relieve spasticity resulting from multiple sclerosis.": "supported",
        "Baclofen also helps people recover from a stroke.": "contradicted",
        "The maximum dose is 120 mg per day.": "contradicted",
        "Treatment starts with 5 mg three times a day.": "supported",
        "Stopping baclofen abruptly can cause hallucinations and seizures.": "supported",
        "Baclofen frequently causes hair loss.": "unsupported",
        "Milnacipran is usually taken twice a day.": "out_of_scope",
    }
    order = [c.verdict for c in report.claims]
    assert order == sorted(order, key=["contradicted", "unsupported", "supported",
                                       "out_of_scope"].index)
    assert report.contradicted == report.counts.contradicted == 2
    assert report.counts.model_dump() == {"contradicted": 2, "unsupported": 1, "supported": 3,
                                          "out_of_scope": 1}
    assert report.skipped_counts.heading == 2 and report.skipped_counts.advice == 1
    assert report.input_format == "markdown" and report.drugs[0] == "baclofen"
    dose = next(c for c in report.claims if "120 mg" in c.text)
    assert "80 mg" in dose.reason and dose.context == "Dosing"
    assert (dose.location.line, dose.location.column) == (9, 3)
    assert ARTICLE.read_text()[dose.location.start:dose.location.end] == dose.text


def test_evidence_is_cited_and_verified_like_answers(report: CheckReport, store: Store) -> None:
    refs = {r.n: r for r in report.references}
    assert sorted(refs) == list(range(1, len(refs) + 1))
    cited: set[int] = set()
    for claim in report.claims:
        if claim.verdict in ("supported", "contradicted"):
            role = "states" if claim.verdict == "supported" else "contradicts"
            assert any(e.role == role for e in claim.evidence), claim.text
        for e in claim.evidence:
            passage = store.passages_by_ids([e.support.passage_id])[e.support.passage_id]
            assert passage.text[e.support.start:e.support.end] == e.support.quote
            assert e.citation == refs[e.ref].citation and e.ref == e.support.ref
            assert all(t.lower() in e.support.quote.lower() for t in e.terms) \
                or e.check == "absent"
            cited.add(e.ref)
    assert cited == set(refs)
    stroke = next(c for c in report.claims if "stroke" in c.text)
    assert "has not been established" in stroke.evidence[0].support.quote
    assert refs[stroke.evidence[0].ref].section == "Indications and Usage"


def test_off_label_and_guideline_evidence(store: Store) -> None:
    checker = Checker.from_store(store)
    r = checker.check_text("Baclofen is sometimes used off-label for back pain.")
    [claim] = r.claims
    assert claim.verdict == "supported"
    absent = next(e for e in claim.evidence if e.check == "absent")
    assert "back pain" in absent.terms and absent.tier == "label"
    assert any(e.tier == "guidelines" and e.role == "related" for e in claim.evidence)
    r = checker.check_text("Baclofen is FDA-approved for back pain.")
    assert r.claims[0].verdict == "contradicted"


def test_json_contract(report: CheckReport) -> None:
    data = json.loads(render(report, "json"))
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert CheckReport.model_validate(data).model_dump(mode="json") == data
    assert data["contradicted"] == 2 and data["total_claims"] == 7
    bad = json.loads(json.dumps(data))
    bad["claims"][0]["verdict"] = "maybe"
    assert not jsonschema.Draft202012Validator(load_schema()).is_valid(bad)


def test_committed_schema_is_current_and_documented() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "schema drifted; run: python -m medbrief.checking.schema"
    schema = load_schema()
    assert schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "claim-check.md").read_text()
    names = set(report_schema()["properties"])
    for definition in report_schema()["$defs"].values():
        names |= set(definition.get("properties", {}))
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"undocumented keys in docs/claim-check.md: {missing}"


def test_renderers_escape_article_text(store: Store) -> None:
    r = Checker.from_store(store).check_text(HOSTILE, "text")
    html = render(r, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = render(r, "text")
    assert text.startswith("Claim check: pasted text") and "SUPPORTED (1)" in text
    assert "## Supported (1)" in render(r, "markdown")
    with pytest.raises(InputError, match="choose one of"):
        render(r, "pdf")


def test_check_command(home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(ARTICLE)])
    assert result.exit_code == 2 and "medbrief ingest" in result.stderr
    filled = open_store(Settings().db_path)
    fill(filled)
    filled.close()
    result = runner.invoke(main, ["check", str(ARTICLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["contradicted"] == 2
    result = runner.invoke(main, ["check", str(ARTICLE), "--fail-on-contradicted"])
    assert result.exit_code == 1 and result.stdout.startswith("Claim check:")
    result = runner.invoke(main, ["check", "-", "--input-format", "text"],
                           input="Baclofen is used for spasticity.\n")
    assert result.exit_code == 0 and "1 claims checked" in result.stdout
    result = runner.invoke(main, ["check", str(ARTICLE.parent / "missing.md")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_web_router(store: Store) -> None:
    app = FastAPI()
    app.include_router(check_router(lambda: Checker.from_store(store)))

    async def go() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [
                await client.post("/api/check", json={"text": ARTICLE.read_text(),
                                                      "format": "markdown"}),
                await client.post("/api/check", json={"text": ""}),
                await client.post("/api/check", json={"text": "x", "format": "pdf"}),
                await client.get("/check"),
                await client.post("/check", data={"text": HOSTILE, "format": "text"}),
                await client.post("/check", data={"text": "  "}),
            ]

    ok, empty, bad_format, form, page, blank = asyncio.run(go())
    assert ok.status_code == 200
    data = ok.json()
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert data["contradicted"] == 2 and data["claims"][0]["verdict"] == "contradicted"
    assert empty.status_code == 422 and bad_format.status_code == 422
    assert form.status_code == 200 and "<textarea" in form.text and "<script" not in form.text
    assert page.status_code == 200 and "&lt;script&gt;" in page.text
    assert "<script>" not in page.text and "Supported (1)" in page.text
    assert blank.status_code == 400 and "Paste an article" in blank.text


def test_html_article_locations_point_into_the_source(store: Store) -> None:
    html = ("<html><body><h1>Baclofen</h1>\n<p>Doctors prescribe baclofen for spasticity in "
            "conditions such as:</p>\n<ul>\n  <li>Multiple sclerosis</li>\n  <li>Stroke &amp; "
            "its after-effects</li>\n</ul><footer>Subscribe to our newsletter</footer></body>"
            "</html>")
    r = Checker.from_store(store).check_text(html, source="page.html")
    assert r.input_format == "html"
    stroke = next(c for c in r.claims if c.text.startswith("Stroke"))
    assert stroke.verdict == "contradicted" and stroke.text == "Stroke & its after-effects"
    assert html[stroke.location.start:stroke.location.end] == "Stroke &amp; its after-effects"
    assert (stroke.location.line, stroke.location.column) == (5, 7)
    assert next(c for c in r.claims if c.text == "Multiple sclerosis").verdict == "supported"
    assert r.skipped_counts.marketing == 1 and r.skipped_counts.heading == 1
