"""Read the evaluation files, checking every record: a bad one is one clear error naming it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medbrief.errors import InputError

MEDICATIONQA_FIELDS = ("question", "focus", "question_type", "answer", "section_title", "url")
PUBMEDQA_LABELS = ("yes", "no", "maybe")


@dataclass(slots=True, frozen=True)
class MedicationQARow:
    row: int
    question: str
    focus: str
    question_type: str
    answer: str
    section_title: str
    url: str


@dataclass(slots=True, frozen=True)
class PubMedQAItem:
    pmid: str
    question: str
    contexts: tuple[str, ...]
    label: str
    annotator: str | None  # reasoning_required_pred: one annotator's own answer, if the file has it


def _read_text(path: Path) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such file; give the path of the evaluation file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the path of the evaluation file itself")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def load_medicationqa(path: Path) -> list[MedicationQARow]:
    """MedicationQA as one JSON object a line (blank lines ignored)."""
    rows: list[MedicationQARow] = []
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); each "
                             "line must be one JSON object with the keys "
                             f"{', '.join(MEDICATIONQA_FIELDS)}") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object, found {type(obj).__name__}")
        missing = [k for k in ("question", "focus", "question_type") if k not in obj]
        if missing:
            raise InputError(f"{where}: missing key {', '.join(missing)}; each line needs "
                             f"{', '.join(MEDICATIONQA_FIELDS)}")
        values: dict[str, str] = {}
        for key in MEDICATIONQA_FIELDS:
            value = obj.get(key)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise InputError(f"{where}: {key!r} must be a string, found "
                                 f"{type(value).__name__}")
            values[key] = value.strip()
        if not values["question"]:
            raise InputError(f"{where}: 'question' is empty")
        row = obj.get("row", lineno)
        if not isinstance(row, int) or isinstance(row, bool):
            raise InputError(f"{where}: 'row' must be an integer, found {type(row).__name__}")
        rows.append(MedicationQARow(row=row, **values))
    if not rows:
        raise InputError(f"{path}: no records; expected one JSON object a line")
    return rows


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def load_pubmedqa(path: Path) -> list[PubMedQAItem]:
    """PubMedQA: one JSON object keyed by PMID (QUESTION, CONTEXTS, final_decision, ...)."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column "
                         f"{exc.colno}); expected one object keyed by PMID") from None
    if not isinstance(data, dict) or not data:
        raise InputError(f"{path}: expected a non-empty JSON object keyed by PMID, like "
                         '{"12345": {"QUESTION": ..., "CONTEXTS": [...], "final_decision": "yes"}}')
    items: list[PubMedQAItem] = []
    for pmid, rec in data.items():
        where = f"{path}: record {pmid}"
        if not isinstance(rec, dict):
            raise InputError(f"{where}: expected an object, found {type(rec).__name__}")
        question = rec.get("QUESTION")
        if not isinstance(question, str) or not question.strip():
            raise InputError(f"{where}: 'QUESTION' must be a non-empty string")
        contexts = rec.get("CONTEXTS")
        if not isinstance(contexts, list) or not _str_list(contexts):
            raise InputError(f"{where}: 'CONTEXTS' must be a list of strings")
        label = rec.get("final_decision")
        if label not in PUBMEDQA_LABELS:
            raise InputError(f"{where}: 'final_decision' must be one of "
                             f"{', '.join(PUBMEDQA_LABELS)}, found {label!r}")
        annotator = rec.get("reasoning_required_pred")
        items.append(PubMedQAItem(
            pmid=str(pmid), question=question.strip(), contexts=tuple(contexts),
            label=str(label), annotator=annotator if annotator in PUBMEDQA_LABELS else None))
    return items
