"""Split an NGC "Major Recommendations" field into recommendation statements.

The field is a sequence of blocks (paragraphs, list items, table rows; see :mod:`ngc_html`). Each
block becomes one of:

``recommendation``
    a statement: it carries a label ("Recommendation 1", "R4", "1.2.3", an ``<ol>`` item number),
    a grade, a NICE review tag, or - in summaries without labels or grades (NICE, ACOEM, SIGN) -
    is simply a paragraph or item of the body. A paragraph ending in ":" and the list after it are
    one statement ("Based on risk stratification, consider: - ... - ..."), unless the items carry
    their own grades or the paragraph only announces them ("The following are the recommendations:").
``rationale``
    supporting text after a graded/labelled statement (ACP's evidence paragraphs), or anything under
    a heading such as "Clinical Context", "Rationale", "Action Statement Profile"; meta
    ``parent_label`` / ``parent_index`` point at the statement.
``grading``
    the grade definitions at the end of the field and the preamble announcing them.
``note``
    NGC notes ("Note from the National Guideline Clearinghouse ..."), list lead-ins, clinical
    questions (PICO paragraphs ending in "?"), footnotes and the header row of a statement table.

Tables: when a table's header row names a grade column ("Rating", "Strength of Recommendation",
"Quality of the Evidence", ...) or a "Recommendation" column, each later row is a statement and its
grade is read from those cells (ACR Appropriateness Criteria ratings 1-9 become
``strength`` with ``strength_scale`` and ``appropriateness``). Headings that state a grade
("Class IIa", "Level A recommendations", a "RECOMMENDED" table group row) grade the statements
under them (``strength_basis: heading``). Summaries that state NICE's wording convention get a
strength from the wording ("offer"/"do not offer" strong, "consider" conditional;
``strength_basis: wording``); grades written next to the statement have ``strength_basis: stated``.

Nothing is reworded: a segment's text is its blocks' text joined with newlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from medbrief.models import GUIDELINE_RECOMMENDATION
from medbrief.sources.ngc_grades import (
    Grade,
    column_role,
    find_grade,
    grade_from_column,
    leading_grade,
    nice_wording_strength,
    scheme_hints,
    starts_with_grade,
)
from medbrief.sources.ngc_html import Block

_DEF_HEADING = re.compile(
    r"(?i)^(?:(?:definitions?|abbreviations?(?: used)?|key|grading|rating schemes?|glossary)\s*:?"
    r"|(?:definitions?|explanations?|interpretation|key) (?:of|for|to) (?:the )?(?:grades?|grading|"
    r"levels?|strength|quality|evidence|classes|class|categories|recommendations?|ratings?|"
    r"abbreviations|terms)\b.*"
    r"|(?:evidence (?:levels?|grades?|ratings?)|levels? of evidence|"
    r"(?:strength|grades?|levels?|categor(?:y|ies)|class(?:es)?) of (?:the )?"
    r"(?:recommendations?|evidence)|classification of (?:the )?(?:recommendations?|evidence)"
    r"|(?:recommendation|evidence) (?:grading|grades|categories))(?: and .{0,80})?\s*:?)$"
)
_RATIONALE_HEADING = re.compile(
    r"(?i)\b(rationale|clinical context|remarks?|comments?|discussion|explanation|background|"
    r"introduction|action statement profile|benefits?[-\u2013 ]+harms?|benefit and harm|"
    r"summary of (?:the )?(?:evidence|literature)|evidence summary|supporting evidence|"
    r"literature review|clinical considerations|values and preferences|justification|"
    r"research (?:needs|recommendations|gaps|priorities)|evidence (?:statements?|base|profile)|"
    r"summary of (?:the )?findings|technical remarks|implementation|key evidence)\b"
)
_NOTE_HEADING = re.compile(r"(?i)^(foot ?notes?|notes?|references?|sources?|resources?)\b")
_NOTE = re.compile(
    r"(?i)^(\*|note from\b|notes?\s*[:(]|ngc note|editor'?s note)|"
    r"(are|is) (defined|provided|given|presented|explained|described|listed|summarized|included)"
    r" (at the end|in the|below)|\"major recommendations\" field|denotes the certainty|"
    r"wording used in the recommendations"
)
_AT_END = re.compile(
    r"(?i)\b(defined|provided|given|presented|explained|described|listed|found|included)"
    r" (at the end|in the \"?major recommendations)"
)
_DEFINES = re.compile(r"(?i)(defin|grad|levels? of|strength of|classif|rating)")
_META_LEAD = re.compile(
    r"(?i)(\bfollowing\b.*\b(recommendations?|statements?|key points?|summary)\b|"
    r"\b(recommendations?|statements?)\b.*\b(following|below|are|include)\b.*:$|"
    r"^(the )?(key |main |major )?(recommendations?|statements?)( are| include)?\s*:$|"
    r"\bsummary of (this|the) guideline)"
)
_LABEL = re.compile(
    r"^\s*((?:key |clinical )?(?:action statement|recommendation|statement|guideline|"
    r"practice point|consensus statement|rec\.?)\s+#?\d+[A-Za-z]?(?:[.\-]\d+[A-Za-z]?)*)\b",
    re.I,
)
_LABEL_BARE = re.compile(
    r"^\s*((?:key |consensus |practice |clinical )?(?:recommendation|statement))\s*:", re.I
)
_LABEL_R = re.compile(r"^\s*(R\d+[a-z]?|[A-Z]{1,3}\d+(?:\.\d+)+)\b")
_LABEL_NUM = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,4}[a-z]?)[.:]?\s+(?=\S)")
_GRADE_HEADING = re.compile(
    r"(?i)^((class|level|grade|category)\s+(I{1,3}[ab]?|IV|[A-DU]|[1-4][A-D]?)"
    r"(\s+recommendations?)?|(strong|weak|conditional|moderate)\s+recommendations?|"
    r"recommendations? (graded|rated) [A-D1-4])\s*:?\s*$"
)
_NICE_CONVENTION = re.compile(
    r"(?i)denotes the certainty|'offer' and 'consider'|\"offer\" and \"consider\""
)


@dataclass(slots=True)
class Segment:
    section: str
    texts: list[str]
    meta: dict[str, Any] = field(default_factory=dict)
    grade: Grade = field(default_factory=Grade)
    block: Block | None = None  # the first block (for list/merge decisions)

    @property
    def text(self) -> str:
        return "\n".join(t for t in self.texts if t)


def _label_of(text: str) -> str:
    for rx in (_LABEL, _LABEL_BARE, _LABEL_R, _LABEL_NUM):
        m = rx.match(text)
        if m:
            return m.group(1).strip().rstrip(".")
    return ""


def _heading_text(block: Block) -> str:
    return block.flat.strip(" :")


@dataclass
class _Table:
    header: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    statements: bool = False  # rows are statements (a grade or "Recommendation" column)


@dataclass
class _State:
    hints: dict[str, str]
    nice: bool
    segments: list[Segment] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    heading_grade: Grade | None = None
    pending_label: str = ""
    current: Segment | None = None  # the last recommendation
    last: Segment | None = None  # the last segment of any kind
    rec_count: int = 0
    in_definitions: bool = False
    note_zone: bool = False  # under a "Footnotes" / "References" heading
    local_grading: bool = False  # a definitions heading before the statements: until next heading
    tables: dict[int, _Table] = field(default_factory=dict)
    lead_in: Segment | None = None  # a "...:" paragraph whose list may follow
    split_lists: set[int] = field(default_factory=set)
    table_recs: int = 0  # statements read from graded table rows
    labelled_mode: bool = False  # statements carry labels: unlabelled text needs a stated strength


def _graded_lists(blocks: list[Block], graded: list[bool], labelled: list[bool]) -> set[int]:
    keys: set[int] = set()
    for block, g, lab in zip(blocks, graded, labelled, strict=True):
        if block.list_key and (g or lab):
            keys.add(block.list_key)
    return keys


def _rationale_zone(state: _State) -> str:
    """ "near" under a rationale heading, "far" under one further up, "" otherwise."""
    if state.headings and _RATIONALE_HEADING.search(state.headings[-1][1]):
        return "near"
    return "far" if any(_RATIONALE_HEADING.search(t) for _, t in state.headings) else ""


def _heading_meta(state: _State) -> dict[str, Any]:
    if not state.headings:
        return {}
    path = [text for _, text in state.headings]
    return {"heading": path[-1], "heading_path": path}


def segment_recommendations(blocks: list[Block]) -> list[Segment]:
    """Classify and group the blocks of a Major Recommendations field (see the module doc)."""
    preamble = " ".join(b.flat for b in blocks[:6])
    hints = scheme_hints(preamble)
    state = _State(
        hints=hints, nice=bool(_NICE_CONVENTION.search(" ".join(b.flat for b in blocks)))
    )
    grades = [find_grade(b.flat, b.bold, hints) if not b.heading_level else Grade() for b in blocks]
    labels = [_label_of(b.flat) if not b.heading_level else "" for b in blocks]
    graded = [bool(g) for g in grades]
    labelled = [bool(lab) for lab in labels]
    graded_lists = _graded_lists(blocks, graded, labelled)
    body = [i for i, b in enumerate(blocks) if not b.heading_level]
    structured = sum(1 for i in body if graded[i] or labelled[i]) >= 2
    heading_labels = sum(1 for b in blocks if b.heading_level and _label_of(_heading_text(b)))
    state.labelled_mode = sum(labelled) + heading_labels >= 2
    for i, block in enumerate(blocks):
        if block.heading_level:
            _on_heading(state, block, hints)
            continue
        if state.in_definitions or state.local_grading:
            _add_grading(state, block)
            continue
        if block.tag == "tr" and _on_row(state, block):
            continue
        _on_body(state, block, grades[i], labels[i], structured, graded_lists)
    if not state.rec_count:  # e.g. a review-criteria table with no statement column
        for seg in state.segments:
            if seg.section == "note" and seg.block is not None and seg.block.tag == "tr":
                if seg.block.header or seg.meta.get("role"):
                    continue
                state.rec_count += 1
                seg.section = GUIDELINE_RECOMMENDATION
                seg.meta.update({"rec_index": state.rec_count, "label": ""})
    for seg in state.segments:
        if seg.section == GUIDELINE_RECOMMENDATION:
            _finish_rec(seg, state)
    return state.segments


def _on_heading(state: _State, block: Block, hints: dict[str, str]) -> None:
    text = _heading_text(block)
    state.local_grading = False
    state.note_zone = bool(_NOTE_HEADING.match(text))
    if _DEF_HEADING.match(text):
        if state.rec_count:
            state.in_definitions = True
        else:
            state.local_grading = True
        state.headings = [(block.heading_level, text)]
    if state.in_definitions or state.local_grading:
        _add_grading(state, block)
        return
    state.lead_in = None
    if _GRADE_HEADING.match(text):
        grade = find_grade(text, [text], hints)
        if grade:
            grade.grade_text = text
            state.heading_grade = grade
            return
    state.heading_grade = None
    level = block.heading_level
    while state.headings and state.headings[-1][0] >= level:
        state.headings.pop()
    state.headings.append((level, text))
    if re.search(r"(?i)recommendations|conclusions", text):
        grade = find_grade(text, [], hints)  # "... based on good evidence (Level A)"
        if grade.strength:
            state.heading_grade = grade
    label = _label_of(text)
    if label:
        state.pending_label = label


def _add_grading(state: _State, block: Block) -> None:
    last = state.last
    if last is not None and last.section == "grading" and len(last.text) < 2000:
        last.texts.append(block.text)
        return
    seg = Segment("grading", [block.text], _heading_meta(state), block=block)
    state.segments.append(seg)
    state.last = seg


def _new_rec(state: _State, block: Block, grade: Grade, label: str) -> Segment:
    state.rec_count += 1
    meta: dict[str, Any] = {"rec_index": state.rec_count}
    if state.pending_label and not label:
        label = state.pending_label
    state.pending_label = ""
    if not label and block.number is not None and block.depth == 1:
        label = str(block.number)
    meta["label"] = label
    meta.update(_heading_meta(state))
    g = Grade()
    g.merge(grade)
    if not g.strength and state.heading_grade is not None and state.heading_grade.strength:
        g.merge(state.heading_grade)
        meta["strength_basis"] = "heading"
    seg = Segment(GUIDELINE_RECOMMENDATION, [block.text], meta, g, block)
    state.segments.append(seg)
    state.current = seg
    state.last = seg
    return seg


def _attach(state: _State, block: Block, section: str) -> Segment:
    meta = dict(_heading_meta(state))
    if state.current is not None:
        meta["parent_label"] = state.current.meta.get("label", "")
        meta["parent_index"] = state.current.meta.get("rec_index")
    seg = Segment(section, [block.text], meta, block=block)
    state.segments.append(seg)
    state.last = seg
    return seg


def _continues_current(state: _State, block: Block) -> bool:
    """A nested list item or the text after a nested list, inside the current statement's item."""
    cur = state.current
    if cur is None or cur.block is None or state.last is not cur:
        return False
    first = cur.block
    if first.li_key and block.li_key == first.li_key:
        return True
    return bool(first.li_key) and block.depth > first.depth and block.tag == "li"


