"""A forgiving binary reader for the PubMed parsers: replays the sniffed head, never raises.

A decompression failure (truncated gzip, corrupt zip member) ends the input instead of raising,
with ``error`` saying what happened, so a parser can keep the records read before the fault and
then report it. SourceError (raised by the ingest walker's guarded stream) passes through.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from typing import BinaryIO

from medbrief.sources.base import SNIFF_BYTES

_STREAM_ERRORS = (OSError, EOFError, ValueError, zlib.error, zipfile.BadZipFile, lzma.LZMAError)
_CHUNK = 4096  # below io.DEFAULT_BUFFER_SIZE: a failing gzip read loses nothing already decoded


class SafeReader:
    """File-like wrapper for lxml: replays the sniffed head, turns read failures into EOF + a note.

    lxml re-raises exceptions from ``read``; a broken stream (truncated gzip ...) instead ends the
    input, lxml reports premature end of data and the parser says what broke the stream.
    SourceError (raised by the ingest walker's guarded stream) passes through unchanged.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._head = b""
        self.error = ""

    def read_head(self) -> bytes:
        self._head = self._read(SNIFF_BYTES)
        return self._head

    def _read(self, size: int) -> bytes:
        # Small reads: a decompressor that fails mid-read loses only the current chunk, so the
        # complete records before a truncation point still reach the parser.
        want = _CHUNK if size < 0 else size
        parts: list[bytes] = []
        got = 0
        while got < want and not self.error:
            data = self._read_chunk(min(_CHUNK, want - got))
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def _read_chunk(self, size: int) -> bytes:
        try:
            data = self._stream.read(size)
        except _STREAM_ERRORS as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return b""
        if isinstance(data, bytes):
            return data
        if isinstance(data, bytearray | memoryview):
            return bytes(data)
        self.error = "the stream returned text, not bytes; open the file in binary mode"
        return b""

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                data, self._head = self._head, b""
            else:
                data, self._head = self._head[:size], self._head[size:]
            return data
        return self._read(size)
