"""Regenerate the committed JSON Schema of the claim-check report from the pydantic models.

    python -m medbrief.checking.schema          # write checking/check-report.schema.json
    python -m medbrief.checking.schema --check  # exit 1 if the committed file is out of date
"""

from __future__ import annotations

import sys

from medbrief.checking.report import SCHEMA_PATH, schema_text
from medbrief.schema_file import write_or_check


def main(argv: list[str]) -> int:
    return write_or_check(SCHEMA_PATH, schema_text(), argv, "python -m medbrief.checking.schema")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
