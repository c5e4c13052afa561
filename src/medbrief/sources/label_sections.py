"""Map every label format's section names onto the canonical LABEL_SECTIONS set."""

from __future__ import annotations

# openFDA /drug/label field name -> canonical section. Fields not listed (spl_product_data_elements,
# package_label_principal_display_panel, *_table duplicates, ...) are not evidence text and are skipped.
OPENFDA_FIELDS: dict[str, str] = {
    "boxed_warning": "boxed_warning",
    "indications_and_usage": "indications",
    "dosage_and_administration": "dosage_administration",
    "dosage_forms_and_strengths": "dosage_forms",
    "contraindications": "contraindications",
    "warnings_and_cautions": "warnings_precautions",
    "warnings": "warnings_precautions",
    "precautions": "warnings_precautions",
    "general_precautions": "warnings_precautions",
    "adverse_reactions": "adverse_reactions",
    "drug_interactions": "drug_interactions",
    "drug_and_or_laboratory_test_interactions": "drug_interactions",
    "use_in_specific_populations": "specific_populations",
    "pregnancy": "pregnancy",
    "teratogenic_effects": "pregnancy",
    "nonteratogenic_effects": "pregnancy",
    "labor_and_delivery": "pregnancy",
    "pregnancy_or_breast_feeding": "pregnancy",
    "nursing_mothers": "lactation",
    "lactation": "lactation",
    "pediatric_use": "pediatric",
    "geriatric_use": "geriatric",
    "renal_impairment": "renal",
    "hepatic_impairment": "hepatic",
    "drug_abuse_and_dependence": "abuse_dependence",
    "abuse": "abuse_dependence",
    "dependence": "abuse_dependence",
    "controlled_substance": "abuse_dependence",
    "overdosage": "overdosage",
    "description": "description",
    "mechanism_of_action": "mechanism",
    "clinical_pharmacology": "clinical_pharmacology",
    "pharmacodynamics": "clinical_pharmacology",
    "pharmacokinetics": "clinical_pharmacology",
    "clinical_studies": "clinical_studies",
    "information_for_patients": "patient_counseling",
    "spl_patient_package_insert": "patient_counseling",
    "spl_medguide": "patient_counseling",
    "how_supplied": "how_supplied",
    "storage_and_handling": "how_supplied",
    # OTC "Drug Facts" fields
    "purpose": "indications",
    "uses": "indications",
    "do_not_use": "contraindications",
    "stop_use": "warnings_precautions",
    "ask_doctor": "warnings_precautions",
    "ask_doctor_or_pharmacist": "drug_interactions",
    "when_using": "warnings_precautions",
    "keep_out_of_reach_of_children": "warnings_precautions",
    "active_ingredient": "description",
    # Further real openFDA fields (seen in the PharmGKB openFDA responses and the bulk files).
    "inactive_ingredient": "description",
    "microbiology": "clinical_pharmacology",  # 12.4 Microbiology
    "pharmacogenomics": "clinical_pharmacology",  # 12.5 Pharmacogenomics
    "laboratory_tests": "warnings_precautions",  # old-format PRECAUTIONS subsection
    "patient_medication_information": "patient_counseling",
    "instructions_for_use": "patient_counseling",
}

