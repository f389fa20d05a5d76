"""The hardened XML parser: well-formedness errors and their locations (safety §8 B 11–14, 18),
the municipality payload shape, parser settings (canary), trusted parsing and fuzzing."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from medbridge.errors import XmlInputError
from medbridge.findings import Finding
from medbridge.xml.parse import SAFE_OPTIONS, ParsedXml, new_parser, parse_trusted, parse_xml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: Every code the syntax layer may emit.
CODES = {
    "input.empty",
    "xml.encoding.unsupported",
    "xml.encoding.bom-conflict",
    "xml.encoding.undeclared-latin1",
    "xml.encoding.invalid-bytes",
    "xml.encoding.utf8-as-latin1",
    "xml.encoding.c1-control",
    "xml.encoding.conflict",
    "xml.security.doctype",
    "xml.security.entity",
    "xml.security.xinclude",
    "xml.syntax.empty",
    "xml.syntax.trailing-content",
    "xml.syntax.mismatched-tag",
    "xml.syntax.truncated",
    "xml.syntax.invalid-char",
    "xml.syntax.entity",
    "xml.syntax.not-well-formed",
    "xml.limit.depth",
    "xml.limit.node-size",
}
#: Codes found before or by libxml2 always carry line and column (safety §4.1).
POSITIONED = re.compile(r"xml\.(syntax|limit|encoding)\.(?!conflict)")

LETTER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Emessage xmlns="http://rep.oio.dk/sundcom.dk/medcom.dk/xml/schemas/2005/08/07/">\n'
    "  <DischargeLetter>\n"
    "    <Patient>\n"
    "      <CivilRegistrationNumber>0707614285</CivilRegistrationNumber>\n"
    "      <PersonSurnameName>Ærø</PersonSurnameName>\n"
    "      <PersonGivenName>Søren</PersonGivenName>\n"
    "    </Patient>\n"
    "  </DischargeLetter>\n"
    "</Emessage>\n"
).encode()


def rejected(data: bytes) -> XmlInputError:
    with pytest.raises(XmlInputError) as info:
        parse_xml(data)
    check_findings(info.value.findings)
    return info.value


def first(exc: XmlInputError) -> tuple[str, int | None, int | None]:
    finding = exc.findings[0]
    return finding.code, finding.location.line, finding.location.column


def check_findings(findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.code in CODES, finding.code
        assert not re.search(r"\{[A-Za-z_]\w*\}", finding.message)
        assert finding.excerpt is None or len(finding.excerpt) <= 60
        said = re.sub(r"\\x[0-9a-f]{2}", " ", finding.format() + " " + (finding.excerpt or ""))
        assert not re.search(r"\d{10}", said)  # no whole CPR number anywhere
        if POSITIONED.match(finding.code):
            assert finding.location.line is not None, finding.format()
            assert finding.location.column is not None, finding.format()


# -------------------------------------------------------------------------------------------
# B 11–14, 18


class TestWellFormedness:
    def test_valid_letter(self) -> None:
        parsed = parse_xml(LETTER)
        assert isinstance(parsed, ParsedXml)
        assert parsed.root.tag.endswith("}Emessage")
        assert (parsed.encoding, parsed.declared_encoding, parsed.has_declaration) == (
            "utf-8",
            "UTF-8",
            True,
        )
        assert (parsed.bom, parsed.standalone, parsed.findings) == (False, None, [])

    @pytest.mark.parametrize("marker", [b"\xc3\xb8ren", b"<PersonSurnameName>", b"Civil"])
    def test_truncated_inside_an_element(self, marker: bytes) -> None:
        cut = LETTER[: LETTER.index(marker) + 3]
        code, line, column = first(rejected(cut))
        assert code.startswith("xml.syntax.")
        assert line == cut.count(b"\n") + 1  # the line where the data ends
        assert column is not None

    def test_truncated_in_text_is_truncated(self) -> None:
        cut = LETTER[: LETTER.index("Ærø".encode()) + 2]
        assert first(rejected(cut)) == (
            "xml.syntax.truncated",
            6,
            len("      <PersonSurnameName>Æ") + 1,
        )

    def test_trailing_content(self) -> None:
        data = LETTER + b"garbage"
        assert first(rejected(data)) == ("xml.syntax.trailing-content", 11, 1)

    def test_second_root_is_trailing_content(self) -> None:
        assert first(rejected(b"<r/>\n<s/>"))[0] == "xml.syntax.trailing-content"

    @pytest.mark.parametrize("data", [b"", b"   \r\n\t"])
    def test_empty_input(self, data: bytes) -> None:
        assert first(rejected(data)) == ("input.empty", 1, 1)

    def test_declaration_only_has_no_root(self) -> None:
        assert first(rejected(b'<?xml version="1.0"?>\n<!-- only a comment -->\n'))[0] == (
            "xml.syntax.empty"
        )

    def test_character_reference_to_control_char(self) -> None:
        data = LETTER.replace(b"S\xc3\xb8ren", b"S&#1;ren")
        # libxml2 points just after the reference, which starts at column 25
        assert first(rejected(data)) == ("xml.syntax.invalid-char", 7, 29)

    def test_raw_control_byte(self) -> None:
        data = LETTER.replace(b"S\xc3\xb8ren", b"S\x01ren")
        assert first(rejected(data)) == ("xml.syntax.invalid-char", 7, 25)

    def test_nul_byte(self) -> None:
        assert first(rejected(b"<r>\x00</r>"))[0] == "xml.syntax.invalid-char"

    def test_recover_is_never_used(self) -> None:
        assert SAFE_OPTIONS["recover"] is False
        exc = rejected(b"<a><b></a>")
        assert first(exc) == ("xml.syntax.mismatched-tag", 1, 11)
        assert not hasattr(exc, "root")

    def test_undeclared_entity(self) -> None:
        assert first(rejected(b"<r>\n a&nbsp;b</r>")) == ("xml.syntax.entity", 2, 9)

    @pytest.mark.parametrize(
        "data",
        [b'<r a="1" a="2"/>', b"<x:r/>", b"<r>a < b</r>", b"<r a=1/>", b"<1r/>"],
    )
    def test_other_errors_are_not_well_formed(self, data: bytes) -> None:
        assert first(rejected(data))[0] == "xml.syntax.not-well-formed"

    def test_excerpt_masks_cpr(self) -> None:
        exc = rejected(b"<r>\n<a>0707614285</b>\n</r>")
        finding = exc.findings[0]
        assert (finding.code, finding.location.line) == ("xml.syntax.mismatched-tag", 2)
        assert finding.excerpt == "<a>070761****</b>"
        assert "0707614285" not in str(exc)

    @pytest.mark.parametrize("padding", range(20, 45))
    def test_excerpt_window_never_cuts_a_cpr_in_half(self, padding: int) -> None:
        data = b"<r>" + b" " * 30 + b"0707614285" + b" " * padding + b"<b></r>"
        finding = rejected(data).findings[0]
        assert finding.excerpt is not None and len(finding.excerpt) <= 60
        assert "4285" not in finding.excerpt

    def test_str_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="pass bytes"):
            parse_xml("<r/>")  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------
# real-world shapes


class TestPayloadShapes:
    def test_municipality_payload(self) -> None:
        """No declaration, ISO-8859-1, CRLF and tabs (xml-messages.md §6.3)."""
        text = (
            '<Emessage xmlns="urn:oio:medcom:municipality:1.0.3">\r\n'
            "\t<ProgressOfCarePlan>\r\n"
            "\t\t<Text>Søren Ærø\tÅlborg\r\nGår selv.  </Text>\r\n"
            "\t</ProgressOfCarePlan>\r\n"
            "</Emessage>\r\n"
        )
        parsed = parse_xml(text.encode("latin-1"))
        assert parsed.encoding == "iso-8859-1"
        assert [f.code for f in parsed.findings] == ["xml.encoding.undeclared-latin1"]
        plan = parsed.root[0]
        assert plan.text == "\n\t\t"  # CRLF → LF (normalisation X4), tabs kept
        assert plan[0].text == "Søren Ærø\tÅlborg\nGår selv.  "
        assert plan[0].sourceline == 3

    def test_every_valid_fixture_parses(self) -> None:
        files = sorted((FIXTURES / "valid").rglob("*.xml"))
        assert files
        for path in files:
            parsed = parse_xml(path.read_bytes())
            assert all(f.code == "xml.encoding.undeclared-latin1" for f in parsed.findings), path

    def test_comments_pis_and_cdata(self) -> None:
        parsed = parse_xml(b"<!-- a --><?pi x?><r><![CDATA[a<b]]><!--c--></r><!-- z -->")
        assert parsed.root.text == "a<b"  # strip_cdata: normalisation X6
        assert isinstance(parsed.root[0], etree._Comment)
        assert isinstance(parsed.root.getprevious(), etree._ProcessingInstruction)

    def test_concurrent_parses_are_independent(self) -> None:
        inputs = [LETTER, b"<a><b></a>", b"<r>\xe6</r>", LETTER + b"x"] * 4

        def outcome(data: bytes) -> str:
            try:
                return "ok:" + parse_xml(data).encoding
            except XmlInputError as exc:
                return exc.findings[0].code

        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(outcome, inputs))
        assert results == [outcome(d) for d in inputs]
        assert results[:4] == [
            "ok:utf-8",
            "xml.syntax.mismatched-tag",
            "ok:iso-8859-1",
            "xml.syntax.trailing-content",
        ]


# -------------------------------------------------------------------------------------------
# trusted parsing


class TestTrusted:
    def test_parses_schema_like_input(self) -> None:
        root = parse_trusted(
            b'\xef\xbb\xbf<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            b'<xs:element name="A"/></xs:schema>'
        )
        assert root.tag == "{http://www.w3.org/2001/XMLSchema}schema"

    def test_syntax_errors_are_mapped(self) -> None:
        with pytest.raises(XmlInputError) as info:
            parse_trusted(b"<Local_Elements><x></Local_Elements>")
        assert info.value.findings[0].code == "xml.syntax.mismatched-tag"

    def test_doctype_refused(self) -> None:
        with pytest.raises(XmlInputError) as info:
            parse_trusted(b"<!DOCTYPE r><r/>")
        assert [f.code for f in info.value.findings] == ["xml.security.doctype"]


# -------------------------------------------------------------------------------------------
# canary: library behaviour we rely on


class TestCanary:
    def test_lxml_version(self) -> None:
        assert (6, 1) <= etree.LXML_VERSION[:2] < (7, 0)

    def test_safe_options(self) -> None:
        assert SAFE_OPTIONS == {
            "resolve_entities": False,
            "load_dtd": False,
            "dtd_validation": False,
            "attribute_defaults": False,
            "no_network": True,
            "huge_tree": False,
            "recover": False,
            "remove_comments": False,
            "remove_pis": False,
            "remove_blank_text": False,
            "strip_cdata": True,
        }

    def test_external_entity_is_not_resolved(self, tmp_path: Path) -> None:
        sentinel = tmp_path / "sentinel.txt"
        sentinel.write_text("CANARY-MARKER", encoding="ascii")
        data = (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{sentinel.as_uri()}">]><r>&x;</r>').encode()
        root = etree.fromstring(data, new_parser())  # noqa: TID251
        assert b"CANARY-MARKER" not in etree.tostring(root)
        assert isinstance(root[0], etree._Entity)  # kept as a node, which parse_xml refuses
        with pytest.raises(etree.XMLSyntaxError):  # lxml's default parser does not load it
            etree.fromstring(data, etree.XMLParser())  # noqa: TID251

    def test_libxml2_limits_still_apply(self) -> None:
        with pytest.raises(XmlInputError) as info:
            parse_xml(b"<a>" * 257 + b"</a>" * 257)
        assert info.value.findings[0].code == "xml.limit.depth"
        assert parse_xml(b"<a>" * 256 + b"</a>" * 256).root.tag == "a"


# -------------------------------------------------------------------------------------------
# properties


def _outcome(data: bytes) -> ParsedXml | XmlInputError:
    try:
        return parse_xml(data)
    except XmlInputError as exc:
        assert any(f.is_error for f in exc.findings)
        check_findings(exc.findings)
        return exc


@given(st.binary(max_size=400))
@example(b"\xff\xfe\x00\x00")
@example(b"\xfe\xff")
@example(b"<?xml")
@example(b"<?xml version='1.0' encoding='UTF-16'?>")
@example(b"\xef\xbb\xbf")
@example(b"<r>&#x93;")
def test_any_bytes_parse_or_raise_xml_input_error(data: bytes) -> None:
    _outcome(data)


@st.composite
def mutated_letters(draw: st.DrawFn) -> bytes:
    data = bytearray(LETTER)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            del data[pos:]
        elif kind == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[pos:pos] = draw(st.sampled_from([b"<", b"&", b"]]>", b"\x93", b"\x00", b"<!--"]))
        elif data:
            del data[pos]
    return bytes(data)


@given(mutated_letters())
@example(LETTER.replace(b">0707614285", b">\x000707614285"))
@example(LETTER.replace(b"http://", b"{ttp://"))
def test_mutated_letters_parse_or_raise(data: bytes) -> None:
    _outcome(data)


XML_TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters=[chr(c) for c in range(0x20) if c not in (9, 10, 13)]
        + [chr(c) for c in range(0x80, 0xA0)]
        + ["\ufffe", "\uffff"],
    ),
    max_size=60,
)


MOJIBAKE = re.compile("[\u00c3\u00c2][\u0080-\u00bf]")


def looks_like_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b >= 0x80 for b in data)


@given(XML_TEXT, st.sampled_from(["utf-8", "utf-16", "windows-1252", "iso-8859-1"]))
@example("Â\xa0", "windows-1252")
@example("Søren Ærø", "iso-8859-1")
def test_text_survives_in_every_allowed_encoding(text: str, encoding: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("\r", "&#13;")
    document = f'<?xml version="1.0" encoding="{encoding.upper()}"?><r>{escaped}</r>'
    data = document.encode(encoding, "xmlcharrefreplace")
    if encoding == "utf-16":  # Python's utf-16 codec writes the BOM
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    single_byte = encoding in ("windows-1252", "iso-8859-1")
    if single_byte and (looks_like_utf8(data) or MOJIBAKE.search(data.decode(encoding))):
        # §1.7 step 6 refuses text that reads like UTF-8 under a single-byte label
        with pytest.raises(XmlInputError) as info:
            parse_xml(data)
        assert info.value.findings[0].code == "xml.encoding.utf8-as-latin1"
        return
    parsed = parse_xml(data)
    assert (parsed.root.text or "") == text
    assert parsed.encoding == encoding
