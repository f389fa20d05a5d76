"""Deciding whether a place in normalised text holds a vocabulary term, and the trie patterns.

The matcher finds *pieces* (a term, or one half of a term that may carry a typo) and asks
:func:`verify` whether the term is really there: an exact term is its piece (a token must stand
alone); a typo-tolerant term compares the few windows the piece allows, in a fixed order, with at
most one wrong, missing or doubled letter (:func:`one_typo`). :func:`overlaps` is the plain check
that a hit overlaps one of the phrases that cancel it; :class:`PhraseSearch` gives the same answer
with one regular-expression scan instead of one search per phrase (a test keeps them equal).

:func:`trie_pattern` writes a list of strings as a regular expression of literals and optional
groups (no repetition, so no backtracking blow-up) that matches the longest of them at a position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from medbridge.view.vocabulary import Term

__all__ = [
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
    piece at ``offset`` was found) wherever :func:`verify` can find the term: a cheap filter run
    in C before the Python comparison. Every window one edit away from the term starts with its
    first part or ends with its last part (the edit is after the one or before the other); the
    split is after two thirds when the first half was found, after one third for the second."""
    if not term.fuzzy:
        return None
    text = term.text
    size = len(text)
    if offset == 0:  # the windows start here and are size - 1, size or size + 1 long
        split = 2 * size // 3
        prefix, suffix = text[:split], text[split + 1 :]
        skip = size - 1 - len(suffix)
        body = f"{re.escape(prefix)}|.{{{skip}}}(?:{re.escape(suffix)}|.{re.escape(suffix)}"
        body += f"|..{re.escape(suffix)})"
        return re.compile(body, re.DOTALL)
    # the windows end at here + size - offset and start offset (± 1) characters back
    split = size // 3
    prefix, suffix = text[:split], text[split + 1 :]
    back = len(suffix) - (size - offset)
    options = [f"(?<={re.escape(suffix[:back])}){re.escape(suffix[back:])}"]
    for shift in (0, -1, 1):
        options.append(f"(?<={re.escape(prefix)}.{{{offset - shift - len(prefix)}}})")
    return re.compile("|".join(options), re.DOTALL)
