"""The XML encoding policy (safety §1.7 steps 1–8 and §8 C 19), each step with a positive and a
negative case. Danish letters: æøåÆØÅ are ``E6 F8 E5 C6 D8 C5`` in Latin-1, two bytes each in UTF-8.
"""

from __future__ import annotations

import pytest

from medbridge.errors import XmlInputError
from medbridge.findings import Severity
from medbridge.xml.encoding import Decision
from medbridge.xml.parse import ParsedXml, encoding_findings, parse_xml

DANISH = "æøåÆØÅ"
NAME = "Søren Ærø Ålborg"


def declared(label: str, body: str, codec: str) -> bytes:
    return f'<?xml version="1.0" encoding="{label}"?>\n<r>{body}</r>'.encode(codec)


def rejected(data: bytes, **kwargs: bool) -> XmlInputError:
    with pytest.raises(XmlInputError) as info:
        parse_xml(data, **kwargs)
    return info.value


def only(exc: XmlInputError) -> tuple[str, int | None, int | None, int | None]:
    errors = [f for f in exc.findings if f.is_error]
    assert len(errors) == 1, [f.format() for f in exc.findings]
    loc = errors[0].location
    return errors[0].code, loc.line, loc.column, loc.offset


def ok(data: bytes, **kwargs: bool) -> ParsedXml:
    parsed = parse_xml(data, **kwargs)
    assert not any(f.is_error for f in parsed.findings)
    return parsed


# -------------------------------------------------------------------------------------------
# step 1: BOM


class TestBom:
    def test_utf8_with_bom(self) -> None:
        parsed = ok(b"\xef\xbb\xbf" + f"<r>{DANISH}</r>".encode())
        assert (parsed.encoding, parsed.bom, parsed.root.text) == ("utf-8", True, DANISH)

    def test_utf8_without_bom(self) -> None:
        parsed = ok(f"<r>{DANISH}</r>".encode())
        assert (parsed.encoding, parsed.bom, parsed.root.text) == ("utf-8", False, DANISH)
        assert parsed.findings == []

    @pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
    def test_utf16_with_bom(self, codec: str) -> None:
        text = f'\ufeff<?xml version="1.0" encoding="UTF-16"?>\n<r>{DANISH}</r>'
        parsed = ok(text.encode(codec))
        assert (parsed.encoding, parsed.declared_encoding, parsed.bom) == ("utf-16", "UTF-16", True)
        assert parsed.root.text == DANISH

    def test_utf16_bom_without_declaration(self) -> None:
        parsed = ok(f"\ufeff<r>{DANISH}</r>".encode("utf-16-le"))
        assert (parsed.encoding, parsed.has_declaration, parsed.root.text) == (
            "utf-16",
            False,
            DANISH,
        )

    @pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
    def test_utf32_bom_unsupported(self, codec: str) -> None:
        exc = rejected(f"\ufeff<r>{DANISH}</r>".encode(codec))
        assert only(exc) == ("xml.encoding.unsupported", 1, 1, 0)

    def test_utf16_without_bom_unsupported(self) -> None:
        exc = rejected("<r>x</r>".encode("utf-16-le"))
        assert only(exc) == ("xml.encoding.unsupported", 1, 1, 0)


# -------------------------------------------------------------------------------------------
# step 2: allowed labels


class TestLabels:
    @pytest.mark.parametrize(
        ("label", "canonical", "codec"),
        [
            ("UTF-8", "utf-8", "utf-8"),
            ("utf-8", "utf-8", "utf-8"),
            ("ISO-8859-1", "iso-8859-1", "latin-1"),
            ("iso-8859-1", "iso-8859-1", "latin-1"),
            ("ISO_8859-1", "iso-8859-1", "latin-1"),
            ("latin1", "iso-8859-1", "latin-1"),
            ("windows-1252", "windows-1252", "cp1252"),
            ("Windows-1252", "windows-1252", "cp1252"),
            ("cp1252", "windows-1252", "cp1252"),
        ],
    )
    def test_allowed_label_keeps_danish_letters(
        self, label: str, canonical: str, codec: str
    ) -> None:
        parsed = ok(declared(label, DANISH, codec))
        assert parsed.encoding == canonical
        assert parsed.declared_encoding == label  # exactly as written
        assert parsed.has_declaration
        assert parsed.root.text == DANISH

    def test_us_ascii(self) -> None:
        parsed = ok(declared("US-ASCII", "Soren &#230;", "ascii"))
        assert (parsed.encoding, parsed.root.text) == ("us-ascii", "Soren æ")

    def test_single_quotes_and_standalone(self) -> None:
        data = b"<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?><r>\xe6</r>"
        parsed = ok(data)
        assert (parsed.declared_encoding, parsed.standalone, parsed.root.text) == (
            "ISO-8859-1",
            "yes",
            "æ",
        )

    def test_x_foo_unsupported(self) -> None:
        exc = rejected(b'<?xml version="1.0" encoding="X-FOO"?>\n<r/>')
        assert only(exc) == ("xml.encoding.unsupported", 1, 31, 30)
        assert "X-FOO" in exc.findings[0].message

    @pytest.mark.parametrize("label", ["ISO-8859-15", "UTF-32", "EBCDIC-US", "utf8", "ascii"])
    def test_labels_libxml2_may_know_are_still_unsupported(self, label: str) -> None:
        exc = rejected(declared(label, "x", "ascii"))
        assert only(exc)[0] == "xml.encoding.unsupported"

    def test_utf16_label_without_bom_unsupported(self) -> None:
        exc = rejected(declared("UTF-16", "x", "ascii"))
        assert only(exc) == ("xml.encoding.unsupported", 1, 31, 30)


