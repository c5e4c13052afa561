"""PubMed / MEDLINE XML: efetch output, annual baseline and daily update files.

Reads ``PubmedArticleSet`` (``PubmedArticle``, ``PubmedBookArticle``, ``DeleteCitation``) and the
older ``MedlineCitationSet`` (top-level ``MedlineCitation`` and ``DeleteCitation``) with
``lxml.etree.iterparse``; every record is cleared once mapped so memory stays flat on 1 GB files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from medbrief.models import Deletion, ParseItem, RecordError
from medbrief.sources.base import SourceError
from medbrief.sources.pubmed_record import (
    FIRST_AUTHORS,
    ResearchRecord,
    build_document,
    iso_date,
    year_of,
)
from medbrief.sources.pubmed_stream import SafeReader

FORMAT = "pubmed-xml"
ROOTS = frozenset(
    {"PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet", "PubmedArticle",
     "PubmedBookArticle", "MedlineCitation"}
)
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")
_NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)")

_Element = etree._Element


def root_tag(head: bytes) -> str | None:
    """Name of the document element in ``head``, skipping the prolog (BOM, PIs, comments, DOCTYPE)."""
    data = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    pos = 0
    n = len(data)
    while pos < n:
        while pos < n and data[pos] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos)
            pos = -1 if end < 0 else end + 2
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos)
            pos = -1 if end < 0 else end + 3
        elif data.startswith(b"<!DOCTYPE", pos):
            close = data.find(b">", pos)
            bracket = data.find(b"[", pos)
            if 0 <= bracket < close:
                end = data.find(b"]", bracket)
                close = data.find(b">", end) if end >= 0 else -1
            pos = -1 if close < 0 else close + 1
        else:
            m = _NAME.match(data, pos)
            if m is None:
                return None
            name = m.group(1).decode("ascii", "replace")
            return name.rsplit(":", 1)[-1]
        if pos < 0:
            return None
    return None


def _text(el: _Element | None) -> str:
    """All inner text of ``el`` (inline markup such as <i>, <sup> kept as text), whitespace-collapsed."""
    if el is None:
        return ""
    if len(el) == 0:
        text = el.text
        if not text:
            return ""
        if "  " in text or "\n" in text or "\t" in text or "\r" in text or not text.isprintable():
            return " ".join(text.split())
        return text.strip()
    return " ".join("".join(t for t in el.itertext() if isinstance(t, str)).split())


def _parts(el: _Element) -> dict[str, str]:
    """Leaf children of a date-like element as {tag: text}: Year, Month, Day, MedlineDate ..."""
    return {c.tag: c.text for c in el if isinstance(c.tag, str) and c.text}


def _date(el: _Element) -> str:
    """ISO date of a Year/Month/Day element (DateRevised, DateCompleted, ArticleDate)."""
    p = _parts(el)
    return iso_date(p.get("Year", ""), p.get("Month", ""), p.get("Day", ""))


def _pub_date(pub: _Element) -> tuple[str, int | None]:
    p = _parts(pub)
    if "Year" in p:
        published = iso_date(p["Year"], p.get("Month", ""), p.get("Day", ""))
    else:
        # MedlineDate "1998 Dec-1999 Jan", "2000 Spring" -> the year only
        y = year_of(p.get("MedlineDate", ""))
        published = str(y) if y is not None else ""
    return published, year_of(published) if published else None


def _authors(rec: ResearchRecord, author_list: _Element) -> None:
    count = 0
    for author in author_list:
        if author.tag != "Author" or author.get("ValidYN") == "N":
            continue
        count += 1
        if count > FIRST_AUTHORS:
            continue
        p = _parts(author)
        last = p.get("LastName", "").strip()
        name = f"{last} {p.get('Initials', '').strip()}" if last else _text(author.find("CollectiveName"))
        name = " ".join(name.split())
        if name:
            rec.authors.append(name)
    rec.author_count = count


def _abstract(rec: ResearchRecord, abstract: _Element) -> None:
    for part in abstract:
        if part.tag == "AbstractText":
            label = part.get("Label") or ""
            if label:
                label = " ".join(label.split())
            rec.abstract.append((label, part.get("NlmCategory") or "", _text(part)))


def _doi_from_ids(id_list: _Element) -> str:
    for aid in id_list:
        if aid.get("IdType") == "doi" and aid.text and aid.text.strip():
            return aid.text.strip()
    return ""


def _pmid(el: _Element | None) -> tuple[str, str]:
    """(pmid, version) from a PMID element; pmid is "" when missing."""
    if el is None:
        return "", ""
    return (el.text or "").strip(), (el.get("Version") or "1").strip()


def _article(rec: ResearchRecord, article: _Element) -> None:
    """Fill ``rec`` from an <Article> or a <BookDocument> in one pass over its children."""
    vernacular = ""
    article_date = ""
    doi = ""
    for child in article:
        tag = child.tag
        if tag == "ArticleTitle":
            rec.title = _text(child)
        elif tag == "Journal":
            _journal(rec, child)
        elif tag == "Abstract":
            _abstract(rec, child)
        elif tag == "AuthorList":
            if not rec.authors:
                _authors(rec, child)
        elif tag == "Language":
            rec.language = rec.language or _text(child)
        elif tag == "PublicationTypeList":
            rec.publication_types.extend(_text(p) for p in child if p.tag == "PublicationType")
        elif tag == "PublicationType":  # BookDocument lists them directly
            rec.publication_types.append(_text(child))
        elif tag == "ELocationID":
            if not doi and child.get("EIdType") == "doi":
                doi = _text(child)
        elif tag == "ArticleIdList":  # BookDocument
            doi = doi or _doi_from_ids(child)
        elif tag == "ArticleDate":
            article_date = article_date or _date(child)
        elif tag == "VernacularTitle":
            vernacular = _text(child)
    rec.title = rec.title or vernacular
    rec.doi = rec.doi or doi
    if not rec.published and article_date:
        rec.published, rec.year = article_date, year_of(article_date)


def _journal(rec: ResearchRecord, journal: _Element) -> None:
    for child in journal:
        tag = child.tag
        if tag == "Title":
            rec.journal = _text(child)
        elif tag == "ISOAbbreviation":
            rec.journal_iso = _text(child)
        elif tag == "JournalIssue":
            pub = child.find("PubDate")
            if pub is not None:
                rec.published, rec.year = _pub_date(pub)


def _mesh(rec: ResearchRecord, mesh_list: _Element) -> None:
    for heading in mesh_list:
        # DescriptorName, then QualifierName*; any may be the major topic
        descriptor = heading.find("DescriptorName")
        name = _text(descriptor) if descriptor is not None else ""
        major = any(part.get("MajorTopicYN") == "Y" for part in heading)
        if name:
            rec.mesh.append(name)
            if major:
                rec.mesh_major.append(name)


def _citation_record(
    mc: _Element, pubmed_data: _Element | None, index: int
) -> ResearchRecord | RecordError:
    """Map a MedlineCitation (plus PubmedData when inside a PubmedArticle)."""
    pmid, version = _pmid(mc.find("PMID"))
    if not pmid.isdigit():
        return _bad_pmid(pmid, index)
    rec = ResearchRecord(pmid=pmid, version=version, status=mc.get("Status") or "")
    if pubmed_data is not None:
        id_list = pubmed_data.find("ArticleIdList")
        if id_list is not None:
            rec.doi = _doi_from_ids(id_list)
    article = None
    revised = completed = ""
    for child in mc:
        tag = child.tag
        if tag == "Article":
            article = child
            _article(rec, child)
        elif tag == "DateRevised":
            revised = _date(child)
        elif tag == "DateCompleted":
            completed = _date(child)
        elif tag == "MeshHeadingList":
            _mesh(rec, child)
        elif tag == "ChemicalList":
            rec.chemicals = [_text(c.find("NameOfSubstance")) for c in child]
        elif tag == "CommentsCorrectionsList":
            for cc in child:
                reftype = cc.get("RefType") or ""
                if reftype and reftype != "Cites":
                    rec.comments.append((reftype, _text(cc.find("PMID"))))
        elif tag == "MedlineJournalInfo" and not rec.journal_iso:
            rec.journal_iso = _text(child.find("MedlineTA"))
    if article is None:
        return RecordError(f"PMID {pmid}", "MedlineCitation has no <Article> (no title, journal or"
                           " abstract); the record is incomplete, fetch it again from PubMed")
    rec.version_rank = revised or completed
    return rec


def _book_record(book_article: _Element, index: int) -> ResearchRecord | RecordError:
    """Map a PubmedBookArticle (NCBI Bookshelf chapter or book: GeneReviews, StatPearls ...)."""
    doc = book_article.find("BookDocument")
    if doc is None:
        return RecordError(f"record {index}", "PubmedBookArticle has no <BookDocument>; skipped")
    pmid, version = _pmid(doc.find("PMID"))
    if not pmid.isdigit():
        return _bad_pmid(pmid, index)
    rec = ResearchRecord(pmid=pmid, version=version, status="Book", extra={"book": True})
    revised = doc.find("DateRevised")
    rec.version_rank = _date(revised) if revised is not None else ""
    book = doc.find("Book")
    book_title = ""
    if book is not None:
        book_title = _text(book.find("BookTitle"))
        rec.journal = _text(book.find("Publisher/PublisherName"))
        pub = book.find("PubDate")
        if pub is not None:
            rec.published, rec.year = _pub_date(pub)
    _article(rec, doc)
    if not rec.title:
        rec.title = book_title
    elif book_title and book_title != rec.title:
        rec.extra["book_title"] = book_title
    return rec


def _bad_pmid(pmid: str, index: int) -> RecordError:
    if not pmid:
        return RecordError(f"record {index}", "no <PMID> element (or it is empty); the record"
                           " cannot be identified, so it is skipped; fix or re-fetch it")
    return RecordError(f"PMID {pmid[:40]}", "PMID is not a number; the record is skipped")


def _deletions(el: _Element, index: int) -> Iterator[ParseItem]:
    for pmid_el in el.iterfind("PMID"):
        pmid = (pmid_el.text or "").strip()
        if pmid.isdigit():
            yield Deletion(f"PMID:{pmid}")
        else:
            yield RecordError(f"record {index}", f"DeleteCitation lists a non-numeric PMID {pmid[:40]!r}")


def _release(el: _Element) -> None:
    """Free a finished record and everything before it (keeps memory flat on huge files)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


