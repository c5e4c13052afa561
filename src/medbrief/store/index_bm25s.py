"""The ``bm25s`` search backend: a derived BM25 index that mirrors the store's FTS5 index.

:class:`Bm25sIndex` is an in-memory BM25 term-by-passage score matrix in bm25s's on-disk format
(CSC arrays + vocabulary), persisted next to the store and stamped with :meth:`Store.snapshot`.
It tokenises with the store's own FTS5 tokenizer (:class:`FtsTokenizer`) and scores with FTS5's
BM25 formula, so it matches the same passages with the same scores as
:class:`~medbrief.store.index.Fts5Index`; only the speed differs (see docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import shutil
import sqlite3
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medbrief.models import Tier
from medbrief.store.index import Hit, query_terms
from medbrief.store.repository import Store

if TYPE_CHECKING:
    import numpy as np

DEFAULT_FTS_TOKENIZE = "unicode61"  # FTS5's own default when a table names no tokenizer
_TOKENIZE_OPTION = re.compile(r"tokenize\s*=\s*(['\"])(.*?)\1", re.S | re.I)
# With the unicode61 / ascii / porter tokenizers (no tokenchars/separators options), every ASCII
# character other than [A-Za-z0-9] separates tokens, so text can be cut there before SQLite sees it.
_FAST_WORDS = re.compile(r"[A-Za-z0-9\x80-\U0010ffff]+")
_ANY_WORDS = re.compile(r"\S+")


def fts_tokenizer_spec(conn: sqlite3.Connection, table: str = "passages_fts") -> str:
    """The ``tokenize=`` option the store's FTS5 table was created with."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    match = _TOKENIZE_OPTION.search(row[0]) if row and row[0] else None
    return " ".join(match.group(2).split()) if match else DEFAULT_FTS_TOKENIZE


class FtsTokenizer:
    """The store's FTS5 tokenizer, run by SQLite itself on a private in-memory table.

    A derived index that splits, folds and stems text exactly like ``passages_fts`` matches exactly
    the passages FTS5 matches; re-implementing unicode61 + Porter in Python would drift on the edge
    cases (diacritics, non-Latin scripts, long tokens). Words are cut out of the text with a regex
    that never splits inside an FTS5 token, and each distinct word is tokenised once and cached by
    the caller.
    """

    def __init__(self, spec: str) -> None:
        if "trigram" in spec.lower():
            raise ValueError(f"the bm25s index cannot mirror the FTS5 tokenizer {spec!r}")
        self.spec = spec
        plain = not any(opt in spec.lower() for opt in ("tokenchars", "separators"))
        self.words: re.Pattern[str] = _FAST_WORDS if plain else _ANY_WORDS
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        quoted = spec.replace("'", "''")
        self._conn.execute(f"CREATE VIRTUAL TABLE tok USING fts5(x, tokenize='{quoted}')")
        self._conn.execute("CREATE VIRTUAL TABLE tokv USING fts5vocab(tok, 'instance')")

    def tokenize_many(self, words: Sequence[str]) -> list[list[str]]:
        """The FTS5 tokens of each word, in order (a word may give zero, one or several)."""
        found: list[list[tuple[int, str]]] = [[] for _ in words]
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                conn.executemany("INSERT INTO tok(rowid, x) VALUES (?, ?)", enumerate(words))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            try:
                for term, doc, offset in conn.execute("SELECT term, doc, offset FROM tokv"):
                    found[doc].append((offset, term))
            finally:
                conn.execute("DELETE FROM tok")
        return [[term for _, term in sorted(toks)] if len(toks) > 1 else [t for _, t in toks]
                for toks in found]

    def close(self) -> None:
        self._conn.close()


_PENDING = 1 << 40


