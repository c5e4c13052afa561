"""Build medbrief's general drug-name list from the ``drug-named-entity-recognition`` package.

    python -m medbrief.understand.build_drug_names [--out src/medbrief/data/lexicon/drug_names.tsv.gz]

The package (Fast Data Science, MIT licence; names from MedlinePlus, the NHS, DrugBank open
vocabulary, MeSH and Wikipedia) ships a dictionary of ~107,000 name variants -> canonical names.
We keep the variants of real medicines and substances: canonical names with a MedlinePlus, NHS or
DrugBank entry, or a MeSH tree number among chemicals and drugs (classes of pharmacological action,
vaccines, preparations, organic and inorganic chemicals, hormones); enzymes, receptors, genes and
organisms are dropped. Common English is dropped too, by word frequency (``wordfreq`` Zipf scale):
a consumer medicine's name when the whole name is a common phrase (Zipf >= 4.3: "alcohol" -> benzyl
alcohol, "gas-x"), any other name when all its words are common (Zipf >= 4.0: "brown rice",
"dog hair", "agent"; "boric acid" stays) or when it joins words with "and" ("spray and solution"); names made only of one- or two-letter words ("a m k") are dropped. Names are
normalised the way the lexicon reads questions (lower-case words,
punctuation dropped). Output: gzip TSV ``variant<TAB>canonical<TAB>consumer`` where ``consumer`` is
1 for names with a MedlinePlus or NHS entry (of those, the canonical names are also matched when
misspelt).

It also writes ``common_words.txt.gz`` beside it: the 25,000 most frequent English words of five
letters or more (wordfreq), which the lexicon never treats as a misspelt drug name ("difference" is
not Differin).

The output is deterministic (sorted, fixed gzip mtime): running this again on the same package
version gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import importlib.util
import io
import pickle
import re
from pathlib import Path
from typing import Any

PACKAGE = "drug-named-entity-recognition"
MODULE = "drug_named_entity_recognition"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "drug_names.tsv.gz"
MESH_KEEP = ("D27.505", "D20.215.894", "D26", "D01", "D02", "D03", "D04", "D05", "D06", "D09",
             "D10")
_WORD = re.compile(r"[a-z][a-z0-9'-]*")
MIN_CHARS = 4
CONSUMER_MAX_ZIPF = 4.3
OTHER_WORD_MAX_ZIPF = 4.0


def normalise(name: str) -> str:
    """The words of a name as the lexicon matches them: 'Abacavir, Lamivudine' -> 'abacavir lamivudine'."""
    return " ".join(w.strip("'-") for w in _WORD.findall(name.lower())).strip()


class _PlainUnpickler(pickle.Unpickler):
    """The dictionary is plain dicts, lists and strings: refuse anything that would run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in the drug dictionary")


def load_package_dictionary() -> dict[str, Any]:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"install the dev extras first: pip install -e '.[dev]' ({PACKAGE})")
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as fh:
        data: dict[str, Any] = _PlainUnpickler(fh).load()
    return data


def _keep(entry: dict[str, Any]) -> tuple[bool, bool]:
    consumer = "medline_plus_id" in entry or "nhs_url" in entry
    if consumer or "drugbank_id" in entry:
        return True, consumer
    trees = entry.get("mesh_tree") or []
    return any(str(t).startswith(MESH_KEEP) for t in trees), False


def _common(name: str, consumer: bool) -> bool:
    from wordfreq import zipf_frequency

    words = name.split()
    if all(len(w) <= 2 for w in words):
        return True
    if not consumer and "and" in words:  # "ears and nose", "spray and solution"
        return True
    if consumer:
        return zipf_frequency(name, "en") >= CONSUMER_MAX_ZIPF
    return all(zipf_frequency(w, "en") >= OTHER_WORD_MAX_ZIPF for w in words)


def build_rows(data: dict[str, Any]) -> list[tuple[str, str, int]]:
    variants: dict[str, list[str]] = data["drug_variant_to_canonical"]
    canon: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    rows: dict[str, tuple[str, int]] = {}
    # canonical names are not always listed among the variants ("estradiol", "formaldehyde")
    pairs = [*((v, t[0]) for v, t in variants.items() if t), *((c, c) for c in canon)]
    for variant, target_name in pairs:
        targets = [target_name]
        keep, consumer = _keep(canon.get(targets[0], {}))
        name, target = normalise(variant), normalise(targets[0])
        if not keep or len(name) < MIN_CHARS or not target or name.isdigit():
            continue
        if _common(name, consumer):
            continue
        if name not in rows or (consumer and not rows[name][1]):
            rows[name] = (target, int(consumer))
    return sorted((name, target, consumer) for name, (target, consumer) in rows.items())


COMMON_WORDS = 25_000


def common_words() -> list[str]:
    from wordfreq import top_n_list

    words = {w for w in top_n_list("en", COMMON_WORDS) if w.isalpha() and len(w) >= 5}
    return sorted(words)


def write_lines(lines: list[str], out: Path) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
    out.write_bytes(buf.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = build_rows(load_package_dictionary())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_lines([f"{n}\t{t}\t{c}" for n, t, c in rows], args.out)
    print(f"wrote {len(rows):,} names ({len({t for _, t, _ in rows}):,} canonical) to {args.out}")
    words = common_words()
    common_out = args.out.parent / "common_words.txt.gz"
    write_lines(words, common_out)
    print(f"wrote {len(words):,} common English words to {common_out}")


if __name__ == "__main__":
    main()
