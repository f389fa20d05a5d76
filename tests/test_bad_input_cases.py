"""Every bad-input case of safety-and-validation.md §8 (cases 1–50, categories A–G) as a test.

§8 says what *rejected with `code`* means: ``read()`` raises ``InputError``; ``validate()`` reports
``code`` as an error naming the file and the location (line and column for XML; segment number,
tag and byte offset for EDIFACT); the CLI writes nothing for that file, carries on and exits 1.
:func:`test_rejected` checks exactly that for every rejecting case, through the public API and the
CLI, with each expected position computed from the input bytes (not copied from medbridge). The
cases that need more (a sentinel file, a listener, a timing, a positive outcome, a CLI scenario)
have their own tests under the header of their category.

``CASES`` at the end is the index issue #5 asks for: case number and name → the pytest node ids
covering it, here or in the older layer tests. The spec lives outside the repository, so the
index carries the 50 names itself; ``test_index_*`` check the numbering and that every node id
resolves to a real test function.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import socket
import socketserver
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import medbridge
from medbridge.cli import main
from medbridge.findings import Finding
from medbridge.validation.identifiers import parse_cpr
from medbridge.validation.reporters import finding_json
from medbridge.xml.namespaces import MC2005

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"

#: An invented, valid XDIS01 letter in UTF-8 (CPR 0707614285 passes every check, §3.1).
LETTER_TEXT = f"""<?xml version="1.0" encoding="UTF-8"?>
<Emessage xmlns="{MC2005}">
  <Envelope>
    <Sent><Date>2024-03-05</Date><Time>14:20</Time></Sent>
    <Identifier>ENV0000042</Identifier>
    <AcknowledgementCode>pluspositivkvitt</AcknowledgementCode>
  </Envelope>
  <DischargeLetter>
    <Letter>
      <Identifier>EPI0000042</Identifier><VersionCode>XD0133L</VersionCode>
      <StatisticalCode>XDIS01</StatisticalCode>
      <Authorisation><Date>2024-03-05</Date><Time>14:05</Time></Authorisation>
      <TypeCode>XDIS01</TypeCode><StatusCode>nytbrev</StatusCode>
    </Letter>
    <Sender>
      <EANIdentifier>5799999000010</EANIdentifier>
      <Identifier>9999011</Identifier>
      <IdentifierCode>sygehusafdelingsnummer</IdentifierCode>
      <OrganisationName>Eksempel Sygehus</OrganisationName>
      <DepartmentName>Medicinsk Afdeling M</DepartmentName>
      <MedicalSpecialityCode>intern_medicin_sygehus</MedicalSpecialityCode>
    </Sender>
    <Receiver>
      <EANIdentifier>5799999000027</EANIdentifier>
      <Identifier>999901</Identifier>
      <IdentifierCode>ydernummer</IdentifierCode>
      <OrganisationName>Lægehuset Prøvevej</OrganisationName>
    </Receiver>
    <Patient>
      <CivilRegistrationNumber>0707614285</CivilRegistrationNumber>
      <PersonSurnameName>Testesen</PersonSurnameName>
      <PersonGivenName>Tove</PersonGivenName>
      <PostCodeIdentifier>9999</PostCodeIdentifier>
      <EpisodeOfCareStatusCode>inaktiv</EpisodeOfCareStatusCode>
    </Patient>
    <Diagnose>
      <Main><DiagnoseCode>DJ189</DiagnoseCode><DiagnoseText>Pneumoni UNS</DiagnoseText></Main>
    </Diagnose>
    <ClinicalInformation>
      <Signed><Date>2024-03-05</Date><Time>14:00</Time></Signed>
      <Text01>Indlagt med feber, behandlet med antibiotika.<Break/></Text01>
    </ClinicalInformation>
  </DischargeLetter>
</Emessage>
"""
LETTER = LETTER_TEXT.encode("utf-8")
#: The complete DIS01 example of edifact-messages.md §6.5 (LF after every segment).
EDI = (VALID / "epikrise" / "medcom-example-6-5.edi").read_bytes()
CPR_PATH = "/Emessage/DischargeLetter/Patient/CivilRegistrationNumber"


# -------------------------------------------------------------------------------------------------
# Helpers: positions computed from the bytes, and the §8 "rejected" check


def line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def line_of(data: bytes, needle: bytes) -> int:
    return line_column(data, data.index(needle))[0]


def segment_number(data: bytes, offset: int) -> int:
    """EDIFACT segment number at ``offset`` (UNB = 1, UNA not counted), for data without ``?'``."""
    assert b"?'" not in data
    before = data[:offset].count(b"'")
    return before + (0 if data.startswith(b"UNA") else 1)


def edi_replace(old: bytes, new: bytes) -> bytes:
    assert EDI.count(old) == 1, old
    return EDI.replace(old, new)


def xml_replace(old: bytes, new: bytes, data: bytes = LETTER) -> bytes:
    assert data.count(old) == 1, old
    return data.replace(old, new)


@dataclass(frozen=True, slots=True)
class At:
    """The expected finding: its code and the location fields that must hold.

    ``xml_offset`` checks offset, line and column together (the line and column of that byte);
    ``text_line`` checks the line and that line and column are those of the finding's offset;
    ``line``/``path_endswith`` are for schema and rule findings, whose column is the start tag's
    or ``None`` (§4.1). ``None`` means "not checked".
    """

    code: str
    xml_offset: int | None = None
    text_line: int | None = None
    line: int | None = None
    path_endswith: str | None = None
    segment: int | None = None
    tag: str | None = None
    element: int | None = None
    component: int | None = None
    offset: int | None = None
    says: tuple[str, ...] = ()
    only_error: bool = False


@dataclass(frozen=True, slots=True)
class Bad:
    """One rejecting input of §8: ``make(sentinel_uri)`` gives its bytes."""

    case: int
    name: str
    suffix: str
    make: Callable[[str], bytes]
    at: Callable[[bytes], At]

    @property
    def id(self) -> str:
        return f"{self.case:02d}-{self.name}"


