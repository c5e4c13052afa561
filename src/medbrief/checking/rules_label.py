"""Verdict rules that read the drug's own label: doses, side effects, contraindications,
interactions, withdrawal, pregnancy/lactation, mechanism, and the word-overlap fallback.

Each rule returns an :class:`~medbrief.checking.matching.Outcome`: the verdict, a one-sentence
reason in plain words, and the label spans that decide it.
"""

from __future__ import annotations

import re

from medbrief.checking import evidence as ev
from medbrief.checking.doses import Dose, frequency, parse_doses
from medbrief.checking.evidence import Finding
from medbrief.checking.matching import Claim, Outcome, overlap_rule
from medbrief.checking.vocab import (
    AGENT_GROUPS,
    EFFECT_GROUPS,
    MECHANISM_SYNONYMS,
    MECHANISM_TERMS,
    NEGATED,
    SAFE_CLAIM,
    find_groups,
    group_in,
    has_term,
)
from medbrief.compose.spans import Span

_LESS_COMMON = re.compile(r"\b(?:less|un)common\b|\binfrequent\b", re.I)
_CLAIM_RARE = re.compile(r"\brare(?:ly)?\b|\bin rare cases\b|\bvery few\b", re.I)
_CLAIM_COMMON = re.compile(r"(?<!less )(?<!un)\b(?:most )?common(?:ly)?\b|\bfrequent(?:ly)?\b"
                           r"|\boften\b|\bmany (?:people|patients)\b", re.I)
_LABEL_RARE = re.compile(r"\brare(?:ly)?\b|\brare instances\b|\binfrequent\b|<\s?1\s?%", re.I)
_LABEL_COMMON = re.compile(r"\bmost common\w*\b|\bcommon\b|\bfrequent\w*\b", re.I)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", re.I)
_RANGE_AFTER = re.compile(r"^\W{0,3}\(?\s*(\d+(?:\.\d+)?)\s*(?:to|-|–)\s*(\d+(?:\.\d+)?)\s*%"
                          r"|^\W{0,3}\(?\s*(\d+(?:\.\d+)?)\s*%")
_NO_EFFECT = re.compile(r"\b(?:does not|doesn't|won't|will not|cannot|can't|never) (?:cause|make"
                        r"|lead to|result in)\b|\bno (?:known )?side effects?\b|\bwithout (?:any )?"
                        r"side effects?\b|\bfree of side effects\b", re.I)
_ABRUPT_CLAIM = re.compile(r"\babrupt\w*|\bsudden\w*|\bstop\w*|\bwithdraw\w*|\bcold turkey\b"
                           r"|\bdiscontinu\w*", re.I)
_TAPER_CLAIM = re.compile(r"\btaper\w*|\bgradual\w*|\bslowly\b|\breduc\w*|\bwean\w*", re.I)
_ABRUPT_LABEL = re.compile(r"\babrupt\w*|\bsudden\w*|\brapid(?:ly)? (?:discontinu|withdraw)", re.I)
_WITHDRAW_LABEL = re.compile(r"\bwithdraw\w*|\bdiscontinu\w*|\bstopp?\w*|\bcessation\b", re.I)
_TAPER_LABEL = re.compile(r"\breduc\w* (?:\w+ ){0,3}slowly|\bgradual\w*|\btaper\w*|\bslowly "
                          r"(?:withdrawn|reduc\w*|discontinu\w*)", re.I)
_NO_TAPER_CLAIM = re.compile(r"\bno need to (?:taper|reduce)|\bsafe(?:ly)? (?:to )?stop\w*"
                             r"|\bcan be stopped (?:abruptly|suddenly|at any time)|\bstop\w* "
                             r"(?:\w+ )?(?:at any time|whenever)|\bno withdrawal\b", re.I)
