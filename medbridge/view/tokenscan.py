"""The matcher's fast path: each distinct word of a text is looked at once.

The plain matcher (:meth:`~medbridge.view.matcher.Matcher.find_reference`) tries its look-ahead
trie at every character and verifies every piece it finds in Python. Here the normalised text is
split at its blanks into *words* (in C), and only the distinct words are scanned — joined by
blanks into one short string, with the same trie and the same :func:`~medbridge.view.verify.verify`.
That is exact because most of what the matcher does cannot see past a word:

* A term without a blank is found only inside one word: its pieces hold no blank, and every window
  a typo allows that reaches a blank fails (a wrong or doubled character must be a letter). A
  word's neighbours are a blank or the edge, in the joined string as in the text. Phrases without
  a blank that cancel a hit (``exclude``, ``not_typos``) overlap it only inside its word too.
* Everything that spans words is handled in the text itself, for the few words that can take part
  in it: a piece of a multi-word term found inside a word (an *anchor*) is verified in the text;
  a piece or cancelling phrase that holds a blank is found from one of its parts (its longest: the
  word ends with the first part, equals a middle part or starts with the last part), which a
  distinct word announces as a *trigger*, and confirmed with ``str.startswith`` in the text.

Before a typo window is compared in Python, its :func:`~medbridge.view.verify.gate` (a regular
expression of every string one edit away) checks in C that it can match; near misses end there.
So the Python work is per distinct word, per hit and per near miss that passes the gate; the rest
is a few passes in C (split, the dictionary of distinct words, the positions of the words that
matter). The text is cut into
chunks of about a million characters at blanks, which bounds the memory of the word lists, and
what is known about a word is kept for the whole letter. A Hypothesis test keeps this path equal
to the reference.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from itertools import accumulate, compress, count

from medbridge.view.verify import Gate, PhraseSearch, ScanWork, trie_pattern, verify
from medbridge.view.vocabulary import Term

__all__ = ["Memo", "TokenScan"]

#: Characters per chunk of text split into words at a time.
CHUNK = 1 << 20
#: Distinct words remembered before the memo starts afresh (bounds its memory).
MEMO_LIMIT = 1 << 17

# what the joined scan learns about a word; hits are (start, end, term number), text order
_Span = tuple[int, int, int]
_Entry = tuple[int, int, Gate | None]  # term number, piece offset, its gate (typo terms)
_Anchor = tuple[_Entry, int]  # a piece of a multi-word term inside the word, and its start
# what, the piece or phrase, where it starts from the word's start, a piece's entries
_Trigger = tuple[int, str, int, tuple[_Entry, ...]]
# exact in-word hits, in-word hits with a typo, anchors, triggers
_Info = tuple[tuple[_Span, ...], tuple[_Span, ...], tuple[_Anchor, ...], tuple[_Trigger, ...]]
Memo = dict[str, _Info | None]

_PIECE, _EXCLUDE, _NOT_TYPO = 0, 1, 2


class TokenScan:
    """The compiled fast path for one vocabulary's terms, pieces and cancelling phrases."""

    def __init__(
        self,
        terms: tuple[Term, ...],
        index: Mapping[str, list[tuple[int, int]]],
        exclude: tuple[str, ...],
        not_typos: tuple[str, ...],
    ) -> None:
        self.terms = terms
        self.chunk = CHUNK
        self.memo_limit = MEMO_LIMIT
        single: dict[str, list[_Entry]] = {}
        inner: dict[str, list[_Entry]] = {}
        crossing: dict[str, list[_Entry]] = {}
        for piece, entries in index.items():
            for number, offset in entries:
                term = terms[number]
                entry = (number, offset, Gate(term, offset) if term.fuzzy else None)
                multi_word = " " in term.text
                target = (crossing if " " in piece else inner) if multi_word else single
                target.setdefault(piece, []).append(entry)
        self.crossing = {piece: tuple(entries) for piece, entries in crossing.items()}
        triggers: dict[str, list[tuple[int, str, int, int]]] = {}
        for what, phrases in (
            (_PIECE, tuple(crossing)),
            (_EXCLUDE, exclude),
            (_NOT_TYPO, not_typos),
        ):
            for phrase in phrases:
                if " " in phrase:
                    key, trigger = _trigger(what, phrase)
                    triggers.setdefault(key, []).append(trigger)
        self.longest_phrase = max((len(p) for p in (*exclude, *not_typos)), default=0)
        self.exclude_inside = PhraseSearch(tuple(p for p in exclude if " " not in p))
        self.typos_inside = PhraseSearch(tuple(p for p in not_typos if " " not in p))
        self.exclude = PhraseSearch(exclude)
        self.not_typos = PhraseSearch(not_typos)
        strings = sorted({*single, *inner, *triggers})
        self.regex = re.compile(f"(?=({trie_pattern(strings)}))")
        # for each string the trie can report: what every string that is a prefix of it means
        self.actions: dict[str, tuple[tuple[_Entry, ...], ...]] = {}
        self.inner_actions: dict[str, tuple[_Entry, ...]] = {}
        self.trigger_actions: dict[str, tuple[tuple[int, str, int, int], ...]] = {}
        for found in strings:
            prefixes = [found[:size] for size in range(1, len(found) + 1)]
            self.actions[found] = tuple(tuple(single[p]) for p in prefixes if p in single)
            self.inner_actions[found] = tuple(e for p in prefixes for e in inner.get(p, ()))
            self.trigger_actions[found] = tuple(t for p in prefixes for t in triggers.get(p, ()))

    def scan(self, norm: str, counts: ScanWork, memo: Memo) -> list[_Span]:
        """Every hit ``(start, end, term number)`` in the normalised text ``norm``, in order."""
        exact: list[_Span] = []  # in-word hits, before the multi-word cancelling phrases
        typos: list[_Span] = []  # in-word hits with a typo, likewise
        checked: set[_Span] = set()  # hits of multi-word terms, verified in the text
        cancel: list[tuple[int, int]] = []  # multi-word exclude occurrences
        no_typo: list[tuple[int, int]] = []  # multi-word not_typos occurrences
        first, size, chunk = 0, len(norm), self.chunk
        while True:
            last = _chunk_end(norm, first, chunk, size)
            words = norm[first:last].split(" ")
            infos = self._infos(words, counts, memo)
            before_each = accumulate(map(len, words), initial=first)  # letters before a word
            places = zip(count(), before_each, infos, strict=False)
            check, add, add_typo = self._check, exact.append, typos.append
            for index, before, info in compress(places, infos):
                assert info is not None
                at = before + index  # the word's start: the words before it and their blanks
                in_word, in_word_typos, anchors, triggers = info
                for s, e, n in in_word:
                    add((at + s, at + e, n))
                for s, e, n in in_word_typos:
                    add_typo((at + s, at + e, n))
                for entry, start in anchors:
                    check(norm, at + start, (entry,), counts, checked)
                for what, phrase, relative, entries in triggers:
                    start = at + relative
                    if start < 0 or not norm.startswith(phrase, start):
                        continue
                    if what == _PIECE:
                        check(norm, start, entries, counts, checked)
                    else:
                        (cancel if what == _EXCLUDE else no_typo).append(
                            (start, start + len(phrase))
                        )
            if last >= size:
                break
            first = last + 1
        if cancel or no_typo:
            exact, typos = self._cancelled(exact, typos, cancel, no_typo)
        # three sorted runs (words in order, each word's hits sorted) and a few checked ones;
        # in-word and checked hits are of different terms, so only ``checked`` repeats itself
        exact += typos
        exact += sorted(checked)
        exact.sort()
        return exact

    def _infos(self, words: list[str], counts: ScanWork, memo: Memo) -> list[_Info | None]:
        """What the memo knows of each word, learning the new ones first (the memo is cleared
        when it has grown past its limit)."""
        if len(memo) > self.memo_limit:
            memo.clear()
        new = [w for w in dict.fromkeys(words) if w not in memo]
        if new:
            self._learn(new, counts, memo)
        return list(map(memo.__getitem__, words))

    def _cancelled(
        self,
        exact: list[_Span],
        typos: list[_Span],
        cancel: list[tuple[int, int]],
        no_typo: list[tuple[int, int]],
    ) -> tuple[list[_Span], list[_Span]]:
        """The hits not inside a multi-word exclude phrase (typo hits: nor a not_typos one)."""
        cancel.sort()
        no_typo.sort()
        longest = self.longest_phrase
        exact = [h for h in exact if not _hits(cancel, h[0], h[1], longest)]
        typos = [
            h
            for h in typos
            if not _hits(cancel, h[0], h[1], longest) and not _hits(no_typo, h[0], h[1], longest)
        ]
        return exact, typos

    def _check(
        self,
        norm: str,
        at: int,
        entries: tuple[_Entry, ...],
        counts: ScanWork,
        found: set[_Span],
    ) -> None:
        """Verify, in the text, a piece of a multi-word term found at ``at``; add what holds."""
        counts.pieces += 1
        for number, offset, gated in entries:
            counts.checks += 1
            if gated is not None and not gated.passes(norm, at):
                continue
            span, exact, cost = verify(norm, at, self.terms[number], offset)
            counts.compared += cost
            if span is None or self.exclude.overlaps(norm, *span):
                continue
            if exact or not self.not_typos.overlaps(norm, *span):
                found.add((*span, number))

    def _learn(self, words: list[str], counts: ScanWork, memo: Memo) -> None:
        """Scan the distinct ``words`` (joined by blanks) once and remember what each holds."""
        joined = " " + " ".join(words) + " "
        starts = list(accumulate((len(w) + 1 for w in words), initial=1))
        exact: dict[int, set[_Span]] = {}
        typos: dict[int, set[_Span]] = {}
        anchors: dict[int, list[_Anchor]] = {}
        triggers: dict[int, list[_Trigger]] = {}
        terms = self.terms
        counts.positions += len(joined)
        for match in self.regex.finditer(joined):
            at = match.start()
            found = match.group(1)
            for entries in self.actions[found]:
                counts.pieces += 1
                for number, offset, gated in entries:
                    counts.checks += 1
                    if gated is not None and not gated.passes(joined, at):
                        continue
                    span, is_exact, cost = verify(joined, at, terms[number], offset)
                    counts.compared += cost
                    if span is None or self.exclude_inside.overlaps(joined, *span):
                        continue
                    if is_exact or not self.typos_inside.overlaps(joined, *span):
                        word = bisect.bisect_right(starts, at) - 1
                        begin = starts[word]
                        (exact if is_exact else typos).setdefault(word, set()).add(
                            (span[0] - begin, span[1] - begin, number)
                        )
            inner = self.inner_actions[found]
            if inner:
                word = bisect.bisect_right(starts, at) - 1
                counts.pieces += 1
                anchors.setdefault(word, []).extend((e, at - starts[word]) for e in inner)
            for what, phrase, back, lead in self.trigger_actions[found]:
                word = bisect.bisect_right(starts, at + lead) - 1
                relative = len(words[word]) + back if back < 0 else -back
                entries = self.crossing.get(phrase, ()) if what == _PIECE else ()
                triggers.setdefault(word, []).append((what, phrase, relative, entries))
        memo.update(dict.fromkeys(words))
        for place in exact.keys() | typos.keys() | anchors.keys() | triggers.keys():
            memo[words[place]] = (
                tuple(sorted(exact.get(place, ()))),
                tuple(sorted(typos.get(place, ()))),
                tuple(anchors.get(place, ())),
                tuple(triggers.get(place, ())),
            )


