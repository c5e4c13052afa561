"""MedicationQA (Ben Abacha et al., MedInfo 2019) against medbrief: focus, intent, label section,
answer overlap and coverage.

Every figure is computed from medbrief's own output on each question: the Understander for the
drugs and the intent, and ``Engine.ask(question, save=False)`` for the answer (its references name
the label and section each sentence cites). The naive baseline answers every question with the
first three sentences of the detected drug's label indications, through the same harness.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from medbrief.answer import Answer
from medbrief.compose.answerer import Engine
from medbrief.compose.label import spans_in
from medbrief.errors import MedbriefError
from medbrief.evaluate.loaders import MedicationQARow
from medbrief.evaluate.mapping import TYPE_INTENTS, is_dailymed, label_sections
from medbrief.evaluate.metrics import mean, rouge_l_recall, share, token_f1
from medbrief.models import LABEL_SECTION_TITLES
from medbrief.store.repository import StoredDocument
from medbrief.understand.drugs import find_classes
from medbrief.understand.question import Question

BASELINE_SENTENCES = 3
FOCUS_FUZZY_CUTOFF = 85
PUBLISHED = {
    "question_type_accuracy": 0.757,
    "focus_exact": 0.74,
    "focus_partial": 0.90,
    "source": "Ben Abacha et al., MedInfo 2019 (full MedicationQA set, neural classifiers)",
}
TARGETS = {"focus_exact": 0.95, "intent_accuracy": 0.85, "right_section": 0.90}
_SECTION_OF_TITLE = {title: name for name, title in LABEL_SECTION_TITLES.items()}
_NO_FOCUS = re.compile(r"^\s*(n/?a\b|none\b|$)", re.I)
_DESCRIPTIVE = re.compile(r"\b(drugs|medicines?|medications?)\b", re.I)
_WORD = re.compile(r"[a-z][a-z0-9]{3,}")


@dataclass(slots=True)
class RowResult:
    row: int
    question: str
    focus: str
    question_type: str
    focus_kind: str  # named | descriptive | none
    focus_drugs: list[str]
    detected: list[str]
    focus_exact: bool | None
    focus_partial: bool | None
    expected_intents: list[str] | None
    intent: str
    intent_ok: bool | None
    dailymed: bool
    reference_sections: list[str] | None
    label_in_store: bool
    section_scored: bool
    section_in_label: bool  # the label medbrief picks for the focus drug has a reference section
    right_label: bool | None
    right_section: bool | None
    cited_sections: list[str]
    answered: bool
    reason: str | None
    overlap: dict[str, dict[str, float]] = field(default_factory=dict)

    def failures(self) -> list[str]:
        out = []
        if self.focus_exact is False:
            out.append("focus")
        if self.intent_ok is False:
            out.append("intent")
        if self.right_section is False:
            out.append("section")
        if not self.answered:
            out.append("unanswered")
        return out


class MedicationQAEvaluator:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lexicon = engine.understander.lexicon
        self._labels: dict[str, frozenset[str]] = {}
        self._baseline: dict[str, str] = {}
        self._chosen: dict[str, StoredDocument | None] = {}

    # -- helpers ------------------------------------------------------------------------------
    def label_ids(self, generic: str) -> frozenset[str]:
        """Source ids of every label in the store whose own drug is ``generic``."""
        if generic not in self._labels:
            rows = self.engine.store.conn.execute(
                "SELECT DISTINCT d.source_id FROM doc_terms t JOIN documents d ON d.id = t.doc_id "
                "WHERE d.tier = 'label' AND t.kind = 'drug' AND (t.term = ? OR t.term LIKE ?)",
                (generic, f"{generic} %"),
            ).fetchall()
            self._labels[generic] = frozenset(str(r[0]) for r in rows)
        return self._labels[generic]

    def focus_components(self, focus: str) -> tuple[str, list[str]]:
        """(kind, canonical drugs and classes) of an annotated focus, normalised by the lexicon."""
        if _NO_FOCUS.match(focus):
            return "none", []
        found = [m.generic for m in self.lexicon.find(focus)]
        found += [c for c in find_classes(focus) if c not in found]
        if not found and len(focus) >= 6:  # the annotation misspelt ("hepatitits b vaccine")
            match = process.extractOne(focus.lower().strip(), self.lexicon.names.keys(),
                                       scorer=fuzz.ratio, score_cutoff=FOCUS_FUZZY_CUTOFF)
            if match:
                found = [self.lexicon.canonical(self.lexicon.names[match[0]])]
        if not found and _DESCRIPTIVE.search(focus):
            return "descriptive", []
        return "named", found

    def labels(self, generics: list[str]) -> list[StoredDocument]:
        """The labels medbrief's retriever picks for these drugs (cached)."""
        out = []
        for generic in generics:
            if generic not in self._chosen:
                self._chosen[generic] = self.engine.retriever.label_for(generic)
            label = self._chosen[generic]
            if label is not None:
                out.append(label)
        return out

    def baseline(self, generics: list[str]) -> str:
        """First sentences of the indications of the first detected drug that has a label."""
        for generic in generics:
            if generic not in self._baseline:
                labels = self.labels([generic])
                spans = spans_in(labels[0], ("indications",))[:BASELINE_SENTENCES] \
                    if labels else []
                self._baseline[generic] = " ".join(s.text for s in spans)
            if self._baseline[generic]:
                return self._baseline[generic]
        return ""

    # -- one row ------------------------------------------------------------------------------
    def evaluate_row(self, row: MedicationQARow) -> RowResult:
        try:
            q: Question | None = self.engine.understander.understand(row.question)
            answer: Answer | None = self.engine.ask(row.question, save=False)
        except MedbriefError as exc:
            q, answer, rejected = None, None, str(exc)
        else:
            rejected = ""
        detected = list(q.generics) if q else []
        named = list(q.named_classes) if q else []
        kind, components = self.focus_components(row.focus)
        exact = partial = None
        if kind == "named":
            seen = set(detected) | set(named)
            if components:
                exact = all(c in seen for c in components)
                partial = any(c in seen for c in components)
            else:
                texts = {m.text for m in q.drugs} if q else set()
                exact = row.focus.lower() in seen | texts
                partial = exact
            if not partial and q:
                focus_words = set(_WORD.findall(row.focus.lower()))
                partial = any(focus_words & set(_WORD.findall(f"{m.text} {m.generic}"))
                              for m in q.drugs)
        expected = TYPE_INTENTS.get(row.question_type)
        intent = q.intent if q else "rejected"
        intent_ok = None if expected is None else intent in expected

        drug_labels = frozenset().union(*(self.label_ids(c) for c in components)) \
            if components else frozenset()
        dailymed = is_dailymed(row.url)
        ref_sections = label_sections(row.section_title) if dailymed else None
        cited = [(r.source_id, _SECTION_OF_TITLE.get(r.section or "", r.section or ""))
                 for r in (answer.references if answer else []) if r.tier == "label"]
        scored = dailymed and ref_sections is not None and bool(drug_labels)
        right_label = right_section = None
        in_label = False
        if scored:
            in_label = any(p.section in (ref_sections or ()) for label in self.labels(components)
                           for p in label.passages)
            right_label = any(sid in drug_labels for sid, _ in cited)
            right_section = any(sid in drug_labels and sec in (ref_sections or ())
                                for sid, sec in cited)

        answered = answer is not None and not answer.insufficient
        reason = None
        if not answered:
            reason = self._reason(q, rejected)
        result = RowResult(
            row=row.row, question=row.question, focus=row.focus,
            question_type=row.question_type, focus_kind=kind, focus_drugs=components,
            detected=detected + [c for c in named if c not in detected],
            focus_exact=exact, focus_partial=partial,
            expected_intents=list(expected) if expected else None, intent=intent,
            intent_ok=intent_ok, dailymed=dailymed,
            reference_sections=list(ref_sections) if ref_sections else None,
            label_in_store=bool(drug_labels), section_scored=scored, section_in_label=in_label,
            right_label=right_label,
            right_section=right_section, cited_sections=sorted({s for _, s in cited}),
            answered=answered, reason=reason)
        if row.answer:
            result.overlap = self._overlap(row.answer, answer, detected)
        return result

    def _reason(self, q: Question | None, rejected: str) -> str:
        if q is None:
            return f"question rejected: {rejected}"
        if not q.drugs and not q.conditions and not q.named_classes:
            return "no drug, class or condition recognised in the question"
        if q.drugs and not any(self.label_ids(g) for g in q.generics):
            return "drug recognised but the store has no label or other evidence for it"
        return "evidence in the store, but none matched the question"

    def _overlap(self, reference: str, answer: Answer | None,
                 detected: list[str]) -> dict[str, dict[str, float]]:
        texts: dict[str, str] = {"answer": "", "bottom_line": ""}
        if answer is not None and not answer.insufficient:
            seen: list[str] = []
            for s in answer.all_sentences():
                if s.text not in seen:
                    seen.append(s.text)
            texts["answer"] = " ".join(seen)
            bl = answer.bottom_line
            texts["bottom_line"] = " ".join(
                s.text for s in ([bl.verdict] if bl.verdict else []) + bl.summary)
        texts["baseline"] = self.baseline(detected)
        return {name: {"rouge_l_recall": rouge_l_recall(text, reference),
                       "token_f1": token_f1(text, reference)} for name, text in texts.items()}

    def run(self, rows: list[MedicationQARow],
            progress: Callable[[int], None] | None = None) -> list[RowResult]:
        out = []
        for row in rows:
            out.append(self.evaluate_row(row))
            if progress:
                progress(1)
        return out


