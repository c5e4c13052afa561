"""Score the checker on a claim set: JSON lines with ``text``, ``drug`` and ``expected`` verdict.

    python -m medbrief.checking.evaluate tests/fixtures/check/claims.jsonl [--verbose]

Uses the store in $MEDBRIEF_HOME. Prints verdict accuracy overall, per ``set`` (e.g. the
holdout claims written after the rules) and per expected verdict; exit 1 below ``--min``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from medbrief.checking.checker import Checker
from medbrief.settings import Settings
from medbrief.store import open_store


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m medbrief.checking.evaluate")
    parser.add_argument("claims", type=Path)
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 below this accuracy")
    parser.add_argument("--verbose", action="store_true", help="print every wrong verdict")
    args = parser.parse_args(argv)
    items = [json.loads(line) for line in args.claims.read_text().splitlines() if line.strip()]
    store = open_store(Settings().db_path)
    checker = Checker.from_store(store)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for item in items:
        report = checker.check_text(item["text"])
        got = report.claims[0].verdict if len(report.claims) == 1 else "no single claim"
        ok = got == item["expected"] and report.claims[0].drug == item["drug"]
        for key in ("all", f"set={item.get('set', 'main')}", f"expected={item['expected']}"):
            total[key] += 1
            right[key] += ok
        if not ok and args.verbose:
            print(f"  {item['id']}: expected {item['expected']}, got {got}")
    store.close()
    for key in sorted(total, key=lambda k: (k != "all", k)):
        print(f"{key:<24} {right[key]:>3}/{total[key]:<3} {right[key] / total[key]:.1%}")
    return 0 if right["all"] / max(1, total["all"]) >= args.min else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
