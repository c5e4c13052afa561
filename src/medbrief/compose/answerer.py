"""``ask``: question in, verified Answer out. The Engine keeps per-process state warm."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from medbrief.answer import Answer, Audience, Notice, ScoredPassage, Section, Understanding
from medbrief.audience.adapt import PUBLIC, adapt
from medbrief.audience.triage import CRISIS_NOTICE, triage
from medbrief.compose.bottom_line import build_bottom_line
from medbrief.compose.citations import CitationRegistry
from medbrief.compose.followups import follow_up_questions
from medbrief.compose.label import dose_spans, safety_items, select_label_spans
from medbrief.compose.spans import Span
from medbrief.compose.tiers import guideline_spans, research_spans
from medbrief.compose.verify import verify_answer
from medbrief.errors import InputError
from medbrief.retrieve import Evidence, Retriever
from medbrief.settings import Settings
from medbrief.store.answers import load_answer, save_answer
from medbrief.store.index import get_index
from medbrief.store.repository import Store
from medbrief.understand.question import Question, Understander
from medbrief.understand.vocabulary import DRUG_CLASSES

DISCLAIMER_PROFESSIONAL = (
    "medbrief summarises the evidence in its store for health professionals. It is not a substitute "
    "for clinical judgement, the full prescribing information, or local guidance. Content marked as "
    "pending review has not been checked by a medical reviewer."
)
DISCLAIMER_PUBLIC = (
    "This is general information from published evidence, not medical advice. Talk to your doctor "
    "or pharmacist before starting, stopping or changing any medicine. In an emergency call your "
    "local emergency number or poison control."
)
TIER_TITLES = {"guidelines": "From the Guidelines", "label": "From the FDA Drug Label",
               "research": "From the Research"}


def answer_id(question: str, audience: str, snapshot: str, settings_hash: str,
              after: str | None = None) -> str:
    blob = "\x00".join((" ".join(question.lower().split()), audience, snapshot, settings_hash,
                        after or ""))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Engine:
    """Everything ``ask`` needs, built once: vocabularies, index, retriever."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.understander = Understander.from_store(store)
        self.index = get_index(store, self.settings.search_backend)
        self.retriever = Retriever(store, self.index, self.settings)

    def ask(self, question: str, audience: Audience = "physician", after: str | None = None,
            save: bool = True) -> Answer:
        """Answer ``question``; ``after`` is a previous answer id whose context a follow-up keeps.

        The answer is saved (``save``) so it can be shown again, followed up or made an article.
        """
        context = None
        if after is not None:
            previous = load_answer(self.store, after)
            if previous is None:
                raise InputError(f"no saved answer with id {after!r}; use the id printed at the "
                                 "bottom of an earlier answer")
            u = previous.understanding
            context = self.understander.restore(previous.question, u.drugs, u.conditions,
                                                u.intent, u.populations)
        q = self.understander.understand(question, context)
        ev = self.retriever.gather(q)
        answer = compose(q, ev, self.settings, audience)
        answer.corpus_snapshot = self.store.snapshot()
        answer.settings_hash = self.settings.settings_hash()
        answer.id = answer_id(question, audience, answer.corpus_snapshot, answer.settings_hash,
                              after)
        verify_answer(answer, self.store)
        if answer.bottom_line.verdict is None:
            answer.bottom_line.status = "insufficient_evidence"
            answer.bottom_line.summary = []
        adapt(answer)
        if audience in PUBLIC:  # rewritten sentences must re-derive and verify; others are as verified
            verify_answer(answer, self.store)
        flags = triage(question)
        answer.notices[:0] = [Notice(kind="crisis" if n == CRISIS_NOTICE else "urgent", text=n)
                              for n in flags.notices()]
        answer.follow_up_questions = follow_up_questions(q, ev, self.understander)
        answer.previous_id = after
        if save:
            save_answer(self.store, answer, previous_id=after)
        return answer


