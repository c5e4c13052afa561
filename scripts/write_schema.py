"""Regenerate the committed JSON Schema of the answer from the pydantic models.

Usage (from the repository root, venv active):

    python scripts/write_schema.py          # write src/medbrief/schemas/answer.schema.json
    python scripts/write_schema.py --check  # exit 1 if the committed file is out of date

Run it after any change to ``src/medbrief/answer.py``; ``tests/test_render.py`` fails while the
committed schema differs from the generated one.
"""

from __future__ import annotations

import sys

from medbrief.render.jsonout import SCHEMA_PATH, schema_text


def main(argv: list[str]) -> int:
    text = schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else None
    if "--check" in argv:
        if current != text:
            print(f"{SCHEMA_PATH} is out of date; run: python scripts/write_schema.py")
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    if current == text:
        print(f"{SCHEMA_PATH} unchanged")
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
