"""Readable tables for ``medbrief eval``: the same figures as ``--json``, laid out for people."""

from __future__ import annotations

from typing import Any


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _row(label: str, value: str, count: str = "", note: str = "") -> str:
    return f"  {label:<44} {value:>8}  {count:>11}  {note}".rstrip()


def medicationqa_table(s: dict[str, Any]) -> str:
    f, i, le, cov = s["focus"], s["intent"], s["label_evidence"], s["coverage"]
    pub, tgt = s["published"], s["targets"]
    out = [f"MedicationQA — {s['file']} ({s['rows']} rows)", ""]
    out.append(_row("measure", "value", "n / of", "published | target"))
    out.append(_row("focus drug found, exact", pct(f["exact_share"]),
                    f"{f['exact']} / {f['named_focus_rows']}",
                    f"{pct(pub['focus_exact'])} | ≥{pct(tgt['focus_exact'])}"))
    out.append(_row("focus drug found, partial", pct(f["partial_share"]),
                    f"{f['partial']} / {f['named_focus_rows']}", pct(pub["focus_partial"])))
    out.append(f"    (not scored: {f['no_focus_rows']} without a focus, {f['descriptive_focus_rows']} "
               f"with a descriptive focus such as \"drugs that ...\"; foci unknown to the "
               f"lexicon: {f['focus_not_in_lexicon']})")
    out.append(_row("question type -> intent accuracy", pct(i["accuracy"]),
                    f"{i['correct']} / {i['mapped_rows']}",
                    f"{pct(pub['question_type_accuracy'])} | ≥{pct(tgt['intent_accuracy'])}"))
    unmapped = ", ".join(f"{k} {v}" for k, v in i["unmapped_types"].items()) or "none"
    out.append(f"    (unmapped: {i['unmapped_rows']} rows — {unmapped})")
    if i["unknown_types"]:
        out.append(f"    (types not in the mapping: {', '.join(i['unknown_types'])})")
    out.append(_row("DailyMed rows whose drug has a label", "", f"{le['answerable_rows']} / "
                    f"{le['dailymed_rows']}"))
    out.append(_row("  cite the right drug's label", pct(le["right_label_share"]),
                    f"{le['right_label']} / {le['answerable_rows']}"))
    out.append(_row("  cite the reference's label section", pct(le["right_section_share"]),
                    f"{le['right_section']} / {le['answerable_rows']}",
                    f"| ≥{pct(tgt['right_section'])}"))
    out.append(_row("    when the label medbrief picks has that section",
                    pct(le["right_section_when_in_chosen_label_share"]),
                    f"{le['right_section_when_in_chosen_label']} / "
                    f"{le['section_in_chosen_label']}"))
    for reason, n in le["not_answerable"].items():
        out.append(f"    not scored: {n} — {reason}")
    out.append("")
    for name, title in (("all_rows", "answer overlap, all rows with a reference answer"),
                        ("dailymed_answerable_rows", "answer overlap, scored DailyMed rows")):
        o = s["overlap"][name]
        out.append(f"  {title} ({o['rows']}):    ROUGE-L recall   token F1")
        for key, label in (("answer", "medbrief answer (all sentences)"),
                           ("bottom_line", "medbrief bottom line"),
                           ("baseline", "baseline: " + s["overlap"]["baseline"])):
            out.append(f"    {label:<62} {o[key]['rouge_l_recall']:>6.3f}   "
                       f"{o[key]['token_f1']:>6.3f}")
    out.append("")
    out.append(_row("coverage: answered", pct(cov["answered_share"]),
                    f"{cov['answered']} / {s['rows']}",
                    f"{cov['answered_from_label']} cite a label"))
    for reason, n in cov["reasons"].items():
        out.append(f"    not answered: {n} — {reason}")
    out.append(f"    rows whose focus drug has a label in the store: {cov['focus_label_in_store']}")
    out.append("")
    out.append("  intent by question type (rows, right, expected -> predicted):")
    for name, t in i["by_type"].items():
        expected = "/".join(t["expected"]) if t["expected"] else "unmapped"
        predicted = ", ".join(f"{k} {v}" for k, v in t["predicted"].items())
        out.append(f"    {name:<26} {t['rows']:>3} {t['correct']:>3}  {expected} -> {predicted}")
    return "\n".join(out)


