"""Safety triage before anything else: does the question signal an emergency or acute risk?

Rules, in order: an emergency sign described as happening (someone took too much, cannot breathe,
is seizing, wants to die) triggers the urgent notice; questions that only ask for information
about such events ("what is the overdose threshold listed on the label") do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

URGENT_NOTICE = (
    "If this is happening now, call your local emergency number (911 in the US) or Poison Control "
    "(1-800-222-1222 in the US) right away. Do not wait for symptoms. The evidence below is for "
    "information only."
)
CRISIS_NOTICE = (
    "If you are thinking about harming yourself, call or text 988 (Suicide & Crisis Lifeline, US) "
    "or your local emergency number now. You are not alone, and help is available right away."
)

_EVENT = r"(?:i|i've|i have|i just|we|he|she|they|my \w+|someone|somebody|a child|a kid|child|kid|son|daughter|baby|toddler|mom|dad|husband|wife|friend|patient)"
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("self_harm", r"\b(kill (my|him|her)self|suicid\w*|end (my|his|her) life|want(s)? to die"
                  r"|hurt (my|him|her)self|self[- ]harm)\b"),
    ("overdose", rf"\b{_EVENT}\b[^.?!]{{0,40}}\b(took|taken|swallowed|ate|overdosed|has taken"
                 rf"|had|drank|got into)\b[^.?!]{{0,60}}\b(too (much|many)|whole (bottle|pack)"
                 rf"|all (of )?(the|my|his|her)|\d+ (pills|tablets|capsules)|extra|double|pills|"
                 rf"tablets|bottle|by (mistake|accident))"),
    ("overdose", r"\b(overdosed|overdosing|od'd|took an overdose|accidentally (took|swallowed))\b"),
    ("child_ingestion", r"\b(child|kid|toddler|baby|son|daughter|grandchild)\b[^.?!]{0,40}"
                        r"\b(swallowed|ate|took|got into|chewed)\b"),
    ("anaphylaxis", r"\b(throat (is )?(closing|swelling|tight)|swollen (tongue|lips|face|throat)"
                    r"|tongue (is )?swelling|lips (are )?swelling|anaphyla\w+|hives all over)\b"),
    ("breathing", r"\b(can'?t breathe|cannot breathe|trouble breathing|difficulty breathing"
                  r"|short(ness)? of breath|not breathing|stopped breathing|struggling to breathe"
                  r"|breathing (is )?(slow|shallow))\b"),
    ("chest_pain", r"\b(chest pain|chest (is )?tight|heart attack|crushing chest)\b"),
    ("seizure", r"\b(having (a )?seizures?|seizing|convulsing|had a seizure|fits? after"
                r"|seizures? (after|since) (stopping|quitting))\b"),
    ("unresponsive", r"\b(unconscious|won'?t wake( up)?|can'?t wake|unresponsive|passed out"
                     r"|not waking|fainted|collapsed)\b"),
    ("withdrawal_emergency", r"\b(hallucinat\w+|confus\w+|high fever)\b[^.?!]{0,40}\b(after|since)"
                             r" (stopping|quitting|running out)"),
)
_COMPILED = tuple((name, re.compile(p, re.I)) for name, p in _PATTERNS)
# Informational framing: asking about thresholds/symptoms in general, not describing an event.
_INFORMATIONAL = re.compile(
    r"^\s*(what|which|how much|how many|is there|are there|does|do|can you tell|tell me)\b"
    r"[^.?!]*\b(threshold|limit|listed|label|symptoms of|signs of|maximum|max|considered|"
    r"defined|amount|dose)\b", re.I)


# "Can ibuprofen cause chest pain?" asks about a drug in general, not about an event happening.
_GENERAL = re.compile(r"^\s*(can|could|does|do|will|would|is|are|may|might)\b[^.?!]*"
                      r"\b(cause|causes|lead to|side effects?|risk|linked|associated)\b", re.I)
_PERSONAL = re.compile(r"\b(i|i'm|i've|me|my|we|our|he|she|they|him|her|his|just|now|right now"
                       r"|someone|somebody)\b", re.I)


@dataclass(slots=True, frozen=True)
class Triage:
    urgent: bool
    signals: tuple[str, ...]

    def notices(self) -> list[str]:
        if not self.urgent:
            return []
        out = []
        if "self_harm" in self.signals:
            out.append(CRISIS_NOTICE)
        out.append(URGENT_NOTICE)
        return out


def triage(question: str) -> Triage:
    signals = tuple(dict.fromkeys(name for name, rx in _COMPILED if rx.search(question)))
    if not signals:
        return Triage(False, ())
    if "self_harm" not in signals and not _PERSONAL.search(question) and (
            _INFORMATIONAL.search(question) or _GENERAL.search(question)):
        return Triage(False, ())
    return Triage(True, signals)
