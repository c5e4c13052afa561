"""The PubMedQA-style stance model: its features on tiny hand-made inputs, the model file, and
training (deterministic, cross-validated) on a small synthetic set."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from medbrief.compose import stance
from medbrief.compose.stance_features import (
    Tfidf,
    char_ngrams,
    cues,
    negation_marked,
    results_text,
    words_without_digits,
)
from medbrief.errors import MedbriefError

NULL_RESULT = "There was no significant difference in stroke between the groups (p=0.62)."
POSITIVE_RESULT = "Aspirin significantly reduced the risk of stroke (HR 0.62, p<0.001)."


def test_negation_is_marked_up_to_the_punctuation() -> None:
    assert negation_marked("No significant difference, but fewer falls.") == (
        "no NOT_significant NOT_difference but fewer falls")
    assert negation_marked("Rates did not differ; mortality fell") == (
        "rates did not NOT_differ mortality fell")


def test_a_negated_result_sentence_yields_the_not_significant_cue() -> None:
    q = "Does aspirin reduce stroke?"
    null = cues(q, ["Methods.", NULL_RESULT])
    positive = cues(q, ["Methods.", POSITIVE_RESULT])
    assert null["not_significant"] == 1.0 and null["best_not_significant"] == 1.0
    assert positive["not_significant"] == 0.0 and positive["best_not_significant"] == 0.0
    assert positive["share_p_significant"] == 1.0 and null["share_p_significant"] == 0.0
    assert cues("Is it not useful?", [])["question_negated"] == 1.0
    assert cues("Is it useful?", [])["contexts"] == 0.0


def test_analyzers() -> None:
    assert results_text(["a", "b", "c"]) == "b c"
    assert words_without_digits("At 12 weeks p<0.05 NOT_differ in HbA1c") == [
        "at", "weeks", "not_differ", "in"]
    grams = char_ngrams("Is  it?")
    assert grams[:3] == [" is", "is ", "s i"] and " is " in grams and " is i" in grams
    assert all(3 <= len(g) <= 5 for g in grams)


def test_tfidf_rows_are_unit_length_and_respect_min_df() -> None:
    tfidf = Tfidf.fit(["aspirin stroke", "aspirin bleeding", "statin"], min_df=2)
    assert tfidf.terms_in_order() == ["aspirin"]
    row = tfidf.transform("aspirin aspirin statin")
    assert list(row) == [0] and math.isclose(row[0], 1.0)
    chars = Tfidf.fit_terms([["abc", "bcd"], ["abc"]], 1, "char_3_5")
    assert chars.analyzer_name == "char_3_5" and chars.idf[0] < chars.idf[1]
    with pytest.raises(ValueError, match="unknown analyzer"):
        Tfidf({}, [], "word_9")


def test_view_text_sources() -> None:
    assert stance.view_text("question", "Q?", ["x"]) == "Q?"
    assert stance.view_text("results", "Q?", ["a", NULL_RESULT]).startswith("a there was no")
    with pytest.raises(ValueError, match="unknown text source"):
        stance.view_text("conclusion", "Q?", [])


def test_the_shipped_model_loads_and_records_its_cross_validation() -> None:
    model = stance.default_model()
    meta = model.meta
    assert model.classes == ["maybe", "no", "yes"]
    assert model.coef.shape == (3, model.n_features)
    assert [v.name for v in model.views] == ["question_words", "question_chars", "results_words"]
    cv = meta["cross_validation"]
    assert cv["folds"] == 10 and sum(c["gold"] for c in cv["per_class"].values()) == 500
    # better than answering "yes" to everything (55.2%) with every record held out
    assert cv["accuracy"] > 0.6 and cv["macro_f1"] > 0.42
    rep, nested = meta["repeated_cross_validation"], meta["nested_cross_validation"]
    assert len(rep["per_seed"]) == 5 and rep["accuracy_min"] <= cv["accuracy"] <= rep[
        "accuracy_max"]
    assert nested["accuracy"] > 0.6 and len(nested["C_chosen"]) == 10
    assert meta["resubstitution"]["accuracy"] >= cv["accuracy"]


def test_public_api() -> None:
    probs = stance.stance_probabilities("Is it useful?", ["We looked.", POSITIVE_RESULT])
    assert set(probs) == {"yes", "no", "maybe"} and math.isclose(sum(probs.values()), 1.0)
    assert stance.predict_stance("Is it useful?", ()) in ("yes", "no", "maybe")


def test_an_old_or_broken_model_file_is_one_clear_error(tmp_path: Path) -> None:
    shipped = stance.default_model().to_json_dict()
    old = tmp_path / "old.json"
    old.write_text(json.dumps({k: v for k, v in shipped.items() if k != "format"}))
    with pytest.raises(MedbriefError, match="format 1"):
        stance.load_model(old)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**shipped, "coef": [[0.0]]}))
    with pytest.raises(MedbriefError, match="unreadable"):
        stance.load_model(broken)
    with pytest.raises(MedbriefError, match="no stance model"):
        stance.load_model(tmp_path / "missing.json")


def _synthetic(path: Path, n: int = 10) -> Path:
    data = {}
    for i in range(n):
        data[f"1{i:03d}1"] = {"QUESTION": f"Does drug {i} reduce stroke?", "CONTEXTS": [
            "We randomised patients.", f"Drug {i} significantly reduced stroke (p<0.01)."],
            "final_decision": "yes", "LONG_ANSWER": "never read"}
        data[f"1{i:03d}2"] = {"QUESTION": f"Is test {i} necessary?", "CONTEXTS": [
            "We reviewed records.", f"Test {i} made no difference to outcomes (p=0.{i + 3})."],
            "final_decision": "no", "LONG_ANSWER": "never read"}
        data[f"1{i:03d}3"] = {"QUESTION": f"Can score {i} predict relapse?", "CONTEXTS": [
            "A cohort.", f"A trend towards fewer relapses was seen only in subgroup {i}."],
            "final_decision": "maybe", "LONG_ANSWER": "never read"}
    path.write_text(json.dumps(data))
    return path


def test_training_is_deterministic_and_cross_validated(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from medbrief.evaluate import train_pubmedqa

    file = _synthetic(tmp_path / "tiny.json")
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        train_pubmedqa.main(["--file", str(file), "--out", str(out), "--folds", "3",
                             "--repeats", "2"])
    assert outs[0].read_bytes() == outs[1].read_bytes()
    model = stance.load_model(outs[0])
    meta = model.meta
    assert meta["trained_on"]["items"] == 30 and meta["cross_validation"]["folds"] == 3
    assert [r["seed"] for r in meta["repeated_cross_validation"]["per_seed"]] == [0, 1]
    assert len(meta["nested_cross_validation"]["C_chosen"]) == 3
    # the three patterns are easy: every held-out record is answered right
    assert meta["cross_validation"]["accuracy"] == 1.0
    assert model.probabilities("Does drug 99 reduce stroke?", [
        "We randomised patients.", "Drug 99 significantly reduced stroke (p<0.01)."])["yes"] > 0.5


def test_training_refuses_a_file_too_small_to_cross_validate(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from medbrief.evaluate import train_pubmedqa

    file = _synthetic(tmp_path / "tiny.json", n=2)
    with pytest.raises(SystemExit, match="too few"):
        train_pubmedqa.main(["--file", str(file), "--out", str(tmp_path / "m.json")])
