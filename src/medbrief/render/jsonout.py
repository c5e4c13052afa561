"""JSON rendering and the JSON contract.

``render_json`` is ``answer.model_dump(mode="json")`` as indented JSON — nothing excluded. The
contract is the JSON Schema :func:`answer_schema` generates from the pydantic models; the committed
copy ``medbrief/schemas/answer.schema.json`` is written by ``scripts/write_schema.py`` and a test
keeps the two equal. Public keys are documented in ``docs/answer-json.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from medbrief.answer import Answer

SCHEMA_ID = "https://medbrief.example/schemas/answer.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_TITLE = "medbrief answer"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "answer.schema.json"


def render_json(answer: Answer) -> str:
    """The whole answer as indented JSON (UTF-8 text, keys in model order)."""
    return json.dumps(answer.model_dump(mode="json"), indent=2, ensure_ascii=False)


def answer_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`~medbrief.answer.Answer` output (``mode="serialization"``)."""
    schema = Answer.model_json_schema(mode="serialization")
    head = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE}
    return {**head, **{k: v for k, v in schema.items() if k not in head}}


def schema_text() -> str:
    """The schema exactly as committed: 2-space indented JSON with a trailing newline."""
    return json.dumps(answer_schema(), indent=2, ensure_ascii=False) + "\n"


def load_schema(path: Path = SCHEMA_PATH) -> dict[str, Any]:
    """The committed schema file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
