"""Deciding whether a place in normalised text holds a vocabulary term, and the trie patterns.

The matcher finds *pieces* (a term, or one half of a term that may carry a typo) and asks
:func:`verify` whether the term is really there: an exact term is its piece (a token must stand
alone); a typo-tolerant term compares the few windows the piece allows, in a fixed order, with at
most one wrong, missing or doubled letter (:func:`one_typo`). A :class:`Gate` (a regular
expression of every string one edit away from the term) lets the fast path skip that comparison
where it cannot succeed. :func:`overlaps` is the plain check that a hit overlaps one of the
phrases that cancel it; :class:`PhraseSearch` gives the same answer with one regular-expression
scan instead of one search per phrase. Tests hold both speed tricks to the plain code.

:func:`trie_pattern` writes a list of strings as a regular expression of literals and optional
groups (no repetition, so no backtracking blow-up) that matches the longest of them at a position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from medbridge.view.vocabulary import Term

__all__ = [
    "Gate",
    "PhraseSearch",
    "ScanWork",
    "bounded",
    "gate",
    "one_typo",
    "overlaps",
    "trie_pattern",
    "verify",
]


@dataclass(slots=True)
class ScanWork:
    """Work counters for one or more scans (for tests; never timing): characters the trie was
    tried at, pieces found, verifications and characters compared, and characters of paragraphs
    searched for sentence boundaries."""

    positions: int = 0
    pieces: int = 0
    checks: int = 0
    compared: int = 0
    sentence_chars: int = 0


def trie_pattern(strings: list[str], wild: str = "") -> str:
    """A regular expression matching exactly ``strings``, longest first at each position,
    built as a trie of literals and optional groups (no repetition, so no backtracking blow-up).
    The character ``wild``, if given, stands for any character."""
    root: dict[str, Any] = {}
    for text in strings:
        node = root
        for ch in text:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(root, wild)


def _node_pattern(node: dict[str, Any], wild: str = "") -> str:
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
            ("." if key == wild else re.escape(key)) + done[id(child)]
            for key, child in sorted(current.items())
            if key
        ]
        if not branches:
            done[id(current)] = ""
            continue
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in current:  # a piece ends here; longer pieces through this node are optional
            body = f"(?:{body})?"
        done[id(current)] = body
    return done[id(node)]


def overlaps(norm: str, start: int, end: int, phrases: tuple[str, ...]) -> bool:
    """An occurrence of one of ``phrases`` overlaps ``start:end`` (the plain reference)."""
    for phrase in phrases:
        size = len(phrase)
        if norm.find(phrase, max(0, start - size + 1), end - 1 + size) != -1:
            return True
    return False


class PhraseSearch:
    """:func:`overlaps` for a fixed set of phrases, as one look-ahead trie scan of the few
    positions where an overlapping occurrence can start."""

    __slots__ = ("_longest", "_regex")

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self._longest = max((len(p) for p in phrases), default=0)
        self._regex = re.compile(f"(?=({trie_pattern(sorted(set(phrases)))}))") if phrases else None

    def overlaps(self, norm: str, start: int, end: int) -> bool:
        """An occurrence of one of the phrases overlaps ``start:end`` (``end`` > ``start``)."""
        if self._regex is None:
            return False
        first, last = max(0, start - self._longest + 1), end - 1 + self._longest
        for match in self._regex.finditer(norm, first, last):
            if match.start() >= end:
                return False
            if match.end(1) > start:  # the longest phrase here; shorter ones end sooner
                return True
        return False


def verify(norm: str, at: int, term: Term, offset: int) -> tuple[tuple[int, int] | None, bool, int]:
    """The span of ``term`` whose piece at ``offset`` was found at ``at`` (or None), whether it
    is exact, and the number of characters compared."""
    text = term.text
    size = len(text)
    if not term.fuzzy:
        end = at + size
        if term.token and not bounded(norm, at, end):
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
        if one_typo(window, text):
            return (start, end), False, cost
    return None, False, cost


def bounded(norm: str, start: int, end: int) -> bool:
    """No letter or digit right before ``start`` or at ``end``."""
    before = start == 0 or not norm[start - 1].isalnum()
    after = end == len(norm) or not norm[end].isalnum()
    return before and after


def one_typo(seen: str, term: str) -> bool:
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


def gate(term: Term, offset: int) -> re.Pattern[str] | None:
    """For a term that may carry a typo, a regular expression that matches (at the place its
    piece at ``offset`` was found) wherever :func:`verify` can find the term, and hardly
    anywhere else: a filter run in C before the comparison in Python. It is the trie of every
    string one edit away from the term (a character replaced by any character, one left out,
    one doubled), at the windows' start when the first half was found, and looked back on from
    the windows' end when the second half was."""
    if not term.fuzzy:
        return None
    text = term.text
    size = len(text)
    wild = next(ch for ch in map(chr, range(32)) if ch not in text)  # stands for any character
    replaced = [text[:i] + wild + text[i + 1 :] for i in range(size)]
    missing = [text[:i] + text[i + 1 :] for i in range(size)]
    doubled = [text[: i + 1] + text[i:] for i in range(size)]
    if offset == 0:
        return re.compile(trie_pattern(sorted({*replaced, *missing, *doubled}), wild), re.DOTALL)
    behind = [
        f"(?<={trie_pattern(sorted(set(strings)), wild)})"
        for strings in (replaced, missing, doubled)
    ]
    return re.compile(f".{{{size - offset}}}(?:{'|'.join(behind)})", re.DOTALL)


class Gate:
    """:func:`gate` of one term and piece, compiled on first use (compiling all of them costs
    more than a small letter takes to scan)."""

    __slots__ = ("_regex", "offset", "term")

    def __init__(self, term: Term, offset: int) -> None:
        self.term = term
        self.offset = offset
        self._regex: re.Pattern[str] | None = None

    def passes(self, norm: str, at: int) -> bool:
        """False only where :func:`verify` finds nothing for the piece found at ``at``."""
        regex = self._regex
        if regex is None:
            regex = self._regex = gate(self.term, self.offset)
            assert regex is not None
        return regex.match(norm, at) is not None