def _on_body(
    state: _State,
    block: Block,
    grade: Grade,
    label: str,
    structured: bool,
    graded_lists: set[int],
) -> None:
    text = block.flat
    cur = state.current
    # 1. notes and the preamble announcing the grade definitions
    if not label and (_AT_END.search(text) or (_NOTE.search(text) and not grade.strength)):
        section = "grading" if "defin" in text.lower() and _DEFINES.search(text) else "note"
        _attach(state, block, section)
        state.lead_in = None
        return
    # 2. a block that only states the grade of the statement before it
    if cur is not None and state.last is cur and not label and starts_with_grade(text, state.hints):
        cur.texts.append(block.text)
        cur.grade.merge(grade if grade else leading_grade(text, state.hints))
        return
    # 3. nested items / trailing text of the current statement's list item
    own = bool(grade) or bool(label)
    if cur is not None and not own and _continues_current(state, block):
        cur.texts.append(block.text)
        return
    # 4. the list after a "...:" paragraph
    lead = state.lead_in
    if lead is not None and block.tag == "li" and block.depth >= 1:
        split = block.list_key in state.split_lists or block.list_key in graded_lists
        if split or lead.meta.get("meta_lead"):
            if block.list_key not in state.split_lists and lead is state.current and not lead.grade:
                lead.section = "note"  # "In patients with X:" before graded items
                lead.meta["role"] = "lead-in"
                _undo_rec(state, lead)
            state.split_lists.add(block.list_key)
            _new_rec(state, block, grade, label).meta["lead_in"] = lead.text
            return
        if lead is state.current and (state.last is lead or _in_lead_list(state, block)):
            lead.texts.append(block.text)
            lead.grade.merge(grade)
            lead.meta.setdefault("list_keys", set()).add(block.list_key)
            state.last = lead
            return
    if block.tag != "li" or block.depth == 0:
        state.lead_in = None
    # 5. statement, rationale or note
    seg = _classify(state, block, grade, label, structured, graded_lists)
    if block.tag == "p" and seg is not None and (text.endswith(":") or text[-1:].isalnum()):
        if _META_LEAD.search(text) and not grade:
            seg.section = "note"
            seg.meta["meta_lead"] = True
            _undo_rec(state, seg)
        state.lead_in = seg