_PREG = re.compile(r"\bpregnan\w*|\bfetus\w*|\bfetal\b|\bunborn\b|\bbirth defects?\b", re.I)
_LACT = re.compile(r"\bbreast\w*|\bnursing\b|\blactat\w*|\bmilk\b", re.I)
_RISK_LABEL = re.compile(r"\brisk\w*|\bharm\w*|\bonly if\b|\bnot recommended\b|\bavoid\w*"
                         r"|\bcaution\b|\bfetal (?:toxicity|harm)|\bmalformation\w*|\bwithdrawal\b"
                         r"|\bcontraindicat\w*|\bshould not\b|\bomphalocele\w*|\badverse\b", re.I)
_BENEFIT_CLAIM = re.compile(r"\bbenefits? (?:\w+ ){0,3}(?:outweigh|justif\w*)|\bonly (?:\w+ ){0,3}if\b",
                            re.I)
_BENEFIT_LABEL = re.compile(r"\bonly if (?:\w+ ){0,4}benefit|\bbenefit (?:\w+ ){0,3}justif\w*"
                            r"|\bbenefits? (?:\w+ ){0,3}outweigh|\brisks? and benefits?\b", re.I)
_UNKNOWN_CLAIM = re.compile(r"\bnot (?:fully |been |well )?(?:established|known|studied)|\bunknown\b"
                            r"|\bno (?:adequate |good )?(?:studies|data)\b|\blimited (?:data|studies)",
                            re.I)
_UNKNOWN_LABEL = re.compile(r"\bno (?:adequate (?:and well-controlled )?|well-controlled )?studies"
                            r"|\bnot (?:been )?established\b|\bnot known\b|\bunknown\b|\bno data\b"
                            r"|\blimited (?:data|information)|\binsufficient data", re.I)
_CONTRA_CLAIM = re.compile(r"\bcontraindicat\w*|\bmust not\b|\bnever (?:be )?(?:used|taken)|\bshould "
                           r"not (?:be )?(?:used|taken)", re.I)
_IN_MILK_LABEL = re.compile(r"\b(?:excreted|present|detected|found|pass\w*|distributed|secreted)"
                            r" (?:\w+ ){0,2}(?:in|into) (?:\w+ ){0,2}milk", re.I)
_INTERACTION_LABEL = re.compile(r"\bconcomitant\w*|\bcombin\w*|\btogether\b|\badditive\b"
                                r"|\bpotentiat\w*|\binteract\w*|\bco-?administ\w*|\bin patients "
                                r"(?:taking|receiving|on)\b|\bwith (?:other|alcohol)\b", re.I)
_MECH_DENIED = re.compile(r"\bno (?:conclusive )?(?:evidence|effect)\b|\bnot (?:fully )?(?:known|"
                          r"understood|involved)\b|\bunknown\b|\bdoes not\b|\bhas no\b", re.I)
_NO_CONTRA_CLAIM = re.compile(r"\bno (?:known )?contraindications?\b|\banyone can (?:take|use)\b",
                              re.I)


_EFFECT_AFTER = re.compile(r"\b(?:causes?|caused|causing|leads? to|results? in|triggers?|produces?"
                           r"|is linked to|can give you)\s+([a-z][a-z' -]{2,60})", re.I)
_EFFECT_FILLER = frozenset({"some", "serious", "severe", "mild", "more", "less", "a", "an", "the",
                            "rare", "common", "unwanted", "certain", "other", "many", "various",
                            "significant", "dangerous", "bad", "major", "minor"})
_GENERAL_EFFECTS = frozenset({"side effects", "side effect", "adverse reactions", "adverse effects",
                              "problems", "reactions", "effects", "harm"})


def _effect_phrase(text: str) -> str | None:
    """The thing a claim says the drug causes, when no known side-effect word names it
    ("causes hair growth" -> "hair growth"); None for "causes side effects"."""
    m = _EFFECT_AFTER.search(text)
    if not m:
        return None
    words = re.split(r"\s+", re.split(r"[,;.(]| and | or | in | when | if | during | with ",
                                       m.group(1))[0].strip())
    while words and words[0].lower() in _EFFECT_FILLER:
        words.pop(0)
    phrase = " ".join(words[:4]).strip()
    if not phrase or phrase.lower() in _GENERAL_EFFECTS or phrase.lower().endswith("side effects"):
        return None
    return phrase


