"""``--allow-loss`` never writes a letter that lacks a required value.

Leaving out a value the target cannot carry is a loss; leaving out one the letter *requires*
(its XSD ``minOccurs``: the patient's surname, the letter's identifier — the message reference —,
the referrer's name, an attachment's description …) would write a letter medbridge itself refuses
to read, so that letter is refused even with ``allow_loss`` (``convert.required-lost``, CLI
exit 1). Where the writer leaves out a whole optional element instead (a clinical text's group,
a reference whose URL cannot be written) that is a loss of that element, and says so.

The property: for generated letters, ``convert(xml, "edifact", allow_loss=True)`` either raises
a ``ConversionError`` whose findings name the field, or writes EDIFACT that ``medbridge.read``
accepts; converting that EDIFACT to XML with ``allow_loss`` likewise.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import messages

import medbridge
from medbridge.cli import main
from medbridge.model import (
    FormattedText,
    IdentifierCode,
    LocalElements,
    Message,
    Moment,
    Party,
    PartyId,
    Patient,
    PatientId,
    Referrer,
    Relative,
)
from medbridge.xml.namespaces import MC2005
from medbridge.xml.required import required_in_letter

ROOT = Path(__file__).resolve().parent.parent
EPIKRISE = ROOT / "fixtures" / "valid" / "epikrise" / "apopleksi.xml"
HENVISNING = ROOT / "fixtures" / "valid" / "henvisning" / "hoste.xml"
EPI = "/Emessage/DischargeLetter"
REF = "/Emessage/HospitalReferral"
EURO = "Pris 100 €"


def _convert_edifact(message: Message) -> medbridge.Conversion:
    return medbridge.convert(medbridge.write(message, "xml"), "edifact", allow_loss=True)


def _required_lost(message: Message) -> list[tuple[str, str | None]]:
    with pytest.raises(medbridge.ConversionError) as exc:
        _convert_edifact(message)
    return [(f.code, f.location.path) for f in exc.value.findings]


# ---------------------------------------------------------------------------------------------
# examples


def _set_referrer_name(message: Message, value: str) -> None:
    referrer = message.letter.sender.referrer
    assert referrer is not None
    referrer.person_name = value


def _set_description(message: Message, value: str) -> None:
    message.letter.references[0].description = value


@pytest.mark.parametrize(
    ("source", "change", "path"),
    [
        (
            EPIKRISE,
            lambda m, v: setattr(m.letter.patient, "surname", v),
            "Patient/PersonSurnameName",
        ),
        (HENVISNING, lambda m, v: setattr(m.letter.header, "identifier", v), "Letter/Identifier"),
        (HENVISNING, _set_referrer_name, "Sender/Referrer/PersonName"),
        (HENVISNING, _set_description, "Reference[1]/RefDescription"),
        (
            EPIKRISE,
            lambda m, v: setattr(m.letter.sender, "organisation", v),
            "Sender/OrganisationName",
        ),
    ],
    ids=[
        "patient-surname",
        "message-reference",
        "referrer-name",
        "attachment-description",
        "sender",
    ],
)
def test_a_required_value_is_never_left_out(source: Path, change: Any, path: str) -> None:
    message = medbridge.read(source)
    change(message, EURO)
    base = EPI if source == EPIKRISE else REF
    found = _required_lost(message)
    assert found == [("convert.required-lost", f"{base}/{path}")]
    assert required_in_letter(f"{base}/{path}", MC2005)


def test_the_cli_refuses_it_with_exit_1(tmp_path: Path) -> None:
    message = medbridge.read(EPIKRISE)
    message.letter.patient.surname = EURO
    source = tmp_path / "in" / "brev.xml"
    source.parent.mkdir()
    source.write_bytes(medbridge.write(message, "xml"))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["convert", str(source), "--to", "edifact", "--out", str(out), "--allow-loss"]
    )
    assert result.exit_code == 1
    assert "convert.required-lost" in result.stdout + result.stderr
    assert not list(out.glob("*.edi")) if out.exists() else True


def test_an_optional_value_is_a_loss_and_the_output_reads_back() -> None:
    message = medbridge.read(EPIKRISE)
    message.letter.patient.given_name = EURO
    result = _convert_edifact(message)
    (loss,) = result.losses
    assert loss.location.path == f"{EPI}/Patient/PersonGivenName"
    assert medbridge.read(result.output).letter.patient.given_name is None


def test_a_whole_optional_element_left_out_says_so() -> None:
    message = medbridge.read(EPIKRISE)
    message.letter.clinical_information[0].text = FormattedText.of(EURO)  # type: ignore[union-attr]
    result = _convert_edifact(message)
    (loss,) = result.losses
    assert loss.location.path == f"{EPI}/ClinicalInformation[1]/Text01"
    assert f"with all of {EPI}/ClinicalInformation[1]:" in loss.message
    back = medbridge.read(result.output).letter
    assert len(back.clinical_information) == len(message.letter.clinical_information) - 1  # type: ignore[union-attr]


def test_the_loss_message_does_not_claim_nothing_was_dropped() -> None:
    message = medbridge.read(EPIKRISE)
    message.letter.sender.department = "Afdeling “M”"
    result = _convert_edifact(message)
    (loss,) = result.losses
    assert loss.message.startswith("Left out of the EDIFACT output: ")
    assert "never" not in loss.message and "dropped" not in loss.message
    with pytest.raises(medbridge.ConversionError) as exc:
        medbridge.convert(medbridge.write(message, "xml"), "edifact")
    assert "never replaced, transliterated or dropped" in exc.value.findings[0].message


# ---------------------------------------------------------------------------------------------
# the property


_VALID_IDS = {
    IdentifierCode.GLN: "5790000123452",
    IdentifierCode.SOR: "123456789012345",
    IdentifierCode.YDERNUMMER: "123456",
    IdentifierCode.SKS_DEPARTMENT: "1301011",
    IdentifierCode.KOMMUNENUMMER: "101",
}
_NOT_LATIN1 = re.compile("[^\x20-\x7e\xa0-\xff]")


def _valid_ids(node: Any) -> None:
    """Give every identifier a valid value for its type (the generators only respect shapes)."""
    if isinstance(node, list):
        for item in node:
            _valid_ids(item)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, PartyId | LocalElements):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, PartyId) and isinstance(value.code, IdentifierCode):
            setattr(node, f.name, PartyId(_VALID_IDS[value.code], value.code))
        elif f.name != "wire":
            _valid_ids(value)
    if isinstance(node, Party) and node.ean is not None:
        node.ean = "5790000123452"
    if isinstance(node, Referrer) and isinstance(node.identifier_code, IdentifierCode):
        node.identifier = _VALID_IDS[node.identifier_code]
    if isinstance(node, Patient):
        cpr = node.identifier.is_cpr
        node.identifier = (
            PatientId.cpr("0707614285") if cpr else PatientId.alternative("0203291WQ3")
        )
    if isinstance(node, Relative) and node.person_identifier is not None:
        node.person_identifier = "0707614285"


def _latin1(node: Any) -> None:
    """Replace every character EDIFACT UNOC cannot carry (most examples then lose little)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, str) and not isinstance(item, enum.Enum):
                node[index] = _NOT_LATIN1.sub("x", item)
            else:
                _latin1(item)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            object.__setattr__(node, f.name, _NOT_LATIN1.sub("x", value))
        elif f.name not in ("wire", "local_elements"):
            _latin1(value)


