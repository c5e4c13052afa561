"""The claim-check report: one typed object, its JSON form a documented public contract.

``CheckReport.model_dump(mode="json")`` (or :meth:`CheckReport.to_json`) is what
``medbrief check --format json`` prints and ``POST /api/check`` returns. The JSON Schema is
generated from these models (:func:`report_schema`), committed as ``check-report.schema.json``
beside this file and kept equal to the models by a test; regenerate it with
``python -m medbrief.checking.schema``. Keys are described in docs/claim-check.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from medbrief.answer import Reference, Support, TierName

Verdict = Literal["contradicted", "unsupported", "supported", "out_of_scope"]
ClaimKind = Literal["indication", "dose", "side_effect", "contraindication", "warning",
                    "interaction", "mechanism", "pregnancy_lactation", "withdrawal",
                    "renal_hepatic", "overdose", "comparison", "other"]
SkipKind = Literal["heading", "question", "advice", "marketing", "lead_in", "not_about_a_drug"]
EvidenceRole = Literal["states", "contradicts", "related"]
InputFormatName = Literal["text", "markdown", "html"]
VERDICT_ORDER: tuple[str, ...] = ("contradicted", "unsupported", "supported", "out_of_scope")
SCHEMA_ID = "https://medbrief.example/schemas/check-report.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "medbrief claim-check report"
SCHEMA_PATH = Path(__file__).resolve().parent / "check-report.schema.json"
CHECKER = "medbrief-check 1"


class Location(BaseModel):
    """Where a piece of text is in the article as given (HTML/Markdown source included)."""

    line: int = Field(description="1-based line of the first character")
    column: int = Field(description="1-based column of the first character")
    end_line: int = Field(description="1-based line of the last character")
    end_column: int = Field(description="1-based column just after the last character")
    start: int = Field(description="character offset of the first character in the input")
    end: int = Field(description="character offset just after the last character")


class Evidence(BaseModel):
    """One stored span that bears on a claim, cited exactly as answers cite it."""

    role: EvidenceRole = Field(description="states: says what the claim says; contradicts: says "
                               "otherwise; related: on the topic but not deciding")
    tier: TierName
    source_id: str
    section: str | None = Field(default=None, description="label section or guideline grade")
    ref: int = Field(description="number of the reference in the report's reference list")
    citation: str = Field(description="the reference line (AMA style), as answers print it")
    check: Literal["quote", "contains", "absent"] = Field(
        description="how the span was verified: quote — the span is cited as is; contains — "
        "every one of terms occurs in it; absent — none of terms occurs in its passage")
    terms: list[str] = Field(default_factory=list)
    support: Support = Field(description="passage id, character offsets and exact text")


class ClaimCheck(BaseModel):
    """One checkable claim of the article and its verdict."""

    id: int = Field(description="1-based position of the claim in the article")
    text: str = Field(description="the claim as the article writes it (whitespace collapsed)")
    context: str = Field(default="", description="heading, list lead-in or run-in label the claim "
                         "leans on, if any")
    location: Location
    kind: ClaimKind
    drug: str = Field(description="generic name of the drug the claim is about")
    drug_text: str = Field(description="the article's words for it (or how it was inferred)")
    other_drugs: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    verdict: Verdict
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)


class SkippedText(BaseModel):
    kind: SkipKind
    text: str
    location: Location


class VerdictCounts(BaseModel):
    contradicted: int = 0
    unsupported: int = 0
    supported: int = 0
    out_of_scope: int = 0


class SkippedCounts(BaseModel):
    heading: int = 0
    question: int = 0
    advice: int = 0
    marketing: int = 0
    lead_in: int = 0
    not_about_a_drug: int = 0


class CheckReport(BaseModel):
    schema_version: Literal["1"] = "1"
    id: str = Field(description="stable id: hash of the input, corpus snapshot and checker")
    source: str = Field(description="file name, or 'pasted text'")
    input_format: InputFormatName
    checker: str = CHECKER
    corpus_snapshot: str = ""
    checked_at: str = ""
    drugs: list[str] = Field(default_factory=list, description="drugs the article names, most "
                             "named first")
    counts: VerdictCounts = Field(default_factory=VerdictCounts)
    skipped_counts: SkippedCounts = Field(default_factory=SkippedCounts)
    claims: list[ClaimCheck] = Field(default_factory=list, description="contradicted first, then "
                                     "unsupported, supported, out of scope; article order within")
    skipped: list[SkippedText] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)

    @computed_field(  # type: ignore[prop-decorator]
        description="number of contradicted claims (what blocks editorial approval)")
    @property
    def contradicted(self) -> int:
        return self.counts.contradicted

    @computed_field(description="number of checked claims")  # type: ignore[prop-decorator]
    @property
    def total_claims(self) -> int:
        return len(self.claims)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False)

    def by_verdict(self, verdict: str) -> list[ClaimCheck]:
        return [c for c in self.claims if c.verdict == verdict]


def report_schema() -> dict[str, Any]:
    schema = CheckReport.model_json_schema(mode="serialization")
    head = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE}
    return {**head, **{k: v for k, v in schema.items() if k not in head}}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def load_schema(path: Path = SCHEMA_PATH) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
