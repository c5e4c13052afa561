"""How MedicationQA's annotations translate into medbrief's terms.

``TYPE_INTENTS`` maps every one of the 37 MedicationQA question types (Ben Abacha et al., MedInfo
2019) to the medbrief intents that answer it (any one of them counts as right); ``None`` marks a type
medbrief has no intent for — those rows are reported as unmapped and left out of intent accuracy.
docs/eval-mapping.md shows the same table with the reasons (a test keeps the two equal).

``label_sections`` turns a DailyMed section heading as the annotators wrote it ("INDICATIONS &
USAGE", "12.3 Pharmacokinetics", "DOSAGE AND ADMINISTRATION;  WARNINGS AND PRECAUTIONS") into the
canonical label sections the store uses (``medbrief.models.LABEL_SECTIONS``).
"""

from __future__ import annotations

import re

from medbrief.sources.label_sections import section_from_title

TYPE_INTENTS: dict[str, tuple[str, ...] | None] = {
    "Information": ("general", "mechanism", "product"),
    "Dose": ("dose",),
    "Dose/Potency": ("dose",),
    "Dose/time": ("dose", "administration"),
    "Forget a dose": ("administration", "dose"),
    "Usage": ("administration",),
    "Usage/time": ("administration", "dose"),
    "Usage/duration": ("administration", "dose"),
    "Usage/special populations": ("pregnancy_lactation", "renal_hepatic"),
    "Side effects": ("adverse_effects",),
    "Side effects/time": ("adverse_effects",),
    "Time/side effects": ("adverse_effects",),
    "Long term consequences": ("adverse_effects",),
    "Stopping/tapering": ("stopping_withdrawal",),
    "Stopping/side effects": ("stopping_withdrawal",),
    "Indication": ("role_indication",),
    "Action/effectiveness": ("role_indication",),
    "Interaction": ("interactions",),
    "Combination": ("interactions",),
    "Contraindication": ("contraindications",),
    "Overdose": ("overdose",),
    "Comparison": ("comparison",),
    "Action": ("mechanism",),
    "Action/time": ("mechanism",),
    "Time/duration": ("mechanism",),
    "Time/effectiveness": ("mechanism",),
    "Ingredient": ("product",),
    "Appearance": ("product",),
    "Storage and disposal": ("product",),
    "Manufacturer": ("product",),
    "Brand names": ("product",),
    "Availability": ("product",),
    "Alternatives": None,
    "Pronounce name": None,
    "not_drug_question": None,
    "other_drug_question": None,
    "unanswerable": None,
}

# DailyMed headings whose content the store files under other (or several) canonical sections.
_HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The SPL "Ingredients and Appearance" table is generated from product data: in the label
    # text, ingredients are in DESCRIPTION and colour/shape/imprint in HOW SUPPLIED (old format)
    # or DOSAGE FORMS AND STRENGTHS (PLR format).
    ("ingredients and appearance", ("description", "how_supplied", "dosage_forms")),
    # PLR section 12 holds 12.1 Mechanism of Action, which the store files as "mechanism".
    ("mechanism of action", ("mechanism",)),
    ("clinical pharmacology", ("clinical_pharmacology", "mechanism")),
    ("pharmacokinetic", ("clinical_pharmacology",)),
    # Old-format labels have no section 3: strengths are stated under HOW SUPPLIED.
    ("dosage forms", ("dosage_forms", "how_supplied")),
    ("use in specific populations", ("specific_populations", "pregnancy", "lactation",
                                     "pediatric", "geriatric", "renal", "hepatic")),
    ("reconstitution", ("dosage_administration",)),
    ("directions", ("dosage_administration",)),  # OTC Drug Facts
    ("uses", ("indications",)),  # OTC Drug Facts
    ("purpose", ("indications",)),  # OTC Drug Facts
    ("medication guide", ("patient_counseling",)),
    ("patient information", ("patient_counseling",)),
    ("instructions for use", ("patient_counseling",)),
    ("consumer information", ("patient_counseling",)),
    ("storage", ("how_supplied",)),
)
# Headings that name no single part of the label: the row cannot be scored for section.
_UNSCORABLE = re.compile(r"^(na|n/a|none|label|packager:?|search results|highlights of "
                         r"prescribing information)$")


def label_sections(heading: str) -> tuple[str, ...] | None:
    """Canonical sections a DailyMed heading stands for, or None when it names none."""
    out: list[str] = []
    for part in re.split(r"\s*;\s*", heading.strip()):
        low = " ".join(part.lower().rstrip(":").split())
        if not low or _UNSCORABLE.match(low):
            continue
        found: tuple[str, ...] = ()
        for key, sections in _HEADINGS:
            if key in low:
                found = sections
                break
        if not found:
            section = section_from_title(low.replace("&", "and"))
            found = (section,) if section != "other" else ()
        out.extend(s for s in found if s not in out)
    return tuple(out) or None


def is_dailymed(url: str) -> bool:
    return "dailymed.nlm.nih.gov" in url.lower()
