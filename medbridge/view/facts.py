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
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from medbridge.model import Letter
from medbridge.view.fields import TextField, field_source, text_fields
from medbridge.view.matcher import Hit, Matcher, ScanWork, matcher
from medbridge.view.sentences import paragraph_spans, sentence_spans
from medbridge.view.vocabulary import CRITICAL_KINDS

__all__ = [
    "MAX_QUOTE",
    "CriticalFact",
    "MatchedTerm",
    "critical_facts",
    "follow_up_statements",
    "letter_statements",
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


def critical_facts(letter: Letter) -> list[CriticalFact]:
    """The letter's critical facts: resuscitation/treatment level, then CAVE, then contagion,
    each in reading order.

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
    return letter_statements(letter)[0]


def follow_up_statements(letter: Letter) -> list[CriticalFact]:
    """Statements about control visits, follow-up, the GP, call-ins and rehabilitation."""
    return letter_statements(letter)[1]


def letter_statements(
    letter: Letter, work: ScanWork | None = None
) -> tuple[list[CriticalFact], list[CriticalFact]]:
    """The critical facts and the follow-up statements of ``letter``, from one scan."""
    engine = matcher()
    found: dict[str, list[CriticalFact]] = {kind: [] for kind in (*CRITICAL_KINDS, FOLLOW_UP)}
    for field in text_fields(letter):
        source = field_source(letter, field.steps)
        for fact in scan_text(field, source, engine, work):
            found[fact.kind].append(fact)
    critical = [fact for kind in CRITICAL_KINDS for fact in found[kind]]
    return critical, found[FOLLOW_UP]


def scan_text(
    field: TextField, source: str, engine: Matcher, work: ScanWork | None = None
) -> list[CriticalFact]:
    """The facts (all kinds) of one field: one per kind and paragraph, and the whole field for
    a structured field."""
    text = field.text
    hits = engine.find(text, work)
    facts: list[CriticalFact] = []
    if field.whole is not None and text.strip():
        start, end = _strip(text, 0, len(text))
        own = [h for h in hits if h.term.kind == field.whole]
        facts.append(_fact(field, source, text, [(start, end)], own, field.whole, start, end))
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
            if not _condition_in_sentence(hit, *known, conditions):
                continue
        grouped.setdefault((number, hit.term.kind), []).append(hit)
    for (number, kind), group in sorted(grouped.items()):
        start, end = _strip(text, *paragraphs[number])
        pieces = _pieces(text, start, end, group, abbreviations)
        facts.append(_fact(field, source, text, pieces, group, kind, start, end))
    return facts


def _condition_in_sentence(
    hit: Hit, spans: list[tuple[int, int]], firsts: list[int], conditions: list[int]
) -> bool:
    at = bisect.bisect_right(firsts, hit.start) - 1
    start, end = spans[max(at, 0)]
    first = bisect.bisect_left(conditions, start)
    return first < len(conditions) and conditions[first] < end


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(
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


def _fact(
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
    parts: list[str] = []
    length = 0
    placed: list[tuple[int, int, int]] = []  # (piece start in text, piece start in quote, length)
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
    quote = "".join(parts)
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
    """The whole words around ``start:end`` (a compound is one word)."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end
