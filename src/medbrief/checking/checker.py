"""``check``: an article in, a :class:`~medbrief.checking.report.CheckReport` out.

The Checker reuses an answer :class:`~medbrief.compose.answerer.Engine` (its drug lexicon,
condition vocabulary, retriever and index), so a claim is checked against the same label an
answer would cite (``Retriever.label_for``) and the same guideline recommendations
(``Retriever.guidelines``). Every finding is verified against the stored passage with the
answer's own ``sentence_ok`` and cited through the answer's own ``CitationRegistry``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

from medbrief.answer import Sentence, Support
from medbrief.checking import rules_label as rl
from medbrief.checking.article import Article, read_article
from medbrief.checking.doses import numbers, parse_doses
from medbrief.checking.evidence import Finding, LabelView
from medbrief.checking.extract import Draft, Extractor
from medbrief.checking.matching import Claim, Outcome, overlap_rule
from medbrief.checking.report import (
    CHECKER,
    VERDICT_ORDER,
    CheckReport,
    ClaimCheck,
    Evidence,
    Location,
    SkippedCounts,
    SkippedText,
    VerdictCounts,
)
from medbrief.checking.rules_use import (
    GuidelineSpan,
    check_indication,
    guideline_spans_for,
)
from medbrief.checking.vocab import FORMULATIONS, OVERSTATEMENT, has_term
from medbrief.compose.answerer import Engine
from medbrief.compose.citations import CitationRegistry
from medbrief.compose.spans import Span
from medbrief.compose.verify import sentence_ok
from medbrief.errors import InputError
from medbrief.models import Tier
from medbrief.retrieve import class_terms, drug_names_for
from medbrief.store.repository import Store, StoredDocument
from medbrief.understand.conditions import ConditionMention, ConditionVocabulary
from medbrief.understand.drugs import classes_of
from medbrief.understand.question import Question

# Condition phrases articles use that the store's vocabulary may lack: phrase -> search terms.
EXTRA_CONDITIONS: dict[str, tuple[str, ...]] = {
    "alcohol dependence": ("alcohol dependence", "alcohol use disorder", "alcoholism"),
    "alcoholism": ("alcoholism", "alcohol dependence", "alcohol use disorder"),
    "gerd": ("gastroesophageal reflux disease", "gerd", "gastroesophageal reflux"),
    "acid reflux": ("gastroesophageal reflux disease", "gerd", "gastroesophageal reflux"),
    "muscle tightness": ("spasticity",),
    "muscle stiffness": ("spasticity", "muscle stiffness"),
}
_PERCENT_OR_NUM = re.compile(r"\d+(?:[.,]\d+)?")
_LIST_NUMBER = re.compile(r"^\s*(?:[QA]?\d{1,2}[.:)])\s+", re.I)


class _Vocabulary(ConditionVocabulary):
    """The store's condition vocabulary plus :data:`EXTRA_CONDITIONS`."""

    def __init__(self, base: ConditionVocabulary) -> None:
        super().__init__(set(base.phrases) | set(EXTRA_CONDITIONS))

    def find(self, text: str, exclude: set[str] | None = None) -> list[ConditionMention]:
        out = []
        for c in super().find(text, exclude):
            terms = EXTRA_CONDITIONS.get(c.text)
            out.append(ConditionMention(terms[0], c.text, terms) if terms else c)
        return out


