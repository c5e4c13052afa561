"""Small hand-written Documents for store, retrieval and composition unit tests."""

from __future__ import annotations

from medbrief.models import Document, Passage, StudyDesign, Tier


def label(drug: str = "examplofen", version: str = "1", indications: str | None = None,
          extra: dict[str, str] | None = None, brand: str = "Exampla") -> Document:
    sections = {
        "indications": indications or (
            f"{drug.title()} tablets are indicated for the relief of spasticity resulting from "
            "multiple sclerosis. The efficacy of "
            f"{drug} in stroke has not been established. {drug.title()} is not indicated for "
            "muscle spasm from rheumatic disorders."),
        "dosage_administration": (
            "Start with 5 mg three times a day and increase gradually every 3 days. The total daily "
            "dose should not exceed a maximum of 80 mg."),
        "warnings_precautions": (
            f"Hallucinations and seizures have occurred after abrupt withdrawal of {drug}. Reduce "
            "the dose slowly when stopping treatment. Use with caution in patients with impaired "
            "renal function."),
        "adverse_reactions": "The most common adverse reaction is drowsiness (10 to 60%) in trials.",
    }
    sections.update(extra or {})
    passages = [Passage(section=s, text=t, order=i) for i, (s, t) in enumerate(sections.items())]
    return Document(
        tier=Tier.LABEL, source_id=f"SETID:{drug}-set", title=f"{brand} ({drug}) tablets",
        source_format="openfda-json", passages=passages, version=version,
        version_rank=f"{int(version):08d}-20200101", issuer="Example Pharma",
        published="2020-01-01", year=2020, drugs=[drug], brand_names=[brand.lower()],
        meta={"set_id": f"{drug}-set", "product_type": "HUMAN PRESCRIPTION DRUG"},
    )


def guideline(gid: str = "1", condition: str = "low back pain") -> Document:
    return Document(
        tier=Tier.GUIDELINE, source_id=f"NGC:{gid}", title=f"Treatment of {condition}",
        source_format="ngc-xml", issuer="Example College of Physicians", year=2017,
        published="2017-04-04", conditions=[condition],
        passages=[
            Passage(section="recommendation", order=0,
                    text=("If drug treatment is desired, clinicians should select nonsteroidal "
                          "anti-inflammatory drugs or skeletal muscle relaxants."),
                    meta={"strength": "strong", "quality": "moderate"}),
            Passage(section="recommendation", order=1,
                    text="Clinicians should not prescribe systemic steroids for this condition.",
                    meta={"strength": "weak", "quality": "low"}),
        ],
    )


def paper(pmid: str, title: str, abstract: str, design: StudyDesign = StudyDesign.RCT,
          year: int = 2015, retracted: bool = False) -> Document:
    return Document(
        tier=Tier.RESEARCH, source_id=f"PMID:{pmid}", title=title, source_format="pubmed-xml",
        issuer="Journal of Examples", year=year, published=str(year), study_design=design,
        retracted=retracted, url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        passages=[Passage(section="title", text=title, order=0),
                  Passage(section="conclusions", text=abstract, order=1)],
    )
