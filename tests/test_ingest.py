"""Ingest: recognition by content, containers, bad input, one transaction per file, reruns."""

from __future__ import annotations

import gzip
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES
from medbrief.ingest import ingest_paths
from medbrief.models import Document
from medbrief.store import open_store
from medbrief.store.repository import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "store" / "medbrief.sqlite3")


def _messages(report, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.line() for m in report.messages if m.kind == kind]


def test_recognises_each_format_by_content_not_name(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # misleading names: the content decides
    shutil.copy(FIXTURES / "openfda" / "api_response.json", data / "labels.txt")
    shutil.copy(FIXTURES / "spl" / "rx_plr.xml", data / "spl-without-extension")
    shutil.copy(FIXTURES / "pubmed" / "articleset.xml", data / "a.data")
    report = ingest_paths(store, [data])
    assert report.failed == 0, report.messages
    assert set(report.formats) == {"openfda-json", "spl-xml", "pubmed-xml"}


def test_skips_unsupported_files_and_fails_unreadable_ones(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "README.md").write_text("# A readme\n\nNothing to ingest here.\n")
    (data / "LICENSE").write_text("MIT License\n")
    (data / "table.tsv").write_text("a\tb\n1\t2\n")
    shutil.copy(FIXTURES / "openfda" / "timestamp.json", data / "timestamp.json")
    (data / "empty.json").write_text("")
    (data / "broken.json").write_text('{"results": [{"set_id": ')
    (data / "binary.xml").write_bytes(b"\x00\x01\x02\x03" * 100)
    (data / "truncated.xml.gz").write_bytes(gzip.compress(b"<PubmedArticleSet>" * 50)[:30])
    shutil.copy(FIXTURES / "openfda" / "api_response.json", data / "good.json")
    report = ingest_paths(store, [data])
    skipped = "\n".join(_messages(report, "skipped"))
    failed = "\n".join(_messages(report, "failed"))
    for name in ("README.md", "LICENSE", "table.tsv", "timestamp.json"):
        assert name in skipped
    for name in ("empty.json", "broken.json", "binary.xml", "truncated.xml.gz"):
        assert name in failed, failed
    assert "Traceback" not in failed
    assert report.counts["ingested"] >= 1  # the good file still landed
    assert report.failed >= 4


def test_bad_record_keeps_good_records(store: Store) -> None:
    report = ingest_paths(store, [FIXTURES / "openfda" / "missing_set_id.json"])
    assert report.counts["ingested"] >= 1
    assert report.failed >= 1
    line = _messages(report, "failed")[0]
    assert "missing_set_id.json" in line and "set_id" in line


def test_zip_nested_zip_and_gzip_containers(store: Store, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("spl/label.xml", (FIXTURES / "spl" / "rx_plr.xml").read_bytes())
        z.writestr("image.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    outer = tmp_path / "dm_spl_release.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("prescription/20240101_abc.zip", inner.getvalue())
        z.writestr("drug-label-0001-of-0001.json",
                   (FIXTURES / "openfda" / "drug-label-0001-of-0001.json").read_bytes())
    gz = tmp_path / "pubmed24n0001.xml.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "pubmed" / "articleset.xml").read_bytes()))
    report = ingest_paths(store, [outer, gz])
    assert report.failed == 0, [m.line() for m in report.messages]
    assert report.formats["spl-xml"] == 1
    assert report.formats["openfda-json"] >= 1
    assert report.formats["pubmed-xml"] >= 1
    assert any("image.jpg" in m for m in _messages(report, "skipped"))


def test_rerun_is_a_no_op_and_newer_version_replaces(store: Store, tmp_path: Path) -> None:
    first = ingest_paths(store, [FIXTURES / "openfda" / "api_response.json"])
    n_docs = store.stats().documents
    again = ingest_paths(store, [FIXTURES / "openfda" / "api_response.json"])
    assert again.counts["ingested"] == 0 and again.counts["unchanged"] == first.counts["ingested"]
    assert store.stats().documents == n_docs
    import json

    data = json.loads((FIXTURES / "openfda" / "api_response.json").read_text())
    record = data["results"][0]
    record["version"] = str(int(record.get("version", "1")) + 5)
    record["indications_and_usage"] = ["A changed indication sentence for this newer version."]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data))
    report = ingest_paths(store, [newer])
    assert report.counts["updated"] == 1
    sid = f"SETID:{record['set_id']}"
    assert store.history(sid)[0]["reason"] == "replaced"
    doc = store.get_document(sid)
    assert doc is not None and any("changed indication" in p.text for p in doc.passages)


def test_a_crash_mid_file_leaves_no_partial_document(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    original = Store.upsert

    def dying_upsert(self: Store, doc: Document, source_file: str = ""):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the process is killed while writing the file
        return original(self, doc, source_file)

    monkeypatch.setattr(Store, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(store, [FIXTURES / "openfda" / "records_list.json"])
    assert store.stats().documents == 0  # the first record of the file was rolled back too
    monkeypatch.setattr(Store, "upsert", original)
    report = ingest_paths(store, [FIXTURES / "openfda" / "records_list.json"])
    assert report.counts["ingested"] == store.stats().documents >= 2


def test_missing_path_is_reported(store: Store, tmp_path: Path) -> None:
    report = ingest_paths(store, [tmp_path / "nope"])
    assert report.failed == 1 and "no such file" in report.messages[0].reason


def test_pubmed_delete_citation_removes_records(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [FIXTURES / "pubmed" / "articleset.xml"])
    assert store.get_document("PMID:90000001") is not None
    update = tmp_path / "pubmed26n9999.xml"
    update.write_text('<?xml version="1.0"?>\n<PubmedArticleSet><DeleteCitation>'
                      '<PMID Version="1">90000001</PMID><PMID Version="1">1</PMID>'
                      "</DeleteCitation></PubmedArticleSet>\n")
    report = ingest_paths(store, [update])
    assert report.counts["deleted"] == 1 and report.failed == 0
    assert store.get_document("PMID:90000001") is None
    assert store.history("PMID:90000001")[-1]["reason"] == "deleted"