class PubmedXmlParser:
    format = FORMAT

    def sniff(self, head: bytes, name: str) -> bool:
        return root_tag(head) in ROOTS

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        reader = SafeReader(stream)
        head = reader.read_head()
        root = root_tag(head)
        if root not in ROOTS:
            raise SourceError(self._not_pubmed(name, head, root, reader.error))
        context = etree.iterparse(
            reader, events=("end",), tag=_RECORD_TAGS, resolve_entities=False, no_network=True,
            huge_tree=True, load_dtd=False, remove_comments=True, remove_pis=True,
        )
        index = 0
        try:
            for _, el in context:
                tag = el.tag
                if tag == "MedlineCitation":
                    parent = el.getparent()
                    if parent is not None and parent.tag == "PubmedArticle":
                        continue  # mapped with its PubmedArticle (which has the PubmedData)
                index += 1
                yield from self._item(el, tag, index)
                _release(el)
        except etree.LxmlError as exc:  # XMLSyntaxError and any other libxml2 failure
            reason = self._broken(exc, reader.error)
            if index == 0:
                raise SourceError(f"{name}: cannot be read as PubMed XML: {reason}") from None
            yield RecordError(
                f"record {index + 1}",
                f"{reason}; the {index} records before it were kept, the rest of the file is lost"
                " — download the file again",
            )
            return
        if reader.error:
            yield RecordError("end of file", f"reading the stream failed after the XML ended ({reader.error})")

    def _item(self, el: _Element, tag: str, index: int) -> Iterator[ParseItem]:
        if tag == "DeleteCitation":
            yield from _deletions(el, index)
            return
        if tag == "PubmedBookArticle":
            result = _book_record(el, index)
        elif tag == "PubmedArticle":
            mc = el.find("MedlineCitation")
            if mc is None:
                result = RecordError(f"record {index}", "PubmedArticle has no <MedlineCitation>; skipped")
            else:
                result = _citation_record(mc, el.find("PubmedData"), index)
        else:
            result = _citation_record(el, None, index)
        if isinstance(result, RecordError):
            yield result
        else:
            yield build_document(result, FORMAT)

    @staticmethod
    def _broken(exc: etree.LxmlError, stream_error: str) -> str:
        lineno = getattr(exc, "lineno", None)
        line = lineno if isinstance(lineno, int) else "?"
        msg = getattr(exc, "msg", None)
        msg = msg if isinstance(msg, str) and msg else str(exc)
        if stream_error:
            return f"the stream broke at XML line {line} ({stream_error}); the file is truncated or corrupt"
        return f"broken XML at line {line}: {msg}"

    @staticmethod
    def _not_pubmed(name: str, head: bytes, root: str | None, stream_error: str) -> str:
        if stream_error:
            return f"{name}: cannot read the file ({stream_error}); it is truncated or corrupt"
        if not head.strip():
            return f"{name}: empty file; replace it with the full PubMed download"
        if root is None:
            return (f"{name}: not XML (no document element in the first {len(head)} bytes);"
                    " expected PubMed XML from efetch or the baseline/update files")
        return (f"{name}: root element <{root}> is not PubMed XML (expected <PubmedArticleSet> or"
                " <MedlineCitationSet>)")