class _WordCoder:
    """Turns passage texts into FTS5 token ids, tokenising each distinct word once.

    ``codes`` maps a word to the id of its single token (>= 0) or to an entry of ``multi`` (< 0)
    for the rare word that is zero or several tokens. An unseen word gets a pending code while a
    chunk is mapped; all of a chunk's new words are then tokenised in one SQLite batch.
    """

    def __init__(self, tokenizer: FtsTokenizer, vocab: dict[str, int]) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.pending: list[str] = []
        self.multi: list[tuple[int, ...]] = []
        pending = self.pending

        class Codes(dict[str, int]):
            def __missing__(self, word: str) -> int:
                code = _PENDING + len(pending)
                pending.append(word)
                self[word] = code
                return code

        self.codes = Codes()

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(token ids, row of each token within ``texts``, token count of each text)."""
        import numpy as np

        findall = self.tokenizer.words.findall
        words = [findall(t) for t in texts]
        n_words = np.fromiter(map(len, words), np.int64, len(words))
        codes = np.fromiter(map(self.codes.__getitem__, chain.from_iterable(words)), np.int64,
                            int(n_words.sum()))
        if self.pending:
            final = np.fromiter((self._assign(w, toks) for w, toks in zip(
                self.pending, self.tokenizer.tokenize_many(self.pending), strict=True)),
                np.int64, len(self.pending))
            self.pending.clear()
            late = codes >= _PENDING
            codes[late] = final[codes[late] - _PENDING]
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), n_words)
        odd = codes < 0
        if not odd.any():
            return codes, rows, n_words
        # expand zero- and multi-token words in place
        sizes = np.fromiter(map(len, self.multi), np.int64, len(self.multi))
        offsets = np.cumsum(sizes) - sizes
        flat = np.fromiter(chain.from_iterable(self.multi), np.int64, int(sizes.sum()))
        counts = np.ones(codes.size, dtype=np.int64)
        counts[odd] = sizes[-codes[odd] - 1]
        out = np.repeat(codes, counts)
        out_rows = np.repeat(rows, counts)
        within = np.arange(out.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        fix = out < 0
        out[fix] = flat[offsets[-out[fix] - 1] + within[fix]]
        lens = np.bincount(rows, weights=counts, minlength=len(texts)).astype(np.int64)
        return out, out_rows, lens

    def _assign(self, word: str, tokens: list[str]) -> int:
        ids = tuple(self.vocab.setdefault(t, len(self.vocab)) for t in tokens)
        if len(ids) == 1:
            code = ids[0]
        else:
            self.multi.append(ids)
            code = -len(self.multi)
        self.codes[word] = code
        return code


@dataclass(slots=True)
class _Bm25State:
    """One loaded bm25s index: the CSC score matrix plus, per passage row, its ids and filters."""

    snapshot: str
    vocab: dict[str, int]
    data: np.ndarray  # float32 BM25 weight of each (term, passage) posting, term-major (CSC)
    indices: np.ndarray  # int32 passage row of each posting, ascending within a term
    indptr: np.ndarray  # int64 [n_terms + 1] posting range of each term
    passage_ids: np.ndarray  # int64 [n] passages.id, ascending
    doc_ids: np.ndarray  # int64 [n]
    tiers: np.ndarray  # int8 [n] code into tier_codes
    sections: np.ndarray  # int32 [n] code into section_codes
    tier_codes: dict[str, int] = field(default_factory=dict)
    section_codes: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.passage_ids.shape[0])


_ROWS_PER_CHUNK = 20_000
_WEIGHT_SLICE = 4_000_000
_PROBES = 64
_FORMAT = 1
_STALE_TMP_SECONDS = 3600.0


class Bm25sIndex:
    """BM25 over passages with the bm25s eager score matrix, derived from and checked against the store.

    * **Same matches and scores as fts5.** Text is tokenised by the store's FTS5 tokenizer (see
      :class:`FtsTokenizer`); weights use FTS5's BM25 (k1 = 1.2, b = 0.75, IDF
      ``log((N - df + 0.5) / (df + 0.5))`` floored at 1e-6, document length = all tokens), so a
      query matches the same passages with the same scores as :class:`Fts5Index` (float32 here).
      bm25s's built-in variants (Lucene, ATIRE ...) score differently, so the matrix is computed
      here with numpy and stored in bm25s's format (``bm25s.BM25.save`` / ``load``).
    * **Filters are exact, not over-fetched.** A query sums the postings of its terms into a dense
      score vector over all passages (OR: any term; ``require_all``: every term), then drops
      candidates by tier, section and document with per-passage code arrays, and only then takes
      the top ``limit``. So the results equal FTS5's ``WHERE ... ORDER BY bm25 LIMIT`` however
      selective the filter is.
    * **Never disagrees with the store.** The index is persisted under
      ``<db dir>/index/bm25s/<db file name>/<snapshot>/`` (written to a temporary folder, fsynced,
      then renamed, so a crash leaves either no index or a complete one) and stamped with
      :meth:`Store.snapshot`, the last passage id, and checksums of 64 sampled passages.
      Every search compares the store's current snapshot with the loaded one; when they differ the
      matching index is loaded from disk or rebuilt from the passages table (a full rebuild).
    """

    name = "bm25s"
    k1 = 1.2
    b = 0.75

    def __init__(self, store: Store, folder: Path | None = None) -> None:
        self.store = store
        self.folder = folder if folder is not None else self.default_folder(store)
        self.tokenizer = FtsTokenizer(fts_tokenizer_spec(store.conn))
        self._state: _Bm25State | None = None
        self._lock = threading.RLock()
        self._query_cache: dict[str, tuple[str, ...]] = {}
        self.builds = 0  # how many times this instance built the index from the store
        self.loads = 0  # how many times it loaded a persisted index
        self.last_build_seconds = 0.0

    @staticmethod
    def default_folder(store: Store) -> Path | None:
        path = Path(store.path)
        if str(path) in ("", ":memory:") or str(path).startswith("file:"):
            return None  # an in-memory store: keep the index in memory only
        return path.parent / "index" / "bm25s" / path.name

    # -- the SearchIndex contract -----------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        tier: Tier | None = None,
        limit: int = 20,
        doc_ids: Sequence[int] | None = None,
        sections: Sequence[str] | None = None,
        require_all: bool = False,
    ) -> list[Hit]:
        import numpy as np

        terms = query_terms(query)
        if not terms or limit <= 0 or (doc_ids is not None and not doc_ids):
            return []
        st = self.current()
        if st.n == 0:
            return []
        weights: dict[int, int] = {}  # term id -> how many query terms stem to it
        for stem in self._stems(terms):
            tid = st.vocab.get(stem)
            if tid is None:
                if require_all:
                    return []  # FTS5: a phrase no passage contains makes an AND query empty
                continue
            weights[tid] = weights.get(tid, 0) + 1
        if not weights:
            return []
        data, indices, indptr = st.data, st.indices, st.indptr
        if len(weights) == 1:
            ((tid, mult),) = weights.items()
            lo, hi = int(indptr[tid]), int(indptr[tid + 1])
            cand = np.asarray(indices[lo:hi], dtype=np.int64)
            scores = np.asarray(data[lo:hi], dtype=np.float32) * mult
            keep = self._filter(st, cand, tier, sections, doc_ids)
            if keep is not None:
                cand, scores = cand[keep], scores[keep]
        else:
            # Dense accumulation over all passages. Every posting weighs > 0 (FTS5's IDF floor is
            # 1e-6), so a passage matches some term exactly when its sum is > 0.
            acc = np.zeros(st.n, dtype=np.float32)
            hits = np.zeros(st.n, dtype=np.uint8) if require_all else None
            for tid, mult in weights.items():
                lo, hi = int(indptr[tid]), int(indptr[tid + 1])
                rows = indices[lo:hi]  # unique within a term: plain fancy-index add is exact
                acc[rows] += data[lo:hi] if mult == 1 else data[lo:hi] * mult
                if hits is not None:
                    hits[rows] += 1
            # (nonzero() of a float array is ~10x slower than of a bool one)
            cand = np.flatnonzero(hits == len(weights) if hits is not None else acc > 0)
            keep = self._filter(st, cand, tier, sections, doc_ids)
            if keep is not None:
                cand = cand[keep]
            scores = acc[cand]
        if cand.size == 0:
            return []
        if cand.size > limit:
            top = np.argpartition(-scores, limit - 1)[:limit]
            cand, scores = cand[top], scores[top]
        order = np.lexsort((cand, -scores))  # best first; ties in passage order
        pids, dids = st.passage_ids, st.doc_ids
        return [Hit(int(pids[i]), int(dids[i]), float(scores[j]))
                for j, i in ((j, int(cand[j])) for j in order)]

    def rebuild(self) -> None:
        with self._lock:
            self._state = self._build_and_save()

    def prepare(self) -> None:
        self.current()

    # -- state ------------------------------------------------------------------------------------
    def current(self) -> _Bm25State:
        """The index for the store's current snapshot: already loaded, loaded from disk, or built."""
        snapshot = self.store.snapshot()
        st = self._state
        if st is not None and st.snapshot == snapshot:
            return st
        with self._lock:
            st = self._state
            if st is None or st.snapshot != snapshot:
                st = self._load(snapshot) or self._build_and_save()
                self._state = st
            return st

    @staticmethod
    def _filter(st: _Bm25State, cand: np.ndarray, tier: Tier | None,
                sections: Sequence[str] | None, doc_ids: Sequence[int] | None) -> np.ndarray | None:
        """Boolean mask over ``cand`` for the filters, or None when there are none."""
        import numpy as np

        keep: np.ndarray | None = None
        if tier is not None:
            code = st.tier_codes.get(str(tier))
            keep = (st.tiers[cand] == code) if code is not None else np.zeros(cand.size, bool)
        if sections:
            codes = [st.section_codes[s] for s in sections if s in st.section_codes]
            mask = np.isin(st.sections[cand], np.asarray(codes, dtype=np.int32))
            keep = mask if keep is None else keep & mask
        if doc_ids is not None:
            mask = np.isin(st.doc_ids[cand], np.asarray(list(doc_ids), dtype=np.int64))
            keep = mask if keep is None else keep & mask
        return keep

    def _stems(self, terms: Sequence[str]) -> list[str]:
        cache = self._query_cache
        missing = [t for t in dict.fromkeys(terms) if t not in cache]
        if missing:
            if len(cache) > 200_000:
                cache.clear()
            for word, toks in zip(missing, self.tokenizer.tokenize_many(missing), strict=True):
                cache[word] = tuple(toks)
        return [stem for t in terms for stem in cache[t]]

    # -- building ---------------------------------------------------------------------------------
    def _build_and_save(self) -> _Bm25State:
        started = time.perf_counter()
        collecting = gc.isenabled()
        gc.disable()  # millions of short-lived word lists: the cyclic GC only slows the build down
        try:
            st, manifest = self._build()
        finally:
            if collecting:
                gc.enable()
        self.last_build_seconds = time.perf_counter() - started
        self.builds += 1
        manifest["build_seconds"] = round(self.last_build_seconds, 3)
        if self.folder is not None:
            # a read-only or full disk: the in-memory index still answers correctly
            with contextlib.suppress(OSError):
                self._save(st, manifest)
        return st

    def _build(self) -> tuple[_Bm25State, dict[str, Any]]:
        import numpy as np

        conn = self.store.conn
        own_txn = not conn.in_transaction
        if own_txn:
            conn.execute("BEGIN")  # one read snapshot: the stamp and the rows agree
        try:
            snapshot = self.store.snapshot()
            vocab: dict[str, int] = {}
            coder = _WordCoder(self.tokenizer, vocab)
            tier_codes: dict[str, int] = {}
            section_codes: dict[str, int] = {}
            prow: list[np.ndarray] = []
            ptok: list[np.ndarray] = []
            ptf: list[np.ndarray] = []
            lengths: list[np.ndarray] = []
            pid_parts: list[np.ndarray] = []
            did_parts: list[np.ndarray] = []
            tier_parts: list[np.ndarray] = []
            sec_parts: list[np.ndarray] = []
            probe_rows: list[tuple[int, str]] = []
            total = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
            probe_every = max(1, total // _PROBES)
            base = 0
            cur = conn.execute("SELECT id, doc_id, tier, section, text FROM passages ORDER BY id")
            while rows := cur.fetchmany(_ROWS_PER_CHUNK):
                tokens, token_rows, lens = coder.encode([r[4] for r in rows])
                key = ((token_rows + base) << 32) | tokens
                uniq, counts = np.unique(key, return_counts=True)
                prow.append((uniq >> 32).astype(np.int32))
                ptok.append((uniq & 0xFFFFFFFF).astype(np.int32))
                ptf.append(counts.astype(np.int32))
                lengths.append(lens)
                pid_parts.append(np.fromiter((r[0] for r in rows), np.int64, len(rows)))
                did_parts.append(np.fromiter((r[1] for r in rows), np.int64, len(rows)))
                tier_parts.append(np.fromiter(
                    (tier_codes.setdefault(r[2], len(tier_codes)) for r in rows), np.int8, len(rows)))
                sec_parts.append(np.fromiter(
                    (section_codes.setdefault(r[3], len(section_codes)) for r in rows), np.int32,
                    len(rows)))
                for i, r in enumerate(rows):
                    if (base + i) % probe_every == 0:
                        probe_rows.append((int(r[0]), r[4]))
                base += len(rows)
            max_id = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
        finally:
            if own_txn:
                conn.execute("COMMIT")

        def cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
            out = np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)
            parts.clear()  # free the chunks now: at 1M passages they are ~200 MB per array
            return out

        rows_a, toks_a, tf_a = cat(prow, np.int32), cat(ptok, np.int32), cat(ptf, np.int32)
        doc_len = cat(lengths, np.float64)
        n, n_terms = base, len(vocab)
        df = np.bincount(toks_a, minlength=n_terms).astype(np.int64)
        # FTS5's bm25(): idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), in float64
        # like SQLite, stored as float32; computed in slices to bound the temporary arrays
        weight = np.empty(rows_a.size, dtype=np.float32)
        if n:
            avgdl = max(float(doc_len.sum()) / n, 1e-9)
            idf = np.log((n - df + 0.5) / (df + 0.5))
            idf[idf <= 0.0] = 1e-6
            for lo in range(0, rows_a.size, _WEIGHT_SLICE):
                hi = min(lo + _WEIGHT_SLICE, rows_a.size)
                tf = tf_a[lo:hi].astype(np.float64)
                norm = self.k1 * (1.0 - self.b + self.b * doc_len[rows_a[lo:hi]] / avgdl)
                weight[lo:hi] = idf[toks_a[lo:hi]] * tf * (self.k1 + 1.0) / (tf + norm)
        del tf_a, doc_len
        order = np.argsort(toks_a, kind="stable")  # term-major; rows stay ascending per term
        del toks_a
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        data, indices = weight[order], rows_a[order]
        del weight, rows_a, order
        st = _Bm25State(
            snapshot=snapshot, vocab=vocab, data=data, indices=indices,
            indptr=indptr, passage_ids=cat(pid_parts, np.int64), doc_ids=cat(did_parts, np.int64),
            tiers=cat(tier_parts, np.int8), sections=cat(sec_parts, np.int32),
            tier_codes=tier_codes, section_codes=section_codes,
        )
        manifest: dict[str, Any] = {
            "format": _FORMAT, "engine": self.name, "snapshot": snapshot,
            "passages": n, "max_passage_id": int(max_id), "terms": n_terms,
            "postings": int(indices.size), "tokenizer": self.tokenizer.spec,
            "scoring": "fts5-bm25", "k1": self.k1, "b": self.b,
            "tiers": list(tier_codes), "sections": list(section_codes),
            "probes": [[pid, zlib.crc32(text.encode("utf-8"))] for pid, text in probe_rows],
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        return st, manifest

    # -- persistence ------------------------------------------------------------------------------
    _ROW_ARRAYS = ("passage_ids", "doc_ids", "tiers", "sections")

    def _dir(self, snapshot: str) -> Path:
        assert self.folder is not None
        return self.folder / snapshot

    def _save(self, st: _Bm25State, manifest: dict[str, Any]) -> None:
        import bm25s
        import numpy as np

        final = self._dir(st.snapshot)
        if (final / "manifest.json").exists():
            return  # another process finished the same build first
        self.folder_ready()
        tmp = final.parent / f"{final.name}.tmp-{os.getpid()}-{threading.get_ident()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            model = bm25s.BM25(k1=self.k1, b=self.b)
            model.scores = {"data": st.data, "indices": st.indices, "indptr": st.indptr,
                            "num_docs": st.n}
            model.vocab_dict = st.vocab
            model.nonoccurrence_array = None
            model.save(str(tmp), show_progress=False)
            for name in self._ROW_ARRAYS:
                np.save(tmp / f"{name}.npy", getattr(st, name), allow_pickle=False)
            manifest["bm25s_version"] = getattr(bm25s, "__version__", "")
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            for item in tmp.iterdir():
                _fsync_path(item)
            _fsync_path(tmp)
            try:
                os.rename(tmp, final)
            except OSError:
                if not (final / "manifest.json").exists():
                    raise
            _fsync_path(final.parent)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._clean_old(keep=final)

    def folder_ready(self) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def _clean_old(self, keep: Path) -> None:
        if self.folder is None:
            return
        now = time.time()
        for item in self.folder.iterdir():
            if item == keep or not item.is_dir():
                continue
            if ".tmp-" in item.name:  # maybe another process's build in progress
                try:
                    if now - item.stat().st_mtime < _STALE_TMP_SECONDS:
                        continue
                except OSError:
                    continue
            shutil.rmtree(item, ignore_errors=True)

    def _load(self, snapshot: str) -> _Bm25State | None:
        """The persisted index for ``snapshot``, or None if missing, stale, partial or corrupt."""
        if self.folder is None:
            return None
        path = self._dir(snapshot)
        if not path.exists():
            return None
        st: _Bm25State | None = None
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            if (manifest.get("format") == _FORMAT and manifest.get("snapshot") == snapshot
                    and manifest.get("tokenizer") == self.tokenizer.spec
                    and manifest.get("k1") == self.k1 and manifest.get("b") == self.b
                    and self._matches_store(manifest)):
                st = self._read_arrays(path, manifest, snapshot)
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            st = None
        if st is None:
            # Unusable for this store (corrupt, from another store or version): remove it so the
            # rebuild can take its place. A complete folder is only ever renamed into place.
            shutil.rmtree(path, ignore_errors=True)
            return None
        self.loads += 1
        return st

    def _matches_store(self, manifest: dict[str, Any]) -> bool:
        """Beyond the snapshot: the same last passage id and the same text in sampled passages.

        This catches a store deleted and re-ingested in another order (same snapshot, other
        passage ids). No count(*): it costs ~40 ms per cold start at 1M passages, and every write
        through :class:`Store` changes the snapshot anyway.
        """
        conn = self.store.conn
        max_id = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
        if max_id != manifest["max_passage_id"]:
            return False
        probes = {int(pid): int(crc) for pid, crc in manifest["probes"]}
        if not probes:
            return True
        marks = ",".join("?" * len(probes))
        found = {int(pid): zlib.crc32(text.encode("utf-8")) for pid, text in conn.execute(
            f"SELECT id, text FROM passages WHERE id IN ({marks})", list(probes))}
        return found == probes

    @classmethod
    def _read_arrays(cls, path: Path, manifest: dict[str, Any],
                     snapshot: str) -> _Bm25State | None:
        """Map the saved arrays. The files are bm25s's (``bm25s.BM25.load`` reads them too), but
        they are opened with numpy directly: importing bm25s pulls in scipy when it is installed,
        which would add ~0.5 s to every cold ``medbrief ask``."""
        import numpy as np

        def array(name: str) -> np.ndarray:
            return np.load(path / name, mmap_mode="r", allow_pickle=False)

        data, indices, indptr = (array("data.csc.index.npy"), array("indices.csc.index.npy"),
                                 array("indptr.csc.index.npy"))
        rows = {name: array(f"{name}.npy") for name in cls._ROW_ARRAYS}
        vocab = json.loads((path / "vocab.index.json").read_text(encoding="utf-8"))
        n = int(manifest["passages"])
        if (not isinstance(vocab, dict) or any(rows[k].shape != (n,) for k in cls._ROW_ARRAYS)
                or indptr.shape != (len(vocab) + 1,) or data.shape != indices.shape
                or int(indptr[-1]) != data.shape[0]):
            return None
        return _Bm25State(
            snapshot=snapshot, vocab=vocab, data=data, indices=indices, indptr=indptr,
            passage_ids=rows["passage_ids"], doc_ids=rows["doc_ids"], tiers=rows["tiers"],
            sections=rows["sections"],
            tier_codes={name: i for i, name in enumerate(manifest["tiers"])},
            section_codes={name: i for i, name in enumerate(manifest["sections"])},
        )


def _fsync_path(path: Path) -> None:
    """Flush a file or a folder entry to disk (best effort where the OS does not allow it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
