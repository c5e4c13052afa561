"""Claim checking on the real data: the seed articles and the team's claim set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from medbrief.checking import Checker, CheckReport
from medbrief.settings import default_shared
from medbrief.store import open_store

pytestmark = pytest.mark.shared
CLAIMS = Path(__file__).parent / "fixtures" / "check" / "claims.jsonl"
MIN_ACCURACY = 0.9


@pytest.fixture(scope="module")
def checker(shared_store_path: Path) -> Iterator[Checker]:
    store = open_store(shared_store_path)
    yield Checker.from_store(store)
    store.close()


def seed(prefix: str) -> Path:
    [path] = sorted((default_shared() / "seeds").glob(f"{prefix}_*.txt"))
    return path


def claim(report: CheckReport, words: str):  # type: ignore[no-untyped-def]
    found = [c for c in report.claims if words.lower() in c.text.lower()]
    assert found, f"no claim containing {words!r}"
    return found[0]


def test_seed_003(checker: Checker) -> None:
    report = checker.check_file(seed("003"))
    cp = claim(report, "Cerebral palsy")
    stroke = claim(report, "Stroke-related spasticity")
    receives = claim(report, "Children and adults with cerebral palsy")
    for c in (cp, stroke, receives):
        assert c.verdict == "contradicted", c.reason
        label = [e for e in c.evidence if e.role == "contradicts" and e.tier == "label"]
        assert label and "has not been established" in label[0].support.quote
        assert label[0].section == "Indications and Usage"
    maximum = claim(report, "Maximum recommended dose: 80 mg per day")
    assert maximum.verdict == "supported" and maximum.kind == "dose"
    assert any("maximum of 80 mg" in e.support.quote for e in maximum.evidence)
    for words in ("Never stop baclofen abruptly",
                  "Stopping baclofen suddenly can cause withdrawal symptoms"):
        c = claim(report, words)
        assert c.verdict == "supported" and c.kind == "withdrawal", c.reason
        assert any("abrupt withdrawal" in e.support.quote and e.role == "states"
                   for e in c.evidence)
    assert report.claims[0].verdict == "contradicted"  # contradicted first
    refs = {r.n for r in report.references}
    assert {e.ref for c in report.claims for e in c.evidence} == refs
    assert report.skipped_counts.heading >= 15 and report.skipped_counts.marketing >= 3
    assert report.skipped_counts.advice >= 3 and report.skipped_counts.question == 5
    assert next(c for c in report.claims if c.text == "Drowsiness").verdict == "supported"


def test_seed_000_back_pain_against_label_and_guidelines(checker: Checker) -> None:
    report = checker.check_file(seed("000"))
    back = [c for c in report.claims if "low back pain" in c.conditions]
    assert len(back) >= 3
    for c in back:
        tiers = {e.tier for e in c.evidence}
        assert tiers == {"label", "guidelines"} or "guidelines" in tiers, c.text
        guideline_ids = {e.source_id for e in c.evidence if e.tier == "guidelines"}
        assert guideline_ids & {"NGC:11196", "NGC:11288"}, c.text
    off_label = claim(report, "used off-label to treat back pain")
    assert off_label.verdict == "supported"
    assert any(e.tier == "label" and e.check == "absent" for e in off_label.evidence)
    assert claim(report, "Studies have shown mixed results").verdict == "unsupported"
    assert claim(report, "multiple sclerosis, spinal cord injuries, and cerebral palsy"
                 ).verdict == "contradicted"


def test_claim_set_accuracy(checker: Checker) -> None:
    items = [json.loads(line) for line in CLAIMS.read_text().splitlines() if line.strip()]
    assert len(items) >= 40
    right = 0
    wrong: list[str] = []
    for item in items:
        report = checker.check_text(item["text"])
        got = report.claims[0].verdict if len(report.claims) == 1 else "no single claim"
        if got == item["expected"] and report.claims[0].drug == item["drug"]:
            right += 1
        else:
            wrong.append(f"{item['id']}: expected {item['expected']}, got {got}")
    accuracy = right / len(items)
    assert accuracy >= MIN_ACCURACY, f"accuracy {accuracy:.2f}; wrong: {wrong}"