# -- summary ----------------------------------------------------------------------------------
def _count(results: list[RowResult], pred: Callable[[RowResult], bool]) -> int:
    return sum(1 for r in results if pred(r))


def _overlap_summary(results: list[RowResult]) -> dict[str, Any]:
    scored = [r for r in results if r.overlap]
    out: dict[str, Any] = {"rows": len(scored)}
    for name in ("answer", "bottom_line", "baseline"):
        out[name] = {m: mean([r.overlap[name][m] for r in scored])
                     for m in ("rouge_l_recall", "token_f1")}
    return out


def summarize(results: list[RowResult], file: str = "") -> dict[str, Any]:
    named = [r for r in results if r.focus_kind == "named"]
    mapped = [r for r in results if r.intent_ok is not None]
    by_type: dict[str, dict[str, Any]] = {}
    for r in results:
        t = by_type.setdefault(r.question_type, {
            "rows": 0, "correct": 0, "expected": r.expected_intents, "predicted": Counter()})
        t["rows"] += 1
        t["correct"] += bool(r.intent_ok)
        t["predicted"][r.intent] += 1
    for t in by_type.values():
        t["predicted"] = dict(t["predicted"].most_common())
    dailymed = [r for r in results if r.dailymed]
    scored = [r for r in dailymed if r.section_scored]
    reachable = [r for r in scored if r.section_in_label]
    not_scored: Counter[str] = Counter()
    for r in dailymed:
        if r.section_scored:
            continue
        if r.reference_sections is None:
            not_scored["reference heading names no label section"] += 1
        elif not r.focus_drugs:
            not_scored["focus is not a recognised drug"] += 1
        else:
            not_scored["the store has no label for the focus drug"] += 1
    answered = [r for r in results if r.answered]
    reasons = Counter(r.reason for r in results if r.reason)
    answerable_overlap = _overlap_summary(scored)
    return {
        "file": file,
        "rows": len(results),
        "focus": {
            "named_focus_rows": len(named),
            "no_focus_rows": _count(results, lambda r: r.focus_kind == "none"),
            "descriptive_focus_rows": _count(results, lambda r: r.focus_kind == "descriptive"),
            "focus_not_in_lexicon": _count(named, lambda r: not r.focus_drugs),
            "exact": _count(named, lambda r: bool(r.focus_exact)),
            "exact_share": share(_count(named, lambda r: bool(r.focus_exact)), len(named)),
            "partial": _count(named, lambda r: bool(r.focus_partial)),
            "partial_share": share(_count(named, lambda r: bool(r.focus_partial)), len(named)),
        },
        "intent": {
            "mapped_rows": len(mapped),
            "unmapped_rows": len(results) - len(mapped),
            "unmapped_types": dict(Counter(r.question_type for r in results
                                           if r.intent_ok is None).most_common()),
            "correct": _count(mapped, lambda r: bool(r.intent_ok)),
            "accuracy": share(_count(mapped, lambda r: bool(r.intent_ok)), len(mapped)),
            "types_seen": len(by_type),
            "types_known": len(TYPE_INTENTS),
            "unknown_types": sorted(t for t in by_type if t not in TYPE_INTENTS),
            "by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1]["rows"])),
        },
        "label_evidence": {
            "dailymed_rows": len(dailymed),
            "answerable_rows": len(scored),
            "not_answerable": dict(not_scored.most_common()),
            "right_label": _count(scored, lambda r: bool(r.right_label)),
            "right_label_share": share(_count(scored, lambda r: bool(r.right_label)),
                                       len(scored)),
            "right_section": _count(scored, lambda r: bool(r.right_section)),
            "right_section_share": share(_count(scored, lambda r: bool(r.right_section)),
                                         len(scored)),
            "section_in_chosen_label": len(reachable),
            "right_section_when_in_chosen_label": _count(reachable,
                                                         lambda r: bool(r.right_section)),
            "right_section_when_in_chosen_label_share": share(
                _count(reachable, lambda r: bool(r.right_section)), len(reachable)),
        },
        "overlap": {"all_rows": _overlap_summary(results),
                    "dailymed_answerable_rows": answerable_overlap,
                    "baseline": f"first {BASELINE_SENTENCES} sentences of the detected drug's "
                                "label indications"},
        "coverage": {
            "answered": len(answered),
            "answered_share": share(len(answered), len(results)),
            "answered_from_label": _count(answered, lambda r: bool(r.cited_sections)),
            "not_answered": len(results) - len(answered),
            "reasons": dict(reasons.most_common()),
            "focus_label_in_store": _count(results, lambda r: r.label_in_store),
        },
        "published": PUBLISHED,
        "targets": TARGETS,
    }


def worst(results: list[RowResult], n: int) -> list[dict[str, Any]]:
    """The ``n`` worst rows: most failed checks first, then the lowest answer overlap."""
    def key(r: RowResult) -> tuple[int, float, int]:
        rouge = r.overlap.get("answer", {}).get("rouge_l_recall", 0.0) if r.overlap else 0.0
        return (-len(r.failures()), rouge, r.row)

    picked = sorted((r for r in results if r.failures()), key=key)[:n]
    out = []
    for r in picked:
        d = asdict(r)
        d["failed"] = r.failures()
        out.append(d)
    return out
