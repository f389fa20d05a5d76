"""Critical facts and follow-up statements, each quoted whole.

:func:`critical_facts` finds what a reader must never miss — statements about resuscitation and
treatment level, CAVE/allergies, and contagion — in every free-text field of a letter
(:mod:`medbridge.view.fields`), using the vocabulary (:mod:`medbridge.view.vocabulary`).
:func:`follow_up_statements` does the same for control visits and the GP.

A quote is never shorter than the statement: it is the whole *paragraph* that holds the hit
(:mod:`medbridge.view.sentences`), line breaks, dates, times and abbreviations included. Only a
paragraph longer than :data:`MAX_QUOTE` characters is shortened, and only at real sentence
boundaries: every sentence with a hit is kept with the sentence before and after it, and the
gaps are shown as ``…``. Structured fields (the referral's ``Cave``, the care plan's
``RiskOfContagion``) are always a fact, shown whole.

Nothing is interpreted: a fact says what a statement is *about*. "Fuld genoplivning" and
"Ingen kendte allergier" are facts too.

The work is linear in the text and kept small per hit: the matcher's fast path (what it knows
about a word is kept for all fields of a letter), each paragraph's sentence boundaries found once
and only when a kind needs them, hits grouped per paragraph as they come, whole words widened
with a regular expression (backwards on a reversed copy of the field). :func:`reference_statements`
is the plain reference, the way this was first written; a test holds the two equal.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from medbridge.model import ClinicalLetter, Receipt
from medbridge.view.fields import TextField, field_source, text_fields
from medbridge.view.matcher import Hit, Matcher, ScanWork, matcher
from medbridge.view.sentences import Reversed, paragraph_spans, sentence_breaks, sentence_spans
from medbridge.view.tokenscan import Memo
from medbridge.view.vocabulary import CRITICAL_KINDS

__all__ = [
    "MAX_QUOTE",
    "CriticalFact",
    "MatchedTerm",
    "critical_facts",
    "follow_up_statements",
    "letter_statements",
    "reference_statements",
    "scan_text",
]

#: A paragraph longer than this may be shortened (at sentence boundaries only).
MAX_QUOTE = 600
ELLIPSIS = "…"
FOLLOW_UP = "follow_up"


@dataclass(frozen=True, slots=True)
class MatchedTerm:
    """A word of the quote that matched the vocabulary: ``text == quote[start:end]``, and the
    vocabulary ``term`` it matched (the same word, or the term a typo was read as)."""

    text: str
    start: int
    end: int
    term: str


@dataclass(frozen=True, slots=True)
class CriticalFact:
    """A statement a reader must not miss, quoted whole.

    ``kind`` is ``resuscitation`` (resuscitation, treatment level, life-prolonging treatment,
    living will), ``cave`` (allergies, intolerances, "må ikke få") or ``contagion``; follow-up
    statements use the same shape with kind ``follow_up``. ``source`` is the field's location:
    the XML element path for a letter read from XML, the model path otherwise. ``text`` is the
    quote; ``terms`` are the matched words with their offsets in ``text``. ``field`` is the
    field's Danish heading.
    """

    kind: str
    source: str
    text: str
    terms: tuple[MatchedTerm, ...]
    field: str = ""


def critical_facts(letter: ClinicalLetter | Receipt) -> list[CriticalFact]:
    """The letter's critical facts: resuscitation/treatment level, then CAVE, then contagion,
    each in reading order. A receipt has none (it holds no clinical text).

    >>> from medbridge.model import *
    >>> letter = DischargeLetter(
    ...     LetterHeader("1", Moment("2025-01-03", "10:00"), "XDIS01", StatusCode.NEW),
    ...     Party(PartyId("9999011", IdentifierCode.SKS_DEPARTMENT)),
    ...     Party(PartyId("999901", IdentifierCode.YDERNUMMER)),
    ...     Patient(PatientId.cpr("0707614285"), "Testesen"),
    ...     clinical_information=[ClinicalInformation(FormattedText([
    ...         "Det er aftalt med patienten, at der ikke", Break(),
    ...         "skal iværksættes genoplivning."]))])
    >>> [(f.kind, f.text) for f in critical_facts(letter)]
    [('resuscitation', 'Det er aftalt med patienten, at der ikke\\nskal iværksættes genoplivning.')]
    """
    if isinstance(letter, Receipt):
        return []
    return letter_statements(letter)[0]


def follow_up_statements(letter: ClinicalLetter) -> list[CriticalFact]:
    """Statements about control visits, follow-up, the GP, call-ins and rehabilitation."""
    return letter_statements(letter)[1]


def letter_statements(
    letter: ClinicalLetter, work: ScanWork | None = None
) -> tuple[list[CriticalFact], list[CriticalFact]]:
    """The critical facts and the follow-up statements of ``letter``, from one scan."""
    engine = matcher()
    found: dict[str, list[CriticalFact]] = {kind: [] for kind in (*CRITICAL_KINDS, FOLLOW_UP)}
    memo: Memo = {}  # what the matcher knows about words, for all fields of the letter
    for field in text_fields(letter):
        source = field_source(letter, field.steps)
        for fact in scan_text(field, source, engine, work, memo):
            found[fact.kind].append(fact)
    critical = [fact for kind in CRITICAL_KINDS for fact in found[kind]]
    return critical, found[FOLLOW_UP]


def scan_text(
    field: TextField,
    source: str,
    engine: Matcher,
    work: ScanWork | None = None,
    memo: Memo | None = None,
) -> list[CriticalFact]:
    """The facts (all kinds) of one field: one per kind and paragraph, and the whole field for
    a structured field."""
    text = field.text
    hits = engine.spans(text, work, memo)  # (start, end, term number), in text order
    kinds = engine.term_kinds
    facts: list[CriticalFact] = []
    whole = field.whole
    if whole is not None and text.strip():
        start, end = _strip(text, 0, len(text))
        own = [h for h in hits if kinds[h[2]] == whole]
        words = Reversed(text)
        facts.append(_fact(field, source, words, [(start, end)], own, whole, start, end, engine))
    topical = [h for h in hits if kinds[h[2]] != "condition" and kinds[h[2]] != whole]
    if not topical:
        return facts
    conditions = [h[0] for h in hits if kinds[h[2]] == "condition"]
    paragraphs = list(paragraph_spans(text))
    starts = [p[0] for p in paragraphs]
    backwards = Reversed(text)  # shared: made once per field, and only when needed
    sentences = _Sentences(backwards, paragraphs, engine.vocabulary.abbreviations, work)
    conditional = engine.term_conditional
    grouped: list[tuple[int, dict[str, list[_Hit]]]] = []  # per paragraph with hits, in order
    number, following = -1, 0
    by_kind: dict[str, list[_Hit]] = {}
    for hit in topical:  # in text order: the paragraph number only grows
        if hit[0] >= following:
            number = bisect.bisect_right(starts, hit[0]) - 1
            following = starts[number + 1] if number + 1 < len(starts) else len(text) + 1
            by_kind = {}
            grouped.append((number, by_kind))
        term = hit[2]
        if conditional[term] and not _condition_in_sentence(
            hit[0], sentences.breaks(number), conditions, *paragraphs[number]
        ):
            continue
        group = by_kind.get(kinds[term])
        if group is None:
            by_kind[kinds[term]] = [hit]
        else:
            group.append(hit)
    for number, by_kind in grouped:
        if not by_kind:
            continue
        start, end = _strip(text, *paragraphs[number])
        for kind, group in sorted(by_kind.items()):
            pieces = [(start, end)]
            if end - start > MAX_QUOTE:
                pieces = _pieces(text, start, end, group, sentences.breaks(number))
            facts.append(_fact(field, source, backwards, pieces, group, kind, start, end, engine))
    return facts


_Hit = tuple[int, int, int]  # (start, end, term number) in the field's text


class _Sentences:
    """The sentence boundaries of a field's paragraphs, found once per paragraph when needed."""

    __slots__ = ("_abbreviations", "_known", "_paragraphs", "_source", "_work")

    def __init__(
        self,
        source: Reversed,
        paragraphs: list[tuple[int, int]],
        abbreviations: frozenset[str],
        work: ScanWork | None,
    ) -> None:
        self._source = source
        self._paragraphs = paragraphs
        self._abbreviations = abbreviations
        self._known: dict[int, list[int]] = {}
        self._work = work

    def breaks(self, number: int) -> list[int]:
        """Where the sentences of paragraph ``number`` after its first begin."""
        known = self._known.get(number)
        if known is None:
            start, end = self._paragraphs[number]
            known = self._known[number] = sentence_breaks(
                self._source, start, end, self._abbreviations
            )
            if self._work is not None:
                self._work.sentence_chars += end - start
        return known


