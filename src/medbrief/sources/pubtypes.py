"""PubMed publication types, MeSH and title cues -> study design; retraction status.

Shared by the PubMed XML and MEDLINE text parsers. Every function is pure and cheap: it is called
once per record on multi-million-record baseline files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from medbrief.models import StudyDesign

# NLM publication type (case-folded) -> design. Types not listed (Journal Article, Letter,
# Editorial, Comment, Research Support ...) say nothing about the design.
_PUBTYPE_DESIGN: dict[str, StudyDesign] = {
    "practice guideline": StudyDesign.GUIDELINE,
    "guideline": StudyDesign.GUIDELINE,
    "consensus development conference": StudyDesign.GUIDELINE,
    "consensus development conference, nih": StudyDesign.GUIDELINE,
    "meta-analysis": StudyDesign.META_ANALYSIS,
    "network meta-analysis": StudyDesign.META_ANALYSIS,
    "systematic review": StudyDesign.SYSTEMATIC_REVIEW,
    "randomized controlled trial": StudyDesign.RCT,
    "randomized controlled trial, veterinary": StudyDesign.RCT,
    "equivalence trial": StudyDesign.RCT,
    "pragmatic clinical trial": StudyDesign.RCT,
    "clinical trial": StudyDesign.OTHER_TRIAL,
    "clinical trial, phase i": StudyDesign.OTHER_TRIAL,
    "clinical trial, phase ii": StudyDesign.OTHER_TRIAL,
    "clinical trial, phase iii": StudyDesign.OTHER_TRIAL,
    "clinical trial, phase iv": StudyDesign.OTHER_TRIAL,
    "controlled clinical trial": StudyDesign.OTHER_TRIAL,
    "adaptive clinical trial": StudyDesign.OTHER_TRIAL,
    "clinical trial, veterinary": StudyDesign.OTHER_TRIAL,
    "observational study": StudyDesign.OBSERVATIONAL,
    "observational study, veterinary": StudyDesign.OBSERVATIONAL,
    "comparative study": StudyDesign.OBSERVATIONAL,
    "twin study": StudyDesign.OBSERVATIONAL,
    "case reports": StudyDesign.CASE_REPORT,
    "review": StudyDesign.REVIEW,
    "scoping review": StudyDesign.REVIEW,
}

# MeSH descriptors (case-folded) that describe the design of the indexed study itself.
_MESH_DESIGN: dict[str, StudyDesign] = {
    "cohort studies": StudyDesign.OBSERVATIONAL,
    "case-control studies": StudyDesign.OBSERVATIONAL,
    "cross-sectional studies": StudyDesign.OBSERVATIONAL,
    "retrospective studies": StudyDesign.OBSERVATIONAL,
    "prospective studies": StudyDesign.OBSERVATIONAL,
    "longitudinal studies": StudyDesign.OBSERVATIONAL,
    "systematic review": StudyDesign.SYSTEMATIC_REVIEW,
}

# Titles of records not yet indexed (In-Process / Publisher) often carry the design.
_TITLE_SR = re.compile(r"(?i)\bsystematic(?:\s+literature)?\s+review")
_TITLE_MA = re.compile(r"(?i)\bmeta-?\s?analys[ie]s\b")
_TITLE_RCT = re.compile(r"(?i)\brandomi[sz]ed\b[\w\s,-]{0,60}?\b(?:controlled|clinical)\s+trial")
_TITLE_PROTOCOL = re.compile(r"(?i)\bprotocol\b")

_RANK = {design: i for i, design in enumerate(StudyDesign)}

# CommentsCorrections RefTypes (XML) that mark this record as retracted.
RETRACTED_REFTYPES = frozenset({"RetractionIn", "RetractedandRepublishedIn"})
CONCERN_REFTYPES = frozenset({"ExpressionOfConcernIn"})
_RETRACTED_PUBTYPES = frozenset({"retracted publication"})
# "Retraction of Publication" was renamed "Retraction Notice" (same descriptor, D016440).
_NOTICE_PUBTYPES = frozenset({"retraction of publication", "retraction notice"})


def _best(current: StudyDesign, candidate: StudyDesign | None) -> StudyDesign:
    if candidate is not None and _RANK[candidate] < _RANK[current]:
        return candidate
    return current


def study_design(publication_types: list[str], mesh: list[str], title: str) -> StudyDesign:
    """The best-evidence design any publication type, MeSH heading or title cue points to."""
    design = StudyDesign.OTHER
    for pubtype in publication_types:
        design = _best(design, _PUBTYPE_DESIGN.get(pubtype.strip().casefold()))
    is_review = design in (StudyDesign.REVIEW, StudyDesign.SYSTEMATIC_REVIEW)
    for heading in mesh:
        key = heading.strip().casefold()
        design = _best(design, _MESH_DESIGN.get(key))
        # A review indexed under "Systematic Reviews as Topic" is (nearly always) itself one.
        if is_review and key == "systematic reviews as topic":
            design = _best(design, StudyDesign.SYSTEMATIC_REVIEW)
    if title and not _TITLE_PROTOCOL.search(title):
        if _TITLE_MA.search(title):
            design = _best(design, StudyDesign.META_ANALYSIS)
        elif _TITLE_SR.search(title):
            design = _best(design, StudyDesign.SYSTEMATIC_REVIEW)
        elif _TITLE_RCT.search(title):
            design = _best(design, StudyDesign.RCT)
    return design


def is_retracted(publication_types: Iterable[str], comments_corrections_reftypes: Iterable[str]) -> bool:
    """True if the record itself has been retracted (not if it is the retraction notice)."""
    if any(p.strip().casefold() in _RETRACTED_PUBTYPES for p in publication_types):
        return True
    return any(r in RETRACTED_REFTYPES for r in comments_corrections_reftypes)


def has_expression_of_concern(comments_corrections_reftypes: Iterable[str]) -> bool:
    """True if an expression of concern was published about the record (it is not retracted)."""
    return any(r in CONCERN_REFTYPES for r in comments_corrections_reftypes)


def is_retraction_notice(publication_types: Iterable[str]) -> bool:
    """True if the record is the notice retracting another article."""
    return any(p.strip().casefold() in _NOTICE_PUBTYPES for p in publication_types)
