"""The view's speed tricks give exactly what their plain references give, and the work of finding
and quoting critical facts grows linearly with the text (counted, never timed).

Every fast path has its reference beside it: :meth:`Matcher.spans` / :meth:`Matcher.find` and
:meth:`Matcher.find_reference`; ``Normalised(text, fast=True)`` and ``Normalised(text)``;
:class:`PhraseSearch` and :func:`overlaps`; :func:`sentence_breaks` and :func:`sentence_spans`;
:func:`letter_statements` and :func:`reference_statements`. The texts are built from the
vocabulary itself — its terms with typos, the parts of its phrases, the phrases that cancel a
hit, abbreviations, dates — so the corner cases are where the random text is.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_view_statements import FOLLOW_UP, OPPOSITE, OTHER, SURFACE, formatted

import medbridge
from medbridge.model import (
    Bold,
    Break,
    ClinicalInformation,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
    Receipt,
    RelevantClinicalInformation,
)
from medbridge.view.facts import MAX_QUOTE, letter_statements, reference_statements
from medbridge.view.fields import text_fields
from medbridge.view.matcher import Matcher, ScanWork, matcher
from medbridge.view.normalise import STAND_INS, Normalised
from medbridge.view.sentences import Reversed, sentence_breaks, sentence_spans
from medbridge.view.verify import Gate, PhraseSearch, overlaps, verify
from medbridge.view.vocabulary import vocabulary

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"


@cache
def _words() -> list[str]:
    """Every vocabulary string, the words of its phrases, and words of the statement table."""
    vocab = matcher().vocabulary
    strings = [t.text for t in vocab.terms] + list(vocab.exclude) + list(vocab.not_typos)
    words = {w for s in strings for w in s.split(" ")}
    table = [s for _, s in SURFACE + OPPOSITE] + OTHER + FOLLOW_UP
    words.update(w for s in table for w in s.split())
    words.update(vocab.abbreviations)
    return sorted(strings) + sorted(words)


_LETTERS = "abcdefgilnorstuvæøåHLRSÆØÅ-'.İΣßK"  # Latin-1, outside Latin-1, KELVIN SIGN


@st.composite
def _typo(draw: st.DrawFn, word: str) -> str:
    """``word`` as written: as it is, or with a letter wrong, missing, doubled or added."""
    if not word or draw(st.booleans()):
        return word
    at = draw(st.integers(0, len(word) - 1))
    kind = draw(st.sampled_from(["wrong", "missing", "doubled", "added"]))
    if kind == "missing":
        return word[:at] + word[at + 1 :]
    if kind == "doubled":
        return word[: at + 1] + word[at:]
    letter = draw(st.sampled_from(_LETTERS))
    return word[:at] + letter + word[at + (kind == "wrong") :]


@st.composite
def _word(draw: st.DrawFn) -> str:
    word = draw(_typo(draw(st.sampled_from(_words()))))
    case = draw(st.sampled_from(["same", "same", "upper", "title"]))
    return word.upper() if case == "upper" else word.title() if case == "title" else word


_GLUE = [" ", " ", " ", "", "\n", "  ", "\n\n", ". ", ", ", "-", "\u2013", "\xa0", "\t", "\u2003"]


@st.composite
def texts(draw: st.DrawFn, max_words: int = 40) -> str:
    """Random text from the vocabulary's words, with typos, white space of every kind, and
    characters outside Latin-1 (now and then so many that the reference normalisation runs)."""
    out = ""
    for word in draw(st.lists(_word(), max_size=max_words)):
        out += word + draw(st.sampled_from(_GLUE))
    if draw(st.integers(0, 9)) == 0:
        out = "".join(ch + "ж" for ch in out)  # more than the fast normalisation takes
    return out


# ---------------------------------------------------------------------------------------------
# matching


@given(texts())
def test_fast_matching_finds_exactly_what_the_reference_finds(text: str) -> None:
    engine = matcher()
    assert engine.find(text) == engine.find_reference(text)


@given(st.lists(texts(12), min_size=1, max_size=6))
def test_words_remembered_across_fields_change_nothing(fields: list[str]) -> None:
    engine = matcher()
    memo: dict[str, Any] = {}
    for text in fields:
        assert engine.find(text, memo=memo) == engine.find_reference(text)


@cache
def _own_matcher() -> Matcher:
    return Matcher(vocabulary())  # not the shared one: its chunks and memo are made tiny


@given(texts(), st.integers(1, 40), st.integers(0, 20))
def test_chunks_and_a_full_memo_change_nothing(text: str, chunk: int, limit: int) -> None:
    engine = _own_matcher()
    engine.fast.chunk, engine.fast.memo_limit = chunk, limit
    assert engine.find(text) == matcher().find_reference(text)


@given(texts())
def test_fast_normalisation_keeps_offsets_and_every_latin1_character(text: str) -> None:
    fast, plain = Normalised(text, fast=True), Normalised(text)
    assert len(fast.text) == len(plain.text)
    for ours, theirs in zip(fast.text, plain.text, strict=True):
        assert ours == theirs or (theirs > "\xff" and ours in (*STAND_INS, " "))
        assert ours.isalpha() == theirs.isalpha() and ours.isalnum() == theirs.isalnum()
    for index in range(len(plain.text)):
        assert fast.original(index) == plain.original(index)


def test_the_stand_ins_are_no_vocabulary_character() -> None:
    vocab = matcher().vocabulary
    strings = [t.text for t in vocab.terms] + list(vocab.exclude) + list(vocab.not_typos)
    used = {ch for s in strings for ch in s}
    assert not used & set(STAND_INS)
    assert all(ch <= "\xff" for ch in used)  # the vocabulary is Latin-1
    letter, digit, other = STAND_INS
    assert letter.isalpha() and digit.isalnum() and not digit.isalpha()
    assert not other.isalnum() and not other.isspace()


@given(texts())
def test_a_gate_lets_every_typo_window_through(text: str) -> None:
    engine = matcher()
    norm = Normalised(text).text
    for match in engine.regex.finditer(norm):  # every piece, where the reference looks
        for size in engine.lengths:
            for number, offset in engine.index.get(match.group(1)[:size], []):
                term = engine.terms[number]
                if term.fuzzy and verify(norm, match.start(), term, offset)[0] is not None:
                    assert Gate(term, offset).passes(norm, match.start())


@given(texts(), st.data())
def test_phrase_search_is_the_plain_overlap_check(text: str, data: st.DataObject) -> None:
    vocab = matcher().vocabulary
    norm = Normalised(text).text
    if not norm:
        return
    start = data.draw(st.integers(0, len(norm) - 1))
    end = data.draw(st.integers(start + 1, len(norm)))
    for phrases in (vocab.exclude, vocab.not_typos):
        assert PhraseSearch(phrases).overlaps(norm, start, end) == overlaps(
            norm, start, end, phrases
        )


# ---------------------------------------------------------------------------------------------
# sentences and quoting

_SENTENCE_BITS = [
    "Pt",
    "pt",
    "bl.a",
    "kl",
    "14.30",
    "14.02.2025",
    "C",
    "E",
    "mdr's",
    "Sår",
    "ønsker",
    "Østen",
    "İs",
    "Ωmega",
    "²",
    "f.eks",
    "ÆBLE",
    "genoplivning" * 4,
    "\n",
    "'",
    "’",
    ")",
    "»",
]
_SENTENCE_GLUE = ["", " ", ".", ". ", "..", "! ", "? ", ".\n", "\n\n", "\u2003", "\u3000", ". 7"]


@given(
    st.lists(
        st.tuples(st.sampled_from(_SENTENCE_BITS), st.sampled_from(_SENTENCE_GLUE)), max_size=30
    ),
    st.data(),
)
def test_sentence_breaks_are_the_reference_sentence_boundaries(
    bits: list[tuple[str, str]], data: st.DataObject
) -> None:
    text = "".join(a + b for a, b in bits)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    abbreviations = matcher().vocabulary.abbreviations
    breaks = sentence_breaks(Reversed(text), start, end, abbreviations)
    spans = list(zip([start, *breaks], [*breaks, end], strict=True))
    assert spans == sentence_spans(text, start, end, abbreviations)


_STATEMENTS = [s for _, s in SURFACE + OPPOSITE] + OTHER + FOLLOW_UP


@st.composite
def clinical_texts(draw: st.DrawFn) -> FormattedText:
    """Statements of the table among random text, with line breaks, empty lines, bold, and now
    and then a paragraph long enough to be shortened."""
    items: list[Any] = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            items += formatted(draw(st.sampled_from(_STATEMENTS))).content
        else:
            items.append(draw(texts(30)))
        if draw(st.integers(0, 4)) == 0:
            items.append(" ".join(draw(st.sampled_from(_STATEMENTS)) for _ in range(12)))
        glue = draw(st.sampled_from(["space", "break", "paragraph", "bold"]))
        items += {
            "space": [" "],
            "break": [Break()],
            "paragraph": [Break(), Break()],
            "bold": [Bold([" "])],
        }[glue]
    return FormattedText(items)


@cache
def _base_letter() -> DischargeLetter:
    letter = medbridge.read(VALID / "epikrise" / "hjertesvigt-hlr.xml").letter
    assert isinstance(letter, DischargeLetter)
    return letter


@given(st.lists(clinical_texts(), min_size=1, max_size=4))
def test_statements_are_found_and_quoted_exactly_as_the_reference_does(
    texts_: list[FormattedText],
) -> None:
    letter = replace(_base_letter(), clinical_information=[ClinicalInformation(t) for t in texts_])
    assert letter_statements(letter) == reference_statements(letter)


@given(clinical_texts())
def test_structured_fields_are_quoted_exactly_as_the_reference_does(cave: FormattedText) -> None:
    referral = medbridge.read(VALID / "henvisning" / "hoste.xml").letter
    assert isinstance(referral, HospitalReferral)
    info = referral.relevant_clinical_information or RelevantClinicalInformation()
    letter = replace(
        referral, relevant_clinical_information=replace(info, cave=cave, anamnesis=cave)
    )
    assert letter_statements(letter) == reference_statements(letter)


def test_every_fixture_letter_is_quoted_exactly_as_the_reference_does() -> None:
    paths = sorted(p for p in VALID.rglob("*") if p.suffix in (".xml", ".edi"))
    assert len(paths) > 20
    for path in paths:
        for letter in medbridge.read(path).letters:
            if isinstance(letter, Receipt):  # no clinical text, nothing to quote
                continue
            assert letter_statements(letter) == reference_statements(letter), path.name


# ---------------------------------------------------------------------------------------------
# linear work (counted, never timed)

# every sentence a statement the view quotes, some with a typo, dates and abbreviations around
DENSE = (
    "Pt. ønsker ikke genoplivning, jf. samtale 14.02.2025 kl. 14.30. MRSA-bærer. "
    "Cave penicillin. Tåler ikke morfin. Genoplivnig fravalgt. Ikke kandidat til ITA. "
    "Kontrol hos egen læge. "
)


@pytest.mark.parametrize(
    ("block", "glue"),
    [
        (DENSE, ""),  # one paragraph, shortened around every hit
        (DENSE, "\n\n"),  # many paragraphs
        (DENSE.replace(". ", ".\n"), ""),  # line breaks everywhere
        ("genopxxxxx penicilxxxx behandlixxxxx udslæu efterx tålerr ing ", ""),  # near misses
        ("Patienten blev udskrevet i god almen tilstand. ", "\n\n"),  # nothing to find
    ],
)
def test_finding_and_quoting_work_is_linear_in_the_text(block: str, glue: str) -> None:
    counts = []
    for repeat in (300, 1200):
        work = ScanWork()
        lines = (block + glue) * repeat
        letter = replace(
            _base_letter(), clinical_information=[ClinicalInformation(FormattedText.of(lines))]
        )
        critical, follow_up = letter_statements(letter, work)
        size = sum(len(field.text) for field in text_fields(letter))
        # each paragraph is searched for sentence boundaries at most once, for all kinds
        assert work.sentence_chars <= size
        assert work.checks <= 4 * size and work.positions <= 2 * size + 1000
        placed = sum(len(f.terms) for f in critical + follow_up)
        counts.append((work.pieces, work.checks, work.compared, work.sentence_chars, placed))
    small, large = counts
    for before, after in zip(small, large, strict=True):
        assert after <= 4 * before * 1.01 + 100


def test_a_long_paragraph_is_shortened_and_its_boundaries_searched_once() -> None:
    paragraph = DENSE * 40
    assert len(paragraph) > MAX_QUOTE
    work = ScanWork()
    letter = replace(
        _base_letter(),
        clinical_information=[ClinicalInformation(FormattedText([paragraph]))],
    )
    critical, follow_up = letter_statements(letter, work)
    assert {f.kind for f in critical + follow_up} == {
        "resuscitation",
        "cave",
        "contagion",
        "follow_up",
    }
    assert work.sentence_chars == len(paragraph)  # once, though four kinds are quoted from it
