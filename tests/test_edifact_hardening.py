"""Hostile and unusual EDIFACT (and the XML counterparts), issue 11 points 2, 4, 9 and 11.

* Values the envelope layout has no place for (``UNOC:3:ZZZ``, a twelfth UNB element, a third
  UNT element …) survive EDIFACT → model → EDIFACT byte for byte (also through JSON), are a
  deviation when read, and converting to XML reports each as a loss: strict refuses, allow-loss
  writes and lists it.
* Two messages with one reference in an interchange, and two letters with one identifier in an
  Emessage, are errors; the EDIFACT writer never writes such an interchange.
* The writer's work does not grow with the number of empty components (counted, never timed).
* Numbers with thousands of digits are located input errors, never a bare ``ValueError`` or
  ``InternalError``.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from edifact_examples import DIS01, DIS01_LINES
from hypothesis import given, settings
from hypothesis import strategies as st

import medbridge
from medbridge.codecs.edifact.codec import read_interchange, write_interchange, xml_losses
from medbridge.codecs.json.codec import decode_json
from medbridge.edifact import (
    DEFAULT_CHARS,
    Segment,
    ServiceChars,
    encode_interchange,
    iter_segments,
    serialize_segment,
)
from medbridge.errors import ConversionError, EdifactInputError, InputError, XmlInputError
from medbridge.findings import Finding
from medbridge.model import DischargeLetter, Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"


def _interchange(**replace: str) -> bytes:
    """DIS01 of edifact-messages.md §6.5 with whole segments replaced, by tag."""
    lines = [replace.get(line[:3], line) for line in DIS01_LINES]
    return "".join(line + "\n" for line in lines).encode("latin-1")


def _at(findings: list[Finding], code: str) -> list[tuple[str | None, int | None, int | None]]:
    return [
        (f.location.tag, f.location.element, f.location.component)
        for f in findings
        if f.code == code
    ]


# -- point 2: values the envelope layout has no place for ---------------------------------

_UNB = "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+ENV0000042"
ENVELOPE_EXTRAS = [
    ("UNB", f"{_UNB.replace('UNOC:3', 'UNOC:3:ZZZ')}++++1'", (1, 3)),
    ("UNB", f"{_UNB}++++1+++X'", (12, 1)),
    ("UNB", f"{_UNB.replace(':1420', ':1420:99')}++++1'", (4, 3)),
    ("UNB", f"{_UNB}:X++++1'", (5, 2)),
    ("UNB", f"{_UNB}+:PW+++1'", (6, 2)),
    ("UNB", f"{_UNB}++++1:Z'", (9, 2)),
    ("UNB", f"{_UNB.replace(':14+57', ':14:RR+57', 1)}++++1'", (2, 3)),
    ("UNT", "UNT+47+EPI0000042+X'", (3, 1)),
    ("UNT", "UNT+47:1+EPI0000042'", (1, 2)),
    ("UNZ", "UNZ+1+ENV0000042+X'", (3, 1)),
    ("UNZ", "UNZ+1+ENV0000042:Y'", (2, 2)),
]


@pytest.mark.parametrize(
    "tag,segment,position", ENVELOPE_EXTRAS, ids=[s for _, s, _ in ENVELOPE_EXTRAS]
)
def test_envelope_values_beyond_medcom_are_kept_and_reported(
    tag: str, segment: str, position: tuple[int, int]
) -> None:
    data = _interchange(**{tag: segment})
    message, findings = read_interchange(data)
    assert (tag, *position) in _at(findings, "edifact.mapping.deviation")
    # EDIFACT → model → EDIFACT, directly and through JSON, keeps every byte.
    assert write_interchange(message)[0] == data
    again = medbridge.from_json(medbridge.to_json(message))
    assert medbridge.write(again, "edifact") == data
    # Into XML: a loss. Strict refuses (also from the JSON form), allow-loss lists it.
    assert (tag, *position) in _at(xml_losses(message), "convert.loss")
    for source in (data, medbridge.to_json(message).encode("utf-8")):
        with pytest.raises(ConversionError) as refused:
            medbridge.convert(source, to="xml")
        assert (tag, *position) in _at(refused.value.findings, "convert.unmapped")
        converted = medbridge.convert(source, to="xml", allow_loss=True)
        assert (tag, *position) in _at(converted.losses, "convert.loss")
        assert converted.output.startswith(b"<?xml")


# Extra components and elements: values free of service characters, some empty.
_EXTRA_VALUE = st.sampled_from(["", "", "X", "ZZZ", "1", "Ø?"])
_EXTRA = st.tuples(
    st.lists(_EXTRA_VALUE, max_size=3), st.lists(st.lists(_EXTRA_VALUE, max_size=3), max_size=3)
)


def _with_extra(segment: str, extra: tuple[list[str], list[list[str]]]) -> str:
    """``segment`` (without terminator) with components added to its last element and elements
    added after it, escaped the default way."""
    components, elements = extra
    text = segment + "".join(":" + c.replace("?", "??") for c in components)
    return text + "".join("+" + ":".join(c.replace("?", "??") for c in e) for e in elements) + "'"


@settings(max_examples=40)
@given(_EXTRA, _EXTRA, _EXTRA)
def test_any_extra_envelope_values_round_trip_and_each_segment_is_reported(
    unb: tuple[list[str], list[list[str]]],
    unt: tuple[list[str], list[list[str]]],
    unz: tuple[list[str], list[list[str]]],
) -> None:
    data = _interchange(
        UNB=_with_extra(f"{_UNB}++++1++", unb),  # E11 has one component, E12 on: nothing
        UNT=_with_extra("UNT+47+EPI0000042", unt),
        UNZ=_with_extra("UNZ+1+ENV0000042", unz),
    )
    message, findings = read_interchange(data)
    # Byte for byte, but for the trailing empties the syntax layer never writes (E2).
    as_read = encode_interchange(list(iter_segments(data)), una_layout="\n")
    assert write_interchange(message)[0] == as_read
    assert medbridge.write(medbridge.from_json(medbridge.to_json(message)), "edifact") == as_read
    expected = {
        tag
        for tag, (components, elements) in (("UNB", unb), ("UNT", unt), ("UNZ", unz))
        if any(components) or any(any(e) for e in elements)
    }
    losses = xml_losses(message)
    assert {f.location.tag for f in losses} == expected
    assert len(losses) == len(expected)  # values outside a layout: one finding per segment
    deviations = {f.location.tag for f in findings if f.code == "edifact.mapping.deviation"}
    assert deviations == expected


def test_a_trailer_count_with_leading_zeros_is_kept_and_no_loss() -> None:
    """The count is a derived control value, not a leaf: kept for EDIFACT, never a loss."""
    data = _interchange(UNT="UNT+0047+EPI0000042'", UNZ="UNZ+01+ENV0000042'")
    message, findings = read_interchange(data)
    assert not _at(findings, "edifact.mapping.deviation")
    assert write_interchange(message)[0] == data
    assert xml_losses(message) == []


def test_a_recorded_trailer_is_written_only_while_it_states_the_truth() -> None:
    data = _interchange(UNT="UNT+47+EPI0000042+X'", UNZ="UNZ+1+ENV0000042+Y'")
    message, _ = read_interchange(data)
    second = copy.deepcopy(message.letters[0])
    second.header.identifier = "EPI0000043"
    message.letters.append(second)
    written = write_interchange(message)[0].decode("latin-1")
    # The first letter's UNT still holds; the second has its own computed UNT; UNZ now counts 2.
    assert written.count("UNT+47+EPI0000042+X'") == 1
    assert "UNT+47+EPI0000043'" in written
    assert written.endswith("UNZ+2+ENV0000042'\n")
    reread, _ = read_interchange(written.encode("latin-1"))
    assert [letter.header.identifier for letter in reread.letters] == ["EPI0000042", "EPI0000043"]


def test_many_values_outside_the_layout_are_one_finding_per_segment() -> None:
    data = _interchange(UNB=f"{_UNB.replace('UNOC:3', 'UNOC:3' + ':Z' * 3000)}++++1+++A+B+C'")
    message, findings = read_interchange(data)
    extra = [f for f in findings if f.code == "edifact.mapping.deviation"]
    assert len(extra) == 1 and "3003 values" in extra[0].message
    assert (extra[0].location.element, extra[0].location.component) == (1, 3)
    assert len(xml_losses(message)) == 1
    assert write_interchange(message)[0] == data


def test_recorded_trailers_survive_a_trip_through_json() -> None:
    """The trailer records are wire keys the JSON codec knows: kept, checked, no finding."""
    data = _interchange(UNT="UNT+47+EPI0000042+X'", UNZ="UNZ+01+ENV0000042+Y'")
    message, _ = read_interchange(data)
    back, findings = decode_json(medbridge.to_json(message))
    assert findings == []
    assert "edifact.wire.unt" in back.letters[0].wire and "edifact.wire.unz" in back.wire
    assert write_interchange(back)[0] == data


def test_a_malformed_trailer_record_in_json_is_not_written() -> None:
    message, _ = read_interchange(_interchange(UNT="UNT+47+EPI0000042+X'"))
    letter = message.letters[0]
    for record in (["UNT", "not elements", "", 0, 0], ["UNT", [["5"], ["EPI0000042"]], "", 0, 0]):
        letter.wire["edifact.wire.unt"] = record
        assert b"UNT+47+EPI0000042'" in write_interchange(message)[0]


# -- point 4: one reference per message, one identifier per letter --------------------------


def _two_messages(second_reference: str) -> bytes:
    text = DIS01.decode("latin-1")
    message = text[text.index("UNH+") : text.index("UNZ+")]
    other = message.replace("EPI0000042", second_reference)
    return text.replace(message, message + other).replace("UNZ+1+", "UNZ+2+").encode("latin-1")


def test_two_messages_with_one_reference_are_an_error() -> None:
    data = _two_messages("EPI0000042")
    second_unh = 1 + data.decode("latin-1").split("\n").index(
        "UNH+EPI0000042+MEDDIS:D:93A:UN:D0133L+DIS01'", 3
    )
    with pytest.raises(EdifactInputError) as caught:
        medbridge.read(data)
    (finding,) = [f for f in caught.value.findings if f.code.endswith("duplicate-reference")]
    assert finding.code == "edifact.envelope.duplicate-reference" and finding.is_error
    assert (finding.location.segment, finding.location.tag, finding.location.element) == (
        second_unh - 1,  # UNA is not counted
        "UNH",
        1,
    )
    assert "segment 2" in finding.message  # the first UNH
    report = medbridge.validate(data)
    assert "edifact.envelope.duplicate-reference" in [f.code for f in report.findings]
    with pytest.raises(EdifactInputError):
        list(medbridge.iter_read(data))
    assert len(medbridge.read(_two_messages("EPI0000043")).letters) == 2


def _two_letters(identifier: str) -> Message:
    message = medbridge.read((FIXTURES / "epikrise" / "apopleksi.xml").read_bytes())
    second = copy.deepcopy(message.letters[0])
    second.header.identifier = identifier
    message.letters.append(second)
    return message


def test_two_letters_with_one_identifier_are_an_error() -> None:
    first = _two_letters("x").letters[0].header.identifier
    data = medbridge.write(_two_letters(first), "xml")
    report = medbridge.validate(data)
    found = [f for f in report.findings if f.code == "rule.letter.duplicate-identifier"]
    assert [f.location.path for f in found] == ["/Emessage/DischargeLetter[2]/Letter/Identifier"]
    assert found[0].is_error and found[0].location.line is not None
    with pytest.raises(XmlInputError):
        medbridge.read(data)
    json_form = medbridge.to_json(_two_letters(first)).encode("utf-8")
    assert "rule.letter.duplicate-identifier" in [
        f.code for f in medbridge.validate(json_form).findings
    ]
    distinct = medbridge.write(_two_letters(first + "B"), "xml")
    assert "rule.letter.duplicate-identifier" not in [
        f.code for f in medbridge.validate(distinct).findings
    ]


def test_the_edifact_writer_never_writes_one_reference_twice() -> None:
    message = _two_letters(_two_letters("x").letters[0].header.identifier)
    with pytest.raises(ConversionError) as caught:
        medbridge.write(message, "edifact")
    ((code, path),) = [(f.code, f.location.path) for f in caught.value.findings]
    assert code == "convert.unmapped"
    assert path == "/Emessage/DischargeLetter[2]/Letter/Identifier"
    data, findings = write_interchange(message, allow_loss=True)
    assert [f.code for f in findings if f.code == "convert.loss"] == ["convert.loss"]
    assert len(medbridge.read(data).letters) == 1


# -- point 9: the writer is linear in the number of empty components ---------------------


def _calls(action: Callable[[], object]) -> int:
    """Python and C function calls made while ``action`` runs (a deterministic work count)."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return count


