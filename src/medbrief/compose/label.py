"""The label tier: which sentences of the drug's own label answer the question, the indication
status for "does X treat Y" questions, and the safety block."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medbrief.answer import SafetyItem, Sentence
from medbrief.compose.citations import CitationRegistry
from medbrief.compose.spans import Span, sentence_spans
from medbrief.retrieve import in_label, mentions, wanted_sections, wording_rule
from medbrief.store.repository import StoredDocument
from medbrief.understand.question import Question

INTENT_CUES: dict[str, re.Pattern[str]] = {
    "role_indication": re.compile(r"indicat|useful|treat|relie|spastic|management|not established"
                                  r"|not recommended|benefit", re.I),
    "dose": re.compile(r"\bmg\b|dose|dosage|daily|titrat|maximum|not exceed|initial|increase"
                       r"|t\.i\.d|q\.i\.d|b\.i\.d|every \d+ hours", re.I),
    "adverse_effects": re.compile(r"most common|adverse|\d+\s?%|incidence|drowsiness|somnolence"
                                  r"|dizziness|serious", re.I),
    "contraindications": re.compile(r"contraindicat|hypersensitiv|do not use|should not", re.I),
    "interactions": re.compile(r"concomitant|interact|CNS depress|alcohol|inhibitor|inducer"
                               r"|MAO|serotonin|opioid|benzodiazepine|increase.*(level|exposure)",
                               re.I),
    "mechanism": re.compile(r"mechanism|GABA|receptor|inhibit|agonist|antagonist|\bacts?\b"
                            r"|\baction\b|reflex|central nervous system", re.I),
    "pregnancy_lactation": re.compile(r"pregnan|fetal|fetus|neonat|lactat|breast|milk|nursing"
                                      r"|teratogen", re.I),
    "renal_hepatic": re.compile(r"renal|kidney|hepatic|liver|creatinine|impair|dialysis", re.I),
    "stopping_withdrawal": re.compile(r"withdraw|abrupt|discontinu|taper|reduc\w* .*slowly"
                                      r"|gradual", re.I),
    "overdose": re.compile(r"overdos|symptom|treatment|coma|respiratory|seizure|emesis"
                           r"|supportive", re.I),
    "comparison": re.compile(r"indicat|useful|maximum|most common|drowsiness|not exceed", re.I),
    "general": re.compile(r"indicat|useful|maximum|not exceed|most common|warning", re.I),
    "product": re.compile(r"\b(tablets?|capsules?|white|yellow|blue|pink|green|orange|round|oval"
                          r"|imprint\w*|debossed|engraved|scored|coated|inactive|ingredients?"
                          r"|contains?|each (tablet|capsule|ml)|store|storage|temperature"
                          r"|refrigerat\w*|protect from|dispense|supplied|bottles? of)\b|°", re.I),
    "administration": re.compile(r"\b(take|taken|taking|swallow\w*|food|meals?|eating"
                                 r"|empty stomach|crush\w*|chew\w*|split|inject\w*|subcutaneous\w*"
                                 r"|intramuscular\w*|intravenous\w*|infus\w*|dilut\w*"
                                 r"|reconstitut\w*|apply|applied|inhal\w*|nebuli\w*|once daily"
                                 r"|at bedtime|morning|evening|instructions)\b", re.I),
}
# Intents whose answer draws on several sections: the best sentence of each comes first.
_SPREAD = ("product", "administration")
NEGATION = re.compile(r"\b(?:(?:has|have|is|are) )?(?:not (?:been )?(?:established|shown|indicated"
                      r"|recommended|approved)|not significantly benefit\w*|should not be used"
                      r"|not effective)", re.I)
ABRUPT = re.compile(r"abrupt|suddenly|taper|reduce\w* .*slowly|gradual", re.I)
_INDICATION_LEAD = re.compile(
    r"\b(?:indicated (?:for|as|in|to)|useful for|useful in|of some value in|used (?:for|to|in)"
    r"|approved (?:for|to)|labell?ed (?:for|to))\s+(?:the\s+)?", re.I)
SAFETY_CUES: tuple[tuple[str, str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("withdrawal", "Stopping the drug / withdrawal",
     re.compile(r"withdraw|abrupt|discontinu|taper", re.I),
     ("boxed_warning", "warnings_precautions", "dosage_administration", "abuse_dependence")),
    ("interactions", "Key interactions",
     re.compile(r"CNS depress|alcohol|opioid|benzodiazepine|MAO|serotonin|concomitant", re.I),
     ("drug_interactions", "warnings_precautions", "boxed_warning")),
    ("sedation", "Sedation and driving",
     re.compile(r"drows|sedat|somnolen|alertness|driving|operat\w+ (machinery|a motor)", re.I),
     ("warnings_precautions", "patient_counseling")),
    ("populations", "Special populations",
     re.compile(r"pregnan|renal|kidney|hepatic|liver|elderly|geriatric|pediatric|children", re.I),
     ("pregnancy", "lactation", "renal", "hepatic", "geriatric", "specific_populations",
      "warnings_precautions")),
)


@dataclass(slots=True)
class IndicationStatus:
    status: str  # labeled | excluded | off_label
    condition: str
    spans: list[Span]  # the indication spans that decide it
    term: str = ""


def spans_in(label: StoredDocument, sections: tuple[str, ...]) -> list[Span]:
    order = {s: i for i, s in enumerate(sections)}
    picked = [p for p in label.passages if p.section in order]
    picked.sort(key=lambda p: (order[p.section], p.order))
    return [span for p in picked for span in sentence_spans(p)]


def indication_status(label: StoredDocument, q: Question) -> IndicationStatus | None:
    """Is the asked-about condition labeled, excluded by the label, or not mentioned (off-label)?"""
    if not q.conditions:
        return None
    spans = spans_in(label, ("indications",))
    if not spans:
        return None
    terms = q.condition_terms
    for span in spans:
        if mentions(span.text, terms):
            term = next(t for t in terms if mentions(span.text, [t]))
            status = "excluded" if NEGATION.search(span.text) else "labeled"
            return IndicationStatus(status, q.conditions[0].name, [span], term)
    # stroke, cerebral palsy: the label may exclude them in its warnings instead
    for span in spans_in(label, ("warnings_precautions",)):
        if mentions(span.text, terms) and NEGATION.search(span.text):
            term = next(t for t in terms if mentions(span.text, [t]))
            return IndicationStatus("excluded", q.conditions[0].name, [span], term)
    return IndicationStatus("off_label", q.conditions[0].name, spans)


def indication_phrases(spans: list[Span]) -> list[tuple[Span, str]]:
    """The labeled uses, as exact phrases of positive indication sentences."""
    out: list[tuple[Span, str]] = []
    for span in spans:
        if NEGATION.search(span.text):
            continue
        m = _INDICATION_LEAD.search(span.text)
        if not m:
            continue
        # keep the label's own lead ("useful for", "of some value in"): it carries the hedging;
        # a lead that only says "labeled/approved" would repeat the sentence's "Labeled use"
        plain_lead = re.match(r"(?i)(labell?ed|approved|indicated)\b", m.group(0))
        phrase = span.text[m.end() if plain_lead else m.start():].rstrip(" .")
        for stop in (", particularly", "; ", " in patients who", " when ", ", including"):
            cut = phrase.find(stop)
            if cut > 20:
                phrase = phrase[:cut]
        if len(phrase.split()) >= 2:
            out.append((span, phrase))
    return out


def negative_indications(label: StoredDocument) -> list[Span]:
    return [s for s in spans_in(label, ("indications",)) if NEGATION.search(s.text)]


# Sections devoted to an intent: every sentence there is a candidate. Elsewhere a sentence must
# carry the intent's cue words (a pregnancy question does not want the allergy warning).
DEDICATED: dict[str, tuple[str, ...]] = {
    "dose": ("dosage_administration", "dosage_forms"),
    "adverse_effects": ("adverse_reactions", "boxed_warning"),
    "contraindications": ("contraindications",),
    "interactions": ("drug_interactions",),
    "mechanism": ("mechanism",),
    "pregnancy_lactation": ("pregnancy", "lactation"),
    "renal_hepatic": ("renal", "hepatic"),
    "stopping_withdrawal": (),
    "overdose": ("overdosage",),
    "role_indication": ("indications",),
    "product": ("how_supplied", "description", "dosage_forms"),
    "administration": ("dosage_administration",),
}


def select_label_spans(label: StoredDocument, q: Question, limit: int) -> list[Span]:
    """Sentences of the label that answer the intent: cue words, the condition, section order."""
    intent = q.intent
    rule = wording_rule(q)
    wording_cue = rule.cue if rule else None
    # the sections the wording asks for, as this label files them (USE IN SPECIFIC POPULATIONS
    # for a lactation section it lacks), lead
    lead = in_label(rule.lead, {p.section for p in label.passages}) if rule else ()
    sections = lead + tuple(s for s in wanted_sections(q) if s not in lead)
    cue = wording_cue or INTENT_CUES.get(intent, INTENT_CUES["general"])
    population = {"children": "pediatric", "older adults": "geriatric"}
    focus = tuple(population[p] for p in q.populations if p in population)
    if focus:  # "and for children?": the label's own words on that population come first
        sections = focus + tuple(s for s in sections if s not in focus)
        cue = re.compile(f"{cue.pattern}|child|pediatric|infant|adolescent|elderly|geriatric",
                         re.I)
    spans = spans_in(label, sections)
    other_drugs = [g for g in q.generics if g not in label.document.drugs]
    scored: list[tuple[float, int, Span]] = []
    for i, span in enumerate(spans):
        text = span.text
        rank = sections.index(span.passage.section)
        score = 2.0 - 0.4 * rank
        score += 1.5 * len(cue.findall(text)) ** 0.5
        if q.conditions and mentions(text, q.condition_terms):
            score += 2.0
        if other_drugs and mentions(text, other_drugs):
            score += 2.5
        if intent in ("role_indication", "general", "comparison", "contraindications",
                      "overdose") and span.passage.section in ("indications",
                                                                "contraindications", "overdosage"):
            score += 2.0 - 0.1 * i  # these sections are short: keep them whole, in order
        # wording that names its sections and words ("what colour", "how long does it stay"):
        # elsewhere in the label (or anywhere, for a strict rule) only a sentence with those words
        # answers it
        dedicated = DEDICATED.get(intent) if wording_cue is None else \
            () if rule and rule.strict else lead
        if dedicated is not None and focus:
            dedicated = dedicated + focus
        if dedicated is None or span.passage.section in dedicated or cue.search(text):
            scored.append((score, i, span))
    ranked = sorted(scored, key=lambda t: (-t[0], t[1]))
    spread = sections if intent in _SPREAD else lead
    if spread:  # the best sentence of each of these sections first, then the best of the rest
        leaders: dict[str, tuple[float, int, Span]] = {}
        for item in ranked:
            leaders.setdefault(item[2].passage.section, item)
        firsts = [leaders[sec] for sec in spread if sec in leaders]
        ranked = firsts + [t for t in ranked if t not in firsts]
    best: list[tuple[float, int, Span]] = []
    seen: set[str] = set()
    for item in ranked:  # a label may repeat a sentence in two sections: quote it once
        key = " ".join(item[2].text.split()).lower()
        if key not in seen:
            seen.add(key)
            best.append(item)
        if len(best) == limit:
            break
    ordered = sorted(best, key=lambda t: t[1])
    if lead and best and best[0][2].passage.section in lead:
        # the sentence that best answers the wording leads (it becomes the bottom line)
        ordered.remove(best[0])
        ordered.insert(0, best[0])
    return [s for _, _, s in ordered]


MAXIMUM = re.compile(r"maximum|not exceed|max(imum)? daily|up to", re.I)


def dose_spans(label: StoredDocument, limit: int = 2) -> list[Span]:
    """Titration and maximum-dose sentences (asked for with indication questions)."""
    rx = re.compile(r"maximum|not exceed|titrat|start|initial", re.I)
    spans = [s for s in spans_in(label, ("dosage_administration",)) if rx.search(s.text)]
    spans.sort(key=lambda s: 0 if MAXIMUM.search(s.text) else 1)
    return sorted(spans[:limit], key=lambda s: (s.passage.order, s.start))


def safety_items(label: StoredDocument, reg: CitationRegistry, q: Question) -> list[SafetyItem]:
    items: list[SafetyItem] = []
    used: set[tuple[int, int]] = set()
    boxed = spans_in(label, ("boxed_warning",))[:3]
    drug = label.document.drugs[0] if label.document.drugs else "this drug"
    if boxed:
        items.append(SafetyItem(kind="boxed_warning", title=f"Boxed warning ({drug})",
                                sentences=[reg.quote(label, s) for s in boxed]))
        used.update((s.passage.id, s.start) for s in boxed)
    for kind, title, rx, sections in SAFETY_CUES:
        limit = 3 if kind == "withdrawal" and q.intent == "stopping_withdrawal" else 2
        picked: list[Sentence] = []
        candidates = spans_in(label, sections)
        if kind == "withdrawal":  # the patient's own abrupt stop first, neonatal effects after
            candidates.sort(key=lambda s: 0 if ABRUPT.search(s.text) else 1)
        for span in candidates:
            if (span.passage.id, span.start) in used or not rx.search(span.text):
                continue
            picked.append(reg.quote(label, span))
            used.add((span.passage.id, span.start))
            if len(picked) >= limit:
                break
        if picked:
            items.append(SafetyItem(kind=kind, title=f"{title} ({drug})",  # type: ignore[arg-type]
                                    sentences=picked))
    return items
