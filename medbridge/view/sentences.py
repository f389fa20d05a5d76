"""Paragraphs and sentences of a field's visible text, as the view quotes them.

A *paragraph* is the text between paragraph boundaries: an empty line (two line breaks in a row,
white space between them allowed) or the start or end of the field. A single line break never
ends a paragraph.

A *sentence* ends only at a real sentence boundary: ``.``, ``!`` or ``?`` (possibly closed by a
quote or bracket), then white space, then a capital letter or a digit. A full stop never ends a
sentence after a known abbreviation (``pt.``, ``bl.a.``, ``pga.``, ``kl.`` … — the list is part of
the vocabulary), after a single letter (``C. difficile``), or inside a date, time or number
(``14.02.2025``, ``14.30``: no white space follows). When in doubt the sentence goes on: a
sentence too long is harmless, one cut short can turn a statement into its opposite.

Both scans are single passes of regular expressions without nested repetition, so the work is
linear in the text. :func:`sentence_spans` is the plain reference; :func:`sentence_breaks` (the
speed trick the view uses) gives the same boundaries with less work per full stop: its regular
expression already skips every full stop not followed by a capital letter or digit, and the word
before a full stop is read backwards from a reversed copy of the text instead of searched for
(a test keeps the two equal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

__all__ = ["Reversed", "paragraph_spans", "sentence_breaks", "sentence_spans"]

_PARAGRAPH_BREAK = re.compile(r"\n(?:[^\S\n]*\n)+")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")
_NEXT = re.compile(r"\s+(\S)")
_WORD_BEFORE = re.compile(r"[\w.'’]+$")
_WORD_CHARS = re.compile(r"[\w.'’]*")
_LOOKBACK = 40  # characters of the word before a full stop that are looked at


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of every paragraph of ``text``, in order (empty ones included)."""
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        yield start, gap.start()
        start = gap.end()
    yield start, len(text)


def sentence_spans(
    text: str, start: int, end: int, abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)`` spans covering it completely."""
    spans: list[tuple[int, int]] = []
    begin = start
    for mark in _SENTENCE_END.finditer(text, start, end):
        if _is_boundary(text, mark.start(), mark.end(), end, abbreviations):
            spans.append((begin, mark.end()))
            begin = mark.end()
    spans.append((begin, end))
    return spans


def _is_boundary(text: str, at: int, after: int, end: int, abbreviations: frozenset[str]) -> bool:
    following = _NEXT.match(text, after, end)
    if following is None:
        return False  # only white space follows: the paragraph ends anyway
    head = following.group(1)
    if not (head.isupper() or head.isdigit()):
        return False
    if text[at] != ".":
        return True
    word = _word_before(text, at)
    if not word:
        return True
    bare = word.lower().rstrip(".")
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "C. difficile", "E. coli"
    if bare in _abbreviation_forms(abbreviations):
        return False
    return not (head.isdigit() and bare[-1:].isdigit())  # "7.2. 3 dage": keep together


def _word_before(text: str, at: int) -> str:
    start = max(0, at - 40)
    found = _WORD_BEFORE.search(text, start, at)
    return found.group(0) if found else ""


@cache
def _abbreviation_forms(abbreviations: frozenset[str]) -> frozenset[str]:
    """The abbreviations, also without their inner full stops (``bla`` for ``bl.a``) and
    with a trailing apostrophe form removed; all lower case, no final full stop."""
    forms: set[str] = set()
    for item in abbreviations:
        bare = item.rstrip(".")
        forms.update({bare, bare.replace(".", "")})
    return frozenset(forms)


class Reversed:
    """A text and, made on first use, its reversed copy (for reading words backwards)."""

    __slots__ = ("_reversed", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._reversed: str | None = None

    @property
    def reversed(self) -> str:
        """``text[::-1]``, made once."""
        if self._reversed is None:
            self._reversed = self.text[::-1]
        return self._reversed

    def run_before(self, pattern: re.Pattern[str], at: int) -> int:
        """How many characters right before ``at`` ``pattern`` (a repeated character class)
        matches, read backwards."""
        start = len(self.text) - at
        match = pattern.match(self.reversed, start)
        return 0 if match is None else match.end() - start


def sentence_breaks(
    source: Reversed, start: int, end: int, abbreviations: frozenset[str]
) -> list[int]:
    """Where the sentences of ``text[start:end]`` after the first begin: the inner boundaries of
    :func:`sentence_spans`, found with less work per full stop (see the module docstring)."""
    text = source.text
    size = len(text)
    backwards: str | None = None
    breaks: list[int] = []
    forms = _abbreviation_forms(abbreviations)
    for mark in _candidates().finditer(text, start, end):
        at = mark.start()
        head = mark.group(1)
        if head > "\xff" and not (head.isupper() or head.isdigit()):
            continue  # outside Latin-1 the class lets every character through
        if text[at] == ".":  # the rest of _is_boundary, _word_before read backwards:
            last = at - 1 if at and text[at - 1] == "\n" else at  # $ matches before a \n too
            if backwards is None:
                backwards = source.reversed
            run = _WORD_CHARS.match(backwards, size - last)
            if run is not None and run.end() > size - last:
                word = text[max(size - run.end(), at - _LOOKBACK, 0) : last]
                bare = word.lower().rstrip(".")
                if (
                    (len(bare) == 1 and bare.isalpha())
                    or bare in forms
                    or (head.isdigit() and bare[-1:].isdigit())
                ):
                    continue
        breaks.append(mark.end())
    return breaks


@cache
def _candidates() -> re.Pattern[str]:
    """``_SENTENCE_END`` followed by white space and a character that may start a sentence: a
    Latin-1 capital or digit (exactly), or any character outside Latin-1 (checked after)."""
    heads = "".join(
        re.escape(chr(code)) for code in range(256) if chr(code).isupper() or chr(code).isdigit()
    )
    mark = _SENTENCE_END.pattern.replace("(?=\\s)", "")
    return re.compile(mark + f"(?=\\s+([{heads}\\u0100-\\U0010ffff]))")