_CUSTOM = ServiceChars("|", "*", ",", "\\", " ", "~")


def _empties(n: int, where: str) -> list[Segment]:
    """A UNB whose first element ends in (``trailing``) or holds (``inner``) n empty
    components, and an element after it ending in an empty component."""
    first = ("UNOC", "3", *[""] * n, *(["X"] if where == "inner" else []))
    return [Segment("UNB", (first, ("A", ""), ("B",))), Segment("UNZ", (("0",), ("B", "")))]


@pytest.mark.parametrize("where", ["trailing", "inner"])
@pytest.mark.parametrize("chars", [DEFAULT_CHARS, _CUSTOM], ids=["default", "custom"])
@pytest.mark.parametrize("one_pass", [True, False], ids=["one-pass", "per-segment"])
def test_writer_work_does_not_grow_with_empty_components(
    where: str, chars: ServiceChars, one_pass: bool
) -> None:
    def write(n: int) -> Callable[[], bytes]:
        segments = _empties(n, where)
        return lambda: encode_interchange(segments if one_pass else iter(segments), chars=chars)

    small, large = write(10), write(60_000)
    expected = small()
    if where == "inner":  # kept, one separator per empty component
        separator = chars.component.encode()
        expected = expected.replace(b"3" + separator * 11, b"3" + separator * 60_001)
    assert large() == expected  # (trailing empties are dropped: normalisation E2)
    assert _calls(small) == _calls(large)


