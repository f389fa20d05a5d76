"""The head of an EDIFACT interchange: its bytes up to and including the first UNH segment.

Detection (kind, version, encoding, letter identifier) needs only UNB and the first UNH.
:func:`head_end` finds where that head ends with a few ``bytes.find`` calls per segment, so
detection never tokenizes, decodes or even looks at the rest of the input (a 10,000-message
interchange costs what one message costs). Segments are delimited exactly as the tokenizer
delimits them: a segment starts after the layout (CR, LF, space, TAB) that follows the previous
terminator and ends at the first terminator not preceded by an odd run of release characters,
with the interchange's own service characters from its UNA. Nothing is checked here: the head is
tokenized afterwards by :class:`~medbridge.edifact.syntax.Tokenizer`, which reports whatever is
wrong in it, as it would in the whole input.
"""

from __future__ import annotations

import re

from medbridge.edifact.una import DEFAULT_CHARS, parse_una
from medbridge.errors import EdifactInputError
from medbridge.limits import DEFAULT_LIMITS, Limits

__all__ = ["head_end"]

_LAYOUT = re.compile(rb"[ \t\r\n]*")


def head_end(data: bytes, limits: Limits = DEFAULT_LIMITS) -> int:
    """The offset just past the terminator of the first UNH segment of ``data``, or
    ``len(data)`` when there is none (or the UNA is bad: the tokenizer then reports it at once).

    A segment longer than ``limits.max_segment_bytes`` ends the head just past that limit, where
    the tokenizer stops with its limit error; so the work is bounded by the bytes before the
    first UNH, never by the input's size.
    """
    size = len(data)
    chars = DEFAULT_CHARS
    pos = 0
    if data.startswith(b"UNA"):
        try:
            chars = parse_una(data)
        except EdifactInputError:
            return size
        pos = 9
    term = chars.terminator.encode("ascii")
    release = ord(chars.release)
    tag_ends = (chars.data.encode("ascii"), term)
    longest = limits.max_segment_bytes
    while pos < size:
        layout = _LAYOUT.match(data, pos)
        assert layout is not None  # the pattern matches the empty string
        start = layout.end()
        bound = start + longest + 1
        end = data.find(term, start, bound)
        while end != -1:
            back = end - 1
            while back >= start and data[back] == release:
                back -= 1
            if (end - 1 - back) % 2 == 0:
                break  # an even run of releases (or none): the terminator is unescaped
            end = data.find(term, end + 1, bound)
        if end == -1:
            return min(size, bound)
        if data[start : start + 3] == b"UNH" and data[start + 3 : start + 4] in tag_ends:
            return end + 1
        pos = end + 1
    return size