# -------------------------------------------------------------------------------------------
# step 3: BOM versus declaration


class TestBomConflict:
    def test_utf8_bom_with_latin1_label(self) -> None:
        exc = rejected(b"\xef\xbb\xbf" + declared("ISO-8859-1", DANISH, "utf-8"))
        assert only(exc) == ("xml.encoding.bom-conflict", 1, 31, 33)

    def test_utf16_bom_with_utf8_label(self) -> None:
        text = '\ufeff<?xml version="1.0" encoding="UTF-8"?><r/>'
        exc = rejected(text.encode("utf-16-le"))
        assert only(exc)[0] == "xml.encoding.bom-conflict"

    def test_utf8_bom_with_utf8_label_agrees(self) -> None:
        parsed = ok(b"\xef\xbb\xbf" + declared("UTF-8", DANISH, "utf-8"))
        assert (parsed.bom, parsed.encoding, parsed.root.text) == (True, "utf-8", DANISH)


# -------------------------------------------------------------------------------------------
# step 4: no BOM, no declaration


class TestUndeclared:
    LATIN1 = f"<r>\r\n\t<Name>{NAME}</Name>\r\n</r>\r\n".encode("latin-1")

    def test_valid_utf8_is_utf8_without_warning(self) -> None:
        parsed = ok(f"<r>{NAME}</r>".encode())
        assert (parsed.encoding, parsed.findings) == ("utf-8", [])

    def test_latin1_read_with_warning_at_first_non_utf8_byte(self) -> None:
        parsed = ok(self.LATIN1)
        assert parsed.encoding == "iso-8859-1"
        assert parsed.declared_encoding is None
        assert parsed.root.find("Name").text == NAME
        [warning] = parsed.findings
        assert warning.code == "xml.encoding.undeclared-latin1"
        assert warning.severity is Severity.WARNING
        # "ø" of Søren: line 2, after "\t<Name>S"
        assert (warning.location.line, warning.location.column) == (2, 9)
        assert warning.location.offset == self.LATIN1.index(b"\xf8")

    def test_strict_encoding_makes_it_an_error(self) -> None:
        exc = rejected(self.LATIN1, strict_encoding=True)
        assert only(exc)[:3] == ("xml.encoding.undeclared-latin1", 2, 9)

    def test_declaration_without_encoding_counts_as_undeclared(self) -> None:
        parsed = ok(b'<?xml version="1.0"?>\n<r>\xe6</r>')
        assert (parsed.encoding, parsed.has_declaration, parsed.root.text) == (
            "iso-8859-1",
            True,
            "æ",
        )
        assert [f.code for f in parsed.findings] == ["xml.encoding.undeclared-latin1"]


# -------------------------------------------------------------------------------------------
# step 5: strict decode


class TestStrictDecode:
    def test_latin1_declared_utf8_c19(self) -> None:
        data = declared("UTF-8", "\n  <Name>" + NAME + "</Name>\n", "latin-1")
        exc = rejected(data)
        # line 3 is "  <Name>Søren…": the ø is column 10
        assert only(exc) == ("xml.encoding.invalid-bytes", 3, 10, data.index(b"\xf8"))
        assert "0xF8" in exc.findings[0].message

    @pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
    def test_windows1252_unassigned_bytes(self, byte: int) -> None:
        data = declared("windows-1252", "ab", "ascii").replace(b"ab", bytes([0x61, byte]))
        exc = rejected(data)
        assert only(exc) == ("xml.encoding.invalid-bytes", 2, 5, data.index(bytes([byte])))

    def test_windows1252_assigned_bytes_decode(self) -> None:
        parsed = ok(declared("windows-1252", "€ “x” – " + DANISH, "cp1252"))
        assert parsed.root.text == "€ “x” – " + DANISH

    def test_non_ascii_under_us_ascii(self) -> None:
        exc = rejected(declared("US-ASCII", DANISH, "latin-1"))
        assert only(exc)[:3] == ("xml.encoding.invalid-bytes", 2, 4)

    def test_odd_utf16_length(self) -> None:
        data = '\ufeff<?xml version="1.0" encoding="UTF-16"?><r/>'.encode("utf-16-le") + b"\x00"
        assert only(rejected(data))[0] == "xml.encoding.invalid-bytes"