def _in_lead_list(state: _State, block: Block) -> bool:
    lead = state.lead_in
    return lead is not None and block.list_key in lead.meta.get("list_keys", set())


def _undo_rec(state: _State, seg: Segment) -> None:
    if state.current is seg:
        state.rec_count -= 1
        for key in ("rec_index", "label"):
            seg.meta.pop(key, None)
        state.current = None
        for prev in reversed(state.segments):
            if prev is not seg and prev.section == GUIDELINE_RECOMMENDATION:
                state.current = prev
                break


def _classify(
    state: _State,
    block: Block,
    grade: Grade,
    label: str,
    structured: bool,
    graded_lists: set[int],
) -> Segment | None:
    if state.note_zone:
        return _attach(state, block, "note")
    zone = _rationale_zone(state)
    if zone and not state.pending_label and not label and (zone == "near" or not grade.strength):
        return _attach(state, block, "rationale")
    if block.flat.endswith("?") and not grade and len(block.flat) < 600:
        return _attach(state, block, "note")  # a clinical question (PICO), not a statement
    if state.pending_label or label or grade.nice_tag:
        return _new_rec(state, block, grade, label)
    if grade and (grade.strength or not state.labelled_mode or state.current is None):
        return _new_rec(state, block, grade, label)
    if block.tag == "tr":
        return _attach(state, block, "rationale" if state.current else "note")
    if state.heading_grade is not None and state.heading_grade.strength:
        return _new_rec(state, block, grade, label)
    if structured or state.table_recs:
        if block.list_key and block.list_key in graded_lists:
            return _new_rec(state, block, grade, label)
        if state.current is not None:
            return _attach(state, block, "rationale")
    return _new_rec(state, block, grade, label)


