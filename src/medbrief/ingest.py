"""Ingest: walk paths, open containers, recognise each file by content, store it in one transaction."""

from __future__ import annotations

import gzip
import io
import json
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from medbrief.editorial.stale import check_stale_evidence
from medbrief.models import Deletion, Document, RecordError
from medbrief.sources import PARSERS
from medbrief.sources.base import SNIFF_BYTES, Parser, SourceError
from medbrief.store.repository import Store

# Extensions that claim a supported format: an unreadable file with one of these fails the run.
CLAIMING_SUFFIXES = {".json", ".xml", ".gz", ".zip", ".nbib", ".medline"}
MAX_ZIP_DEPTH = 3


class _GuardedStream(io.RawIOBase):
    """Turns decompression errors into SourceError so no parser sees a raw zlib/gzip exception."""

    def __init__(self, raw: BinaryIO, name: str) -> None:
        self._raw = raw
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._raw.read(len(buffer))
        except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile, OSError) as exc:
            raise SourceError(
                f"compressed data is truncated or corrupt ({exc}); download the file again"
            ) from exc
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass(slots=True)
class Blob:
    """One file to recognise: a plain file, a .gz member or a zip member."""

    display: str  # path as shown to the user ("a.zip!inner/b.xml")
    name: str  # innermost file name, without a .gz suffix
    suffix: str  # the claiming suffix of the outermost name (".gz", ".zip", ".json" ...)
    opener: Callable[[], BinaryIO]


@dataclass(slots=True)
class IngestMessage:
    kind: str  # skipped | failed
    file: str
    record: str
    reason: str

    def line(self) -> str:
        where = f"{self.file} [{self.record}]" if self.record else self.file
        label = "skipped" if self.kind == "skipped" else "FAILED "
        return f"{label} {where}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    counts: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    messages: list[IngestMessage] = field(default_factory=list)
    files_read: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    @property
    def records(self) -> int:
        return sum(self.counts[k] for k in ("ingested", "updated", "unchanged", "older", "deleted"))

    def summary(self) -> str:
        rate = self.records / self.seconds if self.seconds > 0 else 0.0
        c = self.counts
        return (
            f"ingested {c['ingested']}, updated {c['updated']}, unchanged {c['unchanged']}"
            + (f" (+{c['older']} older versions kept in history)" if c["older"] else "")
            + (f", deleted {c['deleted']}" if c["deleted"] else "")
            + f", failed {c['failed']} — {self.files_read} files read, {self.files_skipped} skipped,"
            f" {self.files_failed} with errors, {self.seconds:.1f}s ({rate:,.0f} records/s)"
        )


def _is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06")


def _is_gzip(head: bytes) -> bool:
    return head.startswith(b"\x1f\x8b")


def _open_bytes(data: bytes) -> Callable[[], BinaryIO]:
    return lambda: io.BytesIO(data)


def iter_blobs(paths: Sequence[Path], report: IngestReport) -> Iterator[Blob]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not child.is_file():
                    continue
                yield from _expand(child)
        elif path.is_file():
            yield from _expand(path)
        else:
            report.messages.append(IngestMessage(
                "failed", str(path), "", "no such file or folder; check the path"))
            report.files_failed += 1
            report.counts["failed"] += 1


def _expand(path: Path) -> Iterator[Blob]:
    def opener() -> BinaryIO:
        return open(path, "rb")

    yield Blob(str(path), path.name, path.suffix.lower(), opener)


def _containers(blob: Blob, head: bytes, depth: int = 0) -> Iterator[Blob]:
    """Expand gzip and zip containers (recognised by their magic bytes) into member blobs."""
    if _is_gzip(head):
        inner = blob.name[:-3] if blob.name.lower().endswith(".gz") else blob.name

        def gz_opener(b: Blob = blob) -> BinaryIO:
            return gzip.open(b.opener(), "rb")  # type: ignore[return-value]

        yield Blob(blob.display, inner, blob.suffix or ".gz", gz_opener)
        return
    if _is_zip(head):
        if depth >= MAX_ZIP_DEPTH:
            raise SourceError(f"zip nested more than {MAX_ZIP_DEPTH} levels deep; unpack it first")
        try:
            with blob.opener() as raw:
                data = raw.read()
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = sorted(i.filename for i in archive.infolist() if not i.is_dir())
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise SourceError(f"not a readable zip archive ({exc}); download it again") from exc
        for member in members:
            leaf = member.rsplit("/", 1)[-1]
            if leaf.startswith(".") or member.startswith("__MACOSX/"):
                continue
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
                raise SourceError(f"member {member} cannot be extracted ({exc})") from exc
            sub = Blob(f"{blob.display}!{member}", leaf, Path(leaf).suffix.lower(), _open_bytes(content))
            sub_head = content[:SNIFF_BYTES]
            if _is_zip(sub_head) or _is_gzip(sub_head):
                yield from _containers(sub, sub_head, depth + 1)
            else:
                yield sub
        return
    yield blob


