"""The normalised evidence model every source format is parsed into.

A :class:`Document` is one versioned piece of evidence (a label version, a guideline, a PubMed
record) made of ordered :class:`Passage` objects. Parsers yield Documents, :class:`Deletion`
markers (PubMed ``DeleteCitation``) and :class:`RecordError` lines for malformed records; the
store persists them and the search index is derived from the store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tier(StrEnum):
    GUIDELINE = "guideline"
    LABEL = "label"
    RESEARCH = "research"


class StudyDesign(StrEnum):
    """Research designs, best evidence first (the order is used for ranking)."""

    GUIDELINE = "guideline"
    META_ANALYSIS = "meta-analysis"
    SYSTEMATIC_REVIEW = "systematic review"
    RCT = "RCT"
    OTHER_TRIAL = "other trial"
    OBSERVATIONAL = "observational"
    CASE_REPORT = "case report"
    REVIEW = "review"
    OTHER = "other"


# Canonical label sections, whatever the source format (openFDA field, SPL LOINC code, digest).
LABEL_SECTIONS: tuple[str, ...] = (
    "boxed_warning",
    "indications",
    "dosage_administration",
    "dosage_forms",
    "contraindications",
    "warnings_precautions",
    "adverse_reactions",
    "drug_interactions",
    "specific_populations",
    "pregnancy",
    "lactation",
    "pediatric",
    "geriatric",
    "renal",
    "hepatic",
    "abuse_dependence",
    "overdosage",
    "description",
    "mechanism",
    "clinical_pharmacology",
    "clinical_studies",
    "patient_counseling",
    "how_supplied",
    "other",
)

LABEL_SECTION_TITLES: dict[str, str] = {
    "boxed_warning": "Boxed Warning",
    "indications": "Indications and Usage",
    "dosage_administration": "Dosage and Administration",
    "dosage_forms": "Dosage Forms and Strengths",
    "contraindications": "Contraindications",
    "warnings_precautions": "Warnings and Precautions",
    "adverse_reactions": "Adverse Reactions",
    "drug_interactions": "Drug Interactions",
    "specific_populations": "Use in Specific Populations",
    "pregnancy": "Pregnancy",
    "lactation": "Lactation",
    "pediatric": "Pediatric Use",
    "geriatric": "Geriatric Use",
    "renal": "Renal Impairment",
    "hepatic": "Hepatic Impairment",
    "abuse_dependence": "Drug Abuse and Dependence",
    "overdosage": "Overdosage",
    "description": "Description",
    "mechanism": "Mechanism of Action",
    "clinical_pharmacology": "Clinical Pharmacology",
    "clinical_studies": "Clinical Studies",
    "patient_counseling": "Patient Counseling Information",
    "how_supplied": "How Supplied",
    "other": "Other",
}

# Passage sections used by the other tiers.
GUIDELINE_RECOMMENDATION = "recommendation"


@dataclass(slots=True)
class Passage:
    """An ordered piece of a document's text.

    ``section`` is canonical (a LABEL_SECTIONS name for labels, ``recommendation`` / ``scope`` /
    ``harms`` ... for guidelines, ``title`` / ``abstract`` / ``background`` / ``methods`` /
    ``results`` / ``conclusions`` for research); ``section_title`` is the heading as the source
    wrote it. ``meta`` holds per-passage facts such as a recommendation's ``strength`` and
    ``quality`` of evidence, or a label section's LOINC ``code``.
    """

    section: str
    text: str
    order: int = 0
    section_title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


HASH_PREFIX = "h2:"


@dataclass(slots=True)
class Document:
    """One version of one piece of evidence.

    ``source_id`` is stable across versions: ``PMID:12345``, ``SETID:<spl set id>``,
    ``NGC:11196``, ``DIGEST:<slug>``, ``OPENFDA-DERIVED:<drug>``. ``version`` distinguishes
    versions of the same source; ``version_rank`` is a sortable string (zero-padded number or
    ISO date) so the store can tell a newer version from an older one.
    """

    tier: Tier
    source_id: str
    title: str
    source_format: str
    passages: list[Passage] = field(default_factory=list)
    version: str = ""
    version_rank: str = ""
    issuer: str = ""  # guideline issuer / label manufacturer / journal
    published: str = ""  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD)
    year: int | None = None
    url: str = ""
    drugs: list[str] = field(default_factory=list)  # generic names, lower case
    brand_names: list[str] = field(default_factory=list)
    substance_names: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    study_design: StudyDesign | None = None  # research tier only
    publication_types: list[str] = field(default_factory=list)
    retracted: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def content_hash(self) -> str:
        """Hash of everything that makes this version what it is (not where it was read from).

        ``h2:`` + SHA-256 of the document as ASCII JSON with each passage's text replaced by its
        length, then the texts themselves as UTF-8, NUL-separated. Hashing long label text raw
        instead of through ``json.dumps(ensure_ascii=False)`` made it five times faster; stores
        written before keep :meth:`legacy_content_hash` values, which the store still accepts.
        """
        payload = self._hash_payload()
        texts: list[str] = []
        for p in payload["passages"]:
            text = p.pop("text")
            texts.append(text)
            p["chars"] = len(text)
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode())
        for text in texts:
            digest.update(b"\x00")
            digest.update(text.encode("utf-8", "surrogatepass"))
        return HASH_PREFIX + digest.hexdigest()

    def legacy_content_hash(self) -> str:
        """The hash stores written before ``h2:`` hold (plain hex, no prefix)."""
        blob = json.dumps(self._hash_payload(), sort_keys=True, ensure_ascii=False,
                          default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    def _hash_payload(self) -> dict[str, Any]:
        """What both hashes cover: the document, without where it was read from."""
        payload = self.to_json_dict()
        payload["meta"].pop("source_file", None)
        return payload

    def to_json_dict(self) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies every passage and dominated ingest time.
        return {
            "tier": str(self.tier),
            "source_id": self.source_id,
            "title": self.title,
            "source_format": self.source_format,
            "passages": [
                {"section": p.section, "text": p.text, "order": p.order,
                 "section_title": p.section_title, "meta": dict(p.meta)}
                for p in self.passages
            ],
            "version": self.version,
            "version_rank": self.version_rank,
            "issuer": self.issuer,
            "published": self.published,
            "year": self.year,
            "url": self.url,
            "drugs": list(self.drugs),
            "brand_names": list(self.brand_names),
            "substance_names": list(self.substance_names),
            "conditions": list(self.conditions),
            "study_design": str(self.study_design) if self.study_design else None,
            "publication_types": list(self.publication_types),
            "retracted": self.retracted,
            "meta": dict(self.meta),
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data["tier"] = Tier(data["tier"])
        design = data.get("study_design")
        data["study_design"] = StudyDesign(design) if design else None
        data["passages"] = [Passage(**p) for p in data.get("passages", [])]
        return cls(**data)


@dataclass(slots=True, frozen=True)
class Deletion:
    """A source record that must leave the store (PubMed ``DeleteCitation``)."""

    source_id: str


@dataclass(slots=True, frozen=True)
class RecordError:
    """A malformed record inside an otherwise readable file; the file's good records are kept."""

    record: str  # what identifies the record: "PMID 123", "results[4]", "line 812"
    reason: str


ParseItem = Document | Deletion | RecordError
