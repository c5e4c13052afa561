"""`medbrief eval medicationqa|pubmedqa` on tiny hand-made files in the real shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from medbrief.evaluate.cli import eval_group
from medbrief.evaluate.mapping import TYPE_INTENTS, label_sections

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
MQA = FIXTURES / "medicationqa-tiny.jsonl"
PQA = FIXTURES / "pubmedqa-tiny.json"
DOCS = Path(__file__).parents[1] / "docs" / "eval-mapping.md"


def run(*args: str) -> Result:
    return CliRunner().invoke(eval_group, list(args))


@pytest.fixture
def demo_home(home: Path) -> Path:
    from medbrief.demo import demo_pack_path
    from medbrief.ingest import ingest_paths
    from medbrief.settings import Settings
    from medbrief.store import open_store

    store = open_store(Settings().db_path)
    ingest_paths(store, [demo_pack_path()])
    store.close()
    return home


def test_medicationqa_figures_on_a_tiny_file(demo_home: Path) -> None:
    result = run("medicationqa", "--file", str(MQA), "--json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["rows"] == 6
    f = s["focus"]
    # rows 1, 2, 3, 5 name a drug (row 4 is descriptive, row 6 has none); zorblaxamab is unknown
    assert (f["named_focus_rows"], f["no_focus_rows"], f["descriptive_focus_rows"]) == (4, 1, 1)
    assert (f["exact"], f["exact_share"], f["focus_not_in_lexicon"]) == (3, 0.75, 1)
    i = s["intent"]
    # "Pronounce name" is unmapped; "what medicines raise blood sugar" is missed
    assert (i["mapped_rows"], i["correct"], i["accuracy"]) == (5, 4, 0.8)
    assert i["unmapped_types"] == {"Pronounce name": 1}
    assert i["by_type"]["Appearance"]["predicted"] == {"product": 1}
    le = s["label_evidence"]
    assert (le["dailymed_rows"], le["answerable_rows"], le["right_section"]) == (2, 1, 1)
    assert le["not_answerable"] == {"focus is not a recognised drug": 1}
    # the Lioresal answer quotes the reference sentence: full recall, unlike the baseline
    o = s["overlap"]["dailymed_answerable_rows"]
    assert o["rows"] == 1 and o["answer"]["rouge_l_recall"] == 1.0
    assert o["baseline"]["rouge_l_recall"] < 0.5
    assert s["coverage"]["answered"] == 4
    assert s["coverage"]["reasons"] == {"no drug, class or condition recognised in the question": 2}


def test_medicationqa_table_and_worst_misses(demo_home: Path) -> None:
    result = run("medicationqa", "--file", str(MQA), "--errors", "1")
    assert result.exit_code == 0, result.output
    assert re.search(r"focus drug found, exact\s+75\.0%\s+3 / 4", result.output)
    assert re.search(r"question type -> intent accuracy\s+80\.0%\s+4 / 5", result.output)
    assert "1 worst misses" in result.output
    assert "row 3 [focus, unanswered]" in result.output  # ties broken by overlap, then row
    data = json.loads(run("medicationqa", "--file", str(MQA), "--json", "--errors", "2").output)
    assert [e["row"] for e in data["errors"]] == [3, 4]


@pytest.mark.parametrize(("line", "message"), [
    ('{"row": 9, "question": "x?", "focus": "y"', "not valid JSON"),
    ('{"row": 9, "question": "x?", "focus": "y"}', "missing key question_type"),
    ('{"row": 9, "question": 7, "focus": "y", "question_type": "Dose"}', "'question' must be a"),
    ('["a", "list"]', "expected a JSON object"),
])
def test_medicationqa_bad_line_is_named(demo_home: Path, tmp_path: Path, line: str,
                                        message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(MQA.read_text().splitlines()[0] + "\n" + line + "\n")
    result = run("medicationqa", "--file", str(bad))
    assert result.exit_code == 2
    assert "bad.jsonl:2: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_medicationqa_without_a_store_says_how_to_build_it(home: Path) -> None:
    result = run("medicationqa", "--file", str(MQA))
    assert result.exit_code == 2
    assert "medbrief ingest" in result.output and "Traceback" not in result.output


def test_missing_file_is_one_line(home: Path, tmp_path: Path) -> None:
    result = run("pubmedqa", "--file", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_pubmedqa_figures_on_a_tiny_file() -> None:
    result = run("pubmedqa", "--file", str(PQA), "--json", "--errors", "5")
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["items"] == 5
    assert s["gold_counts"] == {"yes": 3, "no": 1, "maybe": 1}
    always = s["systems"]["always_yes"]
    assert always["accuracy"] == 0.6
    assert always["macro_f1"] == pytest.approx(0.75 / 3)  # F1(yes) = 2*0.6*1/1.6
    assert s["systems"]["annotator"]["accuracy"] == 0.8  # one annotator disagreed on 900000004
    mine = s["systems"]["medbrief"]
    misses = len(s["errors"])
    assert mine["accuracy"] == pytest.approx((5 - misses) / 5)
    assert sum(c["predicted"] for c in mine["per_class"].values()) == 5
    assert s["overlap_with_training"] == 0 and s["medbrief_is_resubstitution"] is False
    assert 0 < s["model"]["cross_validation"]["accuracy"] < 1


def test_pubmedqa_never_reads_the_long_answer(tmp_path: Path) -> None:
    data = json.loads(PQA.read_text())
    for rec in data.values():
        rec["LONG_ANSWER"] = "No. " * 50 if rec["final_decision"] == "yes" else "Yes. " * 50
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    for rec in data.values():
        del rec["LONG_ANSWER"]
    dropped = tmp_path / "dropped.json"
    dropped.write_text(json.dumps(data))
    outputs = [json.loads(run("pubmedqa", "--file", str(p), "--json", "--errors", "5").output)
               for p in (PQA, changed, dropped)]
    assert len({json.dumps(o["systems"]["medbrief"], sort_keys=True) for o in outputs}) == 1
    assert len({json.dumps(o["errors"], sort_keys=True) for o in outputs}) == 1


def test_pubmedqa_bad_record_is_named(tmp_path: Path) -> None:
    data = json.loads(PQA.read_text())
    data["900000003"]["final_decision"] = "perhaps"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run("pubmedqa", "--file", str(bad))
    assert result.exit_code == 2
    assert "record 900000003" in result.output and "'final_decision'" in result.output
    bad.write_text("{not json")
    assert "not valid JSON" in run("pubmedqa", "--file", str(bad)).output


def test_pubmedqa_flags_questions_the_model_was_trained_on(tmp_path: Path) -> None:
    from medbrief.compose.stance import default_model

    trained = default_model().meta["trained_on"]["pmids"][0]
    data = json.loads(PQA.read_text())
    data[trained] = data.pop("900000001")
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps(data))
    result = run("pubmedqa", "--file", str(mixed))
    assert result.exit_code == 0, result.output
    assert "1 of these were trained on" in result.output
    assert "cross-validated" in result.output


def test_stance_reads_significance_and_its_absence() -> None:
    from medbrief.compose.stance import predict_stance

    q = "Does aspirin reduce the risk of stroke?"
    assert predict_stance(q, ["We randomised 2000 patients.", "Aspirin significantly reduced the "
                              "risk of stroke compared with placebo (HR 0.62, p<0.001)."]) == "yes"
    assert predict_stance(q, ["We randomised 2000 patients.", "There was no significant "
                              "difference in stroke between aspirin and placebo (p=0.62)."]) == "no"
    assert predict_stance("Is it useful?", []) in ("yes", "no", "maybe")


def test_mapping_covers_the_37_types_and_the_docs_agree() -> None:
    assert len(TYPE_INTENTS) == 37
    from medbrief.understand.intent import INTENTS

    for intents in TYPE_INTENTS.values():
        assert intents is None or set(intents) <= set(INTENTS)
    documented: dict[str, tuple[str, ...] | None] = {}
    for line in DOCS.read_text().splitlines():
        m = re.match(r"^\| ([^|]+?) \| ([a-z_, ]+) \|", line)
        if m and m.group(1) in TYPE_INTENTS:
            cell = m.group(2).strip()
            documented[m.group(1)] = None if cell == "unmapped" else tuple(
                x.strip() for x in cell.split(","))
    assert documented == TYPE_INTENTS


@pytest.mark.parametrize(("heading", "sections"), [
    ("INDICATIONS & USAGE", ("indications",)),
    ("INDICATIONS AND USAGE:", ("indications",)),
    ("DOSAGE AND ADMINISTRATION;  WARNINGS AND PRECAUTIONS",
     ("dosage_administration", "warnings_precautions")),
    ("INGREDIENTS AND APPEARANCE", ("description", "how_supplied", "dosage_forms")),
    ("CLINICAL PHARMACOLOGY > Mechanism of Action", ("mechanism",)),
    ("12.3 Pharmacokinetics", ("clinical_pharmacology",)),
    ("HOW SUPPLIED/STORAGE AND HANDLING", ("how_supplied",)),
    ("Medication Guide > What is RESTORIL?", ("patient_counseling",)),
    ("OVERDOSAGE", ("overdosage",)),
    ("NA", None),
    ("HIGHLIGHTS OF PRESCRIBING INFORMATION", None),
    ("Packager:", None),
])
def test_dailymed_headings_become_label_sections(heading: str,
                                                 sections: tuple[str, ...] | None) -> None:
    assert label_sections(heading) == sections


def test_lexicon_files_rebuild_identically(tmp_path: Path) -> None:
    pytest.importorskip("drug_named_entity_recognition")
    pytest.importorskip("wordfreq")
    from medbrief.understand import build_drug_names

    build_drug_names.main(["--out", str(tmp_path / "drug_names.tsv.gz")])
    shipped = build_drug_names.DEFAULT_OUT.parent
    for name in ("drug_names.tsv.gz", "common_words.txt.gz"):
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name
