"""The registry: every letter version is declared once, by its kind, and everything that names
versions (detection, dispatch, the messages that list the supported versions) follows it."""

from __future__ import annotations

import pytest
from edifact_examples import DIS01_LINES

import medbridge
from medbridge.codecs.xml.codec import MAPPINGS
from medbridge.codecs.xml.mapping import Fixed, Leaf, Nested, Struct
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
    assert [m.version for m in MAPPINGS] == declared
    for mapping in MAPPINGS:
        fixed = _fixed(mapping.letter)
        type_code = {"TypeCode": mapping.version.type_code} if mapping.version.type_code else {}
        assert fixed == {"VersionCode": mapping.version.version, **type_code}


def test_the_edifact_mappings_take_their_unh_values_from_the_declaration() -> None:
    for module in (dis01, ref01):
        declared = REGISTRY.edifact(module.MESSAGE_TYPE, module.VERSION)
        assert declared is not None
        assert declared.letter_type == module.LETTER_TYPE
        assert declared.mapping == module.__name__


def test_one_list_of_kinds_with_their_versions() -> None:
    assert [kind.name for kind in LETTER_KINDS] == [
        "epikrise",
        "henvisning",
        "plejeforloebsplan",
        "kvittering",
    ]
    assert REGISTRY.describe_kinds() == (
        "XD0133L/D0133L, XH0130R/H0130R, XD2134C and XC0130Q/XC0230Q/XC0330Q/C0130Q/C0230Q/C0330Q"
    )
    assert REGISTRY.describe_edifact() == (
        "MEDDIS D0133L (DIS01), MEDREF H0130R (REF01), CONTRL C0130Q (CTL01), CONTRL C0230Q "
        "(CTL02) and CONTRL C0330Q (CTL03)"
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
    assert registry.describe_kinds().startswith("XD0133L/D0133L/XD0134L, XH0130R/H0130R, XD2134C")
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
