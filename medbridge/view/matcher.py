"""Finding the vocabulary's terms in a text, in time linear in the text's length.

The text is first *normalised* for matching: lower case, every white-space character (line
breaks included) a blank, every run of blanks one blank. Offsets are mapped back to the original
text afterwards, so a hit can span a line break or a formatting boundary and still be located
exactly.

Terms are found in one pass of one regular expression. Each term contributes *pieces*: a term
matched exactly is one piece (itself); a term that may carry one typo (a wrong, missing or doubled
letter) is split into two halves, one of which must then be intact (the pigeonhole principle).
The pieces form a trie, written as a regular expression of literals and optional groups only
(no repetition), tried at every position inside a look-ahead; so the work per position is bounded
by the trie's depth, never by the text. Each piece found is *verified* against the terms it
belongs to: an exact term is its piece; a typo-tolerant term compares the few windows the piece
allows with at most one edit. Tokens (acronyms) must stand alone: no letter or digit right
before or after. A hit that overlaps one of the vocabulary's ``exclude`` phrases is dropped.

:class:`ScanWork` counts the work done (positions scanned, pieces found, verifications and
characters compared), so tests can show linearity by counting instead of timing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from medbridge.view.vocabulary import Term, Vocabulary, vocabulary

__all__ = ["Hit", "Matcher", "ScanWork", "matcher", "normalise_text", "trie_pattern"]

_WHITESPACE = {
    ord(ch): " "
    for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
}
_WHITESPACE.update({cp: " " for cp in range(0x2000, 0x200B)})
_RUNS = re.compile(" {2,}")


@dataclass(slots=True)
class ScanWork:
    """Work counters for one or more scans (for tests; never timing)."""

    positions: int = 0
    pieces: int = 0
    checks: int = 0
    compared: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found at ``start:end`` of the original text."""

    term: Term
    start: int
    end: int


class Normalised:
    """A text prepared for matching, and the way back to the original offsets."""

    __slots__ = ("_removed", "_starts", "text")

    def __init__(self, original: str) -> None:
        lowered = _lower(original).translate(_WHITESPACE)
        starts: list[int] = []
        removed: list[int] = []
        if "  " in lowered:
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


def normalise_text(text: str) -> str:
    """``text`` as the matcher sees it (lower case, white-space runs one blank)."""
    return Normalised(text).text


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() never shortens a character: equal means 1:1
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def trie_pattern(strings: list[str]) -> str:
    """A regular expression matching exactly ``strings``, longest first at each position,
    built as a trie of literals and optional groups (no repetition, so no backtracking blow-up).
    """
    root: dict[str, Any] = {}
    for text in strings:
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(root)


def _node_pattern(node: dict[str, Any]) -> str:
    # iterative post-order walk: each node's pattern is built from its children's
    done: dict[int, str] = {}
    stack: list[tuple[dict[str, Any], bool]] = [(node, False)]
    while stack:
        current, expanded = stack.pop()
        if not expanded:
            stack.append((current, True))
            stack.extend((child, False) for key, child in current.items() if key)
            continue
        branches = [
            re.escape(key) + done[id(child)] for key, child in sorted(current.items()) if key
        ]
        if not branches:
            done[id(current)] = ""
            continue
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in current:  # a piece ends here; longer pieces through this node are optional
            body = f"(?:{body})?"
        done[id(current)] = body
    return done[id(node)]


