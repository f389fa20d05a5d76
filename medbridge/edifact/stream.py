"""The tokenizer's input buffer: whole bytes, or a stream of chunks read only as far as needed.

See "Chunked input" in :mod:`medbridge.edifact.syntax`: the buffer ``_data`` holds the bytes not
yet consumed and ``_base`` is the absolute offset of its first byte; every position in the
tokenizer's loops is a buffer index and every reported offset is ``_base`` + index. For bytes the
buffer is the whole input, ``_base`` stays 0 and nothing is ever read (``_eof`` is always True).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Self

__all__ = ["ChunkBuffer"]

#: Layout between segments: CR, LF, space, TAB.
LAYOUT = re.compile(rb"[ \t\r\n]*")


class ChunkBuffer:
    """The bytes of one input, whole or arriving in chunks (base of the tokenizer)."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        if isinstance(data, str):
            raise TypeError("pass bytes, or a pathlib.Path")
        self._data = bytes(data)
        # The buffer ``_data`` starts at absolute offset ``_base``; ``_chunks`` is the rest of a
        # chunked input, ``_eof`` True once nothing more will come (always, for bytes).
        self._base = 0
        self._chunks: Iterator[bytes] | None = None
        self._eof = True

    def _read_chunks(self, chunks: Iterable[bytes]) -> Self:
        """Make this (empty) buffer read ``chunks`` on demand; returns itself."""
        self._chunks = iter(chunks)
        self._eof = False
        return self

    @property
    def bytes_seen(self) -> int:
        """How many bytes of the input have been read so far: the input's length once the
        iteration is exhausted (where a missing trailer is located)."""
        return self._base + len(self._data)

    def _grow(self) -> bytes:
        """Append the next non-empty chunk to the buffer (or note the end); return the buffer."""
        if self._chunks is not None:
            for chunk in self._chunks:
                if chunk:
                    self._data += chunk
                    return self._data
        self._eof = True
        self._chunks = None
        return self._data

    def _ensure(self, end: int) -> bytes:
        """Read until the buffer holds index ``end - 1`` or the input ends; return the buffer."""
        while len(self._data) < end and not self._eof:
            self._grow()
        return self._data

    def _refill(self, pos: int) -> None:
        """Drop the consumed bytes before ``pos`` (the caller shifts its positions by ``pos``)
        and read one more chunk. Called between segments only."""
        self._data = self._data[pos:]
        self._base += pos
        self._grow()

    def _find(self, needle: bytes, start: int, bound: int) -> int:
        """``data.find(needle, start, bound)`` for a one-byte needle, reading on while it is not
        found and the buffer ends before ``bound``: afterwards either the needle is found, the
        buffer reaches ``bound``, or it holds the rest of the input."""
        found = self._data.find(needle, start, bound)
        while found == -1 and len(self._data) < bound and not self._eof:
            start = max(start, len(self._data))
            found = self._grow().find(needle, start, bound)
        return found

    def _skip_layout(self, pos: int) -> int:
        """The end of the layout run (CR, LF, space, TAB) at ``pos``; reads on while the run
        reaches the end of the buffer, so the byte after it, if any, is in the buffer."""
        while True:
            match = LAYOUT.match(self._data, pos)
            assert match is not None  # the pattern matches the empty string
            end = match.end()
            if end < len(self._data) or self._eof:
                return end
            pos = end
            self._grow()