def _trigger(what: int, phrase: str) -> tuple[str, tuple[int, str, int, int]]:
    """The string the joined scan looks for to find ``phrase`` (which holds a blank), and the
    trigger: ``(what, phrase, back, lead)``. ``back`` says where the phrase starts: ``at -
    back`` for a word starting at ``at`` (a middle or last part), or ``at + len(word) + back``
    (back < 0: the first part, which ends the word). ``lead`` is 1 when the string starts with the
    blank before the word."""
    parts = phrase.split(" ")
    longest = max(range(len(parts)), key=lambda n: (len(parts[n]), -n))
    if longest == 0:
        return parts[0] + " ", (what, phrase, -len(parts[0]), 0)
    back = sum(len(p) + 1 for p in parts[:longest])
    if longest == len(parts) - 1:
        return " " + parts[-1], (what, phrase, back, 1)
    return " " + parts[longest] + " ", (what, phrase, back, 1)


def _hits(spans: list[tuple[int, int]], start: int, end: int, longest: int) -> bool:
    """One of the sorted ``spans`` (each at most ``longest`` long) overlaps ``start:end``."""
    if not spans:
        return False
    at = bisect.bisect_left(spans, (start - longest, 0))
    while at < len(spans) and spans[at][0] < end:
        if spans[at][1] > start:
            return True
        at += 1
    return False


def _chunk_end(norm: str, first: int, chunk: int, size: int) -> int:
    """Where the chunk of ``norm`` starting at ``first`` ends: at the last blank within
    ``chunk`` characters, or the first blank after them for a longer word, or the text's end."""
    last = norm.rfind(" ", first, first + chunk) if first + chunk < size else size
    if last < first:
        last = norm.find(" ", first + chunk)
        last = size if last < 0 else last
    return last
