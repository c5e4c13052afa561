"""Dose amounts in articles and labels: numbers with units, how often, per what, and maxima.

``parse_doses`` reads every amount in a text as a :class:`Dose`: the value in mg (g and mcg
converted), whether it is per day ("80 mg per day", "40-80 mg daily"), per kg, how many times a
day it is taken ("5 mg three times daily" -> 15 mg a day), and whether the text presents it as a
maximum ("should not exceed", "maximum", "up to"). Rules then compare an article's doses with the
label's: above every maximum the label states -> contradicted; a maximum that differs from the
label's -> contradicted; amounts the label states -> supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_UNIT = r"mg|milligrams?|mcg|µg|micrograms?|g|grams?"
_AMOUNT = re.compile(
    rf"(?P<a>{_NUM})(?:\s*(?:{_UNIT}))?\s*(?:-|–|—|to|or)\s*(?P<b>{_NUM})\s*(?P<u>{_UNIT})\b"
    rf"|(?P<n>{_NUM})\s*(?P<u2>{_UNIT})\b", re.I)
_PER_KG = re.compile(r"^\s*/\s*kg|^\s*per\s+kg|^\s*/kg", re.I)
_PER_DAY = re.compile(r"^\s*(?:of\s+[a-z]+(?:\s+[a-z]+)?\s+)?(?:/\s*day|per\s+day|a\s+day"
                      r"|each\s+day|daily|/d\b|in\s+24\s+hours"
                      r"|every\s+24\s+hours|total)", re.I)
_DAILY_BEFORE = re.compile(r"(?:daily|total daily|per day|a day)\s+(?:dose|dosage|amount|intake)"
                           r"(?:\s+\w+){0,6}\s*$|\bdaily\s*$", re.I)
_FREQ_WORDS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:four times (?:a|per|each) day|four times daily|q\.?i\.?d\.?|qid)", re.I), 4),
    (re.compile(r"\b(?:three times (?:a|per|each) day|three times daily|t\.?i\.?d\.?|tid)\b", re.I),
     3),
    (re.compile(r"\b(?:twice (?:a|per|each) day|twice daily|two times (?:a|per|each) day"
                r"|two times daily|b\.?i\.?d\.?|bid)\b", re.I), 2),
    (re.compile(r"\b(?:once (?:a|per|each) day|once daily|one time (?:a|per) day|q\.?d\.?)\b", re.I),
     1),
    (re.compile(r"\bevery 6 hours\b", re.I), 4),
    (re.compile(r"\bevery 8 hours\b", re.I), 3),
    (re.compile(r"\bevery 12 hours\b", re.I), 2),
)
_MAX_BEFORE = re.compile(r"(?:maximum|max\.?|not (?:to )?exceed|no more than|not more than|up to"
                         r"|at most|highest|upper limit|limit of|never (?:take )?more than"
                         r"|never exceed|not (?:go )?(?:above|over|beyond)|increased (?:up )?to)"
                         r"(?:\s*[\w()/:,-]+){0,8}\s*$", re.I)
_MAX_AFTER = re.compile(r"^\s*(?:\w+\s+){0,3}(?:maximum|max\b|at most|or less)", re.I)
_INCREASE = re.compile(r"\bincreas\w*\b(?:\s+\w+){0,4}\s*$", re.I)


@dataclass(slots=True, frozen=True)
class Dose:
    low: float  # mg
    high: float  # mg (== low unless a range)
    per_day: bool  # the amount is a daily total
    per_kg: bool
    times_a_day: int | None  # frequency stated right after it
    maximum: bool  # presented as a maximum / upper limit
    start: int
    end: int

    @property
    def daily_high(self) -> float | None:
        """The most this amounts to in a day, when that is known."""
        if self.per_day:
            return self.high
        if self.times_a_day:
            return self.high * self.times_a_day
        return None


def _mg(value: str, unit: str) -> float:
    v = float(value.replace(",", ""))
    u = unit.lower()
    if u in ("g", "gram", "grams"):
        return v * 1000
    if u in ("mcg", "µg", "microgram", "micrograms"):
        return v / 1000
    return v


def frequency(text: str) -> int | None:
    for rx, n in _FREQ_WORDS:
        if rx.search(text):
            return n
    return None


def parse_doses(text: str) -> list[Dose]:
    out: list[Dose] = []
    for m in _AMOUNT.finditer(text):
        if m.group("n"):
            unit = m.group("u2")
            low = high = _mg(m.group("n"), unit)
        else:
            unit = m.group("u")
            low, high = _mg(m.group("a"), unit), _mg(m.group("b"), unit)
        if unit.lower() in ("g", "gram", "grams") and high > 50_000:
            continue  # "100 g" of something is not a dose of a tablet
        after = text[m.end():m.end() + 40]
        before = text[max(0, m.start() - 80):m.start()]
        per_kg = bool(_PER_KG.match(after))
        if per_kg:
            after = re.sub(r"^\s*(?:/\s*kg|per\s+kg)", "", after, flags=re.I)
        per_day = bool(_PER_DAY.match(after)) or bool(_DAILY_BEFORE.search(before))
        times = None if per_day else frequency(after[:30])
        maximum = bool(_MAX_BEFORE.search(before)) or bool(_MAX_AFTER.match(after))
        if maximum and _INCREASE.search(before) and not re.search(r"maximum|exceed", before, re.I):
            maximum = True  # "increased up to 200 mg/day" is the top of the range: a maximum
        out.append(Dose(min(low, high), max(low, high), per_day, per_kg, times, maximum,
                        m.start(), m.end()))
    return out


def numbers(text: str) -> set[float]:
    """Every number written in ``text`` (thousands separators removed)."""
    out: set[float] = set()
    for m in re.finditer(_NUM, text):
        try:
            out.add(float(m.group(0).replace(",", "")))
        except ValueError:
            continue
    return out
