"""Write or check a committed JSON Schema file generated from pydantic models."""

from __future__ import annotations

from pathlib import Path


def write_or_check(path: Path, text: str, argv: list[str], regenerate: str) -> int:
    """With ``--check`` in ``argv``: exit status 1 if ``path`` differs from ``text``; otherwise
    write ``text`` to ``path`` if it changed. ``regenerate`` is the command to print."""
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if "--check" in argv:
        if current != text:
            print(f"{path} is out of date; run: {regenerate}")
            return 1
        print(f"{path} is up to date")
        return 0
    if current == text:
        print(f"{path} unchanged")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
