"""The demo evidence pack shipped inside the package.

A few dozen Markdown digests (YAML front matter) of guideline recommendations, FDA label sections
and research abstracts, written by the medbrief team from public sources so that medbrief can answer
its seed questions on a fresh machine with no data and no network. Demo content, not reviewed by
clinicians; see docs/demo-pack.md.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEMO_TIERS: tuple[str, ...] = ("guidelines", "labels", "research")


def demo_pack_path() -> Path:
    """The folder holding the demo digests (``guidelines/``, ``labels/``, ``research/``).

    medbrief is installed from a source tree or a wheel, never imported from a zip, so the package
    resource is a real directory on disk.
    """
    resource = files("medbrief") / "data" / "demo"
    if isinstance(resource, Path):
        return resource
    return Path(str(resource))


def demo_digest_files() -> list[Path]:
    """Every digest file of the pack, sorted by tier folder and name."""
    root = demo_pack_path()
    return sorted(p for tier in DEMO_TIERS for p in (root / tier).glob("*.md"))