class Matcher:
    """The compiled vocabulary: one look-ahead trie of pieces and the piece → term index."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocabulary = vocab
        self.terms = vocab.terms
        index: dict[str, list[tuple[int, int]]] = {}
        for number, term in enumerate(self.terms):
            text = term.text
            pieces: list[tuple[str, int]] = [(text, 0)]
            if term.fuzzy:
                half = len(text) // 2
                pieces = [(text[:half], 0), (text[half:], half)]
            for piece, offset in pieces:
                index.setdefault(piece, []).append((number, offset))
        self.index = index
        self.lengths = sorted({len(piece) for piece in index})
        self.regex = re.compile(f"(?=({trie_pattern(sorted(index))}))")
        self.exclude = vocab.exclude
        self.not_typos = vocab.not_typos

    def find(self, text: str, work: ScanWork | None = None) -> list[Hit]:
        """Every term in ``text``: hits in the original offsets, in text order."""
        norm = Normalised(text)
        hits = self._find(norm.text, work)
        out = [Hit(self.terms[n], *norm.span(s, e)) for n, s, e in sorted(hits, key=_order)]
        return out

    def _find(self, norm: str, work: ScanWork | None) -> set[tuple[int, int, int]]:
        found: set[tuple[int, int, int]] = set()
        index, lengths, terms = self.index, self.lengths, self.terms
        pieces = checks = compared = 0
        for match in self.regex.finditer(norm):
            at = match.start()
            longest = match.group(1)
            for size in lengths:
                if size > len(longest):
                    break
                entries = index.get(longest[:size])
                if entries is None:
                    continue
                pieces += 1
                for number, offset in entries:
                    checks += 1
                    term = terms[number]
                    span, exact, cost = _verify(norm, at, term, offset)
                    compared += cost
                    if span is None or _overlaps(norm, *span, self.exclude):
                        continue
                    if exact or not _overlaps(norm, *span, self.not_typos):
                        found.add((number, *span))
        if work is not None:
            work.positions += len(norm)
            work.pieces += pieces
            work.checks += checks
            work.compared += compared
        return found


def _overlaps(norm: str, start: int, end: int, phrases: tuple[str, ...]) -> bool:
    """An occurrence of one of ``phrases`` overlaps ``start:end``."""
    for phrase in phrases:
        size = len(phrase)
        if norm.find(phrase, max(0, start - size + 1), end - 1 + size) != -1:
            return True
    return False


def _order(hit: tuple[int, int, int]) -> tuple[int, int, int]:
    return hit[1], hit[2], hit[0]


def _verify(
    norm: str, at: int, term: Term, offset: int
) -> tuple[tuple[int, int] | None, bool, int]:
    """The span of ``term`` whose piece at ``offset`` was found at ``at`` (or None), whether it
    is exact, and the number of characters compared."""
    text = term.text
    size = len(text)
    if not term.fuzzy:
        end = at + size
        if term.token and not _bounded(norm, at, end):
            return None, True, size
        return (at, end), True, size
    if offset == 0:
        windows = ((at, at + size), (at, at + size - 1), (at, at + size + 1))
    else:
        end = at + size - offset
        windows = ((end - size, end), (end - size + 1, end), (end - size - 1, end))
    cost = 0
    for start, end in windows:
        if start < 0 or end > len(norm):
            continue
        window = norm[start:end]
        cost += len(window)
        if window == text:
            return (start, end), True, cost
        if _one_typo(window, text):
            return (start, end), False, cost
    return None, False, cost


def _bounded(norm: str, start: int, end: int) -> bool:
    before = start == 0 or not norm[start - 1].isalnum()
    after = end == len(norm) or not norm[end].isalnum()
    return before and after


def _one_typo(seen: str, term: str) -> bool:
    """``seen`` is ``term`` with one wrong letter, one letter missing or one letter doubled."""
    if len(seen) == len(term):
        diffs = [i for i in range(len(term)) if seen[i] != term[i]]
        return len(diffs) == 1 and seen[diffs[0]].isalpha()
    first = 0
    shorter, longer = (seen, term) if len(seen) < len(term) else (term, seen)
    if len(longer) - len(shorter) != 1:
        return False
    while first < len(shorter) and shorter[first] == longer[first]:
        first += 1
    if shorter[first:] != longer[first + 1 :]:
        return False
    if longer is term:  # a letter is missing from what was written
        return True
    extra = seen[first]  # a letter was added: only a doubled one counts
    neighbours = seen[first - 1 : first] + seen[first + 1 : first + 2]
    return extra.isalpha() and extra in neighbours


@cache
def matcher() -> Matcher:
    """The matcher of the installed vocabulary, compiled once."""
    return Matcher(vocabulary())