def assert_at(finding: Finding, at: At, data: bytes) -> None:
    loc = finding.location
    shown = finding.format()
    assert finding.code == at.code and finding.is_error, shown
    if at.xml_offset is not None:
        assert loc.offset == at.xml_offset, shown
        assert (loc.line, loc.column) == line_column(data, at.xml_offset), shown
    if at.text_line is not None:
        assert loc.line == at.text_line and loc.offset is not None, shown
        assert (loc.line, loc.column) == line_column(data, loc.offset), shown
    if at.line is not None:
        assert loc.line == at.line, shown
        # §4.1: schema and rule findings give the start tag's column on that line, or None.
        line_text = data.split(b"\n")[at.line - 1]
        assert loc.column is None or line_text[loc.column - 1 : loc.column] == b"<", shown
    if at.path_endswith is not None:
        assert loc.path is not None and loc.path.endswith(at.path_endswith), shown
    for name in ("segment", "tag", "element", "component", "offset"):
        want = getattr(at, name)
        if want is not None:
            assert getattr(loc, name) == want, (name, shown)
    for text in at.says:
        assert text in finding.message, shown
    assert "{" not in finding.message, shown


def matching(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code and f.is_error]
    assert found, [f.format() for f in findings]
    return found[0]


# -------------------------------------------------------------------------------------------------
# A. XML security (cases 1–10)


def with_doctype(doctype: str, given_name: str = "Tove") -> bytes:
    data = xml_replace(b"<Emessage ", doctype.encode() + b"\n<Emessage ")
    return xml_replace(b">Tove<", f">{given_name}<".encode(), data)


def doctype_at(data: bytes) -> At:
    return At("xml.security.doctype", xml_offset=data.index(b"<!DOCTYPE"))


def xinclude(uri: str) -> bytes:
    data = xml_replace(b"<Emessage ", b'<Emessage xmlns:xi="http://www.w3.org/2001/XInclude" ')
    include = f'<xi:include href="{uri}" parse="text"/>'
    return xml_replace(b"<Text01>", b"<Text01>" + include.encode(), data)


