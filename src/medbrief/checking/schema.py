"""Regenerate the committed JSON Schema of the claim-check report from the pydantic models.

    python -m medbrief.checking.schema          # write checking/check-report.schema.json
    python -m medbrief.checking.schema --check  # exit 1 if the committed file is out of date
"""

from __future__ import annotations

import sys

from medbrief.checking.report import SCHEMA_PATH, schema_text


def main(argv: list[str]) -> int:
    text = schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else None
    if "--check" in argv:
        if current != text:
            print(f"{SCHEMA_PATH} is out of date; run: python -m medbrief.checking.schema")
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    if current == text:
        print(f"{SCHEMA_PATH} unchanged")
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