def _readable(message: Message, latin1: bool) -> Message:
    _valid_ids(message)
    if latin1:
        for letter in message.letters:
            _latin1(letter)
    sent = message.envelope.sent
    year = 1970 + int(sent.date[:4]) % 100  # UNB carries 1970-2069
    message.envelope.sent = Moment(f"{year}{sent.date[4:]}", sent.time)
    message.envelope.identifier = _NOT_LATIN1.sub("x", message.envelope.identifier)
    return message


letters = st.builds(
    _readable, st.one_of(messages("epikrise"), messages("henvisning")), st.booleans()
)


def _assert_names_fields(error: medbridge.ConversionError) -> None:
    assert error.findings
    for finding in error.findings:
        assert finding.is_error and finding.code.startswith("convert.")
        assert finding.location.path, finding
        if finding.code == "convert.required-lost":
            path = finding.location.path
            assert required_in_letter(path, MC2005) or required_in_letter(
                path.rsplit("/", 1)[0], MC2005
            )


@settings(max_examples=60, deadline=None)
@given(letters)
def test_allow_loss_writes_readable_letters_or_refuses_naming_the_field(message: Message) -> None:
    xml = medbridge.write(message, "xml")
    medbridge.read(xml)  # the generated letter itself is valid
    try:
        result = medbridge.convert(xml, "edifact", allow_loss=True)
    except medbridge.ConversionError as exc:
        _assert_names_fields(exc)
        return
    back = medbridge.read(result.output)  # never EDIFACT that medbridge refuses
    assert len(back.letters) >= 1
    try:
        to_xml = medbridge.convert(result.output, "xml", allow_loss=True)
    except medbridge.ConversionError as exc:
        _assert_names_fields(exc)
        return
    assert medbridge.read(to_xml.output) == back


def test_requiredness_is_read_from_the_schema_of_the_letters_namespace() -> None:
    surname = f"{EPI}/Patient/PersonSurnameName"
    assert required_in_letter(surname, MC2005)
    assert not required_in_letter(f"{EPI}/Patient/PersonGivenName", MC2005)
    # receipts share the 2005 namespace, so their schema answers for them too
    assert required_in_letter("/Emessage/PositiveReceipt/Letter/Identifier", MC2005)
    # the same path in a namespace medbridge has no schema for says nothing
    assert not required_in_letter(surname, "urn:example:unknown")