class Checker:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store: Store = engine.store
        u = engine.understander
        self.extractor = Extractor(u.lexicon, _Vocabulary(u.vocabulary))
        self._labels: dict[str, LabelView | None] = {}
        self._guidelines: dict[tuple[str, str], list[GuidelineSpan]] = {}
        self._research: dict[tuple[str, str], list[tuple[StoredDocument, Span]]] = {}
        self._known: dict[str, bool] = {}

    @classmethod
    def from_store(cls, store: Store) -> Checker:
        return cls(Engine(store))

    # -- evidence sources ---------------------------------------------------------------------
    def label(self, generic: str) -> LabelView | None:
        if generic not in self._labels:
            doc = self.engine.retriever.label_for(generic)
            self._labels[generic] = LabelView(doc) if doc is not None else None
        return self._labels[generic]

    def _question(self, drug: str, condition: ConditionMention) -> Question | None:
        """A question about the drug for the condition, as ``ask`` would read it (None if the
        understander does not recognise the condition: no condition, no guideline lookup)."""
        for words in dict.fromkeys((condition.text, *condition.terms)):
            q = self.engine.understander.understand(f"What is the role of {drug} in {words}?")
            if q.conditions and q.generics:
                return q
        return None

    def guideline_spans(self, drug: str, condition: ConditionMention) -> list[GuidelineSpan]:
        key = (drug, condition.name)
        if key not in self._guidelines:
            q = self._question(drug, condition)
            names = drug_names_for(drug)
            classes = class_terms(classes_of(drug))
            out: list[GuidelineSpan] = []
            for hit in self.engine.retriever.guidelines(q) if q is not None else []:
                doc = StoredDocument(hit.document.id, hit.document.document, hit.passages,
                                     hit.document.source_file, hit.document.ingested_at,
                                     hit.document.content_hash)
                out.extend(guideline_spans_for(doc, names, classes))
            out.sort(key=lambda g: not g.names_drug)
            self._guidelines[key] = out
        return self._guidelines[key]

    def research_spans(self, drug: str, condition: ConditionMention) -> list[
            tuple[StoredDocument, Span]]:
        key = (drug, condition.name)
        if key not in self._research:
            from medbrief.checking.evidence import passage_spans

            q = self._question(drug, condition)
            names = drug_names_for(drug)
            out: list[tuple[StoredDocument, Span]] = []
            for hit in self.engine.retriever.research(q) if q is not None else []:
                for p in hit.passages:
                    for span in passage_spans(p):
                        if any(has_term(span.text, n) for n in names) and \
                                any(has_term(span.text, t) for t in condition.terms):
                            out.append((hit.document, span))
            self._research[key] = out
        return self._research[key]

    def store_knows(self, drug: str) -> bool:
        """Does any guideline or research passage in the store name the drug?"""
        if drug not in self._known:
            names = drug_names_for(drug)
            found = False
            for tier in (Tier.GUIDELINE, Tier.RESEARCH):
                hits = self.engine.index.search(names[0],
                                                tier=tier, limit=20)
                passages = self.store.passages_by_ids([h.passage_id for h in hits])
                if any(has_term(p.text, n) for p in passages.values() for n in names):
                    found = True
                    break
            self._known[drug] = found
        return self._known[drug]

    # -- checking -----------------------------------------------------------------------------
    def check_file(self, path: Path, input_format: str = "auto") -> CheckReport:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}; give the path of a "
                             "text, Markdown or HTML file") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        return self.check_text(text, input_format=input_format, source=str(path),
                               filename=path.name)

    def check_text(self, text: str, input_format: str = "auto", source: str = "pasted text",
                   filename: str = "") -> CheckReport:
        article = read_article(text, input_format, filename)
        extraction = self.extractor.extract(article)
        outcomes = [(d, self._verify(self.check_claim(d))) for d in extraction.claims]
        order = {v: i for i, v in enumerate(VERDICT_ORDER)}
        ranked = sorted(enumerate(outcomes), key=lambda t: (order[t[1][1].verdict], t[0]))
        reg = CitationRegistry()
        claims = [self._claim_check(i + 1, d, o, article, reg) for i, (d, o) in ranked]
        counts = VerdictCounts(**{v: sum(c.verdict == v for c in claims) for v in VERDICT_ORDER})
        skipped = [SkippedText(kind=s.kind, text=s.unit.text,  # type: ignore[arg-type]
                               location=_location(article, s.unit.start, s.unit.end))
                   for s in sorted(extraction.skipped, key=lambda s: s.unit.start)]
        skipped_counts = SkippedCounts(**{k: sum(s.kind == k for s in skipped)
                                          for k in SkippedCounts.model_fields})
        snapshot = self.store.snapshot()
        rid = hashlib.sha256("\x00".join((text, article.input_format, snapshot, CHECKER))
                             .encode()).hexdigest()[:16]
        return CheckReport(id=rid, source=source, input_format=article.input_format,
                           corpus_snapshot=snapshot,
                           checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
                           drugs=extraction.drugs, counts=counts, skipped_counts=skipped_counts,
                           claims=claims, skipped=skipped, references=reg.references)

    def check_claim(self, draft: Draft) -> Outcome:
        label = self.label(draft.drug)
        names = [n.lower() for n in drug_names_for(draft.drug)]
        if label is not None:
            names += [n.lower() for n in label.doc.document.drugs]
        c = Claim(draft, label, list(dict.fromkeys(names)))
        if draft.kind == "indication":
            outcome = check_indication(c, self)
            if label is None and outcome.verdict == "unsupported" and not outcome.findings \
                    and not self.store_knows(draft.drug):
                return _out_of_scope(draft.drug)
            return self._adjust(c, outcome)
        if label is None:
            if self.store_knows(draft.drug):
                return Outcome("unsupported", f"The store has no FDA label for {draft.drug}; "
                               "guidelines or research mention it, but not on this point.", [])
            return _out_of_scope(draft.drug)
        return self._adjust(c, self._label_rule(c))

    def _label_rule(self, c: Claim) -> Outcome:
        kind = c.draft.kind
        if kind == "dose":
            return rl.check_dose(c)
        if kind == "side_effect":
            return rl.check_side_effect(c)
        if kind == "contraindication":
            return rl.check_contraindication(c)
        if kind == "interaction":
            others = {g: drug_names_for(g) for g in c.draft.others}
            return rl.check_interaction(c, others)
        if kind == "withdrawal":
            return rl.check_withdrawal(c)
        if kind == "pregnancy_lactation":
            return rl.check_pregnancy(c)
        if kind == "mechanism":
            return rl.check_mechanism(c)
        return overlap_rule(c, rl.SECTIONS_BY_KIND.get(kind), rl.WHAT_BY_KIND.get(kind, "text"))

    def _adjust(self, c: Claim, outcome: Outcome) -> Outcome:
        """A supported verdict must also carry the claim's numbers, formulation and strength."""
        if outcome.verdict != "supported" or c.label is None and not outcome.findings:
            return outcome
        said = " ".join(f.span.passage.text for f in outcome.findings)
        own = _LIST_NUMBER.sub("", c.own)
        dose_spans = [(d.start, d.end) for d in parse_doses(own)]
        plain = own
        for s, e in sorted(dose_spans, reverse=True):
            plain = plain[:s] + " " + plain[e:]
        missing = sorted(numbers(plain) - numbers(said))
        if missing:
            return _downgrade(outcome, "the evidence does not state "
                              + ", ".join(f"{n:g}" for n in missing))
        label_text = " ".join(p.text for p in c.label.doc.passages) if c.label else said
        for word in FORMULATIONS:
            if has_term(own, word) and not has_term(label_text, word):
                return _downgrade(outcome, f"the label in the store does not cover {word} use")
        if (m := OVERSTATEMENT.search(own)) and not has_term(said, m.group(0)):
            return _downgrade(outcome, f"the evidence does not support “{m.group(0)}”")
        return outcome

    def _verify(self, outcome: Outcome) -> Outcome:
        """Keep only findings whose span still reads, in the store, what it cited."""
        if not outcome.findings:
            return outcome
        ids = sorted({f.span.passage.id for f in outcome.findings})
        passages = self.store.passages_by_ids(ids)
        kept = [f for f in outcome.findings if sentence_ok(_sentence(f, 1), passages)]
        deciding = {"supported": "states", "contradicted": "contradicts"}.get(outcome.verdict)
        if deciding and not any(f.role == deciding for f in kept):
            return Outcome("unsupported", outcome.reason + " (its evidence could not be verified "
                           "against the store)", kept)
        return Outcome(outcome.verdict, outcome.reason, kept)

    def _claim_check(self, n: int, d: Draft, o: Outcome, article: Article,
                     reg: CitationRegistry) -> ClaimCheck:
        items: list[Evidence] = []
        for f in o.findings:
            support = reg.cite(f.doc, f.span)
            ref = reg.references[support.ref - 1]
            sentence = _sentence(f, support.ref)
            items.append(Evidence(role=f.role, tier=ref.tier, source_id=ref.source_id,
                                  section=ref.section, ref=support.ref, citation=ref.citation,
                                  check=sentence.check, terms=f.absent or f.terms,
                                  support=support))
        return ClaimCheck(id=n, text=d.unit.text, context=d.context,
                          location=_location(article, d.unit.start, d.unit.end),
                          kind=d.kind,  # type: ignore[arg-type]
                          drug=d.drug, drug_text=d.drug_text, other_drugs=d.others,
                          conditions=[c.name for c in d.conditions], verdict=o.verdict,
                          reason=o.reason, evidence=items)