# -------------------------------------------------------------------------------------------
# step 6: UTF-8 under a single-byte label


class TestUtf8AsLatin1:
    @pytest.mark.parametrize("label", ["ISO-8859-1", "windows-1252", "latin1"])
    def test_utf8_name_under_single_byte_label(self, label: str) -> None:
        data = declared(label, NAME, "utf-8")
        exc = rejected(data)
        assert only(exc) == ("xml.encoding.utf8-as-latin1", 2, 5, data.index(b"\xc3"))
        assert 'encoding="UTF-8"' in exc.findings[0].message

    def test_mojibake_mixed_with_real_latin1(self) -> None:
        # "æ" is real Latin-1 (so the bytes are not UTF-8), but "Ã¸" is UTF-8 read as Latin-1.
        data = declared("ISO-8859-1", "æ SÃ¸ren", "latin-1")
        assert only(rejected(data))[:3] == ("xml.encoding.utf8-as-latin1", 2, 7)

    def test_genuine_latin1_name(self) -> None:
        assert ok(declared("ISO-8859-1", NAME, "latin-1")).root.text == NAME

    def test_capital_a_tilde_before_a_letter_is_fine(self) -> None:
        assert ok(declared("ISO-8859-1", "Ãxel Âge", "latin-1")).root.text == "Ãxel Âge"


# -------------------------------------------------------------------------------------------
# step 7: C1 controls


class TestC1Controls:
    def test_euro_0x80_under_latin1(self) -> None:
        data = declared("ISO-8859-1", "Pris 5 €", "cp1252")
        exc = rejected(data)
        assert only(exc) == ("xml.encoding.c1-control", 2, 11, data.index(b"\x80"))
        assert "windows-1252" in exc.findings[0].message
        assert "U+0080" in exc.findings[0].message

    def test_curly_quotes_under_undeclared_latin1(self) -> None:
        exc = rejected("<r>“x”</r>".encode("cp1252"))
        assert only(exc)[:3] == ("xml.encoding.c1-control", 1, 4)

    def test_euro_under_windows1252_is_fine(self) -> None:
        assert ok(declared("windows-1252", "Pris 5 €", "cp1252")).root.text == "Pris 5 €"

    def test_utf8_encoded_c1(self) -> None:
        assert only(rejected("<r>a\u0093b</r>".encode()))[:3] == ("xml.encoding.c1-control", 1, 5)

    @pytest.mark.parametrize(
        "body",
        ["<r>&#x93;x</r>", "<r>&#147;x</r>", '<r a="&#x80;"/>', "<r><a/>b&#x9F;</r>"],
    )
    def test_character_references(self, body: str) -> None:
        code, line, column, _ = only(rejected(("<?xml version='1.0'?>\n" + body).encode()))
        assert (code, line) == ("xml.encoding.c1-control", 2)
        assert column == body.index("&#") + 1

    def test_raw_c1_in_comment_and_pi(self) -> None:
        assert only(rejected("<r><!-- \u0085 --></r>".encode()))[0] == "xml.encoding.c1-control"
        assert only(rejected("<r><?pi \u0085?></r>".encode()))[0] == "xml.encoding.c1-control"

    def test_reference_text_inside_a_comment_is_not_a_reference(self) -> None:
        parsed = ok(b"<r><!-- &#x93; -->x</r>")
        assert parsed.root[0].text == " &#x93; "

    def test_latin1_range_references_are_fine(self) -> None:
        assert ok(b"<r>&#xE6;&#160;&#127;</r>").root.text == "æ\u00a0\u007f"


# -------------------------------------------------------------------------------------------
# step 8: consistency with lxml


class TestConsistency:
    def test_declaration_after_long_whitespace_is_still_read(self) -> None:
        data = b'<?xml version="1.0"' + b" " * 2000 + b'encoding="ISO-8859-1"?><r>\xe6</r>'
        parsed = ok(data)
        assert (parsed.declared_encoding, parsed.root.text, parsed.findings) == (
            "ISO-8859-1",
            "æ",
            [],
        )

    def test_lxml_disagreeing_with_the_decision_is_an_error(self) -> None:
        root = ok(declared("ISO-8859-1", "x", "ascii")).root
        wrong = Decision("utf-8", "utf-8", "UTF-8", True, 0, None, None)
        [finding] = encoding_findings(root, wrong)
        assert finding.code == "xml.encoding.conflict"
        assert "ISO-8859-1" in finding.message

    def test_agreeing_is_quiet(self) -> None:
        root = ok(declared("windows-1252", "x", "ascii")).root
        right = Decision("windows-1252", "cp1252", "windows-1252", True, 0, None, None)
        assert encoding_findings(root, right) == []