def _names(group: tuple[str, ...]) -> str:
    return group[0]


def _first_with(spans: list[Span], group: tuple[str, ...]) -> Span | None:
    for span in spans:
        if group_in(span.text, group):
            return span
    return None


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- doses ------------------------------------------------------------------------------------

def _label_doses(c: Claim) -> list[tuple[Dose, Span]]:
    assert c.label is not None
    return [(d, s) for s in c.label.spans(ev.DOSE) for d in parse_doses(s.text)]


def _fmt(mg: float) -> str:
    return f"{mg:g} mg"


def _dose_matches(claim: Dose, label: Dose) -> bool:
    if claim.per_kg != label.per_kg:
        return False
    if (claim.low, claim.high) != (label.low, label.high):
        return False
    if claim.per_day or label.per_day:
        return claim.per_day == label.per_day or claim.daily_high == label.daily_high
    return claim.times_a_day is None or label.times_a_day in (None, claim.times_a_day)


def check_dose(c: Claim) -> Outcome:
    assert c.label is not None
    claimed = [d for d in parse_doses(c.text) if not d.per_kg]
    label = _label_doses(c)
    if not claimed:
        freq = frequency(c.own)
        if freq is not None:
            spans = [s for s in c.label.spans(ev.DOSE) if frequency(s.text) == freq]
            if spans:
                return Outcome("supported", "The label's dosing states the same frequency.",
                               [c.label.finding(spans[0], "states", [])])
        return overlap_rule(c, ev.DOSE, "Dosage and Administration section")
    if not label:
        return Outcome("unsupported", "The label in the store states no dose amounts to compare.",
                       [])
    maxima = [(d, s) for d, s in label if d.maximum and d.daily_high and not d.per_kg]
    top = max((d.daily_high or 0.0 for d, _ in maxima), default=None)
    top_span = next((s for d, s in maxima if d.daily_high == top), None)
    verdicts: list[tuple[str, str, list[Finding]]] = []
    for dose in claimed:
        daily = dose.daily_high
        if dose.maximum and daily is not None:
            same = [s for d, s in maxima if d.daily_high == daily]
            if same:
                verdicts.append(("supported", f"the label's maximum is {_fmt(daily)} a day",
                                 [c.label.finding(same[0], "states", [f"{daily:g}"])]))
            elif top is not None and (daily > top or len({d.daily_high for d, _ in maxima}) == 1):
                assert top_span is not None
                verdicts.append(("contradicted", f"the article gives a maximum of {_fmt(daily)} a "
                                 f"day; the label's maximum is {_fmt(top)} a day",
                                 [c.label.finding(top_span, "contradicts", [f"{top:g}"])]))
            else:
                verdicts.append(("unsupported", f"the label states no maximum of {_fmt(daily)}",
                                 []))
            continue
        if daily is not None and top is not None and daily > top:
            assert top_span is not None
            verdicts.append(("contradicted", f"{_fmt(daily)} a day is above the label's maximum "
                             f"of {_fmt(top)} a day",
                             [c.label.finding(top_span, "contradicts", [f"{top:g}"])]))
            continue
        match = next((s for d, s in label if _dose_matches(dose, d)), None)
        if match is not None:
            words = [f"{dose.low:g}"] + ([f"{dose.high:g}"] if dose.high != dose.low else [])
            verdicts.append(("supported", "the label states this amount",
                             [c.label.finding(match, "states", words)]))
        else:
            verdicts.append(("unsupported", f"the label does not state {_fmt(dose.high)}"
                             + (" as a dose" if dose.low == dose.high else " as a range"), []))
    return _combine(verdicts, "Dose: ")


