"""Finding the vocabulary's terms in a text, in time linear in the text's length.

The text is first *normalised* for matching (:mod:`medbridge.view.normalise`): lower case, every
white-space character (line breaks included) a blank, every run of blanks one blank. Offsets are
mapped back to the original text afterwards, so a hit can span a line break or a formatting
boundary and still be located exactly.

The plain reference (:meth:`Matcher.find_reference`) finds terms in one pass of one regular
expression. Each term contributes *pieces*: a term
matched exactly is one piece (itself); a term that may carry one typo (a wrong, missing or doubled
letter) is split into two halves, one of which must then be intact (the pigeonhole principle).
The pieces form a trie, written as a regular expression of literals and optional groups only
(no repetition), tried at every position inside a look-ahead; so the work per position is bounded
by the trie's depth, never by the text. Each piece found is *verified* against the terms it
belongs to: an exact term is its piece; a typo-tolerant term compares the few windows the piece
allows with at most one edit (:mod:`medbridge.view.verify`). Tokens (acronyms) must stand alone:
no letter or digit right before or after. A hit that overlaps one of the vocabulary's ``exclude``
phrases is dropped.

That costs a trie attempt at every character and a Python verification for every piece found, a
few hundred nanoseconds per character. :meth:`Matcher.find` and :meth:`Matcher.spans` (what the
view uses) find the same hits in a few passes in C plus Python work per distinct word and per
hit (:mod:`medbridge.view.tokenscan`); a Hypothesis test keeps the two equal.

:class:`ScanWork` counts the work done (positions scanned, pieces found, verifications and
characters compared), so tests can show linearity by counting instead of timing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from medbridge.view.normalise import Normalised, normalise_text
from medbridge.view.tokenscan import Memo, TokenScan
from medbridge.view.verify import ScanWork, overlaps, trie_pattern, verify
from medbridge.view.vocabulary import Term, Vocabulary, vocabulary

__all__ = ["Hit", "Matcher", "ScanWork", "matcher", "normalise_text", "trie_pattern"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found at ``start:end`` of the original text."""

    term: Term
    start: int
    end: int


class Matcher:
    """The compiled vocabulary: one look-ahead trie of pieces and the piece → term index, and
    the fast path built from them."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocabulary = vocab
        self.terms = vocab.terms
        self.term_texts = [term.text for term in self.terms]
        self.term_kinds = [term.kind for term in self.terms]
        self.term_conditional = [term.conditional for term in self.terms]
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
        self.fast = TokenScan(self.terms, index, self.exclude, self.not_typos)

    def find(self, text: str, work: ScanWork | None = None, memo: Memo | None = None) -> list[Hit]:
        """Every term in ``text``: hits in the original offsets, in text order."""
        return [Hit(self.terms[n], s, e) for s, e, n in self.spans(text, work, memo)]

    def spans(
        self, text: str, work: ScanWork | None = None, memo: Memo | None = None
    ) -> list[tuple[int, int, int]]:
        """:meth:`find` as ``(start, end, term number)``, by the fast path
        (:mod:`medbridge.view.tokenscan`). ``memo`` keeps what is known about words between
        calls (one letter's fields)."""
        norm = Normalised(text, fast=True)
        found = self.fast.scan(norm.text, work or ScanWork(), {} if memo is None else memo)
        return norm.spans(found)

    def find_reference(self, text: str, work: ScanWork | None = None) -> list[Hit]:
        """:meth:`find` by the plain reference: the trie tried at every character."""
        norm = Normalised(text)
        hits = self._find(norm.text, work)
        return [Hit(self.terms[n], *norm.span(s, e)) for n, s, e in sorted(hits, key=_order)]

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
                    span, exact, cost = verify(norm, at, term, offset)
                    compared += cost
                    if span is None or overlaps(norm, *span, self.exclude):
                        continue
                    if exact or not overlaps(norm, *span, self.not_typos):
                        found.add((number, *span))
        if work is not None:
            work.positions += len(norm)
            work.pieces += pieces
            work.checks += checks
            work.compared += compared
        return found


def _order(hit: tuple[int, int, int]) -> tuple[int, int, int]:
    return hit[1], hit[2], hit[0]


@cache
def matcher() -> Matcher:
    """The matcher of the installed vocabulary, compiled once."""
    return Matcher(vocabulary())
