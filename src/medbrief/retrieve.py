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


class Retriever:
    def __init__(self, store: Store, index: SearchIndex, settings: Settings) -> None:
        self.store = store
        self.index = index
        self.settings = settings

    # -- labels -------------------------------------------------------------------------------
    def label_for(self, generic: str, wanted: tuple[str, ...] = ()) -> StoredDocument | None:
        """The drug's own label (not one that merely mentions it): single-ingredient first; among
        equals, the one that has the sections the question needs (``wanted``)."""
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

        def rank(item: tuple[int, StoredDocument]) -> tuple[float, ...]:
            doc_id, stored = item
            d = stored.document
            bases = {x.split()[0] for x in d.drugs}
            single = 1.0 if bases == {generic} else 0.0
            rx = 1.0 if "PRESCRIPTION" in str(d.meta.get("product_type", "")).upper() else 0.0
            have = sections.get(doc_id, set())
            lead = 1.0 if wanted and wanted[0] in have else 0.0
            return (single, lead, FORMAT_PREFERENCE.get(d.source_format, 0), rx,
                    float(sum(w in have for w in wanted)), float(len(have) >= 5),
                    float(d.published[:4] or 0))

        best_id, best = max(docs.items(), key=rank)
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

    @staticmethod
    def wanted_sections(q: Question) -> tuple[str, ...]:
        return INTENT_SECTIONS.get(q.intent, INTENT_SECTIONS["general"])

    def gather(self, q: Question) -> Evidence:
        ev = Evidence(q)
        for generic in q.generics[:3]:
            label = self.label_for(generic, self.wanted_sections(q))
            if label is not None:
                ev.labels[generic] = label
        ev.guidelines = self.guidelines(q)
        ev.research = self.research(q)
        return ev
