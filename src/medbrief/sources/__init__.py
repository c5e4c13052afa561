"""One parser per real source format; the registry is a plain ordered dict, tried in order."""

from __future__ import annotations

from medbrief.sources.base import Parser, SourceError
from medbrief.sources.digest import DigestParser
from medbrief.sources.medline import MedlineTextParser
from medbrief.sources.ngc import NgcXmlParser
from medbrief.sources.openfda import OpenFDADerivedParser, OpenFDAJsonParser
from medbrief.sources.pubmed import PubmedXmlParser
from medbrief.sources.spl import SplXmlParser

PARSERS: dict[str, Parser] = {
    p.format: p
    for p in (
        SplXmlParser(),
        NgcXmlParser(),
        PubmedXmlParser(),
        MedlineTextParser(),
        OpenFDAJsonParser(),
        OpenFDADerivedParser(),
        DigestParser(),
    )
}

__all__ = ["PARSERS", "Parser", "SourceError"]