def _sentence(f: Finding, ref: int) -> Sentence:
    support = Support(passage_id=f.span.passage.id, ref=ref, start=f.span.start, end=f.span.end,
                      quote=f.span.text)
    if f.absent:
        return Sentence(text=f.span.text, citations=[ref], support=[support], check="absent",
                        absent_terms=list(f.absent))
    terms = [t for t in f.terms if t]
    if terms:
        return Sentence(text=f.span.text, citations=[ref], support=[support], check="contains",
                        terms=terms)
    return Sentence(text=f.span.text, citations=[ref], support=[support], check="quote")


def _downgrade(outcome: Outcome, why: str) -> Outcome:
    for f in outcome.findings:
        if f.role == "states":
            f.role = "related"
    return Outcome("unsupported", f"{outcome.reason.rstrip('.')}; but {why}.", outcome.findings)


def _out_of_scope(drug: str) -> Outcome:
    return Outcome("out_of_scope", f"The store has no FDA label, guideline or research on "
                   f"{drug}.", [])


def _location(article: Article, start: int, end: int) -> Location:
    line, col = article.line_col(start)
    end_line, end_col = article.line_col(max(start, end - 1))
    return Location(line=line, column=col, end_line=end_line, end_column=end_col + 1,
                    start=start, end=end)