def medicationqa_errors(rows: list[dict[str, Any]]) -> str:
    out = [f"\n{len(rows)} worst misses:"]
    for r in rows:
        out.append(f"\n  row {r['row']} [{', '.join(r['failed'])}] {r['question']!r}")
        out.append(f"    focus {r['focus']!r} -> {r['focus_drugs'] or '-'}; detected "
                   f"{r['detected'] or '-'}")
        expected = "/".join(r["expected_intents"]) if r["expected_intents"] else "unmapped"
        out.append(f"    type {r['question_type']} (expects {expected}); intent {r['intent']}")
        if r["dailymed"]:
            out.append(f"    reference section {r['reference_sections'] or '-'}; cited "
                       f"{r['cited_sections'] or '-'}")
        if r["reason"]:
            out.append(f"    not answered: {r['reason']}")
        if r["overlap"]:
            o = r["overlap"]
            out.append(f"    ROUGE-L recall answer {o['answer']['rouge_l_recall']:.2f}, "
                       f"baseline {o['baseline']['rouge_l_recall']:.2f}")
    return "\n".join(out)


def pubmedqa_table(s: dict[str, Any]) -> str:
    out = [f"PubMedQA — {s['file']} ({s['items']} questions; model {s['model']['name']})", ""]
    overlap = s["overlap_with_training"]
    medbrief_label = "medbrief stance (QUESTION + CONTEXTS)"
    if overlap:
        medbrief_label = ("medbrief stance, RESUBSTITUTION (trained on these)"
                          if overlap == s["items"] else
                          f"medbrief stance ({overlap} of these were trained on)")
    out.append(f"  {'system':<52} {'accuracy':>9} {'macro-F1':>9}")
    rows: list[tuple[str, dict[str, Any] | None]] = [(medbrief_label, s["systems"]["medbrief"])]
    cv = s["model"].get("cross_validation") or {}
    if overlap and cv:
        rows.append((f"medbrief stance, {cv['folds']}-fold cross-validated (seed {cv['seed']})",
                     cv))
    rows += [("baseline: always \"yes\"", s["systems"]["always_yes"]),
             ("one human annotator (from the file)", s["systems"].get("annotator"))]
    for label, m in rows:
        if m is not None:
            out.append(f"  {label:<52} {pct(m['accuracy']):>9} {pct(m['macro_f1']):>9}")
    if overlap:
        out.append(f"  NOTE: {overlap} of these {s['items']} questions are in the model's training "
                   "file; on them the model is scored on what it learnt from, which is not a "
                   "real measure. The cross-validated row is: every question predicted by a "
                   "model that never saw it.")
    p = s["published"]
    out.append(f"  published: always-yes {pct(p['always_yes'])}, single human "
               f"{pct(p['single_human'])}, best systems ≈{pct(p['best_published'])}; target "
               f">{pct(s['target_accuracy'])}")
    out.append("")
    per_class = (cv.get("per_class") if overlap and cv else None) or \
        s["systems"]["medbrief"]["per_class"]
    which = "cross-validated" if overlap and cv else "medbrief"
    out.append(f"  per class ({which}):")
    out.append(f"  {'class':<8} {'gold':>5} {'predicted':>10} {'correct':>8} {'precision':>10} "
               f"{'recall':>7} {'F1':>6}")
    for label, c in per_class.items():
        out.append(f"  {label:<8} {c['gold']:>5} {c['predicted']:>10} {c['correct']:>8} "
                   f"{pct(c['precision']):>10} {pct(c['recall']):>7} {pct(c['f1']):>6}")
    return "\n".join(out)


def pubmedqa_errors(rows: list[dict[str, Any]]) -> str:
    out = [f"\n{len(rows)} worst misses (most confident wrong answers first):"]
    for r in rows:
        probs = ", ".join(f"{k} {v:.2f}" for k, v in r["probabilities"].items())
        out.append(f"\n  PMID {r['pmid']}: gold {r['gold']}, predicted {r['predicted']} ({probs})")
        out.append(f"    {r['question']}")
    return "\n".join(out)
