"""The writer's shortcuts against plain statements of the same rules.

The interchange serializer renders most segments by joining the values with the separators and
counting them (``serialize._Writer``), and ``encode_interchange`` renders a whole list of
segments in one pass with stand-in separators; :func:`serialize_segment` still escapes value by
value.
Both must give the same text for every segment, refuse the same first character in the same
place, and ``normalisation_notes`` must name the same places as a walk over every field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import messages

from medbridge.codecs.edifact.normalisations import normalisation_notes
from medbridge.edifact import (
    DEFAULT_CHARS,
    Segment,
    ServiceChars,
    encode_interchange,
    serialize_interchange,
    serialize_segment,
)
from medbridge.edifact.charset import first_unwritable, lookup_charset
from medbridge.errors import ConversionError
from medbridge.findings import Finding, Location, Severity
from medbridge.model import (
    Break,
    CarePlan,
    Contact,
    Diagnoses,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
    Message,
    Party,
    Patient,
    Referral,
    RelevantClinicalInformation,
    Space,
)

_CUSTOM = ServiceChars("|", "*", ",", "\\", " ", "~")
# Service characters of both sets, letters, Latin-1, beyond Latin-1, controls.
_VALUE = st.text(alphabet="?:+'|*\\~ .,aZ09æøÅé€\x1f\x1d\t\n", max_size=6)
_ELEMENT = st.lists(_VALUE, max_size=4).map(tuple)
_ELEMENTS = st.lists(_ELEMENT, max_size=5).map(tuple)
_TAGS = st.sampled_from(["FTX", "NAD", "S01", "DTM"])


@given(_TAGS, _ELEMENTS, st.sampled_from([DEFAULT_CHARS, _CUSTOM]), st.sampled_from(["", "\n"]))
def test_interchange_text_equals_segment_by_segment_escaping(
    tag: str, elements: tuple[tuple[str, ...], ...], chars: ServiceChars, layout: str
) -> None:
    segment = Segment(tag, elements, layout=layout)
    text = serialize_interchange([segment], chars=chars, una=False)
    una = "" if chars == DEFAULT_CHARS else chars.una()  # other characters always need a UNA
    assert text == una + serialize_segment(segment, chars) + layout


def _first_bad(segments: list[Segment], identifier: str, chars: ServiceChars) -> Location | None:
    charset = lookup_charset(identifier)
    assert charset is not None
    for number, segment in enumerate(segments, start=1):
        for e_index, element in enumerate(segment.elements, start=1):
            for c_index, value in enumerate(element, start=1):
                if first_unwritable(value, charset, chars.escaped + chars.decimal) is not None:
                    return Location(
                        segment=number, tag=segment.tag, element=e_index, component=c_index
                    )
    return None


@settings(max_examples=300)
@given(
    st.lists(st.tuples(_TAGS, _ELEMENTS), min_size=1, max_size=4),
    st.sampled_from(["UNOA", "UNOB", "UNOC", "UNOY"]),
    st.sampled_from([DEFAULT_CHARS, _CUSTOM]),
)
def test_refusal_names_the_first_unwritable_value(
    body: list[tuple[str, tuple[tuple[str, ...], ...]]], identifier: str, chars: ServiceChars
) -> None:
    version = "4" if identifier == "UNOY" else "3"
    segments = [Segment("UNB", ((identifier, version), ("1",)))]
    segments += [Segment(tag, elements) for tag, elements in body]
    expected = _first_bad(segments, identifier, chars)
    if expected is None:
        data = encode_interchange(segments, chars=chars, una=False)
        codec = "utf-8" if identifier == "UNOY" else "latin-1"
        una = "" if chars == DEFAULT_CHARS else chars.una()
        reference = una + "".join(serialize_segment(s, chars) for s in segments)
        assert data == reference.encode(codec)
        return
    with pytest.raises(ConversionError) as caught:
        encode_interchange(segments, chars=chars, una=False)
    assert [f.location for f in caught.value.findings] == [expected]
    assert caught.value.findings[0].code == "convert.unrepresentable"


_LAYOUTS = st.sampled_from(["", "\n", "\r\n", " "])
# Values every repertoire but UNOA's carries, so the one pass is mostly taken (the refusal test
# above covers controls and stand-ins in values).
_WRITABLE_VALUE = st.text(alphabet="?:+' .Z9æ", max_size=4)
_WRITABLE_ELEMENTS = st.lists(st.lists(_WRITABLE_VALUE, max_size=4).map(tuple), max_size=4).map(
    tuple
)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(_TAGS, _WRITABLE_ELEMENTS, _LAYOUTS), min_size=0, max_size=5),
    st.sampled_from(["UNOA", "UNOC", "UNOY"]),
    st.sampled_from([None, "", "\n", "\r\n"]),
    st.booleans(),
    _LAYOUTS,
)
def test_one_pass_interchange_equals_segment_by_segment(
    body: list[tuple[str, tuple[tuple[str, ...], ...], str]],
    identifier: str,
    newline: str | None,
    una: bool,
    una_layout: str,
) -> None:
    """encode_interchange's one pass over a whole list (stand-ins, default characters) gives
    the bytes of the per-segment rendering, or the same refusal, for mixed and odd layouts,
    empty elements and components, and values holding service characters or stand-ins."""
    version = "4" if identifier == "UNOY" else "3"
    segments = [Segment("UNB", ((identifier, version), ("1", "", "")), layout="\n")]
    segments += [Segment(tag, elements, layout=layout) for tag, elements, layout in body]
    codec = "utf-8" if identifier == "UNOY" else "latin-1"
    kwargs: dict[str, Any] = {"una": una, "una_layout": una_layout, "newline": newline}
    try:
        # A generator is never taken for the one pass: this is the per-segment way.
        reference: bytes | ConversionError = encode_interchange(iter(segments), **kwargs)
    except ConversionError as exc:
        reference = exc
    if isinstance(reference, bytes):
        assert encode_interchange(segments, **kwargs) == reference
        assert reference == serialize_interchange(segments, **kwargs).encode(codec)
    else:
        with pytest.raises(ConversionError) as caught:
            encode_interchange(segments, **kwargs)
        assert caught.value.findings == reference.findings


def _every_node(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every value below ``value`` with its model path, leaves included, in document order."""
    yield path, value
    if isinstance(value, FormattedText):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _every_node(item, f"{path}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name != "wire":
                yield from _every_node(getattr(value, field.name), f"{path}.{field.name}")


_STYLES = ("Bold", "Italic", "Underline", "Center", "Right", "FixedFont")


def _items(content: list[Any]) -> Iterator[Any]:
    for item in content:
        yield item
        yield from _items(getattr(item, "content", []))


def _ends_with_break(content: list[Any]) -> bool:
    if not content:
        return False
    last = content[-1]
    if isinstance(last, Break):
        return True
    return not isinstance(last, str | Space) and _ends_with_break(getattr(last, "content", []))


def _note(path: str, text: str) -> Finding:
    return Finding("convert.normalised", Severity.INFO, text, Location(path=path))


def _text_notes(path: str, node: FormattedText) -> list[Finding]:
    """The F1-F3 notes of one non-empty text."""
    notes: list[Finding] = []
    if not _ends_with_break(list(node.content)):
        notes.append(_note(path, "The text gains a final line break in EDIFACT (F1)."))
    if any(isinstance(item, Space) for item in _items(node.content)):
        notes.append(_note(path, "Each Space element becomes a plain space in EDIFACT (F2)."))
    if any(type(item).__name__ in _STYLES for item in _items(node.content)):
        notes.append(
            _note(
                path,
                "Styled runs are regrouped in EDIFACT: one style element per FTX, "
                "centred and right-aligned text on its own lines (F3).",
            )
        )
    return notes


def _party_notes(letter: object, path: str, node: Party | Contact | Patient) -> list[Finding]:
    """The M1 notes of one party, contact or patient."""
    notes: list[Finding] = []
    if not isinstance(node, Patient) and node.organisation is None and not path.endswith(".sender"):
        what = "contact" if isinstance(node, Contact) else "party"
        notes.append(_note(path, f"The {what} has no organisation name; EDIFACT carries '_' (M1)."))
    if (
        isinstance(letter, HospitalReferral)
        and not isinstance(node, Contact)
        and node.street is None
        and any(v is not None for v in (node.suburb, node.district, node.postcode or None))
    ):
        notes.append(_note(path, "The address has no street name; REF01 EDIFACT carries '_' (M1)."))
    return notes


def _group_notes(letter: DischargeLetter | HospitalReferral, base: str) -> list[Finding]:
    """The M1/M2 notes of a letter's groups that EDIFACT always writes or cannot write."""
    empty = (
        "The element is empty and EDIFACT has no group for it; it is absent after a round "
        "trip (M2)."
    )
    notes: list[Finding] = []
    if isinstance(letter, HospitalReferral):
        if letter.header.episode_of_care_id == "_":
            notes.append(
                _note(
                    f"{base}.header.episode_of_care_id",
                    "REF01 EDIFACT writes '_' for a missing EpisodeOfCareIdentifier, so this "
                    "'_' reads back as absent (M1).",
                )
            )
        if letter.additional_information is None:
            notes.append(
                _note(
                    f"{base}.additional_information",
                    "REF01 EDIFACT always carries AdditionalInformation; it reads back empty (M2).",
                )
            )
        if letter.referral == Referral():
            notes.append(_note(f"{base}.referral", empty))
        if letter.relevant_clinical_information == RelevantClinicalInformation():
            notes.append(_note(f"{base}.relevant_clinical_information", empty))
    elif letter.diagnoses == Diagnoses():
        notes.append(_note(f"{base}.diagnoses", empty))
    return notes


def _reference_notes(message: Message) -> list[Finding]:
    """normalisation_notes as a plain walk over every field of every letter."""
    notes: list[Finding] = []
    for index, letter in enumerate(message.letters):
        if isinstance(letter, CarePlan):
            continue
        for path, node in _every_node(letter, f"letters[{index}]"):
            if isinstance(node, FormattedText) and not node.is_empty():
                notes += _text_notes(path, node)
            elif isinstance(node, Party | Contact | Patient):
                notes += _party_notes(letter, path, node)
        notes += _group_notes(letter, f"letters[{index}]")
    return notes


@settings(max_examples=60, deadline=None)
@given(messages())
def test_notes_equal_a_walk_over_every_field(message: Message) -> None:
    assert normalisation_notes(message) == _reference_notes(message)