def billion_laughs(_: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    return with_doctype(f"<!DOCTYPE Emessage [{''.join(entities)}]>", "&lol9;")


def quadratic_blowup(_: str) -> bytes:
    return with_doctype(f'<!DOCTYPE Emessage [<!ENTITY a "{"A" * 50_000}">]>', "&a;" * 50_000)


#: libxml2 reports the element that passes the 256-level limit at the ``>`` of its start tag.
DEPTH_LIMIT = 256


def deep_nesting(_: str) -> bytes:
    return xml_replace(b">Tove<", b">" + b"<a>" * 10_000 + b"</a>" * 10_000 + b"<")


def deep_at(data: bytes) -> At:
    # PersonGivenName is at depth 4, so the first <a> is at depth 5.
    first = data.index(b"<a>")
    too_deep = first + 3 * (DEPTH_LIMIT + 1 - 5)
    return At("xml.limit.depth", xml_offset=too_deep + len(b"<a"))  # at the tag's ">"


def huge_text(_: str) -> bytes:
    return xml_replace(b">Tove<", b">" + b"x" * 11_000_000 + b"<")


def huge_at(data: bytes) -> At:
    return At("xml.limit.node-size", text_line=line_of(data, b"<PersonGivenName>"))


A_SECURITY = [
    Bad(
        1,
        "xxe-file",
        ".xml",
        lambda uri: with_doctype(f'<!DOCTYPE Emessage [<!ENTITY x SYSTEM "{uri}">]>', "&x;"),
        doctype_at,
    ),
    Bad(
        2,
        "internal-entity",
        ".xml",
        lambda _: with_doctype('<!DOCTYPE Emessage [<!ENTITY n "Hans">]>', "&n;"),
        doctype_at,
    ),
    Bad(3, "billion-laughs", ".xml", billion_laughs, doctype_at),
    Bad(4, "quadratic-blowup", ".xml", quadratic_blowup, doctype_at),
    Bad(
        5,
        "external-dtd",
        ".xml",
        lambda _: with_doctype('<!DOCTYPE Emessage SYSTEM "http://127.0.0.1:9/x.dtd">'),
        doctype_at,
    ),
    Bad(
        6,
        "parameter-entity",
        ".xml",
        lambda uri: with_doctype(f'<!DOCTYPE Emessage [<!ENTITY % p SYSTEM "{uri}"> %p;]>'),
        doctype_at,
    ),
    Bad(
        7,
        "xinclude",
        ".xml",
        xinclude,
        lambda data: At("xml.security.xinclude", xml_offset=data.index(b"<xi:include")),
    ),
    Bad(8, "deep-nesting", ".xml", deep_nesting, deep_at),
    Bad(9, "huge-text", ".xml", huge_text, huge_at),
]


class Listener(socketserver.ThreadingTCPServer):
    """A loopback HTTP-port stand-in that counts connections."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _Counting)


class _Counting(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, Listener)
        self.server.connections += 1


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_05_external_dtd_on_a_listening_port_gets_no_request(
    listener: Listener, tmp_path: Path
) -> None:
    port = listener.server_address[1]
    data = with_doctype(f'<!DOCTYPE Emessage SYSTEM "http://127.0.0.1:{port}/x.dtd">')
    path = tmp_path / "external-dtd.xml"
    path.write_bytes(data)
    with pytest.raises(medbridge.InputError):
        medbridge.read(path)
    assert_at(
        matching(medbridge.validate(path).findings, "xml.security.doctype"), doctype_at(data), data
    )
    code, _, _ = run_cli("convert", str(path), "--to", "edifact", "--out", str(tmp_path / "out"))
    assert code == 1
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize("bad", [b for b in A_SECURITY if b.case in (3, 4)], ids=lambda b: b.id)
def test_03_04_entity_bombs_are_refused_quickly_through_the_api(bad: Bad) -> None:
    data = bad.make("")
    start = time.perf_counter()
    report = medbridge.validate(data)
    assert time.perf_counter() - start < 1.0
    assert [f.code for f in report.errors] == ["xml.security.doctype"]


def test_09_huge_text_is_refused_by_the_node_limit_not_a_huge_tree() -> None:
    from medbridge.xml.parse import SAFE_OPTIONS

    assert SAFE_OPTIONS["huge_tree"] is False
    data = huge_text("")
    assert len(data) < medbridge.Limits().max_input_bytes
    (finding,) = medbridge.validate(data).errors
    assert finding.code == "xml.limit.node-size"
    assert finding.location.column is not None and finding.location.column > 10_000_000


def test_10_no_network_anywhere() -> None:
    """Every test runs with outbound sockets blocked and the proxies on a dead port (§6.4)."""
    from conftest import DEAD_PROXY, NetworkBlocked

    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        assert os.environ[var] == DEAD_PROXY
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked):
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never reachable anyway
    finally:
        sock.close()


# -------------------------------------------------------------------------------------------------
# B. XML well-formedness and schema (cases 11–18)

TRUNCATED = LETTER[: LETTER.index(b"<PersonGivenName>") + len(b"<PersonG")]

B_WELL_FORMED_AND_SCHEMA = [
    Bad(
        11,
        "truncated-xml",
        ".xml",
        lambda _: TRUNCATED,
        # libxml2 reports the end of the data ("Premature end of data in tag").
        lambda data: At("xml.syntax.truncated", xml_offset=len(data)),
    ),
    Bad(
        12,
        "trailing-garbage",
        ".xml",
        lambda _: LETTER + b"garbage",
        lambda data: At("xml.syntax.trailing-content", xml_offset=data.index(b"garbage")),
    ),
    Bad(13, "empty-file", ".xml", lambda _: b"", lambda _: At("input.empty", offset=0)),
    Bad(
        14,
        "control-char-reference",
        ".xml",
        lambda _: xml_replace(b">Tove<", b">To&#1;ve<"),
        # libxml2 points just after the reference.
        lambda data: At("xml.syntax.invalid-char", xml_offset=data.index(b"&#1;") + 4),
    ),
    Bad(
        14,
        "control-char-raw",
        ".xml",
        lambda _: xml_replace(b">Tove<", b">To\x01ve<"),
        lambda data: At("xml.syntax.invalid-char", xml_offset=data.index(b"\x01")),
    ),
    Bad(
        15,
        "wrong-namespace",
        ".xml",
        lambda _: xml_replace(b"sundcom.dk/medcom.dk", b"medcom.dk"),
        lambda data: At(
            "xml.schema.namespace",
            line=line_of(data, b"<Emessage"),
            path_endswith="/Emessage",
            says=(MC2005,),
            only_error=True,
        ),
    ),
    Bad(
        16,
        "missing-mandatory",
        ".xml",
        lambda _: xml_replace(
            b"<CivilRegistrationNumber>0707614285</CivilRegistrationNumber>", b""
        ),
        lambda data: At(
            "xml.schema.missing-element",
            line=line_of(data, b"<Patient>"),
            path_endswith="/DischargeLetter/Patient",
        ),
    ),
    Bad(
        17,
        "unknown-element",
        ".xml",
        lambda _: xml_replace(b"<PostCode", b"<Favoritfarve>bl\xc3\xa5</Favoritfarve><PostCode"),
        lambda data: At(
            "xml.schema.unexpected-element",
            line=line_of(data, b"<Favoritfarve>"),
            path_endswith="/Patient/Favoritfarve",
        ),
    ),
    Bad(
        18,
        "recover-not-used",
        ".xml",
        lambda _: b"<a><b></a>",
        # libxml2 points after the mismatched end tag.
        lambda data: At("xml.syntax.mismatched-tag", xml_offset=len(data)),
    ),
]


def test_18_recover_is_never_switched_on() -> None:
    from medbridge.xml.parse import SAFE_OPTIONS

    assert SAFE_OPTIONS["recover"] is False


# -------------------------------------------------------------------------------------------------
# C. Encoding (cases 19–21)

C_ENCODING = [
    Bad(
        19,
        "latin1-declared-utf8",
        ".xml",
        lambda _: LETTER_TEXT.encode("latin-1"),
        lambda data: At("xml.encoding.invalid-bytes", xml_offset=data.index("æ".encode("latin-1"))),
    ),
]

EURO_LETTER = xml_replace(b"behandlet med antibiotika.", "Egenbetaling 5 € “ok”.".encode())


def test_20_unrepresentable_in_edifact_is_refused_naming_field_and_code_point(
    tmp_path: Path,
) -> None:
    with pytest.raises(medbridge.ConversionError) as raised:
        medbridge.convert(EURO_LETTER, to="edifact")
    finding = matching(raised.value.findings, "convert.unrepresentable")
    assert "U+20AC EURO SIGN" in finding.message or "U+201C" in finding.message
    assert finding.location.path is not None and "ClinicalInformation" in finding.location.path
    source = tmp_path / "euro.xml"
    source.write_bytes(EURO_LETTER)
    out = tmp_path / "out"
    code, _, stderr = run_cli("convert", str(source), "--to", "edifact", "--out", str(out))
    assert code == 1
    assert "convert.unrepresentable" in stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_21_danish_letters_survive_xml_edifact_xml() -> None:
    names = b"<PersonSurnameName>S\xc3\xb8ren \xc3\x86r\xc3\xb8</PersonSurnameName>"
    data = xml_replace(b"<PersonSurnameName>Testesen</PersonSurnameName>", names)
    data = xml_replace(b">Tove<", "Ålborg, Ødis".encode().join((b">", b"<")), data)
    edifact = medbridge.convert(data, to="edifact").output
    back = medbridge.read(medbridge.convert(edifact, to="xml").output)
    patient = back.letters[0].patient
    assert (patient.surname, patient.given_name) == ("Søren Ærø", "Ålborg, Ødis")
    assert back == medbridge.read(data)


# -------------------------------------------------------------------------------------------------
# D. EDIFACT syntax (cases 22–33)


def at_segment(
    code: str, needle: bytes, shift: int = 0, **fields: str | int | tuple[str, ...]
) -> Callable[[bytes], At]:
    """The finding at ``needle`` (plus ``shift`` bytes), with its segment number and offset."""

    def at(data: bytes) -> At:
        offset = data.index(needle) + shift
        return At(code, segment=segment_number(data, offset), offset=offset, **fields)  # type: ignore[arg-type]

    return at


D_SYNTAX = [
    Bad(
        23,
        "bad-una-length",
        ".edi",
        lambda _: edi_replace(b"UNA:+.? '", b"UNA:+.?'"),
        # the ninth UNA character (the terminator) would be the LF at offset 8
        lambda _: At("edifact.una.invalid", tag="UNA", offset=8, says=("UNA",)),
    ),
    Bad(
        24,
        "una-duplicate-chars",
        ".edi",
        lambda _: edi_replace(b"UNA:+.? '", b"UNA::.? '"),
        # offset 4: the second ":" stands where the data element separator belongs
        lambda _: At("edifact.una.duplicate", tag="UNA", offset=4),
    ),
    Bad(
        25,
        "release-at-eof",
        ".edi",
        lambda _: EDI[: EDI.index(b"UNZ")] + b"UNZ+1+ENV0000042?",
        lambda data: At("edifact.syntax.release-at-end", offset=len(data) - 1, tag="UNZ"),
    ),
    Bad(
        27,
        "unterminated-last-segment",
        ".edi",
        lambda _: EDI[: EDI.rindex(b"'")],
        at_segment("edifact.syntax.unterminated", b"UNZ", tag="UNZ", says=("UNZ",)),
    ),
    Bad(
        28,
        "empty-segment",
        ".edi",
        lambda _: edi_replace(b"BGM+EPI++9+NA'", b"BGM+EPI++9+NA''"),
        lambda data: At(
            "edifact.syntax.empty-segment",
            segment=segment_number(data, data.index(b"''") + 1),
            offset=data.index(b"''") + 1,
        ),
    ),
    Bad(
        29,
        "bom-before-una",
        ".edi",
        lambda _: b"\xef\xbb\xbf" + EDI,
        lambda _: At("edifact.syntax.bom", offset=0),
    ),
    Bad(
        30,
        "nul-in-data",
        ".edi",
        lambda _: edi_replace(b"Kontrol hos", b"Kontrol\x00hos"),
        at_segment("edifact.charset.control", b"\x00", tag="FTX", element=4),
    ),
    Bad(
        31,
        "lf-inside-element",
        ".edi",
        lambda _: edi_replace(b"Kontrol hos", b"Kontrol\nhos"),
        at_segment("edifact.charset.control", b"Kontrol\n", 7, tag="FTX", element=4),
    ),
    Bad(
        33,
        "lowercase-tag",
        ".edi",
        lambda _: edi_replace(b"UNH+", b"unh+"),
        at_segment("edifact.syntax.bad-tag", b"unh", says=("'unh'",)),
    ),
]


def read_both(data: bytes) -> tuple[medbridge.Message, medbridge.Report]:
    report = medbridge.validate(data)
    assert report.ok, [f.format() for f in report.errors]
    assert report.format == "edifact"
    return medbridge.read(data), report


def test_22_missing_una_uses_the_defaults() -> None:
    without = EDI[EDI.index(b"UNB") :]
    message, _ = read_both(without)
    assert message.letters == medbridge.read(EDI).letters


def test_26_release_before_terminator_is_read_and_written_back() -> None:
    data = edi_replace(b"Kontrol hos", b"it?'s Kontrol hos")
    message, _ = read_both(data)
    assert "it's Kontrol hos" in medbridge.to_json(message)
    written = medbridge.write(message, "edifact")
    assert b"it?'s Kontrol hos" in written


def test_32_crlf_between_segments_is_layout_only() -> None:
    crlf = EDI.replace(b"'\n", b"'\r\n")
    assert crlf.count(b"\r\n") == EDI.count(b"'\n")
    message, _ = read_both(crlf)
    plain = EDI.replace(b"'\n", b"'")
    assert message == medbridge.read(plain)
    assert medbridge.convert(crlf, to="xml").output == medbridge.convert(plain, to="xml").output


# -------------------------------------------------------------------------------------------------
# E. EDIFACT envelope and control (cases 34–39)


E_ENVELOPE = [
    Bad(
        34,
        "unt-count-mismatch",
        ".edi",
        lambda _: edi_replace(b"UNT+47+", b"UNT+99+"),
        at_segment(
            "edifact.envelope.unt-count", b"UNT+99", tag="UNT", element=1, says=("99", "47")
        ),
    ),
    Bad(
        35,
        "unt-ref-mismatch",
        ".edi",
        lambda _: edi_replace(b"UNT+47+EPI0000042", b"UNT+47+EPI0000043"),
        at_segment(
            "edifact.envelope.unt-reference",
            b"UNT+",
            tag="UNT",
            element=2,
            says=("EPI0000042", "EPI0000043"),
        ),
    ),
    Bad(
        36,
        "unz-count-mismatch",
        ".edi",
        lambda _: edi_replace(b"UNZ+1+", b"UNZ+5+"),
        at_segment("edifact.envelope.unz-count", b"UNZ+5", tag="UNZ", element=1, says=("5", "1")),
    ),
    # A missing UNZ is located where it should have been: the next segment number, at the end.
    Bad(
        37,
        "missing-unz",
        ".edi",
        lambda _: EDI[: EDI.index(b"UNZ")],
        lambda _: At(
            "edifact.envelope.unz-missing",
            tag="UNZ",
            segment=EDI[: EDI.index(b"UNZ")].count(b"'") - EDI.startswith(b"UNA") + 1,
            offset=EDI.index(b"UNZ"),
        ),
    ),
    Bad(
        37,
        "missing-unt",
        ".edi",
        lambda _: edi_replace(b"UNT+47+EPI0000042'\n", b""),
        at_segment("edifact.envelope.unt-missing", b"UNH+", tag="UNH"),
    ),
    Bad(
        37,
        "missing-unb",
        ".edi",
        lambda _: EDI[: EDI.index(b"UNB")] + EDI[EDI.index(b"UNH") :],
        at_segment("edifact.envelope.unb-missing", b"UNH+", tag="UNH"),
    ),
    Bad(
        38,
        "unb-bad-date",
        ".edi",
        lambda _: edi_replace(b"240305:1420", b"241301:1200"),
        at_segment("edifact.envelope.unb-date", b"UNB+", tag="UNB", element=4, component=1),
    ),
    Bad(
        39,
        "unknown-syntax-id",
        ".edi",
        lambda _: edi_replace(b"UNOC:3", b"UNOZ:3"),
        lambda data: At(
            "edifact.charset.unsupported",
            segment=1,
            tag="UNB",
            element=1,
            component=1,
            offset=data.index(b"UNOZ"),
            says=("UNOZ",),
        ),
    ),
]


# -------------------------------------------------------------------------------------------------
# F. Identifiers (cases 40–44). On XML input rule findings carry the element's line and path; on
# EDIFACT input the path (EDIFACT positions for them are another branch's work, case 43).


def identifier_at(code: str, element: bytes, path: str) -> Callable[[bytes], At]:
    return lambda data: At(code, line=line_of(data, element), path_endswith=path)


SENDER_SOR = b"<Identifier>9999011</Identifier>\n      <IdentifierCode>sygehusafdelingsnummer"


def with_sor(value: bytes) -> bytes:
    return xml_replace(
        SENDER_SOR, b"<Identifier>" + value + b"</Identifier>\n      <IdentifierCode>sorkode"
    )


SOR_AT = identifier_at("id.sor.format", b"<Identifier>1234", "/DischargeLetter/Sender/Identifier")


def patient_cpr(value: bytes) -> Callable[[str], bytes]:
    return lambda _: edi_replace(b"0101011234", value)


F_IDENTIFIERS = [
    Bad(
        40,
        "cpr-bad-date-day-32",
        ".xml",
        lambda _: xml_replace(b"0707614285", b"3213651234"),
        identifier_at("id.cpr.date", b"<CivilRegistrationNumber>", CPR_PATH),
    ),
    Bad(
        40,
        "cpr-bad-date-29-feb-1901",
        ".xml",
        lambda _: xml_replace(b"0707614285", b"2902011234"),
        identifier_at("id.cpr.date", b"<CivilRegistrationNumber>", CPR_PATH),
    ),
    *(
        Bad(
            42,
            f"cpr-format-{label}",
            ".edi",
            patient_cpr(value),
            lambda _: At("id.cpr.format", path_endswith=CPR_PATH),
        )
        for label, value in (
            ("nine-digits", b"010101123"),
            ("eleven-digits", b"01010112345"),
            ("letter", b"010101A234"),
            ("hyphen", b"010101-1234"),
        )
    ),
    # In XML the schema pattern fails first; the identifier check's code replaces its
    # generic xml.schema.value (one root cause, one finding) at the element's line.
    *(
        Bad(
            42,
            f"cpr-format-xml-{label}",
            ".xml",
            lambda _, value=value: xml_replace(b"0707614285", value),
            identifier_at("id.cpr.format", b"<CivilRegistrationNumber>", CPR_PATH),
        )
        for label, value in (
            ("nine-digits", b"070761428"),
            ("eleven-digits", b"07076142851"),
            ("letter", b"070761A285"),
            ("hyphen", b"070761-4285"),
        )
    ),
    Bad(44, "sor-format-five-digits", ".xml", lambda _: with_sor(b"12345"), SOR_AT),
    Bad(44, "sor-format-letter", ".xml", lambda _: with_sor(b"12345678901234A"), SOR_AT),
]


def test_40_cpr_bad_date_in_edifact_too() -> None:
    report = medbridge.validate(edi_replace(b"0101011234", b"3213651234"))
    finding = matching(report.findings, "id.cpr.date")
    assert finding.location.path == CPR_PATH


def test_41_cpr_mod11_ok_gives_no_finding_at_all() -> None:
    assert b"0707614285" in LETTER
    assert medbridge.validate(LETTER).findings == []
    assert medbridge.validate(edi_replace(b"0101011234", b"0707614285")).findings == []


def test_42_parse_cpr_accepts_the_hyphen_for_human_input() -> None:
    assert parse_cpr("070761-4285") == "0707614285"


def test_43_gln_check_digit_in_unb_sender() -> None:
    """The code and the expected digit; the UNB position is asserted by test_edifact_locations."""
    report = medbridge.validate(edi_replace(b"5799999000010:14", b"5790000123456:14"))
    finding = matching(report.findings, "id.gln.check-digit")
    assert "check digit" in finding.message and "is 2" in finding.message
    assert finding.location.path is not None and finding.location.path.endswith("EANIdentifier")
    accepted = medbridge.validate(edi_replace(b"5799999000010:14", b"5790000123452:14"))
    assert accepted.ok


def test_44_fifteen_digit_sor_is_accepted() -> None:
    assert medbridge.validate(with_sor(b"123456789012345")).findings == []


# -------------------------------------------------------------------------------------------------
# Cases 1–44 that reject: read(), validate() and the CLI, each with the expected location

REJECTED = (
    A_SECURITY + B_WELL_FORMED_AND_SCHEMA + C_ENCODING + D_SYNTAX + E_ENVELOPE + F_IDENTIFIERS
)


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("bad", REJECTED, ids=lambda b: b.id)
def test_rejected(bad: Bad, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="medbridge")
    marker = f"SENTINEL-{uuid.uuid4().hex}"
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text(marker, encoding="ascii")
    data = bad.make(sentinel.as_uri())
    at = bad.at(data)
    inbox = tmp_path / "in"
    inbox.mkdir()
    path = inbox / f"{bad.id}{bad.suffix}"
    path.write_bytes(data)
    (inbox / "good.xml").write_bytes(LETTER)

    # read() raises InputError holding the code; convert() refuses too.
    with pytest.raises(medbridge.InputError) as raised:
        medbridge.read(path)
    assert_at(matching(raised.value.findings, at.code), at, data)
    for target in ("xml", "edifact", "json"):
        with pytest.raises(medbridge.InputError):
            medbridge.convert(path, to=target)

    # validate() reports it as an error naming the file and the location.
    report = medbridge.validate(path)
    assert not report.ok
    finding = matching(report.findings, at.code)
    assert_at(finding, at, data)
    assert finding.location.file == str(path)
    if at.only_error:
        assert [f.code for f in report.errors] == [at.code]

    # The CLI writes nothing for the file, converts the good one, exits 1.
    out, report_file = tmp_path / "out", tmp_path / "report.json"
    code, stdout, stderr = run_cli(
        "convert", str(inbox), "--to", "json", "--out", str(out), "--report", str(report_file),
        "--jobs", "1",
    )  # fmt: skip
    assert code == 1, stdout + stderr
    assert sorted(p.name for p in out.rglob("*")) == ["good.json"]
    entries = {Path(e["path"]).name: e for e in json.loads(report_file.read_text())["files"]}
    assert entries["good.xml"]["status"] == "ok"
    entry = entries[path.name]
    assert (entry["status"], entry["output"]) == ("invalid", None)
    assert finding_json(finding) in entry["findings"]  # the same finding, the file is the entry's
    assert f"{path}: invalid" in stderr and at.code in stderr

    # Nothing from the sentinel file ever reaches a user.
    said = "\n".join(
        [stdout, stderr, report_file.read_text(), str(raised.value), caplog.text]
        + [f.format() + (f.excerpt or "") for f in report.findings]
    )
    assert marker not in said


# -------------------------------------------------------------------------------------------------
# G. Converter and CLI (cases 45–50)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Three good files (XML and EDIFACT) and nothing else."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.xml").write_bytes(LETTER)
    shutil.copy(VALID / "henvisning" / "hoste.xml", folder / "sub" / "b.xml")
    (folder / "c.edi").write_bytes(EDI)
    return folder


def test_45_batch_continues_after_a_bad_file(inbox: Path, tmp_path: Path) -> None:
    bad = inbox / "bad.xml"
    bad.write_bytes(LETTER + b"garbage")
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("convert", str(inbox), "--to", "json", "--out", str(out))
    assert code == 1
    outputs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert outputs == ["a.json", "c.json", "sub/b.json"]
    line, column = line_column(bad.read_bytes(), len(LETTER))
    assert f"{bad}: invalid" in stderr
    assert f"line {line}:{column}: error xml.syntax.trailing-content" in stderr
    assert "4 file(s): 3 converted, 1 invalid" in stdout


def test_46_all_good_exits_0_with_a_summary(inbox: Path, tmp_path: Path) -> None:
    code, stdout, _ = run_cli("validate", str(inbox))
    assert code == 0
    assert "3 file(s): 3 valid, 0 invalid" in stdout
    code, stdout, _ = run_cli("convert", str(inbox), "--to", "xml", "--out", str(tmp_path / "o"))
    assert code == 0
    assert "3 file(s): 3 converted, 0 invalid, 0 lossy, 0 failed" in stdout


@pytest.mark.parametrize(
    "args",
    [
        ("convert", "IN", "--to", "json", "--out", "OUT", "--bogus"),
        ("convert", "IN", "--to", "json"),  # --out is required
        ("convert", "--to", "json", "--out", "OUT"),  # no input path
    ],
    ids=["unknown-option", "missing-option", "missing-argument"],
)
def test_47_usage_error_exits_2_and_writes_nothing(
    args: tuple[str, ...], inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    argv = [str(inbox) if a == "IN" else str(out) if a == "OUT" else a for a in args]
    code, stdout, stderr = run_cli(*argv)
    assert code == 2
    assert "Usage:" in stderr and stdout == ""
    assert not out.exists()


def test_48_existing_output_is_refused_then_replaced_with_force(tmp_path: Path) -> None:
    source = tmp_path / "letter.xml"
    source.write_bytes(LETTER)
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "letter.json"
    existing.write_bytes(b"old bytes")
    code, _, stderr = run_cli("convert", str(source), "--to", "json", "--out", str(out))
    assert code == 73
    assert "io.output-exists" in stderr
    assert existing.read_bytes() == b"old bytes"
    code, _, _ = run_cli("convert", str(source), "--to", "json", "--out", str(out), "--force")
    assert code == 0
    assert medbridge.from_json(existing.read_bytes()) == medbridge.read(source)
    assert sorted(p.name for p in out.iterdir()) == ["letter.json"]  # no temporary file left


def test_49_unwritable_output_dir_is_io_error_74_and_the_rest_is_attempted(
    inbox: Path, tmp_path: Path
) -> None:
    # The tests may run as root, who can write into a chmod 0555 folder; a regular file where
    # the output folder should be makes the folder uncreatable for every user.
    (inbox / "bad.xml").write_bytes(b"")
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")
    report = tmp_path / "report.json"
    code, stdout, _ = run_cli(
        "convert", str(inbox), "--to", "json", "--out", str(blocker / "out"), "--report",
        str(report),
    )  # fmt: skip
    assert code == 74
    statuses = {Path(e["path"]).name: e["status"] for e in json.loads(report.read_text())["files"]}
    assert statuses == {
        "a.xml": "io-error",
        "b.xml": "io-error",
        "c.edi": "io-error",
        "bad.xml": "invalid",
    }
    assert "4 file(s): 0 converted, 1 invalid, 0 lossy, 3 failed" in stdout
    assert blocker.read_bytes() == b""


def test_50_ci_validate_mode_json_junit_sarif(inbox: Path, tmp_path: Path) -> None:
    (inbox / "bad.xml").write_bytes(LETTER + b"garbage")
    bad_edi = edi_replace(b"UNT+47+", b"UNT+99+")
    (inbox / "bad.edi").write_bytes(bad_edi)
    unt = bad_edi.index(b"UNT+99")

    code, out, _ = run_cli("validate", str(inbox), "--format", "json")
    assert code == 1
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert {name for name, f in files.items() if not f["ok"]} == {"bad.xml", "bad.edi"}
    (xml_finding,) = files["bad.xml"]["findings"]
    assert (xml_finding["code"], xml_finding["severity"]) == (
        "xml.syntax.trailing-content",
        "error",
    )
    assert xml_finding["location"]["line"] == line_column(LETTER + b"garbage", len(LETTER))[0]
    (edi_finding,) = files["bad.edi"]["findings"]
    assert (edi_finding["code"], edi_finding["severity"]) == ("edifact.envelope.unt-count", "error")
    assert edi_finding["location"]["segment"] == segment_number(bad_edi, unt)
    assert edi_finding["location"]["offset"] == unt

    junit = tmp_path / "junit.xml"
    code, _, _ = run_cli("validate", str(inbox), "--format", "junit", "--output", str(junit))
    assert code == 1
    root = etree.fromstring(junit.read_bytes())  # noqa: TID251 - our own output
    failures = {
        Path(case.get("name")).name: case.find("failure").get("type")
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert failures == {
        "bad.xml": "xml.syntax.trailing-content",
        "bad.edi": "edifact.envelope.unt-count",
    }

    code, out, _ = run_cli("validate", str(inbox), "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    regions = {}
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        name = Path(physical["artifactLocation"]["uri"]).name
        if name.startswith("bad."):
            regions[name] = (result["ruleId"], result["level"], physical["region"])
    assert regions["bad.xml"][:2] == ("xml.syntax.trailing-content", "error")
    assert regions["bad.xml"][2]["startLine"] == xml_finding["location"]["line"]
    assert regions["bad.edi"][:2] == ("edifact.envelope.unt-count", "error")
    assert regions["bad.edi"][2]["byteOffset"] == unt


# -------------------------------------------------------------------------------------------------
# The index: every case of §8 → the tests that cover it

HERE = "tests/test_bad_input_cases.py"
#: Case 43's EDIFACT position (UNB element 2, component 1) is asserted there.
GLN_IN_UNB = "tests/test_edifact_locations.py::test_case_43_bad_gln_check_digit_in_unb_sender"


def rejected_ids(case: int) -> tuple[str, ...]:
    return tuple(f"{HERE}::test_rejected[{b.id}]" for b in REJECTED if b.case == case)


CATEGORIES = {
    "A": range(1, 11),
    "B": range(11, 19),
    "C": range(19, 22),
    "D": range(22, 34),
    "E": range(34, 40),
    "F": range(40, 45),
    "G": range(45, 51),
}

SEC = "tests/test_xml_security.py"
SYN = "tests/test_edifact_syntax.py"
ENV = "tests/test_edifact_envelope.py"
CLI = "tests/test_cli.py"

CASES: dict[tuple[int, str], tuple[str, ...]] = {
    # A. XML security
    (1, "xxe-file"): (
        *rejected_ids(1),
        f"{SEC}::TestExternalEntity::test_rejected_by_prescan_and_marker_nowhere",
        f"{SEC}::TestExternalEntity::test_file_is_never_opened",
    ),
    (2, "internal-entity"): (
        *rejected_ids(2),
        f"{SEC}::TestInternalEntity::test_rejected_not_expanded_not_dropped",
        f"{SEC}::TestInternalEntity::test_entity_node_is_refused_after_parsing",
    ),
    (3, "billion-laughs"): (
        *rejected_ids(3),
        f"{HERE}::test_03_04_entity_bombs_are_refused_quickly_through_the_api[03-billion-laughs]",
        f"{SEC}::TestExpansionBombs::test_billion_laughs_fast_and_small",
    ),
    (4, "quadratic-blowup"): (
        *rejected_ids(4),
        f"{HERE}::test_03_04_entity_bombs_are_refused_quickly_through_the_api[04-quadratic-blowup]",
        f"{SEC}::TestExpansionBombs::test_quadratic_blowup_fast",
    ),
    (5, "external-dtd"): (
        *rejected_ids(5),
        f"{HERE}::test_05_external_dtd_on_a_listening_port_gets_no_request",
        f"{SEC}::TestExternalDtd::test_listener_gets_no_request",
    ),
    (6, "parameter-entity"): (
        *rejected_ids(6),
        f"{SEC}::TestParameterEntity::test_audit_hook_sees_no_open_of_the_sentinel",
        f"{SEC}::TestParameterEntity::test_file_is_never_opened",
        "tests/test_audit_hook.py::test_hostile_inputs_open_nothing_but_inputs_and_schemas",
    ),
    (7, "xinclude"): (
        *rejected_ids(7),
        f"{SEC}::TestXInclude::test_rejected_nothing_inlined",
        f"{SEC}::TestXInclude::test_file_is_never_opened",
    ),
    (8, "deep-nesting"): (
        *rejected_ids(8),
        f"{SEC}::TestLimits::test_deep_nesting",
        f"{SEC}::TestLimits::test_depth_at_the_limit_is_fine_and_walks_are_iterative",
    ),
    (9, "huge-text"): (
        *rejected_ids(9),
        f"{HERE}::test_09_huge_text_is_refused_by_the_node_limit_not_a_huge_tree",
        f"{SEC}::TestLimits::test_huge_text_node",
    ),
    (10, "no-network-anywhere"): (
        f"{HERE}::test_10_no_network_anywhere",
        f"{SEC}::TestExternalDtd::test_listener_counts_real_connections",
    ),
    # B. XML well-formedness and schema
    (11, "truncated-xml"): (
        *rejected_ids(11),
        "tests/test_xml_parse.py::TestWellFormedness::test_truncated_inside_an_element",
        "tests/test_xml_parse.py::TestWellFormedness::test_truncated_in_text_is_truncated",
    ),
    (12, "trailing-garbage"): (
        *rejected_ids(12),
        "tests/test_xml_parse.py::TestWellFormedness::test_trailing_content",
    ),
    (13, "empty-file"): (
        *rejected_ids(13),
        "tests/test_xml_parse.py::TestWellFormedness::test_empty_input",
    ),
    (14, "control-char"): (
        *rejected_ids(14),
        "tests/test_xml_parse.py::TestWellFormedness::test_character_reference_to_control_char",
        "tests/test_xml_parse.py::TestWellFormedness::test_raw_control_byte",
    ),
    (15, "wrong-namespace"): (
        *rejected_ids(15),
        "tests/test_schema_validation.py::"
        "test_case_15_wrong_namespace_is_exactly_one_error_naming_the_expected_uri",
    ),
    (16, "missing-mandatory"): (
        *rejected_ids(16),
        "tests/test_schema_validation.py::"
        "test_case_16_missing_cpr_is_missing_element_at_patient_with_its_line",
    ),
    (17, "unknown-element"): (
        *rejected_ids(17),
        "tests/test_schema_validation.py::"
        "test_case_17_unknown_element_is_unexpected_at_the_element_itself",
    ),
    (18, "recover-not-used"): (
        *rejected_ids(18),
        f"{HERE}::test_18_recover_is_never_switched_on",
        "tests/test_xml_parse.py::TestWellFormedness::test_recover_is_never_used",
    ),
    # C. Encoding
    (19, "latin1-declared-utf8"): (
        *rejected_ids(19),
        "tests/test_xml_encoding.py::TestStrictDecode::test_latin1_declared_utf8_c19",
    ),
    (20, "unrepresentable-target"): (
        f"{HERE}::test_20_unrepresentable_in_edifact_is_refused_naming_field_and_code_point",
        f"{CLI}::test_convert_to_edifact_strict_refusal_and_allow_loss_report",
        "tests/test_edifact_mapping.py::"
        "test_euro_sign_in_text_refused_strict_and_left_out_with_allow_loss",
    ),
    (21, "danish-roundtrip"): (
        f"{HERE}::test_21_danish_letters_survive_xml_edifact_xml",
        "tests/test_edifact_roundtrip.py::test_danish_letters_survive_xml_edifact_xml",
    ),
    # D. EDIFACT syntax
    (22, "missing-una-defaults"): (
        f"{HERE}::test_22_missing_una_uses_the_defaults",
        f"{SYN}::test_22_missing_una_uses_defaults",
    ),
    (23, "bad-una-length"): (
        *rejected_ids(23),
        f"{SYN}::test_23_five_character_una_is_invalid_and_speaks_of_the_una",
    ),
    (24, "una-duplicate-chars"): (*rejected_ids(24), f"{SYN}::test_24_una_duplicate_characters"),
    (25, "release-at-eof"): (*rejected_ids(25), f"{SYN}::test_25_release_at_end_of_input"),
    (26, "release-before-terminator"): (
        f"{HERE}::test_26_release_before_terminator_is_read_and_written_back",
        f"{SYN}::test_26_release_before_terminator_round_trips",
    ),
    (27, "unterminated-last-segment"): (
        *rejected_ids(27),
        f"{SYN}::test_27_unterminated_last_segment_names_tag_and_offset",
    ),
    (28, "empty-segment"): (*rejected_ids(28), f"{SYN}::test_28_empty_segment_has_its_number"),
    (29, "bom-before-una"): (*rejected_ids(29), f"{SYN}::test_29_bom_before_una"),
    (30, "nul-in-data"): (*rejected_ids(30), f"{SYN}::test_30_nul_in_data_is_located"),
    (31, "lf-inside-element"): (*rejected_ids(31), f"{SYN}::test_31_lf_inside_element"),
    (32, "crlf-between-segments"): (
        f"{HERE}::test_32_crlf_between_segments_is_layout_only",
        f"{SYN}::test_32_crlf_between_segments_is_layout",
    ),
    (33, "lowercase-tag"): (*rejected_ids(33), f"{SYN}::test_33_lowercase_and_malformed_tags"),
    # E. EDIFACT envelope and control
    (34, "unt-count-mismatch"): (
        *rejected_ids(34),
        f"{ENV}::test_34_unt_count_states_both_numbers",
    ),
    (35, "unt-ref-mismatch"): (*rejected_ids(35), f"{ENV}::test_35_unt_reference_mismatch"),
    (36, "unz-count-mismatch"): (*rejected_ids(36), f"{ENV}::test_36_unz_count_and_reference"),
    (37, "missing-unz / missing-unt / missing-unb"): (
        *rejected_ids(37),
        f"{ENV}::test_37_missing_unz_unt_unb",
    ),
    (38, "unb-bad-date"): (
        *rejected_ids(38),
        f"{ENV}::test_38_unb_bad_date_is_a_finding_not_a_value_error",
    ),
    (39, "unknown-syntax-id"): (*rejected_ids(39), f"{SYN}::test_39_unknown_syntax_identifier"),
    # F. Identifiers
    (40, "cpr-bad-date"): (
        *rejected_ids(40),
        f"{HERE}::test_40_cpr_bad_date_in_edifact_too",
        "tests/test_identifiers.py::test_cpr_impossible_date",
        "tests/test_identifiers.py::test_cpr_29_february_depends_on_the_century",
    ),
    (41, "cpr-mod11-ok"): (
        f"{HERE}::test_41_cpr_mod11_ok_gives_no_finding_at_all",
        "tests/test_identifiers.py::test_cpr_valid_passes_everything",
    ),
    (42, "cpr-format"): (
        *rejected_ids(42),
        f"{HERE}::test_42_parse_cpr_accepts_the_hyphen_for_human_input",
        "tests/test_identifiers.py::test_cpr_format",
        "tests/test_identifiers.py::test_parse_cpr",
    ),
    (43, "gln-bad-check"): (
        GLN_IN_UNB,
        f"{HERE}::test_43_gln_check_digit_in_unb_sender",
        "tests/test_identifiers.py::test_gln_bad_check_digit_names_the_expected_digit",
    ),
    (44, "sor-format"): (
        *rejected_ids(44),
        f"{HERE}::test_44_fifteen_digit_sor_is_accepted",
        "tests/test_identifiers.py::test_sor",
    ),
    # G. Converter and CLI
    (45, "batch-continues"): (
        f"{HERE}::test_45_batch_continues_after_a_bad_file",
        f"{CLI}::test_convert_batch_continues_and_mirrors_tree",
    ),
    (46, "all-good-exit-0"): (
        f"{HERE}::test_46_all_good_exits_0_with_a_summary",
        f"{CLI}::test_validate_valid_folder_exits_0",
    ),
    (47, "usage-error"): (
        f"{HERE}::test_47_usage_error_exits_2_and_writes_nothing",
        f"{CLI}::test_usage_errors_exit_2",
    ),
    (48, "no-overwrite-existing"): (
        f"{HERE}::test_48_existing_output_is_refused_then_replaced_with_force",
        f"{CLI}::test_convert_refuses_existing_output_without_force",
    ),
    (49, "unwritable-output-dir"): (
        f"{HERE}::test_49_unwritable_output_dir_is_io_error_74_and_the_rest_is_attempted",
        f"{CLI}::test_unwritable_output_is_exit_74_and_others_still_attempted",
    ),
    (50, "ci-validate-mode"): (
        f"{HERE}::test_50_ci_validate_mode_json_junit_sarif",
        f"{CLI}::test_validate_json_format",
        f"{CLI}::test_validate_junit_parses_back_with_one_case_per_file",
        f"{CLI}::test_validate_sarif_has_the_required_properties",
    ),
}


def resolve(node_id: str) -> bool:
    """True when ``node_id`` names a test function (class::method, or a parametrized id by its
    base name) in an importable test module."""
    file, _, name = node_id.partition("::")
    module_name = Path(file).stem
    if not (ROOT / file).is_file():
        return False
    module = importlib.import_module(module_name)
    target: object = module
    for part in name.split("[", 1)[0].split("::"):
        target = getattr(target, part, None)
        if target is None:
            return False
    return callable(target) and name.split("::")[-1].startswith("test")


def test_index_numbers_every_case_once_in_its_category() -> None:
    numbers = [number for number, _ in CASES]
    assert numbers == list(range(1, 51))
    assert sorted(n for r in CATEGORIES.values() for n in r) == numbers
    for (number, name), node_ids in CASES.items():
        assert name and name == name.strip(), number
        assert node_ids, f"case {number} {name} has no test"
        assert len(set(node_ids)) == len(node_ids), number


def test_index_every_node_id_exists() -> None:
    missing = [
        (number, node_id)
        for (number, _), node_ids in CASES.items()
        for node_id in node_ids
        if not resolve(node_id)
    ]
    assert missing == []


def test_index_parametrized_ids_of_this_file_exist() -> None:
    ids = {b.id for b in REJECTED}
    assert len(ids) == len(REJECTED)
    bombs = {b.id for b in A_SECURITY if b.case in (3, 4)}
    for node_ids in CASES.values():
        for node_id in node_ids:
            if node_id.startswith(f"{HERE}::") and "[" in node_id:
                base, _, param = node_id.partition("::")[2].partition("[")
                pool = bombs if base.startswith("test_03_04") else ids
                assert param.rstrip("]") in pool, node_id


def test_index_every_rejecting_case_is_run_by_test_rejected() -> None:
    covered = {b.case for b in REJECTED}
    positive_or_special = {10, 20, 21, 22, 26, 32, 41, 43, *CATEGORIES["G"]}
    assert covered | positive_or_special == set(range(1, 51))
