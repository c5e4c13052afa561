#!/usr/bin/env python3
"""medbrief benchmarks: ``python bench/run.py [--quick] [--only ingest|search|ask|scale]``.

The same command as ``medbrief bench`` (options: ``--help``); the code is in
``src/medbrief/benchmark/``. Results: bench/results/latest.json; write-up: docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    src = Path(__file__).resolve().parents[1] / "src"
    if src.is_dir() and str(src) not in sys.path:
        sys.path.insert(0, str(src))  # runnable from a checkout without installing
    from medbrief.bench_cli import bench

    bench(prog_name="bench/run.py")


if __name__ == "__main__":
    main()