_SPARSE = st.lists(st.sampled_from(["", "", "", "", "a", "?", ":", "|"]), max_size=40).map(tuple)


@settings(max_examples=80)
@given(st.lists(_SPARSE, max_size=6).map(tuple), st.sampled_from([DEFAULT_CHARS, _CUSTOM]))
def test_every_writer_path_drops_the_same_trailing_empties(
    elements: tuple[tuple[str, ...], ...], chars: ServiceChars
) -> None:
    """Long runs of empty components, inside and at the end of elements: the one pass, the
    per-segment writer and ``serialize_segment`` (via ``trim_elements``) agree."""
    segments = [Segment("UNB", (("UNOC", "3"),)), Segment("FTX", elements)]
    una = chars.una().encode() if chars != DEFAULT_CHARS else b""
    reference = una + "".join(serialize_segment(s, chars) for s in segments).encode("latin-1")
    kwargs: dict[str, Any] = {"chars": chars, "una": False}
    assert encode_interchange(segments, **kwargs) == reference
    assert encode_interchange(iter(segments), **kwargs) == reference


def test_reading_and_writing_sixty_thousand_empty_components() -> None:
    data = DIS01.replace(b"UNB+UNOC:3+", b"UNB+UNOC:3" + b":" * 60_000 + b"+")
    message = medbridge.read(data)
    written = _calls(lambda: medbridge.write(message, "edifact"))
    plain = _calls(lambda: medbridge.write(medbridge.read(DIS01), "edifact"))
    assert medbridge.write(message, "edifact") == DIS01  # E2: trailing empties are not written
    assert written <= plain  # no work per empty component