def _read_head(blob: Blob) -> bytes:
    try:
        with blob.opener() as stream:
            return stream.read(SNIFF_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
        raise SourceError(f"cannot read the file ({exc}); it may be truncated or corrupt") from exc


def _unrecognised(blob: Blob, head: bytes) -> tuple[str, str]:
    """Decide whether an unrecognised file is skipped (not our format) or failed (claims one)."""
    claims = blob.suffix in CLAIMING_SUFFIXES or Path(blob.name).suffix.lower() in CLAIMING_SUFFIXES
    inner_suffix = Path(blob.name).suffix.lower()
    if not head.strip():
        return ("failed", "empty file; remove it or replace it with the full download") if claims \
            else ("skipped", "empty file")
    if b"\x00" in head[:4096]:
        return ("failed", "binary content where text was expected; check the download") if claims \
            else ("skipped", "binary file, not a supported format")
    if inner_suffix == ".json":
        try:
            with blob.opener() as stream:
                json.load(io.TextIOWrapper(stream, encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            return "failed", f"broken JSON ({exc}); the file is truncated or not JSON"
        return "skipped", "JSON but not an openFDA drug label"
    if inner_suffix == ".xml":
        try:
            with blob.opener() as stream:
                for _ in etree.iterparse(stream, events=("end",), resolve_entities=False,
                                         no_network=True, huge_tree=True, load_dtd=False):
                    pass
        except etree.XMLSyntaxError as exc:
            return "failed", f"broken XML ({exc}); the file is truncated or not XML"
        return "skipped", "XML but not DailyMed SPL, PubMed or NGC guideline XML"
    if claims:
        return "skipped", "compressed content in no supported format"
    return "skipped", "not a supported format"


def _pick_parser(head: bytes, name: str) -> Parser | None:
    for parser in PARSERS.values():
        if parser.sniff(head, name):
            return parser
    return None


def ingest_paths(
    store: Store,
    paths: Sequence[Path],
    on_record: Callable[[int], None] | None = None,
    on_message: Callable[[IngestMessage], None] | None = None,
) -> IngestReport:
    """Ingest every supported file under ``paths``; one transaction per file."""
    report = IngestReport()
    started = time.perf_counter()

    def note(msg: IngestMessage) -> None:
        report.messages.append(msg)
        if on_message:
            on_message(msg)

    for top in iter_blobs(paths, report):
        try:
            top_head = _read_head(top)
            blobs = list(_containers(top, top_head))
        except SourceError as exc:
            report.files_failed += 1
            report.counts["failed"] += 1
            note(IngestMessage("failed", top.display, "", str(exc)))
            continue
        for blob in blobs:
            _ingest_blob(store, blob, report, note, on_record)
    check_stale_evidence(store)  # approved articles citing changed evidence go back to review
    report.seconds = time.perf_counter() - started
    return report


def _ingest_blob(
    store: Store,
    blob: Blob,
    report: IngestReport,
    note: Callable[[IngestMessage], None],
    on_record: Callable[[int], None] | None,
) -> None:
    try:
        head = _read_head(blob)
    except SourceError as exc:
        report.files_failed += 1
        report.counts["failed"] += 1
        note(IngestMessage("failed", blob.display, "", str(exc)))
        return
    parser = _pick_parser(head, blob.name)
    if parser is None:
        kind, reason = _unrecognised(blob, head)
        if kind == "failed":
            report.files_failed += 1
            report.counts["failed"] += 1
        else:
            report.files_skipped += 1
        note(IngestMessage(kind, blob.display, "", reason))
        return
    report.files_read += 1
    had_error = False
    file_counts: Counter[str] = Counter()
    with store.transaction(), blob.opener() as raw:
        stream = io.BufferedReader(_GuardedStream(raw, blob.display))
        try:
            for item in parser.parse(stream, blob.name):
                if isinstance(item, Document):
                    item.meta.setdefault("source_file", blob.display)
                    file_counts[str(store.upsert(item, blob.display))] += 1
                    report.formats[parser.format] += 1
                elif isinstance(item, Deletion):
                    if store.delete(item.source_id):
                        file_counts["deleted"] += 1
                elif isinstance(item, RecordError):
                    had_error = True
                    file_counts["failed"] += 1
                    note(IngestMessage("failed", blob.display, item.record, item.reason))
                if on_record:
                    on_record(1)
        except SourceError as exc:
            # The complete documents read before the fault are kept (each was written whole);
            # the rest of the file is reported so it can be fixed and re-ingested.
            had_error = True
            file_counts["failed"] += 1
            kept = sum(file_counts[k] for k in ("ingested", "updated", "unchanged", "older"))
            note(IngestMessage("failed", blob.display, "", f"{exc} ({kept} records before it kept)"))
    report.counts.update(file_counts)
    if had_error:
        report.files_failed += 1
