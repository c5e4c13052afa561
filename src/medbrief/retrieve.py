"""Retrieval per tier: the asked-about drug's own label, guideline recommendations on the condition
and/or drug (or its class), and research ranked by relevance, design and recency."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from medbrief.models import StudyDesign, Tier
from medbrief.settings import Settings
from medbrief.store.index import SearchIndex
from medbrief.store.repository import Store, StoredDocument, StoredPassage
from medbrief.understand.question import Question
from medbrief.understand.vocabulary import BRANDS, CLASS_ALIASES

# Label sections each intent calls for, most important first.
INTENT_SECTIONS: dict[str, tuple[str, ...]] = {
    "role_indication": ("indications", "warnings_precautions", "clinical_studies"),
    "dose": ("dosage_administration", "dosage_forms", "renal", "hepatic"),
    "adverse_effects": ("boxed_warning", "adverse_reactions", "warnings_precautions"),
    "contraindications": ("contraindications", "boxed_warning", "warnings_precautions"),
    "interactions": ("drug_interactions", "warnings_precautions", "boxed_warning",
                     "patient_counseling"),
    "mechanism": ("mechanism", "clinical_pharmacology", "description"),
    "pregnancy_lactation": ("pregnancy", "lactation", "specific_populations",
                            "warnings_precautions"),
    "renal_hepatic": ("renal", "hepatic", "specific_populations", "dosage_administration",
                      "warnings_precautions", "clinical_pharmacology"),
    "comparison": ("indications", "dosage_administration", "adverse_reactions",
                   "warnings_precautions"),
    "stopping_withdrawal": ("warnings_precautions", "dosage_administration", "boxed_warning",
                            "abuse_dependence"),
    "overdose": ("overdosage", "warnings_precautions"),
    "general": ("indications", "dosage_administration", "boxed_warning", "warnings_precautions",
                "adverse_reactions"),
    "product": ("how_supplied", "description", "dosage_forms", "patient_counseling"),
    "administration": ("dosage_administration", "patient_counseling", "how_supplied"),
}


@dataclass(frozen=True, slots=True)
class WordingRule:
    """A question whose wording names the part of the label that answers it: for ``intent``,
    when ``question`` matches, the ``lead`` sections come first. With a ``cue``, a sentence outside
    the lead must carry its words (``strict``: inside the lead too, for broad sections such as
    CLINICAL PHARMACOLOGY)."""

    intent: str
    question: re.Pattern[str]
    lead: tuple[str, ...]
    cue: re.Pattern[str] | None = None
    strict: bool = False


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# How long it lasts, stays or takes: pharmacokinetics ("how long does it stay in your system").
_TIME_COURSE = (r"how (long|soon|fast|quickly)\b|half.?li[fv]e|(stays?|remains?|lasts?|linger\w*)"
                r" (in|on)\b|(leaves?|out of) (the|your|my|a) (body|system)|eliminat\w*|excret\w*"
                r"|clear\w* (out|from)|metaboli[sz]\w*|take effect|kick in|start working|peak")
_PK_CUE = (r"half.?li[fv]e|hours?\b|days?\b|minutes?\b|weeks?\b|peak|onset|duration|eliminat\w*"
           r"|excret\w*|clearance|steady.state|metaboli[sz]\w*|absor\w*|plasma (level|concentration)"
           r"|t ?max|c ?max")
# How long it stays in the body: elimination, not onset.
_STAYS = (r"how long\b.*\b(stay|remain|linger|in (your|the|my|a) (body|system|blood|urine))"
          r"|(stays?|remains?|lingers?) in\b|(leaves?|out of) (the|your|my|a) (body|system)"
          r"|half.?li[fv]e|eliminat\w*|excret\w*|clear\w* (out|from)")
_ELIMINATION_CUE = (r"half.?li[fv]e|eliminat\w*|excret\w*|clearance|terminal|duration"
                    r"|wash.?out|recovered in")
_LACTATION = r"breast|nursing|lactat|milk"
# What kind of drug it is: its description and pharmacology name the class.
_CLASS_CUE = (r"\bclass\w*|derivative|analog\w*|agonist|antagonist|inhibitor|blocker|belongs"
              r"|\bagents?\b|mechanism|receptor")
# The first rule that matches wins, so narrower rules come first.
WORDING_RULES: tuple[WordingRule, ...] = (
    WordingRule("general", _rx(r"^\s*(what|who)\s+(is|are)\s+(an?\s+|the\s+)?[\w\s.-]{1,40}"
                               r"\?*\s*$"), ("description", "indications")),  # "what is xanax?"
    # "where does it come from": what the substance is and what it does
    WordingRule("general", _rx(r"where (does|do|did|is|are) .*\b(come|originat\w*|derived?)\b"
                               r"|come from|derived from|origin of|natural or synthetic"),
                ("description", "clinical_pharmacology", "mechanism"),
                _rx(r"synthe\w*|derived?|derivative|natural\w*|obtained|produced|isolated"
                    r"|ferment\w*|analog\w*|plant|bacteri\w*|chemical\w*|compound")),
    WordingRule("dose", _rx(r"come in|strengths?|available in|what mg"),
                ("dosage_forms", "how_supplied")),  # "what strengths does it come in"
    WordingRule("product", _rx(r"ingredient|incredien|contain|what is in|what'?s in|gluten|lactose"
                               r"|dye|made (of|from)"), ("description",),
                _rx(r"ingredient|contains?|each (tablet|capsule|ml)|lactose|gluten|dye|inactive")),
    WordingRule("product", _rx(r"look|colou?r|shape|imprint|size"), ("how_supplied", "dosage_forms"),
                _rx(r"\b(white|yellow|blue|pink|green|orange|red|brown|purple|beige|round|oval"
                    r"|capsule-shaped|imprint\w*|debossed|engraved|scored|coated|printed)\b")),
    WordingRule("product", _rx(r"stor|refrigerat|freez|expir|temperature|bottle"), ("how_supplied",),
                _rx(r"store|storage|temperature|°|refrigerat|freez|protect from|discard|expir"
                    r"|bottles? of")),
    WordingRule("mechanism", _rx(_STAYS), ("clinical_pharmacology",), _rx(_ELIMINATION_CUE),
                strict=True),
    WordingRule("mechanism", _rx(_TIME_COURSE), ("clinical_pharmacology",), _rx(_PK_CUE),
                strict=True),
    WordingRule("mechanism", _rx(r"\bclass\w*|(type|kind|sort) of (drug|medicine|medication)"),
                ("description", "mechanism", "clinical_pharmacology"), _rx(_CLASS_CUE),
                strict=True),
    # "how long does it stay in breast milk": the label on breastfeeding, and the half-life
    WordingRule("pregnancy_lactation", _rx(rf"^(?!.*pregnan)(?=.*({_LACTATION})).*({_TIME_COURSE})"),
                ("lactation", "clinical_pharmacology"), _rx(rf"{_LACTATION}|infant|half.?li[fv]e"),
                strict=True),
    # breastfeeding (not pregnancy): the lactation section, not the pregnancy one
    WordingRule("pregnancy_lactation", _rx(rf"^(?!.*pregnan).*({_LACTATION})"), ("lactation",),
                _rx(rf"{_LACTATION}|infant")),
)
# Where a label files what a wanted section holds when it has no such section: old-format labels
# state the mechanism within CLINICAL PHARMACOLOGY and the strengths under HOW SUPPLIED; PLR labels
# may keep the populations under USE IN SPECIFIC POPULATIONS without subsections.
STAND_INS: dict[str, tuple[str, ...]] = {
    "mechanism": ("clinical_pharmacology",),
    "dosage_forms": ("how_supplied",),
    "pregnancy": ("specific_populations",),
    "lactation": ("specific_populations",),
    "renal": ("specific_populations",),
    "hepatic": ("specific_populations",),
    "pediatric": ("specific_populations",),
    "geriatric": ("specific_populations",),
}
# Words that name a salt or hydrate of a drug rather than another substance ("sertraline
# hydrochloride" is sertraline's own label; "aripiprazole lauroxil" is a different product).
_SALT_WORDS = frozenset({
    "hydrochloride", "dihydrochloride", "hcl", "hydrobromide", "sulfate", "bisulfate", "sodium",
    "potassium", "calcium", "magnesium", "maleate", "mesylate", "besylate", "tosylate", "tartrate",
    "bitartrate", "succinate", "fumarate", "citrate", "acetate", "phosphate", "lactate",
    "gluconate", "malate", "bromide", "chloride", "monohydrate", "dihydrate", "trihydrate",
    "hemihydrate", "anhydrous", "disodium", "dipotassium"})
SAFETY_SECTIONS = ("boxed_warning", "warnings_precautions", "drug_interactions", "pregnancy",
                   "lactation", "specific_populations", "renal", "hepatic", "geriatric",
                   "pediatric", "abuse_dependence", "overdosage", "contraindications")

# Words a guideline or paper must contain to speak to a specific intent (not needed for
# indication, general, mechanism or comparison questions).
INTENT_TERMS: dict[str, tuple[str, ...]] = {
    "pregnancy_lactation": ("pregnancy", "pregnant", "breastfeeding", "lactation", "breast milk",
                            "nursing", "fetal", "fetus", "neonatal", "teratogenic"),
    "renal_hepatic": ("renal", "kidney", "hepatic", "liver", "creatinine", "dialysis"),
    "overdose": ("overdose", "overdosage", "poisoning", "toxicity", "intoxication"),
    "stopping_withdrawal": ("withdrawal", "discontinuation", "tapering", "taper", "discontinue"),
    "dose": ("dose", "doses", "dosage", "dosing", "mg"),
    "adverse_effects": ("adverse", "side effect", "side effects", "safety", "harms", "toxicity",
                        "risk"),
    "interactions": ("interaction", "interactions", "concomitant", "combination", "coadministration",
                     "alcohol"),
    "contraindications": ("contraindicated", "contraindication", "contraindications", "avoid"),
}

DESIGN_WEIGHT: dict[str, float] = {
    StudyDesign.GUIDELINE: 2.6, StudyDesign.META_ANALYSIS: 3.0,
    StudyDesign.SYSTEMATIC_REVIEW: 2.8, StudyDesign.RCT: 2.5, StudyDesign.OTHER_TRIAL: 1.8,
    StudyDesign.OBSERVATIONAL: 1.4, StudyDesign.REVIEW: 1.0, StudyDesign.CASE_REPORT: 0.4,
    StudyDesign.OTHER: 0.6,
}
FORMAT_PREFERENCE = {"spl-xml": 3, "openfda-json": 3, "openfda-derived": 2, "digest-md": 1}


@dataclass(slots=True)
class TierHit:
    document: StoredDocument
    passages: list[StoredPassage]
    score: float


@dataclass(slots=True)
class Evidence:
    question: Question
    labels: dict[str, StoredDocument] = field(default_factory=dict)  # generic -> chosen label
    guidelines: list[TierHit] = field(default_factory=list)
    research: list[TierHit] = field(default_factory=list)

    def scored(self) -> list[tuple[StoredPassage, str, float]]:
        out: list[tuple[StoredPassage, str, float]] = []
        for doc in self.labels.values():
            out.extend((p, doc.document.source_id, 1.0) for p in doc.passages)
        for hit in (*self.guidelines, *self.research):
            out.extend((p, hit.document.document.source_id, hit.score) for p in hit.passages)
        return out


@lru_cache(maxsize=4096)
def _terms_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = sorted({re.escape(n.lower()) for n in names if n}, key=len, reverse=True)
    if not alts:
        return None
    return re.compile(rf"(?<![a-z])(?:{'|'.join(alts)})(?![a-z])")


def mentions(text: str, names: list[str] | tuple[str, ...]) -> bool:
    """Whole-word (letters-only boundary), case-insensitive: does ``text`` name any of ``names``?"""
    pattern = _terms_pattern(tuple(names))
    return pattern is not None and pattern.search(text.lower()) is not None


def drug_names_for(generic: str) -> list[str]:
    return [generic, *(b for b, g in BRANDS.items() if g == generic)]


def class_terms(classes: list[str]) -> list[str]:
    out: list[str] = []
    for c in classes:
        out.append(c)
        out.extend(CLASS_ALIASES.get(c, ()))
    return out


def wording_rule(q: Question) -> WordingRule | None:
    """The rule for the part of the label the question's wording asks for, if any."""
    return next((r for r in WORDING_RULES if r.intent == q.intent and r.question.search(q.text)),
                None)