# -- point 11: huge numbers --------------------------------------------------------------

_HUGE = "9" * 5000


@pytest.mark.parametrize(
    "tag,segment,code",
    [
        ("UNT", f"UNT+{_HUGE}+EPI0000042'", "edifact.envelope.unt-count"),
        ("UNZ", f"UNZ+{_HUGE}+ENV0000042'", "edifact.envelope.unz-count"),
    ],
)
def test_a_count_with_thousands_of_digits_is_a_located_error(
    tag: str, segment: str, code: str
) -> None:
    data = _interchange(**{tag: segment})
    with pytest.raises(EdifactInputError) as caught:
        medbridge.read(data)
    (finding,) = [f for f in caught.value.findings if f.code == code]
    assert (finding.location.tag, finding.location.element) == (tag, 1)
    assert finding.location.segment is not None and finding.location.offset is not None
    assert len(finding.message) < 200  # the count is shown cut short
    assert code in [f.code for f in medbridge.validate(data).findings]


def test_a_count_with_thousands_of_leading_zeros_is_still_the_count() -> None:
    data = _interchange(UNT="UNT+" + "0" * 5000 + "47+EPI0000042'")
    message, _ = read_interchange(data)
    assert write_interchange(message)[0] == data


def test_an_attachment_size_with_thousands_of_digits_is_a_located_error() -> None:
    edifact = (FIXTURES / "epikrise" / "specialer.edi").read_bytes()
    assert b":PCX:1041'" in edifact
    with pytest.raises(EdifactInputError) as caught:
        medbridge.read(edifact.replace(b":PCX:1041'", b":PCX:" + _HUGE.encode() + b"'"))
    assert ("FTX", 4, 5) in _at(caught.value.findings, "edifact.mapping.value")
    xml = (FIXTURES / "epikrise" / "specialer.xml").read_bytes()
    size = b"<OriginalObjectSize>1041</OriginalObjectSize>"
    assert size in xml
    for digits in (_HUGE, "1" + "0" * 18):
        bad = xml.replace(size, f"<OriginalObjectSize>{digits}</OriginalObjectSize>".encode())
        with pytest.raises(XmlInputError) as xml_caught:
            medbridge.read(bad)
        (finding,) = [f for f in xml_caught.value.findings if f.code == "xml.mapping.value"]
        assert finding.location.line is not None
        assert finding.location.path is not None
        assert finding.location.path.endswith("OriginalObjectSize")
    # 18 digits are a size (leading zeros aside).
    ok = xml.replace(size, b"<OriginalObjectSize>000999999999999999999</OriginalObjectSize>")
    letter = medbridge.read(ok).letters[0]
    assert isinstance(letter, DischargeLetter)
    assert [r.binary.original_size for r in letter.references if r.binary] == [10**18 - 1]


