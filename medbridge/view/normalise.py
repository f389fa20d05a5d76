"""Text prepared for matching: lower case, every run of white space one blank, and the way back.

:class:`Normalised` lower-cases the text (character by character, so offsets stay put), turns
every white-space character (line breaks included) into a blank and every run of blanks into one,
and keeps what it needs to map an offset back to the original text. The plain reference is
``Normalised(text)``.

``Normalised(text, fast=True)`` is the speed trick: the same offsets and, for matching, the same
text — except that a character outside Latin-1 is replaced by a stand-in of its class (a letter,
another letter or digit, anything else). Nothing the matcher does can tell the difference: the
vocabulary is Latin-1 and uses none of the stand-ins, and the matcher only ever compares text with
vocabulary characters or asks whether a character is a letter, a letter or digit, or white space
(a test keeps the two paths equal). In return the work is three passes in C (encode to Latin-1,
translate the bytes through one 256-byte table, decode) instead of a dictionary lookup per
character, about forty times faster for Danish text. Text with many characters outside Latin-1
takes the reference path.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from itertools import accumulate

__all__ = ["STAND_INS", "Normalised", "normalise_text"]

_WHITESPACE = {
    ord(ch): " "
    for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
}
_WHITESPACE.update({cp: " " for cp in range(0x2000, 0x200B)})
_RUNS = re.compile(" {2,}")
_FOREIGN = re.compile("[^\x00-\xff]+")
#: The stand-ins for a character outside Latin-1: a letter, a letter-or-digit, anything else.
STAND_INS = ("\xaa", "\xb9", "\xac")
#: Above this share of characters outside Latin-1 the reference path is as fast.
_FOREIGN_SHARE = 16


class Normalised:
    """A text prepared for matching, and the way back to the original offsets."""

    __slots__ = ("_removed", "_starts", "text")

    def __init__(self, original: str, *, fast: bool = False) -> None:
        lowered = _fast_lower(original) if fast else None
        if lowered is None:
            lowered = _lower(original).translate(_WHITESPACE)
        starts: list[int] = []
        removed: list[int] = []
        if fast and "  " in lowered:  # the loop below, with the text and sums made in C
            runs = [run.span() for run in _RUNS.finditer(lowered)]
            sizes = [end - start - 1 for start, end in runs]
            removed = list(accumulate(sizes))
            after = zip(runs, removed, sizes, strict=True)
            starts = [start + 1 - total + size for (start, _), total, size in after]
            lowered = _RUNS.sub(" ", lowered)
        elif "  " in lowered:
            parts: list[str] = []
            last = 0
            total = 0
            length = 0
            for run in _RUNS.finditer(lowered):
                chunk = lowered[last : run.start() + 1]
                parts.append(chunk)
                length += len(chunk)
                total += run.end() - run.start() - 1
                starts.append(length)
                removed.append(total)
                last = run.end()
            parts.append(lowered[last:])
            lowered = "".join(parts)
        self.text = lowered
        self._starts = starts
        self._removed = removed

    def original(self, index: int) -> int:
        """The original offset of normalised offset ``index``."""
        at = bisect.bisect_right(self._starts, index) - 1
        return index if at < 0 else index + self._removed[at]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``start:end`` (``end`` > ``start``)."""
        return self.original(start), self.original(end - 1) + 1

    def spans(self, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """``(start, end, number)`` spans, sorted by start, mapped back as :meth:`span` does —
        in one walk instead of two bisections each."""
        starts, removed = self._starts, self._removed
        if not starts:
            return spans
        out: list[tuple[int, int, int]] = []
        at = -1  # the last run starting at or before the current start
        count = len(starts)
        for start, end, number in spans:
            while at + 1 < count and starts[at + 1] <= start:
                at += 1
            first = start if at < 0 else start + removed[at]
            last = end - 1
            ahead = at
            while ahead + 1 < count and starts[ahead + 1] <= last:
                ahead += 1
            out.append((first, (last if ahead < 0 else last + removed[ahead]) + 1, number))
        return out


def normalise_text(text: str) -> str:
    """``text`` as the matcher sees it (lower case, white-space runs one blank)."""
    return Normalised(text).text


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() never shortens a character: equal means 1:1
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


@cache
def _latin1_table() -> bytes:
    """Byte ``b`` → the byte of ``chr(b).lower()``, white space a blank (all stay Latin-1)."""
    out = bytearray()
    for code in range(256):
        low = chr(code).lower()
        out.append(32 if ord(low) in _WHITESPACE else ord(low))
    return bytes(out)


@cache
def _stand_in(ch: str) -> str:
    """The Latin-1 character the fast path uses for ``ch`` (outside Latin-1)."""
    low = ch.lower()
    if len(low) != 1:
        low = ch
    if ord(low) < 256:
        return low  # KELVIN SIGN → k, ANGSTROM SIGN → å …
    if ord(low) in _WHITESPACE:
        return " "
    if low.isalpha():
        return STAND_INS[0]
    return STAND_INS[1] if low.isalnum() else STAND_INS[2]


def _fast_lower(text: str) -> str | None:
    """``_lower(text).translate(_WHITESPACE)`` with stand-ins, or None (too many foreign)."""
    try:
        encoded = text.encode("latin-1")
    except UnicodeEncodeError:
        foreign = len(text) - len(text.encode("latin-1", "ignore"))
        if foreign * _FOREIGN_SHARE > len(text):
            return None
        patched = bytearray(text.encode("latin-1", "replace"))  # one byte per character
        for run in _FOREIGN.finditer(text):
            stand_ins = "".join(map(_stand_in, run.group()))
            patched[run.start() : run.end()] = stand_ins.encode("latin-1")
        encoded = bytes(patched)
    return encoded.translate(_latin1_table()).decode("latin-1")
