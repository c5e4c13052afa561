"""The bm25s search backend: same matches and scores as fts5, exact filters, never stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from docs_factory import guideline, label, paper
from medbrief.models import Document, Passage, Tier
from medbrief.store import Store, open_store
from medbrief.store.index import INDEXES, Fts5Index, Hit, get_index
from medbrief.store.index_bm25s import Bm25sIndex, FtsTokenizer, fts_tokenizer_spec

EXTRA_TEXTS = [
    "Skeletal muscle relaxants relax the muscles; relaxation is not the same as relaxing.",
    "Café au lait spots and naïve patients: diacritics are folded by the tokenizer.",
    "A 1\u2011year follow-up (non\u2011breaking hyphen) and 200\u2013800 mg doses \u2013 ranges.",
    "Pain pain pain: repeated terms raise the term frequency of pain in this passage.",
    "Baclofen for spasticity; tizanidine for spasticity; dantrolene rarely for spasticity.",
    "Ibuprofen and naproxen are NSAIDs used for low back pain and inflammation.",
    "Hashimoto's thyroiditis is treated with levothyroxine replacement.",
    "Metformin-associated lactic acidosis is rare; renal function should be checked.",
]

QUERIES = [
    "baclofen", "spasticity", "relaxant", "relaxants relaxing", "pain", "back pain",
    "muscle relaxants back pain", "cafe", "naive", "year", "hyphen breaking", "800 mg",
    "hashimoto levothyroxine", "metformin lactic acidosis renal", "examplofen withdrawal seizures",
    "drowsiness", "steroids", "nonexistentword", "nonexistentword baclofen",
    "pain pains painful", "treatment of low back pain in adults",
]


def _fill(store: Store) -> None:
    with store.transaction():
        store.upsert(label())
        store.upsert(label("baclofen", brand="Lioresal"))
        store.upsert(guideline())
        store.upsert(guideline("2", condition="multiple sclerosis"))
        store.upsert(paper("11", "Baclofen in spasticity", "Baclofen reduced spasticity."))
        store.upsert(paper("12", "Back pain review", "Muscle relaxants help acute back pain."))
        for i, text in enumerate(EXTRA_TEXTS):
            store.upsert(Document(
                tier=Tier.RESEARCH, source_id=f"PMID:{100 + i}", title=f"Extra {i}",
                source_format="test",
                passages=[Passage("title", f"Extra record {i}", 0),
                          Passage("abstract", text, 1)]))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = open_store(tmp_path / "s.sqlite3")
    _fill(s)
    return s


def _as_dict(hits: list[Hit]) -> dict[int, float]:
    return {h.passage_id: h.score for h in hits}


def test_registered_and_built_by_name(store: Store) -> None:
    assert "bm25s" in INDEXES and "fts5" in INDEXES
    index = get_index(store, "bm25s")
    assert isinstance(index, Bm25sIndex) and index.name == "bm25s"


def test_tokenizer_is_the_stores_fts5_tokenizer(store: Store) -> None:
    spec = fts_tokenizer_spec(store.conn)
    assert spec == "porter unicode61 remove_diacritics 2"
    tok = FtsTokenizer(spec)
    assert tok.tokenize_many(["Relaxants", "café", "1\u2011year", "\u2013", "x"]) == [
        ["relax"], ["cafe"], ["1", "year"], [], ["x"]]


@pytest.mark.parametrize("require_all", [False, True])
def test_same_matches_and_scores_as_fts5(store: Store, require_all: bool) -> None:
    fts, bm = Fts5Index(store), Bm25sIndex(store)
    for query in QUERIES:
        expected = _as_dict(fts.search(query, limit=10_000, require_all=require_all))
        got = _as_dict(bm.search(query, limit=10_000, require_all=require_all))
        assert set(got) == set(expected), query
        for pid, score in expected.items():
            assert got[pid] == pytest.approx(score, rel=1e-5, abs=1e-6), (query, pid)


def test_ranked_top_k_is_best_first(store: Store) -> None:
    fts, bm = Fts5Index(store), Bm25sIndex(store)
    for query in QUERIES:
        hits = bm.search(query, limit=3)
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)
        best = sorted(_as_dict(fts.search(query, limit=10_000)).values(), reverse=True)[:3]
        assert scores == pytest.approx(best, rel=1e-5)


@pytest.mark.parametrize("kwargs", [
    {"tier": Tier.LABEL},
    {"tier": Tier.GUIDELINE, "sections": ["recommendation"]},
    {"tier": Tier.RESEARCH, "sections": ["abstract", "conclusions"]},
    {"sections": ["dosage_administration"]},
    {"sections": ["no-such-section"]},
    {"doc_ids": [1, 3]},
    {"doc_ids": [2], "tier": Tier.LABEL, "sections": ["warnings_precautions"]},
    {"doc_ids": [999]},
    {"doc_ids": []},
    {"tier": Tier.RESEARCH, "require_all": True},
])
def test_filters_agree_with_fts5(store: Store, kwargs: dict[str, Any]) -> None:
    fts, bm = Fts5Index(store), Bm25sIndex(store)
    for query in QUERIES:
        expected = fts.search(query, limit=10_000, **kwargs)
        got = bm.search(query, limit=10_000, **kwargs)
        assert set(_as_dict(got)) == set(_as_dict(expected)), (query, kwargs)
        # a selective filter still returns a full page: filters are applied before the limit
        assert len(bm.search(query, limit=2, **kwargs)) == min(2, len(expected))


def test_persisted_then_loaded_without_rebuilding(store: Store) -> None:
    first = Bm25sIndex(store)
    assert first.search("baclofen")
    assert (first.builds, first.loads) == (1, 0)
    assert first.folder is not None
    manifest = json.loads((first.folder / store.snapshot() / "manifest.json").read_text())
    assert manifest["snapshot"] == store.snapshot() and manifest["engine"] == "bm25s"
    second = Bm25sIndex(store)
    assert _as_dict(second.search("baclofen")) == _as_dict(first.search("baclofen"))
    assert (second.builds, second.loads) == (0, 1)


def test_store_change_triggers_rebuild(store: Store) -> None:
    index = Bm25sIndex(store)
    assert index.search("zolmitriptan") == []
    with store.transaction():
        store.upsert(paper("77", "Zolmitriptan for migraine", "Zolmitriptan relieved migraine."))
    hits = index.search("zolmitriptan")  # the same instance notices the new snapshot
    assert len(hits) == 2 and index.builds == 2
    with store.transaction():
        store.delete("PMID:77")
    assert index.search("zolmitriptan") == []
    assert index.folder is not None
    assert [p.name for p in index.folder.iterdir()] == [store.snapshot()]  # old ones cleaned


def test_change_by_another_process_is_seen(tmp_path: Path, store: Store) -> None:
    index = Bm25sIndex(store)
    index.search("baclofen")
    other = open_store(store.path)  # another connection: as if a separate `medbrief ingest`
    with other.transaction():
        other.upsert(paper("78", "Eptinezumab", "Eptinezumab prevents migraine."))
    other.close()
    assert len(index.search("eptinezumab")) == 2


def test_crash_leftovers_and_corrupt_index_are_rebuilt(store: Store) -> None:
    index = Bm25sIndex(store)
    expected = _as_dict(index.search("spasticity"))
    folder = index.folder
    assert folder is not None
    current = folder / store.snapshot()
    # a build killed before its rename leaves only a temporary folder: ignored
    shutil.copytree(current, folder / f"{store.snapshot()}.tmp-1-1")
    # a truncated array in the current index: detected, rebuilt
    (current / "doc_ids.npy").write_bytes(b"\x93NUMPY garbage")
    fresh = Bm25sIndex(store)
    assert _as_dict(fresh.search("spasticity")) == expected
    assert fresh.builds == 1
    # ... and the rebuilt index replaced the corrupt one on disk
    reloaded = Bm25sIndex(store)
    assert _as_dict(reloaded.search("spasticity")) == expected
    assert (reloaded.builds, reloaded.loads) == (0, 1)
    # a manifest missing (crash before it was written): rebuilt too
    (folder / store.snapshot() / "manifest.json").unlink()
    again = Bm25sIndex(store)
    assert _as_dict(again.search("spasticity")) == expected and again.builds == 1


def test_same_snapshot_different_store_is_not_trusted(tmp_path: Path) -> None:
    """A store deleted and re-ingested in another order has the same snapshot, other passage ids."""
    path = tmp_path / "s.sqlite3"
    docs = [paper("1", "Alpha", "Baclofen alpha text."), paper("2", "Beta", "Tizanidine beta.")]
    first = open_store(path)
    with first.transaction():
        for d in docs:
            first.upsert(d)
    snapshot = first.snapshot()
    Bm25sIndex(first).search("baclofen")
    first.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    second = open_store(path)
    with second.transaction():
        for d in reversed(docs):
            second.upsert(d)
    assert second.snapshot() == snapshot
    index = Bm25sIndex(second)
    got, expected = index.search("baclofen"), Fts5Index(second).search("baclofen")
    assert [h.passage_id for h in got] == [h.passage_id for h in expected]
    assert index.builds == 1 and index.loads == 0


@pytest.mark.parametrize("text", [
    'baclofen" OR "x', "NEAR(baclofen pain)", "*", "(((", "a" * 5000, " ".join(["pain"] * 400),
    "col:baclofen", "\"unterminated", "", "   ",
])
def test_query_text_never_breaks_search(store: Store, text: str) -> None:
    Bm25sIndex(store).search(text)
    Bm25sIndex(store).search(text, require_all=True, tier=Tier.LABEL)


def test_empty_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "empty.sqlite3")
    index = Bm25sIndex(store)
    assert index.search("baclofen") == []
    index.rebuild()
    assert index.search("baclofen", require_all=True) == []


def test_engine_answers_the_same_with_either_backend(tmp_path: Path) -> None:
    from medbrief.compose.answerer import Engine
    from medbrief.demo import demo_pack_path
    from medbrief.ingest import ingest_paths
    from medbrief.settings import Settings

    store = open_store(tmp_path / "demo.sqlite3")
    ingest_paths(store, [demo_pack_path()])
    question = "What is the role of baclofen in managing back pain?"
    answers = [Engine(store, Settings(home=tmp_path, search_backend=name)).ask(question)
               for name in ("fts5", "bm25s")]
    keep = {"bottom_line", "sections", "safety", "references"}
    assert answers[0].model_dump(include=keep) == answers[1].model_dump(include=keep)