def _condition_in_sentence(
    at: int, breaks: list[int], conditions: list[int], start: int, end: int
) -> bool:
    """A condition word starts in the sentence (of the paragraph ``start:end``) holding ``at``."""
    number = bisect.bisect_right(breaks, at)
    first = breaks[number - 1] if number else start
    last = breaks[number] if number < len(breaks) else end
    found = bisect.bisect_left(conditions, first)
    return found < len(conditions) and conditions[found] < last


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without white space at either end (an empty span at ``end`` if all is)."""
    if start < end and (text[start].isspace() or text[end - 1].isspace()):
        chunk = text[start:end]
        kept = chunk.lstrip()
        start += len(chunk) - len(kept)
        end = start + len(kept.rstrip())
    return start, end


def _pieces(
    text: str, start: int, end: int, hits: list[_Hit], breaks: list[int]
) -> list[tuple[int, int]]:
    """The spans of the long paragraph ``start:end`` (sentences starting at ``start`` and each of
    ``breaks`` inside it) to quote: the sentences with a hit and their neighbours, merged into
    runs."""
    firsts = [start, *breaks]  # every break is inside: a capital or digit follows it
    bounds = [*breaks, end]
    final = len(breaks)  # the number of the last sentence
    runs: list[tuple[int, int]] = []  # sentence numbers, first to last (inclusive)
    low = high = -2
    for hit_start, hit_end, _ in hits:  # in text order, so the ranges start in order
        first = bisect.bisect_right(firsts, hit_start) - 1
        last = first
        if first < final and hit_end - 1 >= firsts[first + 1]:  # the hit spans sentences
            last = bisect.bisect_right(firsts, hit_end - 1) - 1
        before = first - 1 if first else 0
        if before > high + 1:
            if high >= 0:
                runs.append((low, high))
            low = before
        after = last + 1 if last < final else last
        if after > high:
            high = after
    if high >= 0:
        runs.append((low, high))
    return [_strip(text, firsts[low], bounds[high]) for low, high in runs]


def _fact(
    field: TextField,
    source: str,
    words: Reversed,
    pieces: list[tuple[int, int]],
    hits: list[_Hit],
    kind: str,
    start: int,
    end: int,
    engine: Matcher,
) -> CriticalFact:
    """Join the pieces (with ``…`` for what is left out) and place the matched words in it."""
    text = words.text
    if len(pieces) == 1 and pieces[0] == (start, end):  # the whole paragraph: nothing to join
        quote = text[start:end]
        placed = [(start, 0, end - start)]
    else:
        quote, placed = _join(text, pieces, start, end)
    terms: list[MatchedTerm] = []
    origins = [origin for origin, _, _ in placed]
    names = engine.term_texts
    last_end = -1
    size = len(text)
    origin, offset, length = placed[0]
    limit = origin + length  # the end of the piece the last word was placed in
    for hit_start, hit_end, term in hits:  # in text order: overlap needs only the last word
        word_start, word_end = hit_start, hit_end  # widened to whole words, as _word does
        if hit_start and text[hit_start - 1].isalnum():
            word_start -= words.run_before(_ALNUM, hit_start)
        if hit_end < size and text[hit_end].isalnum():
            word_end = _run_end(text, hit_end)
        if word_start < origin or word_start >= limit:  # not in the same piece as the last
            at = bisect.bisect_right(origins, word_start) - 1
            if at < 0:
                continue
            origin, offset, length = placed[at]
            limit = origin + length
        if word_end > limit:
            continue
        a, b = offset + word_start - origin, offset + word_end - origin
        if a >= last_end:
            last_end = b
            terms.append(MatchedTerm(quote[a:b], a, b, names[term]))
    # already in order of start: each word starts after the last one ends
    return CriticalFact(kind, source, quote, tuple(terms), field.label)


def _join(
    text: str, pieces: list[tuple[int, int]], start: int, end: int
) -> tuple[str, list[tuple[int, int, int]]]:
    """The quote of ``pieces`` of the paragraph ``start:end`` and where each piece is in it:
    ``(piece start in text, piece start in quote, length)``."""
    parts: list[str] = []
    length = 0
    placed: list[tuple[int, int, int]] = []
    for number, (s, e) in enumerate(pieces):
        gap = ""
        if number == 0 and s > start:
            gap = ELLIPSIS + " "
        elif number > 0:
            gap = " " + ELLIPSIS + " "
        parts.append(gap)
        length += len(gap)
        placed.append((s, length, e - s))
        parts.append(text[s:e])
        length += e - s
    if pieces and pieces[-1][1] < end:
        parts.append(" " + ELLIPSIS)
    return "".join(parts), placed


_ALNUM = re.compile(r"[^\W_]*")  # str.isalnum() characters (``\w`` is those and ``_``)


def _run_end(text: str, at: int) -> int:
    """Where the letters and digits from ``at`` on end."""
    run = _ALNUM.match(text, at)
    return at if run is None else run.end()


# ---------------------------------------------------------------------------------------------
# the plain reference: the same statements, found and quoted the simple way (the reference
# matcher, sentence spans of every paragraph searched again, a set of kept sentences, whole
# words widened a character at a time); a test keeps letter_statements equal to it


def reference_statements(letter: ClinicalLetter) -> tuple[list[CriticalFact], list[CriticalFact]]:
    """:func:`letter_statements` by the plain reference."""
    engine = matcher()
    found: dict[str, list[CriticalFact]] = {kind: [] for kind in (*CRITICAL_KINDS, FOLLOW_UP)}
    for field in text_fields(letter):
        source = field_source(letter, field.steps)
        for fact in _reference_scan_text(field, source, engine):
            found[fact.kind].append(fact)
    critical = [fact for kind in CRITICAL_KINDS for fact in found[kind]]
    return critical, found[FOLLOW_UP]


def _reference_scan_text(
    field: TextField, source: str, engine: Matcher, work: ScanWork | None = None
) -> list[CriticalFact]:
    """:func:`scan_text` by the plain reference."""
    text = field.text
    hits = engine.find_reference(text, work)
    facts: list[CriticalFact] = []
    if field.whole is not None and text.strip():
        start, end = _strip(text, 0, len(text))
        own = [h for h in hits if h.term.kind == field.whole]
        facts.append(
            _reference_fact(field, source, text, [(start, end)], own, field.whole, start, end)
        )
    topical = [h for h in hits if h.term.kind != "condition" and h.term.kind != field.whole]
    if not topical:
        return facts
    conditions = [h.start for h in hits if h.term.kind == "condition"]
    paragraphs = list(paragraph_spans(text))
    starts = [p[0] for p in paragraphs]
    grouped: dict[tuple[int, str], list[Hit]] = {}
    abbreviations = engine.vocabulary.abbreviations
    sentence_starts: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
    for hit in topical:
        number = bisect.bisect_right(starts, hit.start) - 1
        if hit.term.conditional:
            known = sentence_starts.get(number)
            if known is None:
                spans = sentence_spans(text, *paragraphs[number], abbreviations)
                known = sentence_starts[number] = (spans, [s for s, _ in spans])
            if not _reference_condition_in_sentence(hit, *known, conditions):
                continue
        grouped.setdefault((number, hit.term.kind), []).append(hit)
    for (number, kind), group in sorted(grouped.items()):
        start, end = _strip(text, *paragraphs[number])
        pieces = _reference_pieces(text, start, end, group, abbreviations)
        facts.append(_reference_fact(field, source, text, pieces, group, kind, start, end))
    return facts


def _reference_condition_in_sentence(
    hit: Hit, spans: list[tuple[int, int]], firsts: list[int], conditions: list[int]
) -> bool:
    at = bisect.bisect_right(firsts, hit.start) - 1
    start, end = spans[max(at, 0)]
    first = bisect.bisect_left(conditions, start)
    return first < len(conditions) and conditions[first] < end


def _reference_pieces(
    text: str, start: int, end: int, hits: list[Hit], abbreviations: frozenset[str]
) -> list[tuple[int, int]]:
    """The spans of the paragraph ``start:end`` to quote: all of it, or — when longer than
    :data:`MAX_QUOTE` — the sentences with a hit and their neighbours, merged into runs."""
    if end - start <= MAX_QUOTE:
        return [(start, end)]
    sentences = sentence_spans(text, start, end, abbreviations)
    firsts = [s for s, _ in sentences]
    keep: set[int] = set()
    for hit in hits:
        first = bisect.bisect_right(firsts, hit.start) - 1
        last = bisect.bisect_right(firsts, max(hit.end - 1, hit.start)) - 1
        keep.update(range(max(first - 1, 0), min(last + 2, len(sentences))))
    runs: list[tuple[int, int]] = []
    for number in sorted(keep):
        s, e = sentences[number]
        if runs and runs[-1][1] == s:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return [_strip(text, s, e) for s, e in runs]


def _reference_fact(
    field: TextField,
    source: str,
    text: str,
    pieces: list[tuple[int, int]],
    hits: list[Hit],
    kind: str,
    start: int,
    end: int,
) -> CriticalFact:
    """Join the pieces (with ``…`` for what is left out) and place the matched words in it."""
    quote, placed = _join(text, pieces, start, end)
    terms: list[MatchedTerm] = []
    origins = [origin for origin, _, _ in placed]
    last_end = -1
    for hit in hits:  # in text order, so the words are too: overlap needs only the last one
        word_start, word_end = _word(text, hit.start, hit.end)
        at = bisect.bisect_right(origins, word_start) - 1
        if at < 0:
            continue
        origin, offset, length = placed[at]
        if word_end > origin + length:
            continue
        a, b = offset + word_start - origin, offset + word_end - origin
        if a >= last_end:
            last_end = b
            terms.append(MatchedTerm(quote[a:b], a, b, hit.term.text))
    terms.sort(key=lambda t: t.start)
    return CriticalFact(kind, source, quote, tuple(terms), field.label)


def _word(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole words around ``start:end`` (a compound is one word): the plain reference of
    the widening in :func:`_fact` (which reads backwards from a reversed copy instead)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end
