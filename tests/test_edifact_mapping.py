"""The DIS01/REF01 mappings one rule at a time: code tables (§8), reader findings with locations
(§4, §6.4, §7.4, §10), the writer's refusals and loss reports (§12 P3/P6), and the group helper."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from medbridge.codecs.edifact.codec import read_interchange, write_interchange
from medbridge.edifact.groups import split_groups
from medbridge.edifact.segment import Segment
from medbridge.errors import ConversionError, EdifactInputError
from medbridge.letters.shared.edifact_codes import (
    DIAGNOSIS_KIND,
    IDENTIFIER_TYPE,
    OBJECT_CODE,
    OBJECT_EXTENSION,
    SPECIALITY,
)
from medbridge.model import (
    BinaryObject,
    CarePlan,
    Diagnosis,
    DiagnosisKind,
    DischargeLetter,
    FormattedText,
    HospitalReferral,
    HospitalVisitation,
    IdentifierCode,
    InformationCode,
    LocalElements,
    MedicalSpeciality,
    Message,
    ObjectCode,
    ObjectExtension,
    Reference,
    StatusCode,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "valid"
DIS01 = (FIXTURES / "epikrise" / "medcom-example-6-5.edi").read_bytes()
REF01 = (FIXTURES / "henvisning" / "medcom-example-7-5.edi").read_bytes()


def _edit(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("latin-1")
    assert old in text, old
    text = text.replace(old, new, 1)
    start, end = text.index("UNH+"), text.index("UNT+")
    count = text[start:end].count("'") + 1
    tail = text[end:]
    tail = f"UNT+{count}" + tail[tail.index("+", 4) :]
    return (text[:end] + tail).encode("latin-1")


def _codes(exc: pytest.ExceptionInfo[EdifactInputError]) -> list[str]:
    return [f.code for f in exc.value.findings]


def _letter(data: bytes) -> Message:
    return read_interchange(data)[0]


# ---------------------------------------------------------------------------------------------
# code tables


def test_speciality_table_has_all_73_pairs_and_the_corrections() -> None:
    assert len(SPECIALITY.pairs) == 73
    assert {member for _, member in SPECIALITY.pairs} == set(MedicalSpeciality)
    assert SPECIALITY.encode(MedicalSpeciality.DERMATO_VENEROLOGI_PRAKSIS) == "2504"
    assert SPECIALITY.decode("2511") is MedicalSpeciality.KLINISK_KEMI
    assert SPECIALITY.decode("2522") is MedicalSpeciality.PATOLOGI  # 'patologi ' with its space
    assert SPECIALITY.decode("030") is None  # exact comparison, no numeric normalisation


def test_tables_are_exact_and_two_way() -> None:
    assert IDENTIFIER_TYPE.decode("EAN") is IdentifierCode.GLN
    assert IDENTIFIER_TYPE.encode(IdentifierCode.GLN) == ""
    assert IDENTIFIER_TYPE.decode("sks") is None
    assert DIAGNOSIS_KIND.decode("G") is DiagnosisKind.GRUNDMORBUS
    assert OBJECT_EXTENSION.encode(ObjectExtension.XLS) == "XLS"
    assert OBJECT_EXTENSION.encode(ObjectExtension.PLO) == "PLO"
    assert OBJECT_EXTENSION.encode(ObjectExtension.TIFF) == "TIF"
    assert OBJECT_EXTENSION.encode(ObjectExtension.JPEG) == "JPG"
    assert OBJECT_CODE.decode("SND") is ObjectCode.MULTIMEDIA
    assert "SND" not in OBJECT_CODE.wire_codes()


def test_dermato_praksis_is_written_as_2504() -> None:
    message = _letter(DIS01)
    message.letters[0].sender.speciality = MedicalSpeciality.DERMATO_VENEROLOGI_PRAKSIS
    data, _ = write_interchange(message)
    assert b"SPR+ORG+2504:SKS:SST+DIS01:SKS:SST'" in data
    back = _letter(data)
    assert back.letters[0].sender.speciality is MedicalSpeciality.DERMATO_VENEROLOGI_PRAKSIS


def test_binary_reference_codes_round_trip_and_snd_is_read_with_a_warning() -> None:
    message = _letter(DIS01)
    message.letters[0].references.append(
        Reference(
            "Regneark", binary=BinaryObject("OBJ1", ObjectCode.TEXT_FILE, ObjectExtension.XLS, 2048)
        )
    )
    data, _ = write_interchange(message)
    assert b"FTX+BIN+P00++Regneark:OBJ1:TXT:XLS:2048'" in data
    assert _letter(data).letters[0].references[1].binary == BinaryObject(
        "OBJ1", ObjectCode.TEXT_FILE, ObjectExtension.XLS, 2048
    )
    snd = data.replace(b"OBJ1:TXT:XLS", b"OBJ1:SND:XLS")
    back, findings = read_interchange(snd)
    assert back.letters[0].references[1].binary.object_code is ObjectCode.MULTIMEDIA  # type: ignore[union-attr]
    assert "edifact.mapping.deviation" in [f.code for f in findings]
    assert write_interchange(back)[0] == snd


# ---------------------------------------------------------------------------------------------
# reading: findings and locations


def test_unknown_segment_in_a_group_is_an_error_with_its_location() -> None:
    # A CON in S07 (MedCom's reader ignores it silently).
    data = _edit(DIS01, "ADR++US:Byvej 2++9999'", "ADR++US:Byvej 2++9999'\nCON++12345678:TE'")
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(data)
    (finding,) = [f for f in exc.value.findings if f.code == "edifact.mapping.unknown-segment"]
    assert finding.location.tag == "CON"
    assert finding.location.segment == 29  # UNB = 1
    assert finding.location.offset is not None and data[finding.location.offset :].startswith(
        b"CON"
    )


@pytest.mark.parametrize(
    "segment",
    ["DTM+DI:202402270000:203'", "DTM+DM:202402270000:203'", "CIN+8+DR509:SKS:SST:Feber'"],
)
def test_s05_segment_with_a_qualifier_of_the_wrong_segment_is_reported(segment: str) -> None:
    # The CIN qualifiers on a DTM, or DTM's on a CIN, have no place in S05: never passed over.
    data = _edit(DIS01, "DTM+8:202402270000:203'", f"DTM+8:202402270000:203'\n{segment}")
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(data)
    (finding,) = [f for f in exc.value.findings if f.code == "edifact.mapping.unknown-segment"]
    assert finding.location.tag == segment[:3]
    assert "S05" in finding.message


def test_unknown_group_is_an_unknown_segment() -> None:
    data = _edit(DIS01, "S07+07'", "S03+03'\nGIS+N'\nS07+07'")
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(data)
    assert "edifact.mapping.unknown-segment" in _codes(exc)


@pytest.mark.parametrize(
    "old,new,code",
    [
        ("MEDDIS:D:93A:UN:D0133L", "MEDDIS:D:93A:UN:D0134L", "edifact.mapping.unsupported-version"),
        (
            "MEDDIS:D:93A:UN:D0133L+DIS01",
            "MEDDIS:D:93A:UN:D0291L+DIS02",
            "edifact.mapping.unsupported-letter",
        ),
        ("+DIS01'", "+REF01'", "edifact.mapping.letter-type"),
        ("DTM+90:202402271030:203'", "DTM+90:20240227:102'", "edifact.mapping.value"),
        ("DTM+91:202403051200:203'", "DTM+91:202402301200:203'", "edifact.mapping.value"),
        ("NAD+CCR+", "NAD+XYZ+", "edifact.mapping.value"),
        ("PAS+HS'", "PAS+XX'", "edifact.mapping.value"),
        ("REL+PER+SD'", "REL+PER+ZZ'", "edifact.mapping.value"),
        ("S02+02'\nGIS+N'", "S02+02'\nGIS+N'\nGIS+N'", "edifact.mapping.duplicate"),
        (
            "PNA+PAT+0101011234:::CPR:IM+++SU:Testesen+FO:Tove'",
            "PNA+PAT+++++FO:Tove'",
            "edifact.mapping.missing",
        ),
        ("FTX+NC+P00++Indlagt", "FTX+NC+X00++Indlagt", "edifact.mapping.format-code"),
        ("FTX+NC+P00++Indlagt", "FTX+AAA+P00++Indlagt", "edifact.mapping.value"),
    ],
)
def test_dis01_reader_errors(old: str, new: str, code: str) -> None:
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(_edit(DIS01, old, new))
    assert code in _codes(exc)
    assert all(f.location.segment is not None or f.location.tag for f in exc.value.findings)


def test_s14_with_only_a_signature_is_rejected() -> None:
    text = DIS01.decode("latin-1")
    ftx = text[text.index("FTX+NC") : text.index("S14+14'\nFTX+URL")]
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(_edit(DIS01, ftx, ""))
    assert "edifact.mapping.missing" in _codes(exc)


@pytest.mark.parametrize(
    "old,new,code",
    [
        ("S02+02'\nGIS+N'", "S02+02'\nGIS+M'", "edifact.mapping.value"),
        (
            "FTX+IN+P00++per@eksempel.invalid'",
            "FTX+PR+P00++Gravid'",
            "edifact.mapping.unknown-segment",
        ),
        ("CON+CE+99992222:TE'", "CON+XX+99992222:TE'", "edifact.mapping.value"),
        (
            "NAD+BV+++Praktiserende læge:Lene Lægesen",
            "NAD+BV+++Praktiserende læge:",
            "edifact.mapping.missing",
        ),
        ("PTY+PRI+WA'", "PTY+PRI+XX'", "edifact.mapping.value"),
        ("S06+06'\nSTS++NR'", "S06+06'\nSTS++NR'\nGIS+N'", "edifact.mapping.unknown-segment"),
    ],
)
def test_ref01_reader_errors(old: str, new: str, code: str) -> None:
    with pytest.raises(EdifactInputError) as exc:
        read_interchange(_edit(REF01, old, new))
    assert code in _codes(exc)


def test_group_number_mismatch_is_a_warning() -> None:
    data = DIS01.replace(b"S09+09'", b"S09+10'")
    message, findings = read_interchange(data)
    assert "edifact.mapping.group-number" in [f.code for f in findings]
    assert write_interchange(message)[0] == data


def test_split_groups_is_flat() -> None:
    body = [Segment("BGM"), Segment("S01", (("01",),)), Segment("NAD"), Segment("S14", (("14",),))]
    grouped = split_groups(body)
    assert [s.tag for s in grouped.top] == ["BGM"]
    assert [(g.number, [s.tag for s in g.segments]) for g in grouped.groups] == [
        ("01", ["NAD"]),
        ("14", []),
    ]


def test_ref01_additional_information_is_always_present_m2() -> None:
    text = REF01.decode("latin-1")
    bare = text[text.index("S18+18'") : text.index("UNT+")]
    data = _edit(REF01, bare, "S18+18'\nGIS+N'\nS19+19'\nSTS++NR'\n")
    data = _edit(data, "FTX+DI+P00++Udredning af langvarig hoste ?+ dyspnø.'\n", "")
    letter = _letter(data).letters[0]
    assert isinstance(letter, HospitalReferral)
    assert letter.additional_information is not None
    assert letter.additional_information.priority is None


def test_unb_century_pivot() -> None:
    for digits, year in (
        (b"691231", "2069-12-31"),
        (b"700101", "1970-01-01"),
        (b"310101", "2031-01-01"),
    ):
        data = DIS01.replace(b"+240305:1420+", b"+" + digits + b":1420+")
        message, _ = read_interchange(data)
        assert message.envelope.sent.date == year
        assert write_interchange(message)[0] == data


# ---------------------------------------------------------------------------------------------
# writing: strict refusals, allow-loss results and loss reports


def _refusal(message: Message) -> list[tuple[str, str | None]]:
    with pytest.raises(ConversionError) as exc:
        write_interchange(message)
    return [(f.code, f.location.path) for f in exc.value.findings]


def test_euro_sign_in_text_refused_strict_and_left_out_with_allow_loss() -> None:
    message = _letter(DIS01)
    letter = message.letters[0]
    assert isinstance(letter, DischargeLetter)
    letter.clinical_information[0].text = FormattedText.of("Pris 100 €")
    with pytest.raises(ConversionError) as exc:
        write_interchange(message)
    (finding,) = exc.value.findings
    assert finding.code == "convert.unrepresentable"
    assert "U+20AC EURO SIGN" in finding.message
    assert finding.location.path == "/Emessage/DischargeLetter/ClinicalInformation[1]/Text01"
    assert (finding.location.tag, finding.location.element) == ("FTX", 4)
    data, losses = write_interchange(message, allow_loss=True)
    assert [f.code for f in losses] == ["convert.loss"]
    assert losses[0].location.path == finding.location.path
    assert b"Pris" not in data and b"?" not in data.replace(b"https?:", b"").replace(
        b"UNA:+.? '", b""
    )
    assert b"DTM+CIC" not in data  # the whole S14 text group is left out, not an empty S14
    back = _letter(data).letters[0]
    assert isinstance(back, DischargeLetter) and back.clinical_information == []


def test_character_in_a_name_leaves_out_only_that_value() -> None:
    message = _letter(DIS01)
    message.letters[0].sender.department = "Afdeling “M”"
    assert _refusal(message) == [
        ("convert.unrepresentable", "/Emessage/DischargeLetter/Sender/DepartmentName")
    ]
    data, losses = write_interchange(message, allow_loss=True)
    assert b"NAD+SSP+9999011:SKS:SST++Eksempel Sygehus:::::US'" in data.replace(b"\n", b"")
    assert [f.code for f in losses] == ["convert.loss"]


def test_control_characters_in_text_are_unrepresentable() -> None:
    message = _letter(DIS01)
    message.letters[0].clinical_information[0].text = FormattedText(["a\tb"])  # type: ignore[union-attr]
    ((code, _),) = _refusal(message)
    assert code == "convert.unrepresentable"


def test_over_long_url_is_unmapped_never_truncated() -> None:
    message = _letter(DIS01)
    url = "https://eksempel.invalid/" + "a" * 300
    message.letters[0].references[0] = Reference("Lang", url=url)
    assert _refusal(message) == [("convert.unmapped", "/Emessage/DischargeLetter/Reference[1]/URL")]
    data, losses = write_interchange(message, allow_loss=True)
    assert b"FTX+URL" not in data and len(losses) == 1
    url276 = "https://eksempel.invalid/" + "b" * 251
    message.letters[0].references[0] = Reference("Passer", url=url276)
    data, _ = write_interchange(message)
    assert _letter(data).letters[0].references[0].url == url276


def test_fields_without_a_slot_are_unmapped() -> None:
    message = _letter(DIS01)
    letter = message.letters[0]
    letter.patient.email = "tove@eksempel.invalid"
    letter.local_elements = LocalElements('<Local_Elements xmlns="urn:x"/>')
    letter.header.statistical_code = "XDIS99"
    letter.receiver.postcode = ""
    found = _refusal(message)
    assert {code for code, _ in found} == {"convert.unmapped"}
    assert {path for _, path in found} == {
        "/Emessage/DischargeLetter/Patient/EmailIdentifier",
        "/Emessage/DischargeLetter/Local_Elements",
        "/Emessage/DischargeLetter/Letter/StatisticalCode",
        "/Emessage/DischargeLetter/Receiver/PostCodeIdentifier",
    }
    data, losses = write_interchange(message, allow_loss=True)
    assert len(losses) == 4 and all(f.code == "convert.loss" for f in losses)
    assert read_interchange(data)[0].letters[0].patient.email is None


def test_empty_formatted_text_is_a_loss() -> None:
    message = _letter(REF01)
    letter = message.letters[0]
    assert isinstance(letter, HospitalReferral) and letter.relevant_clinical_information
    letter.relevant_clinical_information.cave = FormattedText()
    assert _refusal(message) == [
        ("convert.unmapped", "/Emessage/HospitalReferral/RelevantClinicalInformation/Cave")
    ]


def test_ref01_refusals() -> None:
    message = _letter(REF01)
    letter = message.letters[0]
    assert isinstance(letter, HospitalReferral) and letter.referral is not None
    letter.header.status = StatusCode.CORRECTED
    letter.referral.additional.append(Diagnosis("Hoste", "DR059", kind=DiagnosisKind.REFERRAL))
    letter.hospital_visitations.append(
        HospitalVisitation(InformationCode.TRIAGE, FormattedText.of(*["linje"] * 6))
    )
    paths = {path for _, path in _refusal(message)}
    assert paths == {
        "/Emessage/HospitalReferral/Letter/StatusCode",
        "/Emessage/HospitalReferral/Referral/ReferralAdditional[2]/DiagnoseDescriptionCode",
        "/Emessage/HospitalReferral/HospitalVisitation[1]/Information",
    }
    data, losses = write_interchange(message, allow_loss=True)
    assert len(losses) == 3
    assert b"GIS+N'" in data and b"FTX+VI" not in data and data.count(b"CIN+H+") == 1


def test_s12_packing_in_groups_of_ten_and_the_fifty_limit() -> None:
    message = _letter(REF01)
    letter = message.letters[0]
    assert isinstance(letter, HospitalReferral) and letter.relevant_clinical_information
    letter.relevant_clinical_information.examination = FormattedText.of(
        *[f"Fund {i}" for i in range(60)]
    )
    data, _ = write_interchange(message)
    assert data.count(b"S12+12'") == 2  # 1 IN + 1 NC + 12 examination FTX + 1 AL = 15 → 10 + 5
    back = _letter(data).letters[0]
    assert back.relevant_clinical_information.examination.plain().count("\n") == 60  # type: ignore[union-attr]
    letter.relevant_clinical_information.examination = FormattedText.of(
        *[f"Fund {i}" for i in range(300)]
    )
    assert _refusal(message) == [
        ("convert.unmapped", "/Emessage/HospitalReferral/RelevantClinicalInformation")
    ]
    data, findings = write_interchange(message, allow_nonstandard=True)
    assert [f.code for f in findings] == ["convert.nonstandard"]
    assert data.count(b"S12+12'") == 7


def test_more_than_nine_clinical_ftx() -> None:
    message = _letter(DIS01)
    message.letters[0].clinical_information[0].text = FormattedText.of(  # type: ignore[union-attr]
        *[f"Linje {i}" for i in range(50)]
    )
    ((code, path),) = _refusal(message)
    assert (code, path) == (
        "convert.unmapped",
        "/Emessage/DischargeLetter/ClinicalInformation[1]/Text01",
    )
    data, notes = write_interchange(message, allow_nonstandard=True)
    assert [f.code for f in notes] == ["convert.nonstandard"]
    back, read_findings = read_interchange(data)
    assert "edifact.mapping.too-many" in [f.code for f in read_findings]
    assert write_interchange(back)[0] == data  # provenance: the unchanged text is no loss


def test_different_eans_and_care_plans_cannot_share_an_interchange() -> None:
    message = _letter(DIS01)
    other = copy.deepcopy(message.letters[0])
    other.sender.ean = "5790000123452"
    message.letters.append(other)
    ((code, path),) = _refusal(message)
    assert (
        code == "convert.unmapped"
        and path is not None
        and path.endswith("[2]/Sender/EANIdentifier")
    )
    data, losses = write_interchange(message, allow_loss=True)
    assert data.count(b"UNH+") == 1 and len(losses) == 1
    plan_message = _letter(DIS01)
    plan_message.letters.append(CarePlan.__new__(CarePlan))
    assert _refusal(plan_message)[0][0] == "convert.unmapped"


def test_ten_references_use_a_second_s14() -> None:
    message = _letter(DIS01)
    message.letters[0].references = [Reference(f"Bilag {i}", supplementary=True) for i in range(10)]
    data, _ = write_interchange(message)
    text = data.replace(b"\n", b"").decode("latin-1")
    assert text.count("S14+14'FTX+SUP") == 2
    assert len(_letter(data).letters[0].references) == 10