def _finish_rec(seg: Segment, state: _State) -> None:
    seg.meta.pop("list_keys", None)
    seg.meta.pop("meta_lead", None)
    meta = seg.grade.to_meta(state.hints)
    if meta.get("strength") and "strength_basis" not in seg.meta:
        seg.meta["strength_basis"] = "stated"
    if not seg.grade.strength and state.nice:
        strength, direction = nice_wording_strength(seg.text)
        if strength:
            meta["strength"] = strength
            meta["strength_class"] = "strong" if strength in ("strong", "must") else "weak"
            if direction:
                meta["direction"] = direction
            seg.meta["strength_basis"] = "wording"
    seg.meta.update(meta)


_GROUP_GRADE = re.compile(
    r"(?i)^(not recommended|recommended|not routinely recommended|insufficient data)$"
)


def _on_row(state: _State, block: Block) -> bool:
    """Table rows: headers set the column roles; rows of a statement table are statements."""
    table = state.tables.setdefault(block.table_key, _Table())
    cells = block.cells
    if len(cells) <= 1:
        if table.header and _GROUP_GRADE.match(block.flat.strip(" *:")):
            g = Grade()
            g.add_strength(block.flat.strip(" *:").lower())
            g.grade_text = block.flat.strip(" *:")
            state.heading_grade = g
            return True
        return False
    if not table.header and (block.header or not state.tables.get(-block.table_key)):
        state.tables[-block.table_key] = _Table()  # mark: first multi-cell row seen
        table.header = cells
        table.roles = [column_role(h) for h in cells]
        table.statements = any(table.roles) or any(
            re.search(r"(?i)\brecommendations?\b|\bstatements?\b", h) for h in cells
        )
        if table.statements:
            _attach(state, block, "note").meta["role"] = "table header"
            return True
        return False
    if not table.statements:
        return False
    grade = Grade()
    for header, role, value in zip(table.header, table.roles, cells, strict=False):
        if role:
            grade.merge(grade_from_column(header, value, state.hints))
    seg = _new_rec(state, block, grade, "")
    seg.meta["table_header"] = " | ".join(table.header)
    state.table_recs += 1
    return True
