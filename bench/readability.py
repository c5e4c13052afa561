"""Readability of answers per audience over a question file (issue 5).

    python bench/readability.py --file ../shared/eval/medicationqa-dev.jsonl

Uses the store in $MEDBRIEF_HOME (build it with `medbrief ingest ../shared/data`). Prints one
JSON object: per audience the number of answered questions and the Flesch-Kincaid grade
(mean, median, share of answers at grade 8 or below).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from medbrief.compose.answerer import Engine
from medbrief.settings import Settings
from medbrief.store import open_store

AUDIENCES = ("patient", "caregiver", "nurse", "pharmacist", "physician")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--audiences", default="patient,physician")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.file.read_text().splitlines()
                 if line.strip()]
    engine = Engine(open_store(Settings().db_path))
    out: dict[str, object] = {"file": str(args.file), "questions": len(questions)}
    for audience in args.audiences.split(","):
        grades = []
        for q in questions:
            answer = engine.ask(q, audience=audience, save=False)  # type: ignore[arg-type]
            if not answer.insufficient and answer.readability is not None:
                grades.append(answer.readability.fk_grade)
        out[audience] = {
            "answered": len(grades),
            "fk_grade_mean": round(statistics.mean(grades), 2) if grades else None,
            "fk_grade_median": round(statistics.median(grades), 2) if grades else None,
            "share_grade_8_or_below": round(sum(g <= 8 for g in grades) / len(grades), 3)
            if grades else None,
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
