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
from medbrief.schema_file import write_or_check


def main(argv: list[str]) -> int:
    return write_or_check(SCHEMA_PATH, schema_text(), argv, "python scripts/write_schema.py")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