def _combine(parts: list[tuple[str, str, list[Finding]]], prefix: str) -> Outcome:
    for verdict in ("contradicted", "unsupported", "supported"):
        if any(v == verdict for v, _, _ in parts):
            chosen = [p for p in parts if p[0] == verdict] if verdict != "unsupported" else parts
            reason = "; ".join(dict.fromkeys(r for _, r, _ in chosen))
            findings = [f for _, _, fs in parts for f in fs]
            return Outcome(verdict, prefix + reason[:1].upper() + reason[1:] + ".",
                           findings)
    return Outcome("unsupported", prefix + "Nothing to compare.", [])


# --- side effects -----------------------------------------------------------------------------

def _label_frequency(span: Span, word: str) -> tuple[str | None, tuple[float, float] | None]:
    """How the label words the frequency of ``word`` in ``span``: 'rare' / 'common' and the
    percentage range written right after it."""
    text = span.text
    pos = text.lower().find(word.lower())
    before = text[max(0, pos - 120):pos] if pos >= 0 else ""
    after = text[pos + len(word):pos + len(word) + 30] if pos >= 0 else ""
    rng: tuple[float, float] | None = None
    if (m := _RANGE_AFTER.match(after)):
        if m.group(3):
            rng = (float(m.group(3)), float(m.group(3)))
        else:
            rng = (float(m.group(1)), float(m.group(2)))
    clause = re.split(r"[;.]", before)[-1]
    if _LABEL_RARE.search(clause):
        return "rare", rng
    if _LABEL_COMMON.search(before[-80:]) or (rng is not None and rng[1] >= 10):
        return "common", rng
    return None, rng


def check_side_effect(c: Claim) -> Outcome:
    assert c.label is not None
    groups = find_groups(c.own, EFFECT_GROUPS) or find_groups(c.text, EFFECT_GROUPS)
    spans = c.label.spans(ev.ADVERSE) + c.label.spans(("overdosage", "patient_counseling"))
    if not groups and (phrase := _effect_phrase(c.own)):
        span = next((s for s in spans if has_term(s.text, phrase)), None)
        if span is None:
            return Outcome("unsupported", f"Side effects: the label does not list {phrase}.", [])
        return Outcome("supported", f"Side effects: the label lists {phrase}.",
                       [c.label.finding(span, "states", [phrase])])
    if not groups:
        first = c.label.spans(("adverse_reactions",))
        if first and not _NO_EFFECT.search(c.own):
            return Outcome("supported", "The label lists adverse reactions.",
                           [c.label.finding(first[0], "states", [])])
        if first:
            return Outcome("contradicted", "The label lists adverse reactions.",
                           [c.label.finding(first[0], "contradicts", [])])
        return Outcome("unsupported", "The label in the store has no adverse reactions section.",
                       [])
    negative = bool(_NO_EFFECT.search(c.own))
    says_rare = bool(_CLAIM_RARE.search(c.text))
    says_common = bool(_CLAIM_COMMON.search(c.text)) and not _LESS_COMMON.search(c.text) \
        and not says_rare
    percents = [float(p) for p in _PERCENT.findall(c.own)]
    parts: list[tuple[str, str, list[Finding]]] = []
    for group in groups:
        span = _first_with(spans, group)
        if span is None:
            parts.append(("unsupported", f"the label does not list {_names(group)}", []))
            continue
        word = group_in(span.text, group) or group[0]
        if negative:
            parts.append(("contradicted", f"the label lists {word}",
                          [c.label.finding(span, "contradicts", [word])]))
            continue
        how, rng = _label_frequency(span, word)
        if says_rare and how == "common":
            parts.append(("contradicted", f"the article calls {_names(group)} rare; the label "
                          "lists it among the common reactions",
                          [c.label.finding(span, "contradicts", [word])]))
        elif says_common and how == "rare":
            parts.append(("contradicted", f"the article calls {_names(group)} common; the label "
                          "reports it rarely", [c.label.finding(span, "contradicts", [word])]))
        elif percents and rng is not None and len(groups) == 1 and \
                not any(rng[0] - 0.5 <= p <= rng[1] + 0.5 for p in percents):
            parts.append(("contradicted", f"the label reports {word} in {rng[0]:g} to {rng[1]:g}%",
                          [c.label.finding(span, "contradicts", [word])]))
        else:
            parts.append(("supported", f"the label lists {word}",
                          [c.label.finding(span, "states", [word])]))
    return _combine(parts, "Side effects: ")