def wanted_sections(q: Question) -> tuple[str, ...]:
    """The label sections for the question, most important first: the intent's, led by any
    section the wording asks for."""
    sections = INTENT_SECTIONS.get(q.intent, INTENT_SECTIONS["general"])
    rule = wording_rule(q)
    lead = rule.lead if rule else ()
    return lead + tuple(s for s in sections if s not in lead)


def has_section(have: set[str] | frozenset[str], wanted: str) -> bool:
    """Does a label with sections ``have`` answer from ``wanted`` (or where its format files it)?"""
    return wanted in have or any(s in have for s in STAND_INS.get(wanted, ()))


def in_label(sections: tuple[str, ...], have: set[str] | frozenset[str]) -> tuple[str, ...]:
    """``sections`` as this label files them: a section it lacks is replaced by its stand-ins."""
    out: list[str] = []
    for s in sections:
        stand_ins = () if s in have else tuple(x for x in STAND_INS.get(s, ()) if x in have)
        out.extend(x for x in stand_ins or (s,) if x not in out)
    return tuple(out)


def is_plain(name: str, generic: str) -> bool:
    """Is a label's drug name the generic itself or a salt of it ("sertraline hydrochloride")?"""
    words, own = name.lower().split(), generic.split()
    return words[:len(own)] == own and all(w in _SALT_WORDS for w in words[len(own):])