def _empty_note(tier: str, q: Question, ev: Evidence) -> str:
    subject = ", ".join(q.generics + [c.name for c in q.conditions]) or "this question"
    if tier == "label":
        if not q.generics and q.named_classes:
            members = [m for c in q.named_classes for m in DRUG_CLASSES.get(c, ())][:3]
            example = f", e.g. {', '.join(members)}" if members else ""
            return (f"The question names a drug class ({', '.join(q.named_classes[:2])}); FDA "
                    f"labels are per drug, so ask about one drug{example}.")
        if not q.generics:
            return ("No drug named in the question matches a label in the store, so no FDA "
                    "label applies.")
        missing = [g for g in q.generics if g not in ev.labels]
        if missing:
            return f"The store has no FDA label for {', '.join(missing)}."
        return "The label has no section on this point."
    if tier == "guidelines":
        return f"No guideline recommendation in the store addresses {subject}."
    return f"No research record in the store addresses {subject}."


def compose(q: Question, ev: Evidence, settings: Settings, audience: Audience) -> Answer:
    reg = CitationRegistry()
    limit = settings.retrieval.max_sentences_per_tier
    label_spans: dict[str, list[Span]] = {}
    per_drug = max(2, limit // max(1, len(ev.labels))) if q.intent == "comparison" else limit
    for generic, label in ev.labels.items():
        spans = select_label_spans(label, q, per_drug)
        if q.intent == "role_indication" and not q.conditions:
            seen = {(s.passage.id, s.start) for s in spans}
            spans += [s for s in dose_spans(label) if (s.passage.id, s.start) not in seen]
        label_spans[generic] = spans
    g_spans = guideline_spans(ev.guidelines, q, limit=4)
    r_spans = research_spans(ev.research, q, limit=settings.retrieval.max_research_records)

    bottom = build_bottom_line(q, ev, reg, label_spans, g_spans, r_spans)
    sections = [
        Section(tier="guidelines", title=TIER_TITLES["guidelines"],
                sentences=[reg.quote(t.hit.document, t.span) for t in g_spans]),
        Section(tier="label", title=TIER_TITLES["label"],
                sentences=[reg.quote(ev.labels[g], s) for g, spans in label_spans.items()
                           for s in spans]),
        Section(tier="research", title=TIER_TITLES["research"],
                sentences=[reg.quote(t.hit.document, t.span) for t in r_spans]),
    ]
    for section in sections:
        if not section.sentences:
            section.note = _empty_note(section.tier, q, ev)
    missing = [g for g in q.generics if g not in ev.labels]
    if missing and sections[1].sentences:
        sections[1].note = f"The store has no FDA label for {', '.join(missing)}."
    safety = []
    for label in list(ev.labels.values())[:2]:
        safety.extend(safety_items(label, reg, q))
    if q.intent == "stopping_withdrawal":  # abrupt-withdrawal risk leads when stopping is asked
        safety.sort(key=lambda item: 0 if item.kind == "withdrawal" else 1)
    understanding = Understanding(
        drugs=q.generics,
        drug_mentions=[{"generic": d.generic, "text": d.text, "how": d.how} for d in q.drugs],
        conditions=[c.name for c in q.conditions],
        intent=q.intent,
        secondary_intents=q.secondary,
        drug_classes=q.classes,
        populations=q.populations,
    )
    public = audience in ("patient", "caregiver")
    return Answer(
        id="",
        question=q.text,
        audience=audience,
        understanding=understanding,
        bottom_line=bottom,
        sections=sections,
        safety=safety,
        references=reg.references,
        disclaimer=DISCLAIMER_PUBLIC if public else DISCLAIMER_PROFESSIONAL,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        passages=[ScoredPassage(passage_id=p.id, source_id=sid, tier=str(p.tier),
                                section=p.section, score=round(score, 4))
                  for p, sid, score in ev.scored()][:200],
    )