# --- contraindications ------------------------------------------------------------------------

def check_contraindication(c: Claim) -> Outcome:
    assert c.label is not None
    section = c.label.spans(ev.CONTRA)
    if _NO_CONTRA_CLAIM.search(c.own):
        if section:
            return Outcome("contradicted", "The label lists contraindications.",
                           [c.label.finding(section[0], "contradicts", [])])
        return Outcome("unsupported", "The label in the store has no contraindications section.",
                       [])
    targets = find_groups(c.own, EFFECT_GROUPS + AGENT_GROUPS)
    targets += [tuple(m.terms) for m in c.draft.conditions
                if not any(has_term(" ".join(g), m.name) for g in targets)]
    if not targets:
        return overlap_rule(c, ev.CONTRA, "Contraindications section")
    if not section:
        return Outcome("unsupported", "The label in the store has no contraindications section.",
                       [])
    parts: list[tuple[str, str, list[Finding]]] = []
    elsewhere = c.label.spans(ev.WARNINGS)
    for group in targets:
        span = _first_with(section, group)
        if span is not None:
            word = group_in(span.text, group) or group[0]
            parts.append(("supported", f"the label's contraindications include {word}",
                          [c.label.finding(span, "states", [word])]))
            continue
        warn = _first_with(elsewhere, group)
        if warn is not None:
            parts.append(("unsupported", f"the label names {group[0]} as a precaution, not a "
                          "contraindication",
                          [c.label.finding(warn, "related", [group_in(warn.text, group) or ""])]))
        else:
            parts.append(("unsupported", f"{group[0]} is not among the label's contraindications",
                          []))
    return _combine(parts, "Contraindications: ")


# --- interactions -----------------------------------------------------------------------------

def check_interaction(c: Claim, other_names: dict[str, list[str]]) -> Outcome:
    assert c.label is not None
    spans = c.label.spans(ev.INTERACTIONS)
    agents: list[tuple[str, ...]] = [tuple(names) for names in other_names.values()]
    agents += [g for g in find_groups(c.text, AGENT_GROUPS)
               if not any(set(g) & set(a) for a in agents)]
    denies = bool(SAFE_CLAIM.search(c.own)) or bool(re.search(
        r"\b(?:does not|doesn't|won't|no) (?:\w+ )?interact", c.own, re.I))
    if not agents:
        first = c.label.spans(("drug_interactions",))
        if first and denies:
            return Outcome("contradicted", "The label has a drug interactions section.",
                           [c.label.finding(first[0], "contradicts", [])])
        if first:
            return Outcome("supported", "The label has a drug interactions section.",
                           [c.label.finding(first[0], "states", [])])
        return Outcome("unsupported", "The label in the store has no drug interactions section.",
                       [])
    parts: list[tuple[str, str, list[Finding]]] = []
    spans = [s for s in spans if s.passage.section in ("drug_interactions", "contraindications")
             or _INTERACTION_LABEL.search(s.text)]
    for agent in agents:
        span = _first_with(spans, agent)
        if span is None:
            parts.append(("unsupported", f"the label does not mention {agent[0]}", []))
            continue
        word = group_in(span.text, agent) or agent[0]
        if denies:
            parts.append(("contradicted", f"the label warns about {word}",
                          [c.label.finding(span, "contradicts", [word])]))
            continue
        effects = find_groups(c.own, EFFECT_GROUPS)
        passage_text = span.passage.text
        missing = [g[0] for g in effects if not group_in(passage_text, g)]
        if missing:
            parts.append(("unsupported", f"the label mentions {word} but not {_join(missing)}",
                          [c.label.finding(span, "related", [word])]))
        else:
            parts.append(("supported", f"the label warns about {word}",
                          [c.label.finding(span, "states", [word])]))
    return _combine(parts, "Interactions: ")


