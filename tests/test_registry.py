"""The registry: every letter version is declared once, by its kind, and everything that names
versions (detection, dispatch, the messages that list the supported versions) follows it."""

from __future__ import annotations

import pytest
from edifact_examples import DIS01_LINES

import medbridge
from medbridge.codecs.xml.codec import mappings
from medbridge.codecs.xml.mapping import Fixed, Leaf, Nested, Struct
from medbridge.letters.ambulant_epikrise import edifact as dis02
from medbridge.letters.declaration import EdifactVersion, LetterKind, XmlVersion
from medbridge.letters.epikrise import edifact as dis01
from medbridge.letters.henvisning import edifact as ref01
from medbridge.registry import (
    EDIFACT,
    FORMATS,
    JSON,
    LETTER_KINDS,
    REGISTRY,
    XML,
    Registry,
    codec_for,
)

EXAMPLE = "\n".join(DIS01_LINES).encode("iso-8859-1")


def _fixed(table: Struct) -> dict[str, str]:
    """The literals of the Letter header of a letter table (VersionCode, TypeCode): a Letter
    struct, or (receipts) a Letter wrapper around the receipt's own fields."""
    header = next(e for e in table.entries if isinstance(e, Leaf | Nested) and e.name == "Letter")
    if isinstance(header, Nested):
        return {e.name: e.literal for e in header.entries if isinstance(e, Fixed)}
    assert isinstance(header.conv, Struct)
    return {e.name: e.literal for e in header.conv.entries if isinstance(e, Fixed)}


def test_every_xml_mapping_is_the_one_its_declaration_names() -> None:
    declared = [version for _, version in REGISTRY.xml_versions()]
    assert [m.version for m in mappings()] == declared
    for mapping in mappings():
        fixed = _fixed(mapping.letter)
        type_code = {"TypeCode": mapping.version.type_code} if mapping.version.type_code else {}
        assert fixed == {"VersionCode": mapping.version.version, **type_code}


def test_the_edifact_mappings_take_their_unh_values_from_the_declaration() -> None:
    for module in (dis01, ref01, dis02):
        declared = REGISTRY.edifact(module.MESSAGE_TYPE, module.VERSION)
        assert declared is not None
        assert declared.letter_type == module.LETTER_TYPE
        assert declared.mapping == module.__name__


def test_one_list_of_kinds_with_their_versions() -> None:
    assert [kind.name for kind in LETTER_KINDS] == [
        "epikrise",
        "henvisning",
        "plejeforloebsplan",
        "ambulant_epikrise",
        "kvittering",
    ]
    assert REGISTRY.describe_kinds() == (
        "XD0133L/D0133L, XH0130R/H0130R, XD2134C, XD0233L/D0233L and "
        "XC0130Q/XC0230Q/XC0330Q/C0130Q/C0230Q/C0330Q"
    )
    assert REGISTRY.describe_edifact() == (
        "MEDDIS D0133L (DIS01), MEDREF H0130R (REF01), MEDDIS D0233L (DIS02), CONTRL C0130Q "
        "(CTL01), CONTRL C0230Q (CTL02) and CONTRL C0330Q (CTL03)"
    )
    assert REGISTRY.edifact_kind("CONTRL") == "kvittering"
    assert REGISTRY.xml_unsupported("XD0134L") == (
        "epikrise",
        XmlVersion("XD0134L", "DischargeLetter"),
    )
    assert REGISTRY.xml_unsupported("XD0133L") is None  # supported, not "known unsupported"
    assert REGISTRY.edifact_unsupported("MEDREF", "H0131R")
    assert not REGISTRY.edifact_unsupported("MEDDIS", "H0131R")
    assert REGISTRY.edifact_kind("MEDREF") == "henvisning"
    # One message type, two kinds: the pair decides; an unknown version gets the first kind.
    assert REGISTRY.edifact_kind("MEDDIS", "D0233L") == "ambulant_epikrise"
    assert REGISTRY.edifact_kind("MEDDIS", "D0234L") == "ambulant_epikrise"
    assert REGISTRY.edifact_kind("MEDDIS", "D0133L") == "epikrise"
    assert REGISTRY.edifact_kind("MEDDIS", "D9999L") == "epikrise"
    assert REGISTRY.edifact_kind("MEDDIS", "D1730C") == "DIS17"


def test_a_codec_for_each_supported_kind_format_and_version() -> None:
    assert {codec_for(fmt).format for fmt in FORMATS} == set(FORMATS)  # type: ignore[union-attr]
    assert codec_for("csv") is None and codec_for(None) is None
    assert REGISTRY.codec("epikrise", EDIFACT, "D0133L") is codec_for(EDIFACT)
    assert REGISTRY.codec("plejeforloebsplan", XML, "XD2134C") is codec_for(XML)
    assert REGISTRY.codec("plejeforloebsplan", EDIFACT, "XD2134C") is None  # no EDIFACT form
    assert REGISTRY.codec("epikrise", XML, "XD0134L") is None  # known, not supported
    assert REGISTRY.codec("epikrise", JSON, "XD0133L") is None  # JSON carries no MedCom version


