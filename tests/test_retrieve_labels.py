"""Which label the retriever picks when the store holds several for one drug."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from docs_factory import label
from medbrief import retrieve
from medbrief.models import Document
from medbrief.retrieve import Retriever
from medbrief.settings import Settings
from medbrief.store import open_store
from medbrief.store.index import get_index
from medbrief.store.repository import Store
from medbrief.understand.question import Understander

DESCRIPTION = ("Zorbafen tablets contain 10 mg zorbafen. Inactive ingredients: lactose "
               "monohydrate, magnesium stearate and povidone.")
HOW_SUPPLIED = ("Zorbafen tablets, 10 mg, are white, round and debossed with Z10. Store at 20 to "
                "25 C in a tight container.")
MECHANISM = "Zorbafen is an agonist at the GABA-B receptor."
PHARMACOLOGY = ("Zorbafen is a GABA-B receptor agonist. The elimination half-life of zorbafen is "
                "about 4 hours.")


def variant(source_id: str, *, drugs: list[str] | None = None, published: str = "2020-01-01",
            source_format: str = "openfda-json", extra: dict[str, str] | None = None,
            drop: tuple[str, ...] = ()) -> Document:
    """A zorbafen label with its own id, ingredients, date, format and sections."""
    doc = label("zorbafen", extra=extra)
    passages = [p for p in doc.passages if p.section not in drop]
    for i, p in enumerate(passages):
        p.order = i
    return dataclasses.replace(doc, source_id=source_id, drugs=drugs or ["zorbafen"],
                               published=published, year=int(published[:4]),
                               source_format=source_format, passages=passages,
                               meta={**doc.meta, "set_id": source_id})


def make_store(tmp_path: Path, docs: list[Document], name: str = "s") -> Store:
    store = open_store(tmp_path / f"{name}.sqlite3")
    with store.transaction():
        for doc in docs:
            store.upsert(doc)
    return store


def chosen(store: Store, question: str, generic: str = "zorbafen") -> str:
    settings = Settings()
    retriever = Retriever(store, get_index(store, settings.search_backend), settings)
    q = Understander.from_store(store).understand(question)
    found = retriever.label_for(generic, retrieve.wanted_sections(q))
    assert found is not None
    return found.document.source_id


def test_ingredient_question_picks_the_label_with_a_description(tmp_path: Path) -> None:
    # the newer label has HOW SUPPLIED but no DESCRIPTION, where ingredients are listed
    newer = variant("SETID:newer", published="2023-01-01", extra={"how_supplied": HOW_SUPPLIED})
    older = variant("SETID:older", published="2019-01-01", extra={"description": DESCRIPTION})
    store = make_store(tmp_path, [newer, older])
    assert chosen(store, "what are the inactive ingredients in zorbafen") == "SETID:older"
    assert chosen(store, "what does zorbafen look like") == "SETID:newer"


def test_full_label_beats_a_derived_one_that_files_mechanism_apart(tmp_path: Path) -> None:
    # an old-format label states the mechanism in CLINICAL PHARMACOLOGY: it still answers
    full = variant("SETID:full", extra={"clinical_pharmacology": PHARMACOLOGY,
                                        "description": DESCRIPTION})
    derived = variant("OPENFDA-DERIVED:zorbafen", source_format="openfda-derived",
                      published="2024-01-01", extra={"mechanism": MECHANISM})
    store = make_store(tmp_path, [derived, full])
    assert chosen(store, "how does zorbafen work") == "SETID:full"


def test_the_drug_itself_before_an_ester_of_it(tmp_path: Path) -> None:
    ester = variant("SETID:ester", drugs=["zorbafen lauroxil"], published="2024-01-01")
    salt = variant("SETID:salt", drugs=["zorbafen hydrochloride", "zorbafen"],
                   published="2018-01-01")
    store = make_store(tmp_path, [ester, salt])
    assert chosen(store, "what is zorbafen used for") == "SETID:salt"
    assert retrieve.is_plain("zorbafen hydrochloride", "zorbafen")
    assert not retrieve.is_plain("zorbafen lauroxil", "zorbafen")


def test_fewest_other_ingredients_when_no_single_ingredient_label(tmp_path: Path) -> None:
    three = variant("SETID:three", drugs=["zorbafen", "examplol", "samplazide"],
                    published="2024-01-01")
    two = variant("SETID:two", drugs=["zorbafen", "examplol"], published="2018-01-01")
    store = make_store(tmp_path, [three, two])
    assert chosen(store, "what is zorbafen used for") == "SETID:two"


def test_multiword_generic_single_ingredient_label_first(tmp_path: Path) -> None:
    own = variant("OPENFDA-DERIVED:insulin zorbargine", drugs=["insulin zorbargine"],
                  source_format="openfda-derived")
    combo = variant("SETID:combo", drugs=["insulin zorbargine", "lixizorbatide"],
                    published="2024-01-01", extra={"description": DESCRIPTION})
    store = make_store(tmp_path, [combo, own])
    assert chosen(store, "what is insulin zorbargine used for", "insulin zorbargine") == \
        "OPENFDA-DERIVED:insulin zorbargine"


def test_ties_do_not_depend_on_storage_order(tmp_path: Path) -> None:
    a = variant("SETID:aaa")
    b = variant("SETID:bbb")
    first = make_store(tmp_path, [a, b], "ab")
    second = make_store(tmp_path, [b, a], "ba")
    assert chosen(first, "what is zorbafen used for") == "SETID:aaa"
    assert chosen(second, "what is zorbafen used for") == "SETID:aaa"


def test_sections_as_the_label_files_them() -> None:
    have = {"specific_populations", "clinical_pharmacology"}
    assert retrieve.in_label(("lactation", "clinical_pharmacology"), have) == \
        ("specific_populations", "clinical_pharmacology")
    assert retrieve.in_label(("description", "indications"), {"indications"}) == \
        ("description", "indications")  # no stand-in: kept in place
