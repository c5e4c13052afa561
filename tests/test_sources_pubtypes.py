"""Study design and retraction status from PubMed publication types, MeSH and titles."""

from __future__ import annotations

import pytest

from medbrief.models import StudyDesign
from medbrief.sources.pubtypes import (
    has_expression_of_concern,
    is_retracted,
    is_retraction_notice,
    study_design,
)

D = StudyDesign


@pytest.mark.parametrize(
    ("pubtypes", "expected"),
    [
        (["Journal Article", "Practice Guideline"], D.GUIDELINE),
        (["Guideline"], D.GUIDELINE),
        (["Journal Article", "Meta-Analysis"], D.META_ANALYSIS),
        (["Review", "Systematic Review"], D.SYSTEMATIC_REVIEW),
        (["Journal Article", "Randomized Controlled Trial"], D.RCT),
        (["Equivalence Trial"], D.RCT),
        (["Pragmatic Clinical Trial"], D.RCT),
        (["Clinical Trial"], D.OTHER_TRIAL),
        (["Clinical Trial, Phase I"], D.OTHER_TRIAL),
        (["Clinical Trial, Phase II"], D.OTHER_TRIAL),
        (["Clinical Trial, Phase III"], D.OTHER_TRIAL),
        (["Clinical Trial, Phase IV"], D.OTHER_TRIAL),
        (["Controlled Clinical Trial"], D.OTHER_TRIAL),
        (["Observational Study"], D.OBSERVATIONAL),
        (["Comparative Study"], D.OBSERVATIONAL),
        (["Case Reports", "Journal Article"], D.CASE_REPORT),
        (["Review"], D.REVIEW),
        (["Journal Article"], D.OTHER),
        (["Letter", "Comment", "Editorial"], D.OTHER),
        ([], D.OTHER),
        ([" randomized controlled TRIAL "], D.RCT),  # case and spacing do not matter
    ],
)
def test_publication_types(pubtypes: list[str], expected: StudyDesign) -> None:
    assert study_design(pubtypes, [], "") == expected


def test_best_design_wins() -> None:
    assert study_design(["Review", "Meta-Analysis", "Case Reports"], [], "") == D.META_ANALYSIS
    assert study_design(["Comparative Study", "Randomized Controlled Trial"], [], "") == D.RCT
    assert study_design(["Clinical Trial, Phase II", "Case Reports"], [], "") == D.OTHER_TRIAL
    assert study_design(["Practice Guideline", "Systematic Review"], [], "") == D.GUIDELINE


@pytest.mark.parametrize(
    "heading",
    ["Cohort Studies", "Case-Control Studies", "Cross-Sectional Studies", "Retrospective Studies",
     "Prospective Studies"],
)
def test_observational_mesh(heading: str) -> None:
    assert study_design(["Journal Article"], ["Humans", heading], "") == D.OBSERVATIONAL
    # a better publication type still wins over the MeSH cue
    assert study_design(["Randomized Controlled Trial"], [heading], "") == D.RCT
    # and the MeSH cue beats a weaker type
    assert study_design(["Case Reports"], [heading], "") == D.OBSERVATIONAL


def test_systematic_review_cues() -> None:
    assert study_design(["Journal Article"], [], "Statins for stroke: a systematic review") == (
        D.SYSTEMATIC_REVIEW
    )
    assert study_design(["Review"], ["Systematic Reviews as Topic"], "Anything") == D.SYSTEMATIC_REVIEW
    assert study_design(["Journal Article"], ["Systematic Review"], "") == D.SYSTEMATIC_REVIEW
    # "as Topic" on a non-review is an article about reviews, not one
    assert study_design(["Editorial"], ["Systematic Reviews as Topic"], "") == D.OTHER


def test_title_cues() -> None:
    assert study_design([], [], "A systematic review and meta-analysis of X") == D.META_ANALYSIS
    assert study_design([], [], "Drug A in asthma: a randomised controlled trial") == D.RCT
    assert study_design([], [], "Drug B: a randomized, double-blind, placebo-controlled trial") == D.RCT
    # protocols describe planned work, not results
    assert study_design([], [], "Protocol for a systematic review of Y") == D.OTHER
    assert study_design([], [], "Drug C: study protocol for a randomised controlled trial") == D.OTHER
    # a title cue never downgrades a better publication type
    assert study_design(["Practice Guideline"], [], "A systematic review") == D.GUIDELINE


def test_retraction_status() -> None:
    assert is_retracted(["Journal Article", "Retracted Publication"], [])
    assert is_retracted(["Journal Article"], ["CommentIn", "RetractionIn"])
    assert is_retracted([], ["RetractedandRepublishedIn"])
    # the notice itself is not retracted, nor is an article with an expression of concern
    assert not is_retracted(["Retraction of Publication"], ["RetractionOf"])
    assert not is_retracted(["Journal Article"], ["ExpressionOfConcernIn", "ErratumIn"])
    assert has_expression_of_concern(["ExpressionOfConcernIn"])
    assert not has_expression_of_concern(["ExpressionOfConcernFor", "CommentIn"])
    assert is_retraction_notice(["Retraction of Publication"])
    assert is_retraction_notice(["Journal Article", "Retraction Notice"])
    assert not is_retraction_notice(["Retracted Publication"])
