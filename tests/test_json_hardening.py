"""medbridge JSON from outside is checked, and its ``wire`` provenance never overrides the model.

* ``wire`` values of the wrong shape are refused (``InputError``, ``input.json-invalid`` at the
  JSON path); unknown ``wire`` keys and unknown top-level keys are ignored with a warning;
* a stored UNB that does not read back to the model's envelope, or a UNA that is no valid service
  string, is dropped with an info ``convert.wire-ignored`` and the model's values are written;
* nesting 100,000 deep (or just past the limit) is an ``input.json-too-deep`` with a location,
  never a ``RecursionError`` or ``InternalError``; a number with thousands of digits is an
  ``InputError`` too.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import medbridge
from medbridge.codecs.json.codec import MAX_DEPTH, decode_json
from medbridge.codecs.json.wire import wire_shapes
from medbridge.edifact.syntax import iter_segments

ROOT = Path(__file__).resolve().parent.parent
EDI = ROOT / "fixtures" / "valid" / "epikrise" / "pneumoni.edi"
XML = ROOT / "fixtures" / "valid" / "henvisning" / "hoste.xml"


def _doc(path: Path = EDI) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(medbridge.to_json(medbridge.read(path)))
    return doc


def _bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode("utf-8")


def _refusal(data: bytes) -> medbridge.Finding:
    with pytest.raises(medbridge.InputError) as exc:
        medbridge.read(data)
    (finding,) = [f for f in exc.value.findings if f.is_error]
    report = medbridge.validate(data)
    assert not report.ok and finding.code in {f.code for f in report.findings}
    return finding


# ---------------------------------------------------------------------------------------------
# wire shapes


def _set(doc: dict[str, Any], where: str, key: str, value: Any) -> None:
    owner = doc["message"]
    if where == "letter":
        owner = owner["letters"][0]
    elif where == "text":
        owner = owner["letters"][0]["clinical_information"][0]["text"]
    owner.setdefault("wire", {})[key] = value


@pytest.mark.parametrize(
    ("where", "key", "value", "path_end"),
    [
        ("message", "edifact.unb.segment", "UNB+UNOC:3", "['edifact.unb.segment']"),
        ("message", "edifact.unb.segment", [[["UNOC", 3]], ""], "['edifact.unb.segment'][0][0][1]"),
        ("message", "edifact.wire.newline", "\nUNH+", "['edifact.wire.newline']"),
        ("message", "edifact.wire.una", 42, "['edifact.wire.una']"),
        ("message", "xml.namespaces", [["", "urn:x", "extra"]], "['xml.namespaces'][0]"),
        ("message", "xml.bom", "yes", "['xml.bom']"),
        ("letter", "edifact.wire.units", {"order": []}, "['edifact.wire.units']"),
        (
            "letter",
            "edifact.wire.units",
            {"order": [], "keys": [], "units": {"S07": {"original": [["pna", [], ""]]}}},
            "['edifact.wire.units']['units']['S07']",
        ),
        ("text", "edifact.ftx", [["P00", "one line, not a list"]], "['edifact.ftx'][0][1]"),
    ],
)
def test_wire_values_of_the_wrong_shape_are_refused(
    where: str, key: str, value: Any, path_end: str
) -> None:
    doc = _doc()
    _set(doc, where, key, value)
    finding = _refusal(_bytes(doc))
    assert finding.code == "input.json-invalid"
    assert finding.location.path is not None
    assert finding.location.path.endswith(".wire" + path_end), finding.location.path


def test_unknown_wire_keys_are_dropped_with_a_warning() -> None:
    doc = _doc()
    _set(doc, "message", "edifact.wire.future", {"anything": [1, 2]})
    _set(doc, "text", "rtf.runs", "{\\b x}")
    data = _bytes(doc)
    message = medbridge.read(data)
    assert "edifact.wire.future" not in message.wire
    assert "rtf.runs" not in message.letter.clinical_information[0].text.wire  # type: ignore[union-attr]
    warnings = [f for f in medbridge.validate(data).findings if f.code == "input.json-unknown-key"]
    assert sorted(str(f.location.path) for f in warnings) == [
        "$.message.letters[0].clinical_information[0].text.wire['rtf.runs']",
        "$.message.wire['edifact.wire.future']",
    ]
    assert all(f.severity == "warning" for f in warnings)


def test_unknown_top_level_keys_are_a_warning_not_an_error() -> None:
    doc = _doc(XML)
    doc["generator"] = "another tool 2.0"
    data = _bytes(doc)
    assert medbridge.read(data) == medbridge.read(XML)
    report = medbridge.validate(data)
    assert report.ok
    (warning,) = [f for f in report.findings if f.code == "input.json-unknown-key"]
    assert warning.location.path == "$['generator']"


def test_an_unknown_field_inside_the_message_stays_an_error() -> None:
    doc = _doc(XML)
    doc["message"]["letters"][0]["patient"]["nickname"] = "Tove"
    finding = _refusal(_bytes(doc))
    assert finding.code == "input.json-invalid"
    assert finding.location.path == "$.message.letters[0].patient"


def test_version_must_be_the_integer_1() -> None:
    doc = _doc(XML)
    doc["medbridge-json"] = True  # equal to 1 in Python, but not the version number
    assert _refusal(_bytes(doc)).code == "input.json-invalid"


def test_every_wire_key_the_codecs_write_has_a_shape() -> None:
    shapes = wire_shapes()
    fixtures = sorted((ROOT / "fixtures" / "valid").glob("*/*.*"))
    seen: set[tuple[str, str]] = set()
    for path in fixtures:
        if path.suffix not in (".xml", ".edi"):
            continue
        message = medbridge.read(path)
        stack: list[Any] = [message]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif dataclasses.is_dataclass(node) and not isinstance(node, type):
                for f in dataclasses.fields(node):
                    value = getattr(node, f.name)
                    if f.name == "wire":
                        owner = type(node).__name__
                        owner = owner if owner in ("Message", "FormattedText") else "Letter"
                        seen.update((owner, key) for key in value)
                    else:
                        stack.append(value)
        back, findings = decode_json(medbridge.to_json(message))
        assert findings == [] and back == message
    missing = {(owner, key) for owner, key in seen if key not in shapes[owner]}
    assert not missing
    assert ("Letter", "edifact.wire.units") in seen and ("FormattedText", "edifact.ftx") in seen


# ---------------------------------------------------------------------------------------------
# wire never overrides the model


def _unb(data: bytes) -> Any:
    return next(s for s in iter_segments(data) if s.tag == "UNB")


def test_a_stored_unb_with_another_reference_is_dropped() -> None:
    doc = _doc()
    reference = doc["message"]["envelope"]["identifier"]
    stored = doc["message"]["wire"]["edifact.unb.segment"]
    assert stored[0][4] == [reference]
    stored[0][4] = ["FORGED1"]  # the stored canonical UNB still matches the model
    result = medbridge.convert(_bytes(doc), "edifact")
    (note,) = [f for f in result.findings if f.code == "convert.wire-ignored"]
    assert note.severity == "info" and note.location.tag == "UNB"
    assert _unb(result.output).value(5) == reference
    assert b"FORGED1" not in result.output
    back = medbridge.read(result.output)
    assert back.envelope.identifier == reference


def test_a_stored_unb_is_still_used_when_it_fits_the_model() -> None:
    data = EDI.read_bytes()
    result = medbridge.convert(medbridge.to_json(medbridge.read(data)).encode(), "edifact")
    assert result.output == data
    assert not [f for f in result.findings if f.code == "convert.wire-ignored"]


def test_a_changed_envelope_drops_the_stored_unb_with_a_note() -> None:
    message = medbridge.read(EDI)
    message.envelope.identifier = "NEU42"
    result = medbridge.convert(medbridge.to_json(message).encode(), "edifact")
    assert _unb(result.output).value(5) == "NEU42"
    assert [f.code for f in result.findings if f.code == "convert.wire-ignored"] == [
        "convert.wire-ignored"
    ]


def test_stored_letter_segments_that_say_something_else_are_dropped() -> None:
    doc = _doc()
    units = doc["message"]["letters"][0]["wire"]["edifact.wire.units"]["units"]
    original = units["S14.text#1/FTX"]["original"]
    assert original[0][1][3] == ["Forløb"]
    original[0][1][3] = ["Forfalsket"]  # its stored canonical rendering still fits the model
    result = medbridge.convert(_bytes(doc), "edifact", allow_nonstandard=True)
    assert b"Forfalsket" not in result.output and "Forløb".encode("latin-1") in result.output
    (note,) = [f for f in result.findings if f.code == "convert.wire-ignored"]
    assert note.location.path == "/Emessage/DischargeLetter"
    assert medbridge.read(result.output) == medbridge.read(EDI)


@pytest.mark.parametrize("una", ["UNA::.? '", "UNA:+.?", "UNAab.? '", "UNA:+,?'' "])
def test_an_invalid_stored_una_is_dropped(una: str) -> None:
    doc = _doc()
    doc["message"]["wire"]["edifact.wire.una"] = una
    result = medbridge.convert(_bytes(doc), "edifact")
    assert result.output.startswith(b"UNA:+.? 'UNB+")
    (note,) = [f for f in result.findings if f.code == "convert.wire-ignored"]
    assert note.location.tag == "UNA"
    assert medbridge.read(result.output) == medbridge.read(EDI)


def test_a_valid_custom_una_is_kept() -> None:
    doc = _doc()
    doc["message"]["wire"]["edifact.wire.una"] = "UNA|*.\\ ~"
    result = medbridge.convert(_bytes(doc), "edifact")
    assert result.output.startswith(b"UNA|*.\\ ~UNB*UNOC|3")
    assert not [f for f in result.findings if f.code == "convert.wire-ignored"]
    assert medbridge.read(result.output) == medbridge.read(EDI)


# ---------------------------------------------------------------------------------------------
# bounded nesting and numbers


def _all_refuse(data: bytes) -> medbridge.Finding:
    """read, validate, convert and detect: an InputError / a report, never anything else."""
    finding = _refusal(data)
    with pytest.raises(medbridge.InputError):
        medbridge.convert(data, "xml")
    assert medbridge.detect(data).format == "json"
    return finding


def test_json_nested_100000_deep_is_a_located_input_error() -> None:
    head = b'{"medbridge-json": 1,\n  "message": '
    data = head + b"[" * 100_000 + b"]" * 100_000 + b"}"
    finding = _all_refuse(data)
    assert finding.code == "input.json-too-deep"
    # the first bracket past the limit (the outer object is level 1): line 2, column 14 is the
    # first "[", and MAX_DEPTH - 1 more
    assert (finding.location.line, finding.location.column) == (2, 13 + MAX_DEPTH)
    assert finding.location.offset == len(head) + MAX_DEPTH - 1


def test_objects_100000_deep_anywhere_are_refused_too() -> None:
    data = b'{"x": ' * 100_000 + b"1" + b"}" * 100_000
    assert _all_refuse(data).code == "input.json-too-deep"


def test_nesting_past_the_limit_is_refused_even_where_nothing_is_read() -> None:
    doc = _doc(XML)
    doc["comment"] = [[[[{"x": [1]}]]]]
    deep: Any = "x"
    for _ in range(MAX_DEPTH):
        deep = [deep]
    doc["extra"] = deep  # an unknown top-level key: ignored, but still measured
    data = _bytes(doc)
    finding = _all_refuse(data)
    assert finding.code == "input.json-too-deep"
    assert finding.location.offset == data.index(b'"extra": ') + len(b'"extra": ') + MAX_DEPTH - 1


def test_nesting_at_the_limit_is_read() -> None:
    doc = _doc(XML)
    deep: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        deep = [deep]
    doc["extra"] = deep
    assert medbridge.read(_bytes(doc)) == medbridge.read(XML)


def test_a_number_with_thousands_of_digits_is_an_input_error() -> None:
    doc = _doc()
    text = json.dumps(doc)
    marker = '"envelope": {'
    data = text.replace(marker, '"huge": ' + "9" * 5000 + ", " + marker, 1).encode()
    finding = _all_refuse(data)
    assert finding.code == "input.json-invalid"


def test_bad_json_syntax_is_located() -> None:
    data = b'{"medbridge-json": 1,\n "message": {\n  "envelope": [}\n}'
    finding = _refusal(data)
    assert finding.code == "input.json-invalid"
    assert finding.location.line == 3
