"""The contract every source-format parser follows.

A parser recognises its format by content (``sniff`` on the first bytes of the decompressed
stream) and turns a binary stream into :data:`~medbrief.models.ParseItem` objects. A file that
claims the format but cannot be read at all raises :class:`SourceError`; a bad record inside a
readable file is yielded as a :class:`~medbrief.models.RecordError` and parsing goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from medbrief.models import ParseItem

SNIFF_BYTES = 64 * 1024


class SourceError(Exception):
    """The whole file cannot be read as the format it claims (the message says why and how to fix)."""


class Parser(Protocol):
    #: short format name shown in stats: "openfda-json", "spl-xml", "pubmed-xml" ...
    format: str

    def sniff(self, head: bytes, name: str) -> bool:
        """True if ``head`` (the first SNIFF_BYTES of the decompressed content) is this format."""
        ...

    def parse(self, stream: BinaryIO, name: str) -> Iterator[ParseItem]:
        """Yield documents, deletions and record errors; raise SourceError if unreadable."""
        ...
