"""Large synthetic source files: the real shared records repeated with fresh ids.

Ingest throughput is measured on these for steady-state rates (the shared files are small).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from medbrief.benchmark.common import open_raw

_MARK = b"MEDBRIEFBENCHPMID"
_SET_ID = re.compile(rb'(<setId\s+root=")([^"]*)(")')
_MEDLINE_PMID = re.compile(r"^PMID- ?\d+", re.M)


def _read(path: Path) -> bytes:
    with open_raw(path) as stream:
        return stream.read()


def synth_pubmed(files: Sequence[Path], dest: Path, n: int, first_pmid: int = 90_000_000) -> int:
    """A PubmedArticleSet of ``n`` records: the real records repeated with fresh PMIDs."""
    from lxml import etree

    templates: list[tuple[bytes, bytes]] = []
    for path in files:
        with open_raw(path) as stream:
            for _, el in etree.iterparse(stream, events=("end",), tag="PubmedArticle",
                                         huge_tree=True, resolve_entities=False, no_network=True):
                pmid = el.find("MedlineCitation/PMID")
                if pmid is not None and (pmid.text or "").strip().isdigit():
                    pmid.text = _MARK.decode()
                    blob = etree.tostring(el, with_tail=False)
                    pre, post = blob.split(_MARK, 1)
                    templates.append((pre, post))
                el.clear()
    if not templates:
        raise RuntimeError("no PubmedArticle records found in the shared PubMed files")
    with open(dest, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for i in range(n):
            pre, post = templates[i % len(templates)]
            out.write(pre + str(first_pmid + i).encode() + post + b"\n")
        out.write(b"</PubmedArticleSet>\n")
    return len(templates)


def synth_openfda(files: Sequence[Path], dest: Path, n: int) -> int:
    """One openFDA bulk-style file of ``n`` labels: the real labels with new set ids and ids."""
    records: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    for path in files:
        data = json.loads(_read(path))
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            meta = meta or dict(data.get("meta") or {})
            records.extend(r for r in data["results"] if isinstance(r, dict) and r.get("set_id"))
    if not records:
        raise RuntimeError("no openFDA label records found in the shared files")
    meta = dict(meta)
    meta["results"] = {"skip": 0, "limit": n, "total": n}
    meta.setdefault("terms", "https://open.fda.gov/terms/")
    with open(dest, "w", encoding="utf-8") as out:
        out.write('{"meta": ' + json.dumps(meta) + ', "results": [\n')
        for i in range(n):
            rec = dict(records[i % len(records)])
            rec["set_id"] = str(uuid.UUID(int=(0xBE4C << 112) + 2 * i))
            rec["id"] = str(uuid.UUID(int=(0xBE4C << 112) + 2 * i + 1))
            out.write(("," if i else "") + json.dumps(rec, ensure_ascii=False) + "\n")
        out.write("]}\n")
    return len(records)


def synth_spl(files: Sequence[Path], dest: Path, n: int) -> int:
    """``n`` SPL files: the real ones with new setId roots."""
    blobs = [_read(path) for path in files]
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        new_id = str(uuid.UUID(int=(0x5B1 << 112) + i)).encode()
        data = _SET_ID.sub(b"\\g<1>" + new_id + b"\\g<3>", blobs[i % len(blobs)], count=1)
        (dest / f"spl-{i:05d}.xml").write_bytes(data)
    return len(blobs)


def synth_medline(files: Sequence[Path], dest: Path, n: int, first_pmid: int = 80_000_000) -> int:
    """One MEDLINE text file of ``n`` records: the real records with fresh PMIDs."""
    records: list[str] = []
    for path in files:
        text = _read(path).decode("utf-8", "replace")
        records.extend(r.strip("\n") for r in re.split(r"\n[ \t\r]*\n", text)
                       if _MEDLINE_PMID.search(r))
    if not records:
        raise RuntimeError("no MEDLINE records found in the shared files")
    with open(dest, "w", encoding="utf-8") as out:
        for i in range(n):
            rec = _MEDLINE_PMID.sub(f"PMID- {first_pmid + i}", records[i % len(records)], count=1)
            out.write(rec + "\n\n")
    return len(records)
