"""The evidence store of record: documents, passages, version history, corpus snapshot."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from medbrief.models import HASH_PREFIX, Document, Passage, Tier


class UpsertOutcome(StrEnum):
    INGESTED = "ingested"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    OLDER = "older"  # an older version than the one stored: kept in history only


@dataclass(slots=True)
class StoredPassage:
    id: int
    doc_id: int
    tier: Tier
    order: int
    section: str
    section_title: str
    text: str
    meta: dict[str, Any]


@dataclass(slots=True)
class StoredDocument:
    id: int
    document: Document
    passages: list[StoredPassage]
    source_file: str
    ingested_at: str
    content_hash: str


@dataclass(slots=True)
class StoreStats:
    documents: int = 0
    passages: int = 0
    by_tier: dict[str, dict[str, int]] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    label_sections: dict[str, int] = field(default_factory=dict)
    study_designs: dict[str, int] = field(default_factory=dict)
    guideline_recommendations: int = 0
    graded_recommendations: int = 0
    retracted: int = 0
    history_versions: int = 0
    snapshot: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "passages": self.passages,
            "by_tier": self.by_tier,
            "by_format": self.by_format,
            "label_sections": self.label_sections,
            "study_designs": self.study_designs,
            "guideline_recommendations": self.guideline_recommendations,
            "graded_recommendations": self.graded_recommendations,
            "retracted": self.retracted,
            "history_versions": self.history_versions,
            "corpus_snapshot": self.snapshot,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _doc_token(source_id: str, content_hash: str) -> int:
    return int(hashlib.sha256(f"{source_id}\x00{content_hash}".encode()).hexdigest()[:16], 16)


_DOC_COLUMNS = (
    "id, source_id, tier, source_format, version, version_rank, content_hash, title, issuer, "
    "published, year, url, study_design, retracted, source_file, data, ingested_at"
)


class Store:
    """All reads and writes of the evidence tables go through here."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # snapshot changes made inside the open transaction, written once at its commit
        self._pending_changes = 0
        self._pending_token = 0

    def close(self) -> None:
        self.conn.close()

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One file = one transaction: all of it lands or none of it does."""
        self.conn.execute("BEGIN IMMEDIATE")
        self._pending_changes = 0
        self._pending_token = 0
        try:
            yield
            self._flush_snapshot()
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._pending_changes = 0
            self._pending_token = 0
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """One document inside a file transaction: never half-written."""
        self.conn.execute("SAVEPOINT doc")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO doc")
            self.conn.execute("RELEASE doc")
            raise
        self.conn.execute("RELEASE doc")

    # -- snapshot -----------------------------------------------------------------------------
    def _state(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM corpus_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else "0"

    def _bump(self, token: int) -> None:
        self._pending_changes += 1
        self._pending_token ^= token
        if not self.conn.in_transaction:  # a write outside transaction(): record it now
            self._flush_snapshot()

    def _flush_snapshot(self) -> None:
        if not self._pending_changes:
            return
        digest = int(self._state("digest"), 16) ^ self._pending_token
        generation = int(self._state("generation")) + self._pending_changes
        self.conn.executemany(
            "UPDATE corpus_state SET value = ? WHERE key = ?",
            [(format(digest, "x"), "digest"), (str(generation), "generation")],
        )
        self._pending_changes = 0
        self._pending_token = 0

    def snapshot(self) -> str:
        """Identifies the exact set of document versions in the store ("g<generation>-<digest>")."""
        return f"g{self._state('generation')}-{int(self._state('digest'), 16):016x}"

    # -- writes -------------------------------------------------------------------------------
    def upsert(self, doc: Document, source_file: str = "") -> UpsertOutcome:
        content_hash = doc.content_hash()
        row = self.conn.execute(
            "SELECT id, content_hash, version_rank, version, retracted FROM documents "
            "WHERE source_id = ?",
            (doc.source_id,),
        ).fetchone()
        if row is None:
            with self.savepoint():
                self._insert(doc, content_hash, source_file)
                self._change(doc.source_id, "added", None, doc.version)
            self._bump(_doc_token(doc.source_id, content_hash))
            return UpsertOutcome.INGESTED
        doc_id, old_hash, old_rank, old_version, old_retracted = row
        if old_hash == content_hash or (not old_hash.startswith(HASH_PREFIX)
                                        and old_hash == doc.legacy_content_hash()):
            return UpsertOutcome.UNCHANGED
        if doc.version_rank and old_rank and doc.version_rank < old_rank:
            with self.savepoint():
                self._history(doc.source_id, doc.to_json_dict(), doc.version, doc.version_rank,
                              content_hash, "older")
            return UpsertOutcome.OLDER
        with self.savepoint():
            old = self.get_document(doc.source_id)
            if old is not None:
                self._history(doc.source_id, old.document.to_json_dict(), old.document.version,
                              old.document.version_rank, old_hash, "replaced")
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._insert(doc, content_hash, source_file, doc_id=doc_id)
            kind = "retracted" if doc.retracted and not old_retracted else "updated"
            self._change(doc.source_id, kind, old_version, doc.version)
        self._bump(_doc_token(doc.source_id, old_hash) ^ _doc_token(doc.source_id, content_hash))
        return UpsertOutcome.UPDATED

    def delete(self, source_id: str) -> bool:
        old = self.get_document(source_id)
        if old is None:
            return False
        with self.savepoint():
            self._history(source_id, old.document.to_json_dict(), old.document.version,
                          old.document.version_rank, old.content_hash, "deleted")
            self.conn.execute("DELETE FROM documents WHERE id = ?", (old.id,))
            self._change(source_id, "deleted", old.document.version, None)
        self._bump(_doc_token(source_id, old.content_hash))
        return True

    def _insert(self, doc: Document, content_hash: str, source_file: str,
                doc_id: int | None = None) -> int:
        data = {
            "drugs": doc.drugs,
            "brand_names": doc.brand_names,
            "substance_names": doc.substance_names,
            "conditions": doc.conditions,
            "publication_types": doc.publication_types,
            "meta": doc.meta,
        }
        cur = self.conn.execute(
            f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id, doc.source_id, str(doc.tier), doc.source_format, doc.version,
                doc.version_rank, content_hash, doc.title, doc.issuer, doc.published, doc.year,
                doc.url, str(doc.study_design) if doc.study_design else None, int(doc.retracted),
                source_file, json.dumps(data, ensure_ascii=False), _now(),
            ),
        )
        new_id = int(cur.lastrowid or 0)
        tier = str(doc.tier)
        self.conn.executemany(
            "INSERT INTO passages (doc_id, tier, ord, section, section_title, text, meta) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (new_id, tier, p.order, p.section, p.section_title, p.text,
                 json.dumps(p.meta, ensure_ascii=False) if p.meta else "{}")
                for p in doc.passages
            ],
        )
        terms: set[tuple[str, str, str]] = set()
        single_generic = doc.drugs[0].lower() if len(doc.drugs) == 1 else ""
        for name in doc.drugs:
            terms.add(("drug", name.lower(), name.lower()))
        for name in doc.brand_names:
            terms.add(("brand", name.lower(), single_generic))
        for name in doc.substance_names:
            terms.add(("substance", name.lower(), single_generic))
        for name in doc.conditions:
            terms.add(("condition", name.lower(), ""))
        self.conn.executemany(
            "INSERT INTO doc_terms (doc_id, kind, term, generic) VALUES (?, ?, ?, ?)",
            [(new_id, kind, term, generic) for kind, term, generic in terms if term],
        )
        return new_id

    def _history(self, source_id: str, doc_json: dict[str, Any], version: str, rank: str,
                 content_hash: str, reason: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO document_history (source_id, version, version_rank, content_hash, "
            "superseded_at, reason, document_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (source_id, version, rank, content_hash, _now(), reason,
             json.dumps(doc_json, ensure_ascii=False)),
        )

    def _change(self, source_id: str, kind: str, old: str | None, new: str | None) -> None:
        self.conn.execute(
            "INSERT INTO evidence_changes (source_id, kind, old_version, new_version, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (source_id, kind, old, new, _now()),
        )

    # -- reads --------------------------------------------------------------------------------
    def _row_to_document(self, row: sqlite3.Row | tuple[Any, ...],
                         passages: list[StoredPassage]) -> StoredDocument:
        (doc_id, source_id, tier, fmt, version, rank, content_hash, title, issuer, published,
         year, url, design, retracted, source_file, data, ingested_at) = row
        extra = json.loads(data)
        doc = Document.from_json_dict({
            "tier": tier, "source_id": source_id, "title": title, "source_format": fmt,
            "version": version, "version_rank": rank, "issuer": issuer, "published": published,
            "year": year, "url": url, "study_design": design, "retracted": bool(retracted),
            "drugs": extra.get("drugs", []), "brand_names": extra.get("brand_names", []),
            "substance_names": extra.get("substance_names", []),
            "conditions": extra.get("conditions", []),
            "publication_types": extra.get("publication_types", []),
            "meta": extra.get("meta", {}),
            "passages": [],
        })
        doc.passages = [Passage(p.section, p.text, p.order, p.section_title, p.meta) for p in passages]
        return StoredDocument(doc_id, doc, passages, source_file, ingested_at, content_hash)

    def get_document(self, source_id: str) -> StoredDocument | None:
        row = self.conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE source_id = ?", (source_id,)
        ).fetchone()
        if row is None:
            return None
        return self._row_to_document(row, self.passages_of(int(row[0])))

    def documents_by_ids(self, doc_ids: list[int], with_passages: bool = False) -> dict[int, StoredDocument]:
        out: dict[int, StoredDocument] = {}
        for chunk_start in range(0, len(doc_ids), 500):
            chunk = doc_ids[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN ({marks})", chunk
            ):
                passages = self.passages_of(int(row[0])) if with_passages else []
                out[int(row[0])] = self._row_to_document(row, passages)
        return out

    def doc_briefs(self, doc_ids: list[int]) -> dict[int, tuple[str, list[str], int | None]]:
        """(title, conditions, year) per document: cheap enough for ranking many candidates."""
        out: dict[int, tuple[str, list[str], int | None]] = {}
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, title, conditions, year in self.conn.execute(
                f"SELECT id, title, json_extract(data, '$.conditions'), year FROM documents "
                f"WHERE id IN ({marks})", chunk,
            ):
                out[int(doc_id)] = (title, json.loads(conditions) if conditions else [], year)
        return out

    def passages_of(self, doc_id: int, sections: list[str] | None = None) -> list[StoredPassage]:
        sql = ("SELECT id, doc_id, tier, ord, section, section_title, text, meta FROM passages "
               "WHERE doc_id = ?")
        params: list[Any] = [doc_id]
        if sections:
            sql += f" AND section IN ({','.join('?' * len(sections))})"
            params.extend(sections)
        sql += " ORDER BY ord"
        return [self._passage(r) for r in self.conn.execute(sql, params)]

    def passages_by_ids(self, ids: list[int]) -> dict[int, StoredPassage]:
        out: dict[int, StoredPassage] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                "SELECT id, doc_id, tier, ord, section, section_title, text, meta FROM passages "
                f"WHERE id IN ({marks})", chunk,
            ):
                out[int(r[0])] = self._passage(r)
        return out

    @staticmethod
    def _passage(r: tuple[Any, ...]) -> StoredPassage:
        return StoredPassage(int(r[0]), int(r[1]), Tier(r[2]), int(r[3]), r[4], r[5], r[6],
                             json.loads(r[7]) if r[7] and r[7] != "{}" else {})

    def history(self, source_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT version, version_rank, content_hash, superseded_at, reason FROM document_history "
            "WHERE source_id = ? ORDER BY id", (source_id,),
        )
        keys = ("version", "version_rank", "content_hash", "superseded_at", "reason")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def changes_since(self, change_id: int = 0) -> list[tuple[int, str, str, str | None, str | None]]:
        return list(self.conn.execute(
            "SELECT id, source_id, kind, old_version, new_version FROM evidence_changes "
            "WHERE id > ? ORDER BY id", (change_id,),
        ))

    def stats(self) -> StoreStats:
        st = StoreStats(snapshot=self.snapshot())
        c = self.conn
        st.documents = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        st.passages = c.execute("SELECT count(*) FROM passages").fetchone()[0]
        for tier in Tier:
            st.by_tier[str(tier)] = {"documents": 0, "passages": 0}
        for tier, n in c.execute("SELECT tier, count(*) FROM documents GROUP BY tier"):
            st.by_tier[tier]["documents"] = n
        for tier, n in c.execute("SELECT tier, count(*) FROM passages GROUP BY tier"):
            st.by_tier[tier]["passages"] = n
        st.by_format = dict(c.execute(
            "SELECT source_format, count(*) FROM documents GROUP BY source_format ORDER BY 1"))
        st.label_sections = dict(c.execute(
            "SELECT section, count(DISTINCT doc_id) FROM passages WHERE tier = 'label' "
            "GROUP BY section ORDER BY 1"))
        st.study_designs = dict(c.execute(
            "SELECT study_design, count(*) FROM documents WHERE tier = 'research' "
            "GROUP BY study_design ORDER BY 1"))
        st.guideline_recommendations = c.execute(
            "SELECT count(*) FROM passages WHERE tier = 'guideline' AND section = 'recommendation'"
        ).fetchone()[0]
        st.graded_recommendations = c.execute(
            "SELECT count(*) FROM passages WHERE tier = 'guideline' AND section = 'recommendation' "
            "AND (json_extract(meta, '$.strength') IS NOT NULL "
            "OR json_extract(meta, '$.quality') IS NOT NULL)"
        ).fetchone()[0]
        st.retracted = c.execute("SELECT count(*) FROM documents WHERE retracted = 1").fetchone()[0]
        st.history_versions = c.execute("SELECT count(*) FROM document_history").fetchone()[0]
        return st