# --- withdrawal -------------------------------------------------------------------------------

def check_withdrawal(c: Claim) -> Outcome:
    assert c.label is not None
    spans = c.label.spans(ev.WITHDRAWAL) or c.label.spans()
    abrupt = next((s for s in spans if _ABRUPT_LABEL.search(s.text)
                   and _WITHDRAW_LABEL.search(s.text)), None)
    taper = next((s for s in spans if _TAPER_LABEL.search(s.text)
                  and _WITHDRAW_LABEL.search(s.text)), None)
    if _NO_TAPER_CLAIM.search(c.own):
        decider = abrupt or taper
        if decider is not None:
            return Outcome("contradicted", "Withdrawal: the label warns against stopping abruptly.",
                           [c.label.finding(decider, "contradicts", [])])
        return Outcome("unsupported", "Withdrawal: the label says nothing on stopping the drug.",
                       [])
    findings: list[Finding] = []
    wants_abrupt = bool(_ABRUPT_CLAIM.search(c.text))
    wants_taper = bool(_TAPER_CLAIM.search(c.own))
    if wants_abrupt and abrupt is not None:
        findings.append(c.label.finding(abrupt, "states", []))
    if wants_taper and taper is not None and taper is not abrupt:
        findings.append(c.label.finding(taper, "states", []))
    if not findings:
        return Outcome("unsupported", "Withdrawal: the label has no warning on stopping the drug "
                       "abruptly or tapering it.", [])
    symptoms = find_groups(c.own, EFFECT_GROUPS)
    withdrawal_spans = [f.span for f in findings] + [s for s in spans
                                                     if _WITHDRAW_LABEL.search(s.text)]
    found: list[str] = []
    missing: list[str] = []
    for group in symptoms:
        span = _first_with(withdrawal_spans, group)
        if span is None:
            missing.append(group[0])
            continue
        word = group_in(span.text, group) or group[0]
        found.append(word)
        if all(f.span is not span for f in findings):
            findings.append(c.label.finding(span, "states", [word]))
        else:
            next(f for f in findings if f.span is span).terms.append(word)
    if symptoms and len(found) * 2 < len(symptoms):
        for f in findings:
            f.role = "related"
        return Outcome("unsupported", f"Withdrawal: the label does not name {_join(missing)} "
                       "among the symptoms of stopping the drug.", findings)
    reason = "Withdrawal: the label warns " + ("that stopping abruptly causes withdrawal"
                                               if wants_abrupt and abrupt is not None
                                               else "to reduce the dose slowly")
    if found:
        reason += f" and names {_join(found)}"
    if missing:
        reason += f"; it does not name {_join(missing)}"
    return Outcome("supported", reason + ".", findings)


# --- pregnancy and lactation ------------------------------------------------------------------