def test_a_new_version_is_one_declaration() -> None:
    newer = XmlVersion("XD0134L", "DischargeLetter", "XDIS01", "urn:x", "some.module")
    kinds = [
        LetterKind("epikrise", supported=(*LETTER_KINDS[0].supported, newer)),
        *LETTER_KINDS[1:],
    ]
    registry = Registry(kinds)
    assert registry.xml_unsupported("XD0134L") is None
    assert registry.codec("epikrise", XML, "XD0134L") is codec_for(XML)
    assert registry.describe_kinds().startswith(
        "XD0133L/D0133L/XD0134L, XH0130R/H0130R, XD2134C, XD0233L/D0233L"
    )
    assert "DischargeLetter XD0134L" in registry.describe_xml(with_elements=True)


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("MEDDIS:D:93A:UN:D0133L", "MEDDIS:D:93A:UN:D0134L", "epikrise"),
        ("MEDDIS:D:93A:UN:D0133L", "MEDREF:D:93A:UN:H0131R", "henvisning"),
    ],
)
def test_known_newer_edifact_versions_are_detected_and_refused(
    old: str, new: str, kind: str
) -> None:
    data = EXAMPLE.replace(old.encode(), new.encode())
    detected = medbridge.detect(data)
    assert (detected.format, detected.kind, detected.version) == (EDIFACT, kind, new[-6:])
    assert not detected.supported
    report = medbridge.validate(data)
    assert [f.code for f in report.findings if f.is_error] == [
        "edifact.mapping.unsupported-version"
    ]
    assert "D0133L/H0130R" in report.findings[0].message


def test_the_declarations_are_plain_data() -> None:
    version = EdifactVersion("MEDDIS", "D0133L", "DIS01")
    assert version.format == EDIFACT and version.mapping == ""
    assert XmlVersion("X", "E").format == XML


def test_a_detection_as_dict_has_every_field_but_the_findings_in_order() -> None:
    detection = medbridge.detect(EXAMPLE)
    assert detection.as_dict() == {
        "format": detection.format,
        "kind": "epikrise",
        "version": detection.version,
        "encoding": detection.encoding,
        "identifier": detection.identifier,
    }
    assert list(detection.as_dict()) == ["format", "kind", "version", "encoding", "identifier"]


def test_known_medcom_letters_are_named_and_never_supported() -> None:
    assert REGISTRY.other_xml("XD1730C", "NotificationOfDischarge") == "DIS17"
    assert REGISTRY.other_xml("XD1834C", "ReportOfDischarge") == "DIS18"
    assert REGISTRY.other_xml("XD1730C", "DischargeLetter") is None  # element and code agree
    assert REGISTRY.other_xml("XD0233L", "OutPatientDischargeLetter") is None  # supported now
    other = REGISTRY.other_letter(EDIFACT, "MEDREF:H0630R")
    assert other is not None and other.name == "REF06" and not other.supported
    assert REGISTRY.other_letter(EDIFACT, "MEDDIS:D0133L") is None
    for kind in REGISTRY.others.values():  # none of them is also one of medbridge's versions
        for version in kind.unsupported:
            assert REGISTRY.codec(kind.name, version.format, version.version) is None
            assert not REGISTRY.is_supported_code(version.version)


@pytest.mark.parametrize(
    ("unh", "kind", "named"),
    [
        ("MEDDIS:D:93A:UN:D1730C+DIS17", "DIS17", "DIS17 NotificationOfDischarge (D1730C)"),
        ("MEDDIS:D:93A:UN:D1930C+DIS19", "DIS19", "DIS19 (D1930C)"),
        ("MEDREF:D:93A:UN:H0230R+REF02", "REF02", "REF02 (H0230R)"),
    ],
)
def test_a_known_medcom_letter_is_detected_and_named_not_supported(
    unh: str, kind: str, named: str
) -> None:
    data = EXAMPLE.replace(b"MEDDIS:D:93A:UN:D0133L+DIS01", unh.encode())
    detected = medbridge.detect(data)
    assert (detected.kind, detected.supported) == (kind, False)
    report = medbridge.validate(data)
    errors = [f for f in report.findings if f.is_error]
    assert [f.code for f in errors] == ["edifact.mapping.unsupported-letter"]
    assert f"{named} is a known MedCom letter, not supported" in errors[0].message
    with pytest.raises(medbridge.InputError):
        medbridge.read(data)


def test_a_known_medcom_letter_in_xml_is_named_and_never_schema_checked() -> None:
    """XDIS18 comes in the municipality namespaces (xml-messages.md §1): still named, no schema."""
    data = (
        b'<Emessage xmlns="urn:oio:medcom:municipality:1.0.3"><Envelope><Sent><Date>2024-01-02'
        b"</Date><Time>10:00</Time></Sent><Identifier>E1</Identifier></Envelope>"
        b"<ReportOfDischarge><Letter><Identifier>L1</Identifier><VersionCode>XD1834C"
        b"</VersionCode></Letter></ReportOfDischarge></Emessage>"
    )
    detected = medbridge.detect(data)
    assert (detected.kind, detected.version, detected.supported) == ("DIS18", "XD1834C", False)
    findings = medbridge.validate(data).findings
    assert [f.code for f in findings] == ["xml.mapping.unsupported-letter"]
    assert findings[0].message.startswith(
        "XDIS18 ReportOfDischarge (XD1834C) is a known MedCom letter, not supported"
    )
