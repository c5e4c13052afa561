"""Full-text search behind one small interface, chosen by name from a plain registry.

The default, ``fts5``, lives inside the SQLite store. Ingest queues new passages in ``fts_pending``
(same transaction as the documents) and the index takes them in one pass before it is next used
(:meth:`Fts5Index.catch_up`), so FTS5 plus the queue always equals the passages table, even after a
crash, without tokenising row by row during ingest. Other engines derive their index from the store and must
stamp it with the corpus snapshot they were built from, rebuilding when it differs.

``bm25s`` (:class:`~medbrief.store.index_bm25s.Bm25sIndex`) is such a derived engine: an in-memory
BM25 score matrix that tokenises and scores like FTS5, so both backends match the same passages
with the same scores; only the speed differs (see docs/benchmarks.md). It lives in
:mod:`medbrief.store.index_bm25s`, imported only when that backend is chosen (it needs numpy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from medbrief.models import Tier
from medbrief.store.repository import Store

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "may", "might", "must", "shall", "also", "use", "used", "using", "take", "taking", "tell", "know", "like", "get", "much", "many", "well", "role", "manage", "managing"]
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
MAX_QUERY_TERMS = 32


def query_terms(text: str) -> list[str]:
    """Plain search terms from any user text: no operators, quotes or syntax survive."""
    seen: dict[str, None] = {}
    for tok in _TOKEN.findall(text.lower()):
        for part in tok.replace("'", "-").split("-"):
            if len(part) > 1 and part not in STOPWORDS and part not in seen:
                seen[part] = None
    return list(seen)[:MAX_QUERY_TERMS]


@dataclass(slots=True, frozen=True)
class Hit:
    passage_id: int
    doc_id: int
    score: float  # higher is better


class SearchIndex(Protocol):
    name: str

    def search(
        self,
        query: str,
        *,
        tier: Tier | None = None,
        limit: int = 20,
        doc_ids: Sequence[int] | None = None,
        sections: Sequence[str] | None = None,
        require_all: bool = False,
    ) -> list[Hit]: ...

    def rebuild(self) -> None: ...

    def prepare(self) -> None:
        """Bring the index up to date with the store now (after an ingest), not at first search."""
        ...


class Fts5Index:
    """SQLite FTS5 over passages, BM25-ranked; the index is part of the store's transactions."""

    name = "fts5"

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def match_expression(terms: Sequence[str], require_all: bool) -> str:
        quoted = [f'"{t}"' for t in terms]
        return (" AND " if require_all else " OR ").join(quoted)

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
        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        self.catch_up()
        sql = (
            "SELECT p.id, p.doc_id, bm25(passages_fts) AS s FROM passages_fts "
            "JOIN passages p ON p.id = passages_fts.rowid WHERE passages_fts MATCH ?"
        )
        params: list[object] = [self.match_expression(terms, require_all)]
        if tier is not None:
            sql += " AND p.tier = ?"
            params.append(str(tier))
        if doc_ids is not None:
            if not doc_ids:
                return []
            sql += f" AND p.doc_id IN ({','.join('?' * len(doc_ids))})"
            params.extend(doc_ids)
        if sections:
            sql += f" AND p.section IN ({','.join('?' * len(sections))})"
            params.extend(sections)
        sql += " ORDER BY s LIMIT ?"
        params.append(limit)
        return [Hit(int(r[0]), int(r[1]), -float(r[2])) for r in self.store.conn.execute(sql, params)]

    def rebuild(self) -> None:
        with self._writing():
            self.store.conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
            self.store.conn.execute("DELETE FROM fts_pending")

    def prepare(self) -> None:
        self.catch_up()

    def pending(self) -> int:
        """Passages stored but not yet in the FTS5 index."""
        return int(self.store.conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0])

    def catch_up(self) -> int:
        """Index the queued passages in one statement (rowid order: FTS5's fastest path)."""
        conn = self.store.conn
        if conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is None:
            return 0
        with self._writing():
            cur = conn.execute(
                "INSERT INTO passages_fts(rowid, text) SELECT p.id, p.text FROM fts_pending q "
                "JOIN passages p ON p.id = q.id ORDER BY q.id")
            conn.execute("DELETE FROM fts_pending")
        return max(cur.rowcount, 0)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Inside the caller's transaction when one is open, else in a transaction of its own."""
        if self.store.conn.in_transaction:
            yield
        else:
            with self.store.transaction():
                yield


def _bm25s_index(store: Store) -> SearchIndex:
    # imported here: the bm25s module imports this one, and only that backend needs numpy
    from medbrief.store.index_bm25s import Bm25sIndex

    return Bm25sIndex(store)


INDEXES: dict[str, Callable[[Store], SearchIndex]] = {
    "fts5": Fts5Index,
    "bm25s": _bm25s_index,
}


def get_index(store: Store, name: str = "fts5") -> SearchIndex:
    try:
        factory = INDEXES[name]
    except KeyError:
        raise ValueError(
            f"unknown search backend {name!r}; choose one of: {', '.join(sorted(INDEXES))}"
        ) from None
    return factory(store)