def ingredient(name: str, generic: str) -> str:
    """The substance a label's drug name stands for, as the asked-about generic where it is one
    ("hydrocodone bitartrate" -> "hydrocodone", "insulin glargine" -> "insulin glargine")."""
    low = name.lower()
    if low == generic or low.startswith(f"{generic} "):
        return generic
    return low.split()[0] if low.split() else low


class Retriever:
    def __init__(self, store: Store, index: SearchIndex, settings: Settings) -> None:
        self.store = store
        self.index = index
        self.settings = settings

    # -- labels -------------------------------------------------------------------------------
    def label_for(self, generic: str, wanted: tuple[str, ...] = ()) -> StoredDocument | None:
        """The drug's own label (not one that merely mentions it), in this order of preference:
        single-ingredient (else the fewest other ingredients); one that has the section the
        question needs most (``wanted[0]``, or where that label format files it); a full label
        (SPL, openFDA) over a thin derived one; prescription; the drug itself rather than an
        ester or prodrug of it; the most of the other ``wanted`` sections, by importance; five or
        more sections; the newest. Ties go to the smallest source id, so the choice does not
        depend on storage order."""
        rows = self.store.conn.execute(
            "SELECT DISTINCT d.id FROM doc_terms t JOIN documents d ON d.id = t.doc_id "
            "WHERE d.tier = 'label' AND t.kind = 'drug' AND (t.term = ? OR t.term LIKE ?)",
            (generic, f"{generic} %"),
        ).fetchall()
        if not rows:
            return None
        docs = self.store.documents_by_ids([int(r[0]) for r in rows])
        sections: dict[int, set[str]] = {}
        for doc_id, section in self.store.conn.execute(
            f"SELECT DISTINCT doc_id, section FROM passages WHERE doc_id IN "
            f"({','.join('?' * len(docs))})", list(docs),
        ):
            sections.setdefault(int(doc_id), set()).add(section)

        def rank(item: tuple[int, StoredDocument]) -> tuple[tuple[float, ...], str]:
            doc_id, stored = item
            d = stored.document
            bases = {ingredient(x, generic) for x in d.drugs}
            single = 1.0 if bases == {generic} else 0.0
            rx = 1.0 if "PRESCRIPTION" in str(d.meta.get("product_type", "")).upper() else 0.0
            have = sections.get(doc_id, set())
            answers = [has_section(have, w) for w in wanted]
            lead = 1.0 if answers and answers[0] else 0.0
            coverage = sum(0.5 ** i for i, ok in enumerate(answers) if ok)
            plain = 1.0 if any(is_plain(name, generic) for name in d.drugs) else 0.0
            newest = float(re.sub(r"\D", "", d.published)[:8].ljust(8, "0"))  # 2020 < 2020-05
            fmt = float(FORMAT_PREFERENCE.get(d.source_format, 0))
            key = (single, -float(len(bases)), lead, fmt, rx, plain, coverage,
                   float(len(have) >= 5), newest)
            return tuple(-k for k in key), d.source_id

        best_id, best = min(docs.items(), key=rank)
        best.passages = self.store.passages_of(best_id)
        return best

    # -- guidelines ---------------------------------------------------------------------------
    def guidelines(self, q: Question) -> list[TierHit]:
        drug_names = [n for g in q.generics for n in drug_names_for(g)]
        cls_terms = class_terms(q.classes)
        cond_terms = q.condition_terms
        intent_terms = list(INTENT_TERMS.get(q.intent, ()))
        per_drug = {g: drug_names_for(g) for g in q.generics}
        if not (drug_names or cls_terms or cond_terms):
            return []
        query = " ".join([*drug_names, *cls_terms, *cond_terms])
        hits = self.index.search(query, tier=Tier.GUIDELINE,
                                 limit=self.settings.retrieval.guideline_candidates * 4,
                                 sections=("recommendation",))
        if not hits:
            return []
        passages = self.store.passages_by_ids([h.passage_id for h in hits])
        briefs = self.store.doc_briefs(sorted({h.doc_id for h in hits}))
        scored: dict[int, tuple[float, list[StoredPassage]]] = {}
        for h in hits:
            p = passages[h.passage_id]
            title, conditions, year = briefs[h.doc_id]
            about = " ".join([title, *conditions])
            cond_doc = bool(cond_terms) and mentions(about, cond_terms)
            drug_hit = mentions(p.text, drug_names)
            n_drugs = sum(mentions(p.text, per_drug[g]) for g in q.generics) if drug_hit else 0
            class_hit = mentions(p.text, cls_terms)
            if intent_terms and not mentions(p.text, intent_terms):
                continue
            if cond_terms and not cond_doc:
                continue
            if drug_names and not drug_hit and not (class_hit and cond_terms):
                continue
            if not drug_names and cls_terms and not class_hit:
                continue
            if not drug_names and not cls_terms and not mentions(p.text, cond_terms) and \
                    not cond_doc:
                continue
            graded = 0.5 if (p.meta.get("strength") or p.meta.get("quality")) else 0.0
            year = year or 0
            recency = max(0.0, 1.0 - (date.today().year - year) / 40) if year else 0.0
            table = 1.0 if p.text.count(" | ") >= 2 else 0.0
            score = (h.score + 3.0 * drug_hit + 2.0 * max(0, n_drugs - 1) + 1.5 * class_hit
                     + 2.0 * cond_doc + graded + recency - table)
            best, kept = scored.get(h.doc_id, (score, []))
            kept.append(p)
            scored[h.doc_id] = (max(best, score), kept)
        top = sorted(scored.items(), key=lambda kv: -kv[1][0])[:4]
        docs = self.store.documents_by_ids([doc_id for doc_id, _ in top])
        return [TierHit(docs[doc_id], sorted(kept, key=lambda p: p.order)[:3], score)
                for doc_id, (score, kept) in top]

    # -- research -----------------------------------------------------------------------------
    def research(self, q: Question) -> list[TierHit]:
        drug_names = [n for g in q.generics for n in drug_names_for(g)]
        cond_terms = q.condition_terms
        named = class_terms(q.named_classes)
        intent_terms = list(INTENT_TERMS.get(q.intent, ()))
        if not (drug_names or cond_terms or named):
            return []
        query = " ".join([*drug_names, *named, *cond_terms])
        hits = self.index.search(query, tier=Tier.RESEARCH,
                                 limit=self.settings.retrieval.research_candidates * 5)
        if not hits:
            return []
        doc_scores: dict[int, float] = {}
        for h in hits:
            doc_scores[h.doc_id] = max(doc_scores.get(h.doc_id, 0.0), h.score)
        docs = self.store.documents_by_ids(list(doc_scores), with_passages=True)
        out: list[TierHit] = []
        this_year = date.today().year
        half_life = self.settings.retrieval.recency_half_life_years
        for doc_id, base in doc_scores.items():
            stored = docs[doc_id]
            d = stored.document
            if d.retracted:
                continue  # retracted papers are never cited
            full = " ".join(p.text for p in stored.passages)
            about = " ".join([full, *d.conditions, *d.drugs])
            if drug_names and not mentions(about, drug_names):
                continue
            if named and not drug_names and not mentions(about, named):
                continue
            if cond_terms and not mentions(about, cond_terms):
                continue
            if intent_terms and not mentions(full, intent_terms):
                continue
            design = DESIGN_WEIGHT.get(d.study_design or StudyDesign.OTHER, 0.6)
            age = max(0, this_year - (d.year or this_year - 30))
            recency = math.pow(0.5, age / half_life)
            out.append(TierHit(stored, stored.passages, base + 2.0 * design + 2.0 * recency))
        out.sort(key=lambda t: -t.score)
        return out[: self.settings.retrieval.max_research_records]

    def gather(self, q: Question) -> Evidence:
        ev = Evidence(q)
        for generic in q.generics[:3]:
            label = self.label_for(generic, wanted_sections(q))
            if label is not None:
                ev.labels[generic] = label
        ev.guidelines = self.guidelines(q)
        ev.research = self.research(q)
        return ev
