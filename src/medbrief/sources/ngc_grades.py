"""Find the strength of a recommendation and the quality of its evidence where an NGC summary states them.

Guideline developers grade in dozens of ways; the NGC summaries put the grade next to the statement,
almost always in bold or in brackets::

    (Grade: strong recommendation)  (moderate-quality evidence)      ACP
    (Strong For; Reviewed, Amended)                                  VA/DoD
    (Level A)  [Level B]                                             AAN, NAMS
    (1B)  (Grade 2C)  (1|+++O)                                       GRADE style: number = strength
    (LE=4, GR=C)  (Grade A; BEL 1)  (Level of evidence: B)           key = value
    (II-2B)  (III)  (IV, C)                                          roman evidence level + letter grade
    (GPP)  (Not Graded)  (Clinical Principle)                        ungraded statements

Only short *candidates* are examined (bold segments, bracketed groups, the start of the block), so
prose such as "low-quality evidence showed that ..." in a rationale paragraph is not read as a grade.
Bare codes ("(A)", "(III)", "(2)") are ambiguous; the field's preamble ("Definitions for the quality of
the evidence (A-C) and strength of recommendations (1, 2) ...") says which is which (:func:`scheme_hints`).

Values are reported as written, lightly normalised: words lower case ("strong", "moderate",
"good practice point"), codes upper case ("A", "1", "II-2", "IIa" keeps its case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CODE = r"(?:[1-5][a-c]?(?:\+\+|\+|-(?![\dA-Za-z]))?|[A-E][+-]?|U|I{1,3}[abAB]?(?:-[1-3])?|IV|V)"
_WORD = (
    r"(?:very[- ]low|strong|weak|moderate|conditional|high|low|insufficient|fair|good|poor|"
    r"limited|consensus|expert opinion|inconclusive)"
)
_SKEY = (
    r"grades? of (?:the )?recommendations?|strength of (?:the )?recommendations?|"
    r"recommendation (?:strength|grade|level|class|rating)|levels? of recommendations?|"
    r"class(?:es)? of recommendations?|SOR|GOR|GR|COR|RG|grade|class|category"
)
_QKEY = (
    r"levels? of (?:the )?evidence|evidence levels?|quality of (?:the )?evidence|evidence quality|"
    r"evidence grade|grade of (?:the )?evidence|strength of (?:the )?evidence(?: for \w+)?|"
    r"evidence strength|certainty of (?:the )?evidence|aggregate evidence quality|"
    r"LOE|LE|EL|BEL|QOE|evidence"
)
_KV = re.compile(
    rf"(?<![\w-])(?:(?P<q>{_QKEY})|(?P<s>{_SKEY})|(?P<l>level))"
    rf"\s*(?:[:=\-\u2013]\s*|\s)\s*(?:grade\s*)?(?P<v>[12][A-D]\b|{_WORD}|{_CODE})(?![\w+])"
    r"(?!\s+(?!(?:recommendations?|evidence|statements?|for|and|or|to)\b)[a-z]{3,})",
    re.I,
)
_REC_PHRASE = re.compile(
    r"\b(strong|weak|conditional|moderate|discretionary|limited|optional|expert consensus|consensus)"
    r"\s+recommendations?\b",
    re.I,
)
_FOR_AGAINST = re.compile(r"\b(strong|weak|conditional)\s+(for|against)\b", re.I)
_QUALITY_PHRASE = re.compile(
    r"\b(very[- ]low|high|moderate|low|insufficient)[- ](?:quality|certainty|level|strength)"
    r"(?:\s+(?:of|in))?(?:\s+the)?\s+evidence\b",
    re.I,
)
_PAIR = re.compile(r"^(strong|weak|conditional)\s*[,;/]\s*(very[- ]low|high|moderate|low)\b", re.I)
_NOT_APPLICABLE = re.compile(
    r"^(not applicable|n/a|no recommendation(?: for or against)?)(?![\w/])", re.I
)
_SPECIAL = re.compile(
    r"(?:(?:ungraded )?good (?:clinical )?practice (?:points?|statements?)|GPP\d*|GCP|good clinical practice|(?:expert )?practice points?|"
    r"best practice(?: statement| point)?|ungraded(?: good practice| best practice)?(?: statement)?|"
    r"ungraded,? consensus[- ]based(?: statement)?|(?:not )?recommended|EO|CBR|PP|RR|"
    r"context-specific recommendation(?: [-\u2013] research)?|"
    r"not graded|consensus(?:[-\u2013 ]+[\w ]{1,30})?|expert (?:consensus )?opinion(?: point)?|"
    r"expert consensus|clinical principle|option|standard|insufficient evidence|"
    r"no recommendation|i statement|[A-D] recommendation|consensus recommendation|"
    r"strong|weak|conditional|guideline|\u2713)",
    re.I,
)
_GRADE_COMPOSITE = re.compile(
    r"(?:grade\s*)?([+\-\u2013]?)([12])\s*\|?\s*([A-D]|[+O\u2295\u25cb\u25ef]{2,4})", re.I
)
_ROMAN_THEN_LETTER = re.compile(r"(I{1,3}|IV)\s?([A-D])")  # ESC "IA", "I C": class + level (hints)
_LETTER_THEN_ROMAN = re.compile(r"([A-E])\s*[-\u2013 ]\s*(I{1,3}|IV)")  # IDSA "B II", "C-III"
_QUALITY_WORD = re.compile(r"(?i)very low|low|moderate|high")
_ROMAN_LETTER = re.compile(
    r"((?:I{1,3}|IV|V)(?:-[1-3])?)\s*[-\u2013,]\s*([A-EL])|(II-[1-3]|III|IV)([A-EL])"
)
_SIGN_LEVEL = re.compile(r"[1-4](?:\+\+|\+|-)")
_BARE_LETTER = re.compile(r"[A-DU]")
_BARE_ROMAN = re.compile(r"(?:I{1,3}|IV|V)(?:-[1-3]|[ab])?")
_BARE_DIGIT = re.compile(r"[1-5][a-c]?")
_NICE_TAG = re.compile(
    r"^(?:new )?(?:19|20)\d\d(?:,? (?:amended|updated|new) (?:19|20)\d\d)?$", re.I
)
_PAREN = re.compile(r"\(([^()]{1,120})\)|\[([^\[\]]{1,120})\]")
_LEAD = re.compile(
    r"(?i)^\s*[(\[]?((?:level|grade|class|category)\s+(?:[A-DU]|I{1,3}[ab]?|IV|[1-4][A-D]?))[)\]]?\s*[.:\-\u2013]\s"
)
_START = re.compile(r"^[^.;:()]{1,90}")
_HINT = re.compile(r"([^()]{0,90}?)\(([^()]{1,80})\)")

_STRONG_WORDS = {"strong", "strong for", "strong against"}
_WEAK_WORDS = {"weak", "weak for", "weak against", "conditional", "discretionary", "optional"}


@dataclass(slots=True)
class Grade:
    strength: str = ""
    quality: str = ""
    direction: str = ""  # "for" / "against" when stated with the strength (VA/DoD)
    grade_text: str = ""  # the candidate text(s) the grade was read from
    strengths: list[str] = field(default_factory=list)
    qualities: list[str] = field(default_factory=list)
    nice_tag: str = ""  # NICE "[new 2013]" style review marker (not a grade)
    composite: bool = False  # read from a GRADE-style "1B" code: the number is the strength
    scale: str = ""  # a named scale the strength is on (ACR appropriateness ratings)

    def __bool__(self) -> bool:
        return bool(self.strength or self.quality)

    def add_strength(self, value: str) -> None:
        if value and value not in self.strengths:
            self.strengths.append(value)
            self.strength = self.strength or value

    def add_quality(self, value: str) -> None:
        if value and value not in self.qualities:
            self.qualities.append(value)
            self.quality = self.quality or value

    def merge(self, other: Grade) -> None:
        for s in other.strengths:
            self.add_strength(s)
        for q in other.qualities:
            self.add_quality(q)
        self.direction = self.direction or other.direction
        self.nice_tag = self.nice_tag or other.nice_tag
        self.composite = self.composite or other.composite
        self.scale = self.scale or other.scale
        if other.grade_text and other.grade_text not in self.grade_text:
            self.grade_text = "; ".join(t for t in (self.grade_text, other.grade_text) if t)

    def strength_class(self, hints: dict[str, str]) -> str:
        """ "strong" / "weak" when the stated strength says so (words, or GRADE 1/2)."""
        s = self.strength.lower()
        numeric = self.composite or hints.get("digit") == "strength"
        if s in _STRONG_WORDS or (s == "1" and numeric):
            return "strong"
        if s in _WEAK_WORDS or (s == "2" and numeric):
            return "weak"
        return ""

    def to_meta(self, hints: dict[str, str]) -> dict[str, object]:
        meta: dict[str, object] = {}
        if self.strength:
            meta["strength"] = self.strength
            cls = self.strength_class(hints)
            if cls:
                meta["strength_class"] = cls
        if self.quality:
            meta["quality"] = self.quality
        if self.direction:
            meta["direction"] = self.direction
        if len(self.strengths) > 1:
            meta["strengths"] = list(self.strengths)
        if len(self.qualities) > 1:
            meta["qualities"] = list(self.qualities)
        if self.grade_text and (self.strength or self.quality):
            meta["grade_text"] = self.grade_text
        if self.nice_tag:
            meta["nice_tag"] = self.nice_tag
        if self.scale and self.strength:
            meta["strength_scale"] = self.scale
            if self.scale.startswith("ACR") and self.strength.isdigit():
                n = int(self.strength)
                meta["appropriateness"] = (
                    "usually appropriate"
                    if n >= 7
                    else "may be appropriate"
                    if n >= 4
                    else "usually not appropriate"
                )
        return meta


_CODE_FULL = re.compile(
    r"[1-5][a-c]?(?:\+\+|\+|-)?|[A-EU][+-]?|I{1,3}[abAB]?(?:-[1-3])?|IV|V|[12][A-D]|"
    r"[+O\u2295\u25cb\u25ef]{2,4}"
)


def _norm(value: str) -> str:
    """Codes as written ("A", "IIa", "1++"), short all-caps codes kept ("EO"), words lower case."""
    value = re.sub(r"\s+", " ", value.strip())
    low = value.lower()
    if low == "i statement":
        return "I statement"
    if low == "n/a":
        return "not applicable"
    letter = re.fullmatch(r"(?i)([A-D]) recommendation", value)
    if letter:
        return letter.group(1).upper()
    if _CODE_FULL.fullmatch(value):
        return value.upper() if len(value) == 1 else value
    if len(value) <= 4 and value.isupper():
        return value
    return low.replace("\u2013", "-")


def _code_kind(code: str) -> str:
    if re.fullmatch(r"[1-4](?:\+\+|\+|-)", code):
        return "sign"
    if _BARE_ROMAN.fullmatch(code):
        return "roman"
    if re.fullmatch(r"[1-5][a-c]?", code):
        return "digit"
    if re.fullmatch(r"[A-E][+-]?|U", code):
        return "letter"
    return "word"


def scheme_hints(preamble: str) -> dict[str, str]:
    """Which bare code kind ("letter", "digit", "roman") means strength and which quality.

    Read from sentences such as "Definitions for the quality of the evidence (A-C) and strength of
    recommendations (strong [grade 1], weak [grade 2]) ...". Defaults: letters are strengths, digits
    and roman numerals are evidence levels.
    """
    hints = {"letter": "strength", "digit": "quality", "roman": "quality"}
    for m in _HINT.finditer(preamble[:3000]):
        what, codes = m.group(1).lower(), m.group(2)
        words = what.split()[-6:]
        tail = " ".join(words)
        if re.search(r"evidence|quality|certainty|class(ification)? of", tail):
            role = "quality"
        elif re.search(r"recommendation|strength|grade|level", tail):
            role = "strength"
        else:
            continue
        bare = re.sub(r"\b(and|or|grade|level|class|category)\b|[,\-\u2013\s]", " ", codes)
        tokens = bare.split()
        if not tokens:
            continue
        if all(re.fullmatch(r"I{1,3}|IV|V|I{1,3}[ab]", t) for t in tokens):
            hints["roman"] = role
        elif all(re.fullmatch(r"[1-5][a-c]?(\+\+|\+|-)?", t) for t in tokens):
            hints["digit"] = role
        elif all(re.fullmatch(r"[A-EUL]|I", t) for t in tokens):
            hints["letter"] = role
    if hints["letter"] == hints["digit"] == "quality":
        hints["digit"] = "strength"
    return hints


def _apply_code(grade: Grade, code: str, hints: dict[str, str]) -> None:
    kind = _code_kind(code)
    role = "quality" if kind == "sign" else hints.get(kind, "strength")
    if role == "quality":
        grade.add_quality(_norm(code))
    else:
        grade.add_strength(_norm(code))


_FILLER = re.compile(
    r"(?i)\b(not reviewed|reviewed|amended|new-added|new-replaced|not changed|deleted|new|"
    r"recommendations?|evidence|grade|level|quality|strength|based on|and|or|of|the|for|with|"
    r"statement|rating|overall|use|an?|interventions?|in|certainty)\b|[\W_]+"
)


def _covered(cand: str, spans: list[tuple[int, int]]) -> bool:
    """True when the grade patterns account for (nearly) all of the candidate text."""
    keep = list(cand)
    for a, b in spans:
        for k in range(a, b):
            keep[k] = " "
    rest = _FILLER.sub("", "".join(keep))
    return len(rest) <= max(8, int(0.3 * len(cand)))


def _read_candidate(text: str, hints: dict[str, str], bare_ok: bool) -> Grade:
    """Grade facts stated in one short candidate string ("" fields when none).

    The candidate must be (nearly) all grade: "(moderate-quality evidence)" is a grade,
    "(moderate-quality evidence and moderate improvement in pain)" is prose.
    """
    grade = Grade()
    cand = text.strip().strip("()[]{}.;:, *").strip()
    if not cand or len(cand) > 140:
        return grade
    if _NICE_TAG.fullmatch(cand):
        grade.nice_tag = cand
        return grade
    spans: list[tuple[int, int]] = []
    for m in _FOR_AGAINST.finditer(cand):
        spans.append(m.span())
        grade.add_strength(m.group(1).lower())
        grade.direction = grade.direction or m.group(2).lower()
    pair = _PAIR.match(cand)
    if pair:
        spans.append(pair.span())
        grade.add_strength(pair.group(1).lower())
        grade.add_quality(pair.group(2).lower().replace("-", " "))
    for m in _REC_PHRASE.finditer(cand):
        spans.append(m.span())
        grade.add_strength(m.group(1).lower())
    for m in _QUALITY_PHRASE.finditer(cand):
        spans.append(m.span())
        grade.add_quality(m.group(1).lower().replace("-", " "))
    levels: list[str] = []
    for m in _KV.finditer(cand):
        spans.append(m.span())
        value = m.group("v")
        composite = re.fullmatch(r"([12])([A-D])", value)
        if m.group("s"):
            if composite:
                grade.add_strength(composite.group(1))
                grade.add_quality(composite.group(2))
                grade.composite = True
            else:
                grade.add_strength(_norm(value))
        elif m.group("q"):
            grade.add_quality(_norm(value))
        else:
            levels.append(value)
    for value in levels:  # "Level A" is a strength (AAN) unless a grade was also given
        kind = _code_kind(value)
        if (
            kind in ("letter", "word")
            and not grade.strengths
            or kind == "digit"
            and hints.get("digit") == "strength"
            and not grade.strengths
        ):
            grade.add_strength(_norm(value))
        else:
            grade.add_quality(_norm(value))
    if not grade:
        na = _NOT_APPLICABLE.match(cand)
        if na:
            spans.append(na.span())
            grade.add_strength(na.group(1).lower())
    if grade and not _covered(cand, spans):
        return Grade()
    if not grade and bare_ok:
        _read_bare(grade, cand, hints)
    if grade:
        grade.grade_text = cand
    return grade


def _read_bare(grade: Grade, cand: str, hints: dict[str, str]) -> None:
    comp = _GRADE_COMPOSITE.fullmatch(cand)
    if comp:
        grade.add_strength(comp.group(2))
        grade.add_quality(comp.group(3).upper())
        grade.composite = True
        if comp.group(1):
            grade.direction = "for" if comp.group(1) == "+" else "against"
        return
    rl = _ROMAN_LETTER.fullmatch(cand)
    if rl:
        grade.add_quality(rl.group(1) or rl.group(3))
        grade.add_strength(rl.group(2) or rl.group(4))
        return
    if re.fullmatch(r"[+O\u2295\u25cb\u25ef]{4}", cand):
        grade.add_quality(cand.upper())
        return
    pair = _ROMAN_THEN_LETTER.fullmatch(cand) or _LETTER_THEN_ROMAN.fullmatch(cand)
    if pair:
        roman, letter = pair.group(1), pair.group(2)
        if not roman.startswith("I"):
            roman, letter = letter, roman
        if hints.get("roman") == "strength":
            grade.add_strength(roman)
            grade.add_quality(letter)
        else:
            grade.add_strength(letter)
            grade.add_quality(roman)
        return
    if _QUALITY_WORD.fullmatch(cand):
        grade.add_quality(cand.lower())
        return
    if _SPECIAL.fullmatch(cand):
        grade.add_strength(_norm(cand))
        return
    if _SIGN_LEVEL.fullmatch(cand) or _BARE_LETTER.fullmatch(cand) or _BARE_ROMAN.fullmatch(cand):
        _apply_code(grade, cand, hints)
        return
    if _BARE_DIGIT.fullmatch(cand) and hints.get("digit") == "strength":
        grade.add_strength(cand)


def find_grade(text: str, bold: list[str], hints: dict[str, str]) -> Grade:
    """Strength/quality stated in one recommendation block (its plain text and bold segments)."""
    grade = Grade()
    flat = text.strip()
    seen: set[str] = set()
    candidates: list[tuple[str, bool]] = [(b, True) for b in bold]
    end = len(flat.rstrip(" .;:)]*"))
    for m in _PAREN.finditer(flat):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        trailing = m.end() >= end - 1 or flat[m.end() : m.end() + 2].startswith((":", ".", ";"))
        candidates.append((inner, trailing))
    lead = _LEAD.match(flat)
    if lead:
        candidates.append((lead.group(1), True))
    for cand, bare_ok in candidates:
        key = cand.strip()
        if key in seen:
            continue
        seen.add(key)
        grade.merge(_read_candidate(cand, hints, bare_ok))
    return grade


_LEADING_REC = re.compile(
    r"(?i)^\(?\s*(strong recommendation|recommendation|option|no recommendation)"
    r"(\s+against)?\s+(?:based on|for)\b"
)


def leading_grade(text: str, hints: dict[str, str]) -> Grade:
    """The grade a grade-only block states ("Recommendation based on observational studies ...")."""
    m = _LEADING_REC.match(text.strip())
    if m:
        grade = Grade()
        grade.add_strength(m.group(1).lower())
        if m.group(2):
            grade.direction = "against"
        grade.grade_text = m.group(0).strip(" (")
        return grade
    return find_grade(text, [], hints)


def starts_with_grade(text: str, hints: dict[str, str]) -> bool:
    """True for blocks that only carry the grade of the statement before them.

    E.g. "Strong recommendation based on ...", "Grade A, BEL 1 for BMI >=35 ...", "(Level B)".
    """
    flat = text.strip()
    if len(flat) > 400:
        return False
    head = flat[:60]
    m = _START.match(head.lstrip("([ "))
    if not m:
        return False
    first = m.group(0)
    if re.match(
        r"(?i)(strong|weak|conditional|moderate)?\s*recommendations?\s+(based on|for|against)\b",
        first,
    ):
        return True
    g = _read_candidate(first.split(" for ")[0].split(" based ")[0], hints, bare_ok=False)
    return bool(g) and bool(
        re.match(rf"(?i)\(?\s*(?:{_SKEY}|{_QKEY}|level|strong|weak|conditional)\b", flat)
    )


_NICE_WORDING = re.compile(
    r"(?i)\b(?P<neg>do not (?:routinely )?(?:offer|use|give|prescribe|refer|perform)|must not|never)\b"
    r"|\b(?P<must>must)\b|\b(?P<consider>consider)\b|\b(?P<offer>offer|refer|advise)\b"
)


def nice_wording_strength(text: str) -> tuple[str, str]:
    """(strength, direction) implied by NICE wording, for summaries that state this convention.

    NICE: "offer" (and "refer", "advise", "do not offer") = strong; "consider" = conditional
    ("could be used"); "must" = a legal duty. Looks at the first sentence only.
    """
    first = re.split(r"(?<=[.;])\s", text.strip(), maxsplit=1)[0]
    m = _NICE_WORDING.search(first)
    if not m:
        return "", ""
    if m.group("neg"):
        return "strong", "against"
    if m.group("must"):
        return "must", ""
    if m.group("consider"):
        return "conditional", "for"
    return "strong", "for"


_COL_QUALITY = re.compile(r"(?i)evidence|quality|\bLOE\b|\bLE\b|certainty")
_COL_STRENGTH = re.compile(r"(?i)strength|grade|class|recommendation|\bSOR\b|\bGR\b|level|category")


def column_role(header: str) -> str:
    """ "rating" / "quality" / "strength" for a table column that holds grades, else ""."""
    h = header.strip(" *:")
    if len(h) > 60:
        return ""
    if re.search(r"(?i)\brating\b", h):
        return "rating"
    if _COL_QUALITY.search(h):
        return "quality"
    if _COL_STRENGTH.search(h) and not re.fullmatch(r"(?i)recommendations?\W*|statements?", h):
        return "strength"
    return ""


def grade_from_column(header: str, value: str, hints: dict[str, str]) -> Grade:
    """The grade in one table cell, given what its column header says it holds."""
    grade = Grade()
    v = value.strip(" *\u2020\u2021")
    role = column_role(header)
    if not v or len(v) > 60 or not role:
        return grade
    if role == "rating":
        if re.fullmatch(r"[1-9]", v):
            grade.add_strength(v)
            grade.scale = "ACR appropriateness (1-9)"
    elif role == "quality":
        grade.add_quality(_norm(v))
    else:
        grade.add_strength(_norm(v))
    if grade:
        grade.grade_text = f"{header.strip(' *:')}: {v}"
    return grade