def _aspect(c: Claim, rx: re.Pattern[str], name: str) -> tuple[str, str, list[Finding]]:
    assert c.label is not None
    spans = [s for s in c.label.spans(ev.PREGNANCY) if rx.search(s.text)]
    if not spans:
        return "unsupported", f"the label says nothing on {name}", []

    def first(pattern: re.Pattern[str]) -> Span | None:
        return next((s for s in spans if pattern.search(s.text)), None)

    claim = c.own
    if SAFE_CLAIM.search(claim) and not _UNKNOWN_CLAIM.search(claim):
        risk = first(_RISK_LABEL)
        if risk is not None:
            return "contradicted", f"the label's {name} text describes risks", [
                c.label.finding(risk, "contradicts", [])]
    if name == "breastfeeding" and re.search(r"\b(?:pass\w*|excreted|gets?|found) (?:\w+ ){0,2}"
                                             r"(?:in|into) (?:\w+ )?milk", claim, re.I):
        milk = first(_IN_MILK_LABEL)
        negated = bool(NEGATED.search(claim))
        if milk is not None:
            verdict = "contradicted" if negated else "supported"
            return verdict, "the label says the drug is present in milk", [
                c.label.finding(milk, "contradicts" if negated else "states", [])]
        return "unsupported", "the label does not say whether the drug is present in milk", []
    if _CONTRA_CLAIM.search(claim):
        contra = [s for s in c.label.spans(ev.CONTRA) if rx.search(s.text)]
        if contra:
            return "supported", f"the label contraindicates use in {name}", [
                c.label.finding(contra[0], "states", [])]
        allowed = first(_BENEFIT_LABEL)
        if allowed is not None:
            return "contradicted", f"the label allows use in {name} when the benefit justifies " \
                "the risk", [c.label.finding(allowed, "contradicts", [])]
    checks: list[tuple[re.Pattern[str], re.Pattern[str], str]] = [
        (_BENEFIT_CLAIM, _BENEFIT_LABEL, "use only if the benefit justifies the risk"),
        (_UNKNOWN_CLAIM, _UNKNOWN_LABEL, "that safety has not been established"),
    ]
    for claim_rx, label_rx, said in checks:
        if claim_rx.search(claim):
            span = first(label_rx)
            if span is not None:
                return "supported", f"the label's {name} text says {said}", [
                    c.label.finding(span, "states", [])]
    return "unsupported", f"the label's {name} text does not state this", [
        c.label.finding(spans[0], "related", [])]


def check_pregnancy(c: Claim) -> Outcome:
    assert c.label is not None
    parts: list[tuple[str, str, list[Finding]]] = []
    if _PREG.search(c.text):
        parts.append(_aspect(c, _PREG, "pregnancy"))
    if _LACT.search(c.text):
        parts.append(_aspect(c, _LACT, "breastfeeding"))
    if not parts:
        return overlap_rule(c, ev.PREGNANCY, "pregnancy and lactation sections")
    return _combine(parts, "Pregnancy/lactation: ")


# --- mechanism --------------------------------------------------------------------------------

def check_mechanism(c: Claim) -> Outcome:
    assert c.label is not None
    terms = [t for t in MECHANISM_TERMS if has_term(c.own, t)]
    terms = [t for t in terms if not any(t != o and (t in o.split() or t == o + "s")
                                         for o in terms)]
    if not terms:
        return overlap_rule(c, ev.MECHANISM, "mechanism of action")
    spans = c.label.spans(ev.MECHANISM)
    findings: list[Finding] = []
    missing: list[str] = []
    for t in terms:
        variants = MECHANISM_SYNONYMS.get(t, (t,))
        with_term = [s for s in spans if any(has_term(s.text, v) for v in variants)]
        span = next((s for s in with_term if not _MECH_DENIED.search(s.text)), None)
        if span is None:
            missing.append(t)
            findings += [c.label.finding(s, "related", []) for s in with_term[:1]
                         if all(f.span is not s for f in findings)]
            continue
        word = next(v for v in variants if has_term(span.text, v))
        if all(f.span is not span for f in findings):
            findings.append(c.label.finding(span, "states", [word]))
        else:
            next(f for f in findings if f.span is span).terms.append(word)
    if missing:
        for f in findings:
            f.role = "related"
        return Outcome("unsupported", "Mechanism: the label's pharmacology does not state "
                       f"{_join(missing)} (or states it is not known or not involved).", findings)
    return Outcome("supported", f"Mechanism: the label's pharmacology mentions {_join(terms)}.",
                   findings)


SECTIONS_BY_KIND: dict[str, tuple[str, ...] | None] = {
    "warning": ev.WARNINGS, "renal_hepatic": ev.RENAL_HEPATIC, "overdose": ev.OVERDOSE,
    "comparison": None, "other": None,
}
WHAT_BY_KIND: dict[str, str] = {
    "warning": "warnings", "renal_hepatic": "text on kidney and liver function",
    "overdose": "Overdosage section", "comparison": "text", "other": "text",
}
