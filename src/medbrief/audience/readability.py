"""Readability measured, not guessed: Flesch-Kincaid grade via textstat (offline, pyphen-based)."""

from __future__ import annotations

import textstat


def fk_grade(text: str) -> float:
    if not text.strip():
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
