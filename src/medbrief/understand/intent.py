"""What the question asks: one primary intent (and secondary ones) by ordered, documented rules."""

from __future__ import annotations

import re

INTENTS = (
    "comparison", "overdose", "pregnancy_lactation", "renal_hepatic", "interactions",
    "contraindications", "stopping_withdrawal", "dose", "adverse_effects", "mechanism",
    "role_indication", "general",
)

# Checked in this order; the first rule that matches is the primary intent, later matches are
# secondary. Patterns are matched on the lower-cased question.
_RULES: tuple[tuple[str, str], ...] = (
    ("comparison", r"\b(vs\.?|versus|compared (to|with)|comparison|better than|difference between"
                   r"|or\b.*\bwhich|which is (better|safer|stronger))\b"),
    ("overdose", r"\b(overdos\w*|too much|too many|swallowed|poison\w*|took (a )?double)\b"),
    ("pregnancy_lactation", r"\b(pregnan\w*|breast ?feed\w*|breast ?milk|nursing|lactat\w*"
                            r"|trying to conceive|expecting a baby|fertility)\b"),
    ("renal_hepatic", r"\b(kidney|renal|dialysis|liver|hepatic|cirrhosis|creatinine clearance)\b"),
    ("interactions", r"\b(interact\w*|together with|at the same time|combine[ds]?|mix\w*"
                     r"|with (alcohol|wine|beer|grapefruit)|while (on|taking|using)|drink\w*"
                     r"|alcohol)\b"),
    ("contraindications", r"\b(contraindicat\w*|who should not|should not (take|use)"
                          r"|can't take|cannot take|not (be )?(take|use)n? (if|by|with))\b"),
    ("stopping_withdrawal", r"\b(stop\w*|quit\w*|withdraw\w*|taper\w*|discontinu\w*|come off"
                            r"|coming off|wean\w*|cold turkey)\b"),
    ("dose", r"\b(dose|doses|dosage|dosing|how much|how many|how often|maximum|max|mg|milligrams?"
             r"|titrat\w*|frequency|times a day|per day|daily amount)\b"),
    ("adverse_effects", r"\b(side[- ]effects?|adverse|reactions?|risks?|dangers?|safe|safety"
                        r"|harm\w*|cause[sd]?|make you|weight gain|drows\w*|sleepy|addict\w*)\b"),
    ("mechanism", r"\b(mechanism|how does .* work|how .* works|mode of action|what does .* do"
                  r"|pharmacolog\w*|class of drug|what kind of drug|what type of drug)\b"),
    ("role_indication", r"\b(role|used for|use for|uses|indicat\w*|treat\w*|help\w*|good for"
                        r"|prescribed for|work for|effective|efficacy|manag\w*|relie\w*"
                        r"|what is .* for|purpose|type of pain|kind of pain)\b"),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _RULES)


def classify(question: str, n_drugs: int = 0) -> tuple[str, list[str]]:
    """Return (primary intent, secondary intents) for a question."""
    low = question.lower()
    hits = [name for name, rx in _COMPILED if rx.search(low)]
    # "X or Y for Z" with two drugs is a comparison even without "vs".
    if n_drugs >= 2 and "comparison" not in hits and re.search(r"\b(or|and)\b", low) and \
            "interactions" not in hits:
        hits.insert(0, "comparison")
    # "what pain is it used to treat" is about the indication even though "type" hints dose-free.
    if not hits:
        return "general", []
    primary = hits[0]
    # A dose question that merely mentions "safe" stays a dose question, etc.: keep rule order,
    # except that an explicit indication cue beats a generic adverse-effect cue such as "help".
    if primary == "adverse_effects" and "role_indication" in hits and \
            re.search(r"\b(role|used for|indicat\w*|type of pain|kind of pain)\b", low):
        primary = "role_indication"
    secondary = [h for h in hits if h != primary]
    return primary, secondary
