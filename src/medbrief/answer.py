"""The Answer: one typed object that flows from question to rendering.

Its JSON form (``Answer.model_dump(mode="json")``) is the public contract, described by
``schemas/answer.schema.json`` (generated from these models and kept equal by a test).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

TierName = Literal["guidelines", "label", "research"]
CheckKind = Literal["quote", "contains", "absent"]
Audience = Literal["patient", "caregiver", "nurse", "pharmacist", "physician"]


class Support(BaseModel):
    """One cited span: the exact characters of a stored passage that back a sentence."""

    passage_id: int
    ref: int = Field(description="reference number [n] this span is cited as")
    start: int = Field(description="character offset of the span in the passage text")
    end: int
    quote: str = Field(description="passage.text[start:end] at the time of answering")


class Sentence(BaseModel):
    """A sentence of the answer with its citations and the spans that verify it.

    ``check`` says how the sentence is verified against its spans: ``quote`` — the sentence is the
    span's own text; ``contains`` — every one of ``terms`` occurs in the cited spans; ``absent`` —
    none of ``terms`` occurs anywhere in the cited passages (a verified "the label does not
    mention ..." claim).
    """

    text: str
    citations: list[int] = Field(default_factory=list)
    support: list[Support] = Field(default_factory=list)
    check: CheckKind = "quote"
    terms: list[str] = Field(default_factory=list)
    absent_terms: list[str] = Field(default_factory=list)
    source_text: str | None = Field(
        default=None,
        description="for plain-language sentences: the verified evidence sentence it came from",
    )
    steps: list[str] = Field(
        default_factory=list,
        description="the recorded, deterministic steps that turn source_text into text",
    )


class BottomLine(BaseModel):
    verdict: Sentence | None = None
    summary: list[Sentence] = Field(default_factory=list)
    status: Literal["answered", "insufficient_evidence"] = "answered"
    label_status: Literal["labeled", "excluded", "off_label"] | None = Field(
        default=None,
        description="for 'does drug X treat condition Y' questions: is Y a labeled indication, "
        "explicitly excluded by the label, or not mentioned (off-label)",
    )


class Section(BaseModel):
    tier: TierName
    title: str
    sentences: list[Sentence] = Field(default_factory=list)
    note: str | None = Field(default=None, description="why the tier is empty, when it is")


class SafetyItem(BaseModel):
    kind: Literal["boxed_warning", "withdrawal", "interactions", "populations", "overdose",
                  "sedation", "other"]
    title: str
    sentences: list[Sentence] = Field(default_factory=list)


class Reference(BaseModel):
    n: int
    tier: TierName
    source_id: str
    title: str
    citation: str = Field(description="AMA-style reference line")
    url: str = ""
    section: str | None = Field(default=None, description="label section or guideline grade")
    year: int | None = None
    study_design: str | None = None
    strength: str | None = None
    quality: str | None = None
    version: str | None = None


class ScoredPassage(BaseModel):
    """A retrieved passage, kept on the answer for transparency and reproduction."""

    passage_id: int
    source_id: str
    tier: str
    section: str
    score: float


class Understanding(BaseModel):
    drugs: list[str] = Field(default_factory=list)
    drug_mentions: list[dict[str, str]] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    intent: str = "general"
    secondary_intents: list[str] = Field(default_factory=list)
    drug_classes: list[str] = Field(default_factory=list)
    populations: list[str] = Field(default_factory=list)


class Notice(BaseModel):
    """Text that is not evidence and so carries no citation: urgent-care and advice notices."""

    kind: Literal["urgent", "crisis", "advice"]
    text: str


class Readability(BaseModel):
    audience: Audience
    fk_grade: float = Field(description="Flesch-Kincaid grade of the answer's sentences")
    sentences: int
    words: int


class Answer(BaseModel):
    schema_version: Literal["1"] = "1"
    id: str = Field(description="stable id: hash of question, audience, snapshot and settings")
    question: str
    audience: Audience = "physician"
    understanding: Understanding = Field(default_factory=Understanding)
    bottom_line: BottomLine = Field(default_factory=BottomLine)
    sections: list[Section] = Field(default_factory=list)
    safety: list[SafetyItem] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    follow_up_questions: list[str] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list,
                                  description="urgent-care notice first when triage flags risk")
    readability: Readability | None = None
    disclaimer: str = ""
    corpus_snapshot: str = ""
    settings_hash: str = ""
    created_at: str = ""
    passages: list[ScoredPassage] = Field(default_factory=list)
    dropped_sentences: int = Field(default=0, description="sentences removed by verification")
    previous_id: str | None = Field(default=None,
                                    description="the answer this one follows up, if any")

    @property
    def insufficient(self) -> bool:
        return self.bottom_line.status == "insufficient_evidence"

    def all_sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        if self.bottom_line.verdict:
            out.append(self.bottom_line.verdict)
        out.extend(self.bottom_line.summary)
        for section in self.sections:
            out.extend(section.sentences)
        for item in self.safety:
            out.extend(item.sentences)
        return out
