"""The README's main job on a machine with no data: the demo pack answers the seed question."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from medbrief.cli import main
from medbrief.demo import demo_pack_path

SEED = "What is the role of baclofen in managing back pain?"


def test_demo_pack_ingests_cleanly(home: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--demo", "-q"])
    assert result.exit_code == 0, result.output
    assert "failed 0" in result.stdout
    n_files = sum(1 for _ in demo_pack_path().rglob("*.md"))
    assert f"ingested {n_files}" in result.stdout


def test_main_command_without_shared_data(tmp_path: Path) -> None:
    """Run as a fresh process from an unrelated folder, with no shared data reachable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDBRIEF_")}
    env["MEDBRIEF_HOME"] = str(tmp_path / "home")
    env["MEDBRIEF_SHARED"] = str(tmp_path / "nowhere")
    proc = subprocess.run(
        [sys.executable, "-m", "medbrief", "ask", "--ensure-data", SEED],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in ("Bottom line", "From the Guidelines", "From the FDA Drug Label",
                    "From the Research", "References"):
        assert heading in out
    assert "Off-label: low back pain is not among baclofen's FDA-labeled indications. [1]" in out
    assert "Demo digest written by the medbrief team" in out
    assert "demo evidence pack" in proc.stderr
    # a second run reuses the store instead of loading the pack again
    again = subprocess.run(
        [sys.executable, "-m", "medbrief", "ask", "--ensure-data", "--format", "json", SEED],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert again.returncode == 0 and "demo evidence pack" not in again.stderr
