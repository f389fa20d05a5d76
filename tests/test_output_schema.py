"""Written XML is checked against the schema it would be read with: a model from EDIFACT or JSON
whose values the XML schema does not allow is refused (``convert.invalid-output``), or written
with a warning under ``allow_nonstandard``, never handed out as a letter medbridge itself refuses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import medbridge
from medbridge.cli import main
from medbridge.model import ClinicalLetter, Message

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
EPIKRISE_EDI = FIXTURES / "epikrise" / "apopleksi.edi"
POSTCODE = "/Emessage/DischargeLetter/Patient/PostCodeIdentifier"


def _long_postcode_edifact() -> bytes:
    """The epikrise in EDIFACT with a 23-digit patient postcode: EDIFACT carries it, the 2005
    XML schema allows nine characters."""
    message = medbridge.read(EPIKRISE_EDI)
    letter = message.letter
    assert isinstance(letter, ClinicalLetter)
    letter.patient.postcode = "1" * 23
    return medbridge.write(message, "edifact")


def test_an_edifact_value_too_long_for_xml_is_refused_at_its_element() -> None:
    data = _long_postcode_edifact()
    assert medbridge.read(data).letter.patient.postcode == "1" * 23  # type: ignore[union-attr]
    with pytest.raises(medbridge.ConversionError) as caught:
        medbridge.convert(data, to="xml")
    (finding,) = caught.value.findings
    assert finding.code == "convert.invalid-output" and finding.is_error
    assert finding.location.path == POSTCODE
    assert finding.location.line is None  # a line of the unwritten output would mislead
    assert "at most 9 characters" in finding.message


def test_allow_nonstandard_writes_it_with_a_warning() -> None:
    result = medbridge.convert(_long_postcode_edifact(), to="xml", allow_nonstandard=True)
    (finding,) = [f for f in result.findings if f.code == "convert.invalid-output"]
    assert finding.severity is medbridge.Severity.WARNING
    assert b"<PostCodeIdentifier>" + b"1" * 23 + b"</PostCodeIdentifier>" in result.output
    assert medbridge.validate(result.output).codes() == ["xml.schema.value"]


def test_a_json_model_with_a_blank_required_name_is_not_written_as_xml() -> None:
    message = medbridge.read(EPIKRISE_EDI)
    letter = message.letter
    assert isinstance(letter, ClinicalLetter)
    letter.patient.surname = ""
    text = medbridge.to_json(message)
    with pytest.raises(medbridge.ConversionError) as caught:
        medbridge.convert(text.encode(), to="xml")
    assert [f.code for f in caught.value.findings] == ["convert.invalid-output"]
    assert caught.value.findings[0].location.path.endswith("/Patient/PersonSurnameName")


def test_every_valid_fixture_still_writes_as_xml() -> None:
    for path in sorted(FIXTURES.glob("*/*.edi")):
        message: Message = medbridge.read(path)
        assert medbridge.read(medbridge.write(message, "xml")) == message, path.name


def test_the_cli_refuses_it_with_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in" / "brev.edi"
    source.parent.mkdir()
    source.write_bytes(_long_postcode_edifact())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(source), "--to", "xml", "--out", str(out)])
    assert result.exit_code == 1
    assert "convert.invalid-output" in result.stdout + result.stderr
    assert not (out.exists() and list(out.rglob("*.xml")))