def test_writers_refuse_a_size_they_could_not_read_back() -> None:
    message = medbridge.read((FIXTURES / "epikrise" / "specialer.xml").read_bytes())
    letter = message.letters[0]
    assert isinstance(letter, DischargeLetter)
    (binary,) = [r.binary for r in letter.references if r.binary is not None]
    binary.original_size = 10**18
    for fmt in ("xml", "edifact"):
        with pytest.raises(ConversionError) as caught:
            medbridge.write(message, fmt)
        assert [f.code for f in caught.value.findings] == ["convert.unsupported-value"]
    json_form = medbridge.to_json(message).encode("utf-8")
    report = medbridge.validate(json_form)
    assert "rule.reference.size" in [f.code for f in report.findings if f.is_error]
    with pytest.raises(InputError):
        medbridge.read(json_form)


@pytest.mark.parametrize("digits", [5, 20, 5000])
def test_a_date_with_a_huge_year_is_a_located_error(digits: int) -> None:
    """xmlschema (elementpath) raises OverflowError for a year beyond 2**31; an XML date with
    any number of year digits is a finding with a line, never an InternalError."""
    xml = (FIXTURES / "epikrise" / "apopleksi.xml").read_bytes()
    date = b"<Date>2024-09-30</Date>"
    assert date in xml
    data = xml.replace(date, b"<Date>" + b"2" * digits + b"-09-30</Date>", 1)
    errors = [f for f in medbridge.validate(data).findings if f.is_error]
    assert errors and all(f.location.line is not None for f in errors)
    assert all(len(f.message) < 300 for f in errors)
    with pytest.raises(XmlInputError):
        medbridge.read(data)


def test_an_ftx_with_a_trailing_empty_line_reads_back_after_writing() -> None:
    # ISO 9735: trailing empty components may be left out, so ``Anamnese:`` is ``Anamnese``;
    # the writer leaves them out (E2), so the reader must not make a line break of one.
    original = (FIXTURES / "epikrise" / "apopleksi.edi").read_bytes()
    start = original.index(b"FTX+NC+PF0++Anamnese'")
    end = original.index(b"'", start)
    hostile = original[:end] + b":" + original[end:]
    message = medbridge.read(hostile)
    assert message == medbridge.read(original)
    assert medbridge.read(medbridge.write(message, "edifact")) == message


@pytest.mark.parametrize(
    "syntax", [["UNOC", "0707614285"], ["UNOC", ""], ["UNOZ", "3"], ["UNOY", "3"]]
)
def test_a_stored_unb_with_an_unreadable_syntax_identifier_is_not_written(
    syntax: list[str],
) -> None:
    original = (FIXTURES / "kvittering" / "ctl02-hele-forsendelsen.edi").read_bytes()
    document = json.loads(medbridge.to_json(medbridge.read(original)))
    document["message"]["wire"]["edifact.unb.segment"][0][0] = syntax
    conversion = medbridge.convert(json.dumps(document).encode(), to="edifact")
    assert "convert.wire-ignored" in [f.code for f in conversion.findings]
    assert conversion.output.startswith(b"UNA:+.? '\nUNB+UNOC:3+")
    assert medbridge.read(conversion.output) == medbridge.read(original)


def test_an_envelope_without_identifier_is_refused_not_written_unreadable() -> None:
    original = (FIXTURES / "henvisning" / "hoste.edi").read_bytes()
    document = json.loads(medbridge.to_json(medbridge.read(original)))
    document["message"]["envelope"]["identifier"] = ""
    document["message"].pop("wire", None)
    data = json.dumps(document).encode()
    with pytest.raises(ConversionError) as caught:
        medbridge.convert(data, to="edifact")
    assert [f.code for f in caught.value.findings] == ["convert.missing-required"]
    assert caught.value.findings[0].location.path == "/Emessage/Envelope/Identifier"
    assert medbridge.batch.convert_item("x.json", data, to="edifact").status == "invalid"
