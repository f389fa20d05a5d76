"""EDIFACT positions on rule and identifier findings (validation issue #5, safety §4.1, §8 case 43).

Every test mutates one value of a valid fixture interchange and checks the finding's code, model
path and EDIFACT location: segment number, tag, element, component and byte offset. The expected
segment number and offset are computed here from the bytes (``data.index`` and a count of
segment terminators), independently of the tokenizer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge.cli import main
from medbridge.codecs.edifact.codec import read_interchange
from medbridge.codecs.edifact.sources import InterchangeSources, SourceMap, canonical_path
from medbridge.codecs.json.codec import to_json
from medbridge.edifact.syntax import iter_segments
from medbridge.errors import InputError
from medbridge.findings import Finding, Location, Severity
from medbridge.validation.identifiers import gln_check_digit

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
DIS01 = (VALID / "epikrise" / "medcom-example-6-5.edi").read_bytes()
DIS01_SOR = (VALID / "epikrise" / "hoftefraktur-utf8.edi").read_bytes()
DIS01_MANY = (VALID / "epikrise" / "specialer.edi").read_bytes()
REF01 = (VALID / "henvisning" / "medcom-example-7-5.edi").read_bytes()
REF01_RELATIVE = (VALID / "henvisning" / "demens-udredning.edi").read_bytes()

DIS01_BASE = "/Emessage/DischargeLetter"
REF01_BASE = "/Emessage/HospitalReferral"
#: A segment terminator not preceded by the release character (UNA:+.? ' in every fixture).
_TERMINATOR = re.compile(rb"(?<!\?)'")


def _edit(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, old
    return data.replace(old, new)


def _segment_at(data: bytes, needle: bytes) -> tuple[int, int]:
    """(segment number, byte offset) of the segment that starts with ``needle``: the UNA ends in
    a terminator, so the number of terminators before a segment is its number (UNB = 1)."""
    assert data.count(needle) == 1, needle
    offset = data.index(needle)
    assert data.startswith(b"UNA")
    return len(_TERMINATOR.findall(data, 0, offset)), offset


def _finding(data: bytes, code: str, path: str) -> Finding:
    report = medbridge.validate(data)
    found = [f for f in report.findings if f.code == code and f.location.path == path]
    assert len(found) == 1, [f.format() for f in report.findings]
    return found[0]


def _assert_at(
    finding: Finding, data: bytes, needle: bytes, tag: str, element: int, component: int
) -> None:
    number, offset = _segment_at(data, needle)
    where = finding.location
    assert (where.segment, where.tag, where.element, where.component, where.offset) == (
        number,
        tag,
        element,
        component,
        offset,
    ), where


# ---------------------------------------------------------------------------------------------
# safety §8 case 43


def test_case_43_bad_gln_check_digit_in_unb_sender() -> None:
    data = _edit(DIS01, b"5799999000010:14", b"5790000123456:14")
    finding = _finding(data, "id.gln.check-digit", DIS01_BASE + "/Sender/EANIdentifier")
    assert finding.severity is Severity.ERROR
    assert "is 2" in finding.message
    where = finding.location
    assert (where.segment, where.tag, where.element, where.component) == (1, "UNB", 2, 1)
    assert where.offset == DIS01.index(b"UNB+") == 10
    good = medbridge.validate(_edit(DIS01, b"5799999000010:14", b"5790000123452:14"))
    assert good.ok
    assert not [f for f in good.findings if f.code.startswith("id.gln")]


def test_case_43_text_form_names_the_segment() -> None:
    data = _edit(DIS01, b"5799999000010:14", b"5790000123456:14")
    finding = _finding(data, "id.gln.check-digit", DIS01_BASE + "/Sender/EANIdentifier")
    text = finding.with_file("in/c.edi").format()
    assert text.startswith(
        "in/c.edi: segment 1 UNB, element 2, component 1, byte 10: error id.gln.check-digit: "
    )
    assert text.endswith(f"[{DIS01_BASE}/Sender/EANIdentifier]")


# ---------------------------------------------------------------------------------------------
# one mutated value at a time


# (fixture, old bytes, new bytes, code, model path, segment start, tag, element, component)
MUTATIONS = [
    pytest.param(
        DIS01,
        b"+5799999000027:14+",
        b"+5790000123453:14+",
        "id.gln.check-digit",
        DIS01_BASE + "/Receiver/EANIdentifier",
        b"UNB+",
        "UNB",
        3,
        1,
        id="dis01-unb-recipient-gln",
    ),
    pytest.param(
        DIS01_SOR,
        b"NAD+PO+5790000123452::9",
        b"NAD+PO+5790000123453::9",
        "id.gln.check-digit",
        DIS01_BASE + "/Receiver/Identifier",
        b"NAD+PO+",
        "NAD",
        2,
        1,
        id="dis01-nad-gln",
    ),
    pytest.param(
        DIS01_SOR,
        b"NAD+SSP+123456789012345:SOR",
        b"NAD+SSP+12345:SOR",
        "id.sor.format",
        DIS01_BASE + "/Sender/Identifier",
        b"NAD+SSP+",
        "NAD",
        2,
        1,
        id="dis01-nad-sor",
    ),
    pytest.param(
        DIS01,
        b"NAD+CCR+999902:YNR",
        b"NAD+CCR+99X902:YNR",
        "id.ydernummer.format",
        DIS01_BASE + "/CCReceiver/Identifier",
        b"NAD+CCR+",
        "NAD",
        2,
        1,
        id="dis01-nad-ydernummer",
    ),
    pytest.param(
        DIS01,
        b"NAD+SSP+9999011:SKS",
        b"NAD+SSP+9:SKS",
        "id.sks-department.format",
        DIS01_BASE + "/Sender/Identifier",
        b"NAD+SSP+",
        "NAD",
        2,
        1,
        id="dis01-nad-sks",
    ),
    pytest.param(
        DIS01_SOR,
        b"NAD+RSP+9999031:SKS",
        b"NAD+RSP+9:SKS",
        "id.sks-department.format",
        DIS01_BASE + "/Sender/Contact/Identifier",
        b"NAD+RSP+",
        "NAD",
        2,
        1,
        id="dis01-contact-sks",
    ),
    pytest.param(
        DIS01,
        b"PNA+PAT+0101011234",
        b"PNA+PAT+3213651234",
        "id.cpr.date",
        DIS01_BASE + "/Patient/CivilRegistrationNumber",
        b"PNA+PAT+",
        "PNA",
        2,
        1,
        id="dis01-patient-cpr-date",
    ),
    pytest.param(
        DIS01_SOR,
        b"RFF+XPI:0203291WQ3",
        b"RFF+XPI:0203299WQ3",
        "id.ecpr.century",
        DIS01_BASE + "/Patient/AlternativeIdentifier",
        b"RFF+XPI:",
        "RFF",
        1,
        2,
        id="dis01-patient-ecpr",
    ),
    pytest.param(
        DIS01,
        b"PNA+PAS++++",
        b"PNA+PAS+2902011234+++",
        "id.cpr.date",
        DIS01_BASE + "/Relative/PersonIdentifier",
        b"PNA+PAS+",
        "PNA",
        2,
        1,
        id="dis01-relative-cpr",
    ),
    pytest.param(
        DIS01,
        b"DTM+91:202403051200:203",
        b"DTM+91:202402251200:203",
        "rule.date.before-admission",
        DIS01_BASE + "/Discharge",
        b"DTM+91:",
        "DTM",
        1,
        2,
        id="dis01-discharge-before-admission",
    ),
    pytest.param(
        DIS01,
        b"DTM+90:202402271030:203",
        b"DTM+90:202403061030:203",
        "rule.date.after-authorisation",
        DIS01_BASE + "/Admission",
        b"DTM+90:",
        "DTM",
        1,
        2,
        id="dis01-admission-after-authorisation",
    ),
    pytest.param(
        DIS01,
        b"DTM+137:202403051405:203",
        b"DTM+137:202403091405:203",
        "rule.date.after-sent",
        DIS01_BASE + "/Letter/Authorisation",
        b"DTM+137:",
        "DTM",
        1,
        2,
        id="dis01-authorisation-after-sent",
    ),
    pytest.param(
        DIS01,
        b"DTM+CIS:202402271115:203",
        b"DTM+CIS:202403071115:203",
        "rule.date.after-authorisation",
        DIS01_BASE + "/Diagnose/Other/DiagnoseDateTime",
        b"DTM+CIS:",
        "DTM",
        1,
        2,
        id="dis01-diagnosis-time",
    ),
    pytest.param(
        DIS01,
        b"DTM+8:202402270000:203",
        b"DTM+8:202403090000:203",
        "rule.date.after-sent",
        DIS01_BASE + "/Referral/Received",
        b"DTM+8:",
        "DTM",
        1,
        2,
        id="dis01-referral-received",
    ),
    pytest.param(
        DIS01,
        b"CIN+IN+UXRC00",
        b"CIN+G+UXRC00",
        "rule.code.edifact-only",
        DIS01_BASE + "/Diagnose/Other/DiagnoseDescriptionCode",
        b"CIN+G+",
        "CIN",
        1,
        1,
        id="dis01-cin-grundmorbus",
    ),
    pytest.param(
        DIS01,
        b"CIN+A+DJ189:SKS:SST:Pneumoni UNS",
        b"CIN+A+DJ189:SKS:SST: ",
        "rule.value.blank",
        DIS01_BASE + "/Diagnose/Main/DiagnoseText",
        b"CIN+A+",
        "CIN",
        2,
        4,
        id="dis01-cin-main-text",
    ),
    pytest.param(
        DIS01,
        b"SPR+ORG+1:SKS",
        b"SPR+ORG+80:SKS",
        "rule.code.edifact-only",
        DIS01_BASE + "/Sender/MedicalSpecialityCode",
        b"SPR+",
        "SPR",
        2,
        1,
        id="dis01-spr-paediatri-sygehus",
    ),
    pytest.param(
        DIS01,
        b"++Eksempel Sygehus:Medicinsk",
        b"++ :Medicinsk",
        "rule.value.blank",
        DIS01_BASE + "/Sender/OrganisationName",
        b"NAD+SSP+",
        "NAD",
        4,
        1,
        id="dis01-nad-organisation",
    ),
    pytest.param(
        DIS01,
        b"ADR++US:Byvej 2++9999",
        b"ADR++US:Byvej 2+ +9999",
        "rule.value.blank",
        DIS01_BASE + "/Patient/DistrictName",
        b"ADR++US:Byvej 2",
        "ADR",
        3,
        1,
        id="dis01-patient-adr",
    ),
    pytest.param(
        DIS01,
        b"FTX+URL+P00++R\xf8ntgenbeskrivelse:",
        b"FTX+URL+P00++ :",
        "rule.value.blank",
        DIS01_BASE + "/Reference/RefDescription",
        b"FTX+URL+",
        "FTX",
        4,
        1,
        id="dis01-ftx-reference",
    ),
    pytest.param(
        REF01,
        b"+5799999000027:14+",
        b"+5790000123456:14+",
        "id.gln.check-digit",
        REF01_BASE + "/Sender/EANIdentifier",
        b"UNB+",
        "UNB",
        2,
        1,
        id="ref01-unb-sender-gln",
    ),
    pytest.param(
        REF01,
        b"+5799999000010:14+",
        b"+5790000123453:14+",
        "id.gln.check-digit",
        REF01_BASE + "/Receiver/EANIdentifier",
        b"UNB+",
        "UNB",
        3,
        1,
        id="ref01-unb-recipient-gln",
    ),
    pytest.param(
        REF01,
        b"NAD+SSP+9999011:SKS:SST",
        b"NAD+SSP+5790000123453::9",
        "id.gln.check-digit",
        REF01_BASE + "/Receiver/Identifier",
        b"NAD+SSP+",
        "NAD",
        2,
        1,
        id="ref01-nad-gln",
    ),
    pytest.param(
        REF01,
        b"NAD+PO+999901:YNR",
        b"NAD+PO+9999:YNR",
        "id.ydernummer.format",
        REF01_BASE + "/Sender/Identifier",
        b"NAD+PO+",
        "NAD",
        2,
        1,
        id="ref01-nad-ydernummer",
    ),
    pytest.param(
        REF01,
        b"NAD+BV+++",
        b"NAD+BV+99X901:YNR:SFU++",
        "id.ydernummer.format",
        REF01_BASE + "/Sender/Referrer/Identifier",
        b"NAD+BV+",
        "NAD",
        2,
        1,
        id="ref01-referrer-ydernummer",
    ),
    pytest.param(
        REF01,
        b"PNA+PAT+0101011234",
        b"PNA+PAT+2902011234",
        "id.cpr.date",
        REF01_BASE + "/Patient/CivilRegistrationNumber",
        b"PNA+PAT+",
        "PNA",
        2,
        1,
        id="ref01-patient-cpr-date",
    ),
    pytest.param(
        REF01_RELATIVE,
        b"PNA+PAS++++",
        b"PNA+PAS+3213651234:::CPR:IM+++",
        "id.cpr.date",
        REF01_BASE + "/Relative/PersonIdentifier",
        b"PNA+PAS+",
        "PNA",
        2,
        1,
        id="ref01-relative-cpr",
    ),
    pytest.param(
        REF01,
        b"DTM+137:202403051405:203",
        b"DTM+137:202403091405:203",
        "rule.date.after-sent",
        REF01_BASE + "/Letter/Authorisation",
        b"DTM+137:",
        "DTM",
        1,
        2,
        id="ref01-authorisation-after-sent",
    ),
    pytest.param(
        REF01,
        b"CIN+B+DJ459",
        b"CIN+G+DJ459",
        "rule.code.edifact-only",
        REF01_BASE + "/Referral/ReferralAdditional/DiagnoseDescriptionCode",
        b"CIN+G+",
        "CIN",
        1,
        1,
        id="ref01-cin-grundmorbus",
    ),
    pytest.param(
        REF01,
        b"CIN+H+DR059:SKS::Hoste",
        b"CIN+H+DR059:SKS:: ",
        "rule.value.blank",
        REF01_BASE + "/Referral/Refer/DiagnoseText",
        b"CIN+H+",
        "CIN",
        2,
        4,
        id="ref01-cin-refer-text",
    ),
    pytest.param(
        REF01,
        b"FTX+IN+P00++per@eksempel.invalid",
        b"FTX+IN+P00++ ",
        "rule.value.blank",
        REF01_BASE + "/Patient/EmailIdentifier",
        b"FTX+IN+",
        "FTX",
        4,
        1,
        id="ref01-ftx-email",
    ),
    pytest.param(
        REF01,
        b"CON+CE+99992222:TE",
        b"CON+CE+ :TE",
        "rule.value.blank",
        REF01_BASE + "/Patient/TelephoneSubscriber/TelephoneSubscriberIdentifier",
        b"CON+CE+",
        "CON",
        2,
        1,
        id="ref01-patient-phone",
    ),
]


@pytest.mark.parametrize(
    ("data", "old", "new", "code", "path", "needle", "tag", "element", "component"), MUTATIONS
)
def test_mutated_value_is_located_in_the_interchange(
    data: bytes,
    old: bytes,
    new: bytes,
    code: str,
    path: str,
    needle: bytes,
    tag: str,
    element: int,
    component: int,
) -> None:
    mutated = _edit(data, old, new)
    finding = _finding(mutated, code, path)
    _assert_at(finding, mutated, needle, tag, element, component)
    # The fixtures have one segment per line: line and column come from the byte offset.
    offset = finding.location.offset
    assert offset is not None and b"\n" in mutated
    line_start = mutated.rfind(b"\n", 0, offset) + 1
    assert finding.location.line == mutated.count(b"\n", 0, offset) + 1
    assert finding.location.column == offset - line_start + 1


def test_every_rule_and_id_finding_of_a_mutation_has_a_segment() -> None:
    data = _edit(DIS01, b"PNA+PAT+0101011234", b"PNA+PAT+3213651234")
    data = _edit(data, b"DTM+91:202403051200:203", b"DTM+91:202402251200:203")
    findings = [f for f in medbridge.validate(data).findings if f.code.startswith(("rule.", "id."))]
    assert {f.code for f in findings} >= {"id.cpr.date", "rule.date.before-admission"}
    segments = {s.number: s for s in iter_segments(data)}
    for finding in findings:
        where = finding.location
        assert where.path is not None and where.segment is not None
        assert segments[where.segment].tag == where.tag
        assert segments[where.segment].offset == where.offset


def test_letter_in_a_multi_letter_interchange_is_located_in_its_own_message() -> None:
    third = DIS01_MANY.index(b"UNH+EPI2410000003")
    pna = DIS01_MANY.index(b"PNA+PAT+", third)
    cpr = DIS01_MANY[pna + 8 : pna + 18]
    assert cpr.isdigit()
    data = DIS01_MANY[:pna] + b"PNA+PAT+3213651234" + DIS01_MANY[pna + 18 :]
    finding = _finding(data, "id.cpr.date", DIS01_BASE + "[3]/Patient/CivilRegistrationNumber")
    where = finding.location
    number = len(_TERMINATOR.findall(data, 0, pna))
    assert (where.segment, where.tag, where.element, where.component, where.offset) == (
        number,
        "PNA",
        2,
        1,
        pna,
    )


def test_read_raises_with_located_rule_errors() -> None:
    data = _edit(DIS01, b"PNA+PAT+0101011234", b"PNA+PAT+3213651234")
    with pytest.raises(InputError) as caught:
        medbridge.read(data)
    found = [f for f in caught.value.findings if f.code == "id.cpr.date"]
    assert len(found) == 1
    number, offset = _segment_at(data, b"PNA+PAT+")
    assert (found[0].location.segment, found[0].location.offset) == (number, offset)
    assert found[0].location.path == DIS01_BASE + "/Patient/CivilRegistrationNumber"


def test_cli_text_output_shows_the_edifact_form(tmp_path: Path) -> None:
    path = tmp_path / "c.edi"
    path.write_bytes(_edit(REF01, b"PNA+PAT+0101011234", b"PNA+PAT+2902011234"))
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    number, offset = _segment_at(path.read_bytes(), b"PNA+PAT+")
    expected = f"  segment {number} PNA, element 2, component 1, byte {offset}: error id.cpr.date: "
    lines = [line for line in result.stdout.splitlines() if "id.cpr.date" in line]
    assert len(lines) == 1 and lines[0].startswith(expected), result.stdout
    assert lines[0].endswith(f"[{REF01_BASE}/Patient/CivilRegistrationNumber]")
    assert "2902011234" not in result.stdout  # never a full CPR number


# ---------------------------------------------------------------------------------------------
# the source map itself


def test_path_without_a_source_falls_back_to_the_nearest_ancestor_segment_only() -> None:
    sources = InterchangeSources()
    read_interchange(DIS01, sources=sources)

    def locate(path: str) -> Location:
        finding = Finding("rule.value.blank", Severity.WARNING, "x", Location(path=path))
        return sources.locate([finding])[0].location

    text = locate(DIS01_BASE + "/ClinicalInformation/Text01/Break")
    number, offset = _segment_at(DIS01, b"FTX+NC+")
    assert (text.segment, text.tag, text.element, text.component, text.offset) == (
        number,
        "FTX",
        None,
        None,
        offset,
    )
    bogus = locate(DIS01_BASE + "/Sender/NoSuchElement/Deeper")
    number, offset = _segment_at(DIS01, b"NAD+SSP+")
    assert (bogus.segment, bogus.tag, bogus.element, bogus.component) == (number, "NAD", None, None)
    letter = locate(DIS01_BASE + "/NoSuchElement")
    assert (letter.tag, letter.element, letter.offset) == ("UNH", None, DIS01.index(b"UNH+"))
    unknown = locate("/Emessage/HospitalReferral/Patient")
    assert unknown == Location(path="/Emessage/HospitalReferral/Patient")
    sent = locate("/Emessage/Envelope/Sent/Date")
    assert (sent.segment, sent.tag, sent.element, sent.component) == (1, "UNB", 4, 1)


def test_located_findings_keep_their_existing_positions() -> None:
    sources = InterchangeSources()
    read_interchange(DIS01, sources=sources)
    placed = Finding(
        "rule.value.blank",
        Severity.WARNING,
        "x",
        Location(path=DIS01_BASE + "/Patient", segment=3, tag="UNH"),
    )
    pathless = Finding("rule.value.blank", Severity.WARNING, "x")
    assert sources.locate([placed, pathless]) == [placed, pathless]


def test_first_index_and_no_index_name_the_same_element() -> None:
    assert canonical_path("/Emessage/DischargeLetter[1]/Relative[1]/X") == (
        "/Emessage/DischargeLetter/Relative/X"
    )
    assert canonical_path("/A[11]/B[1]") == "/A[11]/B"
    sources = SourceMap()
    segment = next(iter(iter_segments(DIS01)))
    sources.record_value("/Relative[1]/PersonIdentifier", segment, 2, 1)
    assert sources.find("/Relative/PersonIdentifier") == sources.find(
        "/Relative[1]/PersonIdentifier"
    )
    assert sources.find("/Relative[2]/PersonIdentifier") is None


def test_source_map_stays_out_of_the_model() -> None:
    sources = InterchangeSources()
    located, _ = read_interchange(DIS01, sources=sources)
    plain, _ = read_interchange(DIS01)
    assert len(sources.letters) == 1 and len(sources.letters[0][1]) > 30
    assert located == plain
    assert to_json(located) == to_json(plain)
    assert located.wire == plain.wire
    assert located.letters[0].wire == plain.letters[0].wire


# ---------------------------------------------------------------------------------------------
# property: any 13-digit UNB sender


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_any_unb_sender_gln_is_checked_at_unb_element_2(body: str, digit: int) -> None:
    gln = f"{body}{digit}".encode()
    data = _edit(DIS01, b"5799999000010:14", gln + b":14")
    report = medbridge.validate(data)
    glns = [f for f in report.findings if f.code.startswith("id.gln")]
    if digit == gln_check_digit(body) and not body.startswith("0"):
        assert not [f for f in glns if f.is_error]
    for finding in glns:
        where = finding.location
        assert where.path == DIS01_BASE + "/Sender/EANIdentifier"
        assert (where.segment, where.tag, where.element, where.component, where.offset) == (
            1,
            "UNB",
            2,
            1,
            10,
        )
    assert any(f.code == "id.gln.check-digit" for f in glns) == (digit != gln_check_digit(body))


@pytest.mark.parametrize(
    ("data", "base", "kind", "mapping"),
    [
        (DIS01, DIS01_BASE, "epikrise", "MEDDIS"),
        (DIS01_SOR, DIS01_BASE, "epikrise", "MEDDIS"),
        (REF01, REF01_BASE, "henvisning", "MEDREF"),
        (REF01_RELATIVE, REF01_BASE, "henvisning", "MEDREF"),
    ],
)
def test_each_party_identifier_is_located_at_its_xml_path(
    data: bytes, base: str, kind: str, mapping: str
) -> None:
    """The S01 roles name their parties by the XML table's paths (``/Sender/Contact``): the
    identifier of each party found in the interchange is located in its own NAD, element 2."""
    from importlib import import_module

    from medbridge.letters.fields import field_table

    table = import_module(f"medbridge.letters.{kind}.edifact").TABLE
    xml_table = field_table(import_module(f"medbridge.letters.{kind}.xml").MAPPING)
    sources = InterchangeSources()
    read_interchange(data, sources=sources)
    located = 0
    for role in table.parties:
        assert xml_table.by_xml(role.path.lstrip("/")) is not None, role.path
        needle = b"NAD+" + role.code.encode() + b"+"
        if needle not in data:
            continue
        path = f"{base}{role.path}/{xml_table.xml('sender.identifier.value').split('/')[-1]}"
        finding = Finding("rule.value.blank", Severity.WARNING, "x", Location(path=path))
        where = sources.locate([finding])[0].location
        number, offset = _segment_at(data, needle)
        assert (where.segment, where.tag, where.element, where.component, where.offset) == (
            number,
            "NAD",
            2,
            1,
            offset,
        ), (mapping, role.code)
        located += 1
    assert located >= 3