# SPL section LOINC code -> canonical section (codes from the FDA SPL section-heading list).
LOINC_SECTIONS: dict[str, str] = {
    "34066-1": "boxed_warning",
    "34067-9": "indications",
    "34068-7": "dosage_administration",
    "43678-2": "dosage_forms",
    "34070-3": "contraindications",
    "43685-7": "warnings_precautions",
    "34071-1": "warnings_precautions",
    "42232-9": "warnings_precautions",
    "34072-9": "warnings_precautions",
    "34084-4": "adverse_reactions",
    "34073-7": "drug_interactions",
    "34074-5": "drug_interactions",
    "43684-0": "specific_populations",
    "42228-7": "pregnancy",
    "34077-8": "pregnancy",
    "34078-6": "pregnancy",
    "34079-4": "pregnancy",
    "77290-5": "lactation",
    "34080-2": "lactation",
    "34081-0": "pediatric",
    "34082-8": "geriatric",
    # 88828-9 / 88829-7 are the FDA "Renal/Hepatic Impairment subsection" codes (the earlier
    # 88829-0 / 88830-8 fail the LOINC check digit; 88830-5 is "Immunogenicity").
    "88828-9": "renal",
    "88829-7": "hepatic",
    "77291-3": "specific_populations",  # females & males of reproductive potential
    "42227-9": "abuse_dependence",
    "34085-1": "abuse_dependence",
    "34086-9": "abuse_dependence",
    "34087-7": "abuse_dependence",
    "34088-5": "overdosage",
    "34089-3": "description",
    "43679-0": "mechanism",
    "34090-1": "clinical_pharmacology",
    "43681-6": "clinical_pharmacology",
    "43682-4": "clinical_pharmacology",
    "34092-7": "clinical_studies",
    "34076-0": "patient_counseling",
    "88436-1": "patient_counseling",
    "42230-3": "patient_counseling",
    "42231-1": "patient_counseling",
    "34069-5": "how_supplied",
    "44425-7": "how_supplied",
    "88437-9": "how_supplied",  # how supplied and storage and handling
    # more FDA SPL section codes (checked against the SPL section LOINC value set)
    "34075-2": "warnings_precautions",  # laboratory tests
    "60561-8": "warnings_precautions",  # other safety information
    "90374-0": "adverse_reactions",  # clinical trials experience
    "90375-7": "adverse_reactions",  # postmarketing experience
    "49489-8": "clinical_pharmacology",  # microbiology
    "66106-6": "clinical_pharmacology",  # pharmacogenomics
    "88830-5": "clinical_pharmacology",  # immunogenicity
    "68498-5": "patient_counseling",  # patient medication information
    "59845-8": "patient_counseling",  # instructions for use
    "38056-8": "patient_counseling",  # supplemental patient material
    # OTC Drug Facts
    "55106-9": "description",
    "55105-1": "indications",
    "34067-9 ": "indications",
    "50570-1": "contraindications",
    "50569-3": "warnings_precautions",
    "50566-9": "warnings_precautions",
    "50567-7": "warnings_precautions",
    "50568-5": "drug_interactions",
    "50565-1": "warnings_precautions",  # keep out of reach of children
    "53414-9": "pregnancy",  # OTC pregnancy or breast feeding
    "51727-6": "description",  # inactive ingredient
}
LOINC_SECTIONS.pop("34067-9 ")

# Loose heading text -> canonical section, for formats that only carry a title.
_TITLE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("boxed warning", "boxed_warning"),
    ("overdos", "overdosage"),
    ("contraindication", "contraindications"),  # before "indications", which it contains
    ("indications", "indications"),
    ("dosage forms", "dosage_forms"),
    ("dosage", "dosage_administration"),
    ("warnings", "warnings_precautions"),
    ("precautions", "warnings_precautions"),
    ("adverse", "adverse_reactions"),
    ("side effect", "adverse_reactions"),
    ("interaction", "drug_interactions"),
    ("specific populations", "specific_populations"),
    ("pregnan", "pregnancy"),
    ("lactation", "lactation"),
    ("nursing", "lactation"),
    ("pediatric", "pediatric"),
    ("geriatric", "geriatric"),
    ("renal", "renal"),
    ("hepatic", "hepatic"),
    ("abuse", "abuse_dependence"),
    ("dependence", "abuse_dependence"),
    ("description", "description"),
    ("mechanism", "mechanism"),
    ("pharmacolog", "clinical_pharmacology"),
    ("pharmacokinetic", "clinical_pharmacology"),
    ("clinical studies", "clinical_studies"),
    ("counsel", "patient_counseling"),
    ("information for patients", "patient_counseling"),
    ("how supplied", "how_supplied"),
)


def section_from_title(title: str) -> str:
    """Best canonical section for a free-text heading ("8.1 Pregnancy" -> "pregnancy")."""
    low = title.lower()
    for key, section in _TITLE_KEYWORDS:
        if key in low:
            return section
    return "other"
