"""Danish identifier checks (safety-and-validation.md §3): every vector of the spec, the CPR
century table as a property, and the health-data rule that findings never quote a CPR."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medbridge.findings import Finding, Location, Severity
from medbridge.model.codes import IdentifierCode
from medbridge.model.common import PatientId
from medbridge.validation.identifiers import (
    check_cpr,
    check_ecpr,
    check_gln,
    check_kommunenummer,
    check_party_identifier,
    check_patient_identifier,
    check_sks_department,
    check_sor,
    check_ydernummer,
    cpr_birth_date,
    ecpr_birth_date,
    ecpr_is_national,
    gln_check_digit,
    parse_cpr,
    verhoeff_check_digit,
    verhoeff_valid,
)

LOC = Location(path="/Emessage/DischargeLetter/Patient/CivilRegistrationNumber")


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- CPR ------------------------------------------------------------------------------------


def test_cpr_valid_passes_everything() -> None:
    assert check_cpr("0707614285", LOC) == []
    assert cpr_birth_date("0707614285") == dt.date(1961, 7, 7)


def test_cpr_mod11_failure_is_only_a_warning() -> None:
    findings = check_cpr("0101651234", LOC)
    assert codes(findings) == ["id.cpr.mod11"]
    assert findings[0].severity is Severity.WARNING
    assert findings[0].location == LOC
    assert cpr_birth_date("0101651234") == dt.date(1965, 1, 1)


@pytest.mark.parametrize("value", ["3213651234", "2902011234", "0013651234", "3104651234"])
def test_cpr_impossible_date(value: str) -> None:
    findings = check_cpr(value, LOC)
    assert codes(findings) == ["id.cpr.date"]
    assert findings[0].severity is Severity.ERROR
    assert cpr_birth_date(value) is None


def test_cpr_29_february_depends_on_the_century() -> None:
    # digit 7 = 1 → 1901 (no leap day); digit 7 = 4 with YY 00 → 2000 (leap year)
    assert codes(check_cpr("2902011234", LOC)) == ["id.cpr.date"]
    assert cpr_birth_date("2902004000") == dt.date(2000, 2, 29)
    assert "id.cpr.date" not in codes(check_cpr("2902004000", LOC))


def test_cpr_replacement_number_days_are_explained() -> None:
    findings = check_cpr("6707614285", LOC)
    assert codes(findings) == ["id.cpr.date"]
    assert "61-91" in findings[0].message
    assert "replacement" in findings[0].message


@pytest.mark.parametrize(
    "value",
    ["070761428", "07076142851", "07076142A5", "070761-4285", " 0707614285", "0707 614285", ""],
)
def test_cpr_format(value: str) -> None:
    findings = check_cpr(value, LOC)
    assert codes(findings) == ["id.cpr.format"]
    assert findings[0].severity is Severity.ERROR


def test_cpr_non_ascii_digits_are_not_digits() -> None:
    arabic_indic = "٠٧٠٧٦١٤٢٨٥"
    fullwidth = "０７０７６１４２８５"
    assert codes(check_cpr(arabic_indic, LOC)) == ["id.cpr.format"]
    assert codes(check_cpr(fullwidth, LOC)) == ["id.cpr.format"]
    assert cpr_birth_date(arabic_indic) is None


def test_cpr_hyphen_message_suggests_the_fix_and_masks() -> None:
    (finding,) = check_cpr("070761-4285", LOC)
    assert "hyphen" in finding.message
    assert "4285" not in finding.message


@pytest.mark.parametrize("value", ["0707614285", "0101651234", "3213651234", "6707614285"])
def test_cpr_findings_never_quote_the_number(value: str) -> None:
    for finding in check_cpr(value, LOC):
        assert value not in finding.message
        assert value[6:] not in finding.message
        assert finding.excerpt is None


def test_parse_cpr() -> None:
    assert parse_cpr("070761-4285") == "0707614285"
    assert parse_cpr("0707614285") == "0707614285"
    assert parse_cpr(" 070761-4285\n") == "0707614285"


@pytest.mark.parametrize(
    "text", ["07076-14285", "0707614-285", "070761 4285", "abc", "", "٠٧٠٧٦١-٤٢٨٥"]
)
def test_parse_cpr_rejects_with_value_error_without_quoting(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_cpr(text)
    if text.strip():
        assert text.strip() not in str(info.value)


CENTURY_TABLE = {
    # digit 7: ((YY range, century), ...)
    **dict.fromkeys((0, 1, 2, 3), ((range(0, 100), 1900),)),
    **dict.fromkeys((4, 9), ((range(0, 37), 2000), (range(37, 100), 1900))),
    **dict.fromkeys((5, 6, 7, 8), ((range(0, 58), 2000), (range(58, 100), 1800))),
}


def _century(digit7: int, yy: int) -> int:
    for years, century in CENTURY_TABLE[digit7]:
        if yy in years:
            return century
    raise AssertionError("table is complete")


@given(
    birth=st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2036, 12, 31)),
    digit7=st.integers(0, 9),
    tail=st.integers(0, 999),
)
def test_cpr_century_table(birth: dt.date, digit7: int, tail: int) -> None:
    yy = birth.year % 100
    if _century(digit7, yy) + yy != birth.year:
        return  # this digit 7 cannot encode that birth year
    cpr = f"{birth:%d%m}{yy:02d}{digit7}{tail:03d}"
    assert cpr_birth_date(cpr) == birth
    assert codes(check_cpr(cpr, LOC)) in ([], ["id.cpr.mod11"])


@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    yy=st.integers(0, 99),
    digit7=st.integers(0, 9),
    tail=st.integers(0, 999),
)
def test_cpr_date_finding_iff_not_a_real_date(
    day: int, month: int, yy: int, digit7: int, tail: int
) -> None:
    cpr = f"{day:02d}{month:02d}{yy:02d}{digit7}{tail:03d}"
    try:
        dt.date(_century(digit7, yy) + yy, month, day)
        real = True
    except ValueError:
        real = False
    assert ("id.cpr.date" in codes(check_cpr(cpr, LOC))) is (not real)


@given(st.text(max_size=14))
def test_cpr_any_text_gives_at_most_one_finding(value: str) -> None:
    findings = check_cpr(value, LOC)
    assert len(findings) <= 1
    for finding in findings:
        assert finding.code in {"id.cpr.format", "id.cpr.date", "id.cpr.mod11"}


# --- eCPR -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0203291WQ3", "1308781OS6", "3101057JC9"])
def test_ecpr_valid_national(value: str) -> None:
    assert check_ecpr(value, LOC) == []
    assert ecpr_is_national(value) is True


def test_ecpr_dates_and_kinds() -> None:
    assert ecpr_birth_date("0203291WQ3") == dt.date(1929, 3, 2)
    assert ecpr_birth_date("3101057JC9") == dt.date(2005, 1, 31)
    assert ecpr_birth_date("0101995AB2") == dt.date(1899, 1, 1)
    assert ecpr_is_national("0101996AB2") is False
    assert ecpr_is_national("0101990AB2") is False
    assert ecpr_is_national("0203291wq3") is None


def test_ecpr_lower_case_is_a_format_error() -> None:
    findings = check_ecpr("0203291wq3", LOC)
    assert codes(findings) == ["id.ecpr.format"]
    assert "upper case" in findings[0].message


def test_ecpr_bad_century_digit() -> None:
    findings = check_ecpr("0203292WQ3", LOC)
    assert codes(findings) == ["id.ecpr.century"]
    assert findings[0].severity is Severity.ERROR


@pytest.mark.parametrize("value", ["3102291WQ3", "2902011WQ3", "0013291WQ3"])
def test_ecpr_bad_date(value: str) -> None:
    assert codes(check_ecpr(value, LOC)) == ["id.ecpr.date"]


def test_ecpr_29_february_2000_is_real() -> None:
    assert check_ecpr("2902007AB1", LOC) == []


@pytest.mark.parametrize(
    "value", ["0707614285", "0203291WQ", "0203291WQ34", "0203291W13", "020329-WQ3", "0203291ÆØ3"]
)
def test_ecpr_format(value: str) -> None:
    assert codes(check_ecpr(value, LOC)) == ["id.ecpr.format"]


def test_ecpr_never_runs_mod11() -> None:
    # 0203291WQ3 has letters, so modulus 11 could not even be computed; a CPR-shaped value is a
    # format error, not a modulus warning
    assert "id.cpr.mod11" not in codes(check_ecpr("0101651234", LOC))


@given(
    birth=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    letters=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    last=st.integers(0, 9),
)
def test_ecpr_property(birth: dt.date, letters: str, last: int) -> None:
    century_digits = {1800: "5", 1900: "1", 2000: "7"}
    digit = century_digits[birth.year // 100 * 100]
    value = f"{birth:%d%m}{birth.year % 100:02d}{digit}{letters}{last}"
    assert check_ecpr(value, LOC) == []
    assert ecpr_birth_date(value) == birth


# --- GLN ------------------------------------------------------------------------------------


def test_gln_valid() -> None:
    assert check_gln("5790000123452", LOC) == []
    assert check_gln("5799999000010", LOC) == []
    assert check_gln("5799999000027", LOC) == []


def test_gln_bad_check_digit_names_the_expected_digit() -> None:
    findings = check_gln("5790000123456", LOC)
    assert codes(findings) == ["id.gln.check-digit"]
    assert findings[0].severity is Severity.ERROR
    assert "is 2" in findings[0].message
    assert findings[0].location == LOC


def test_gln_foreign_prefix_is_info_only() -> None:
    findings = check_gln("4012345000009", LOC)
    assert codes(findings) == ["id.gln.foreign-prefix"]
    assert findings[0].severity is Severity.INFO


@pytest.mark.parametrize(
    "value",
    ["579000012345", "57900001234520", "57900001234A2", "", "5790000 12345", "٥٧٩٠٠٠٠١٢٣٤٥٢"],
)
def test_gln_format(value: str) -> None:
    assert codes(check_gln(value, LOC)) == ["id.gln.format"]


def test_gln_check_digit_function() -> None:
    assert gln_check_digit("579000012345") == 2
    assert gln_check_digit("401234500000") == 9
    with pytest.raises(ValueError):
        gln_check_digit("57900001234")
    with pytest.raises(ValueError):
        gln_check_digit("57900001234A")


@given(st.text("0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_gln_exactly_one_check_digit_is_right(body: str, digit: int) -> None:
    value = body + str(digit)
    is_right = digit == gln_check_digit(body)
    assert ("id.gln.check-digit" not in codes(check_gln(value, LOC))) is is_right


# --- SOR, ydernummer, SKS, kommunenummer ----------------------------------------------------


def test_sor() -> None:
    assert codes(check_sor("12345", LOC)) == ["id.sor.format"]
    assert codes(check_sor("1234567890A12", LOC)) == ["id.sor.format"]
    assert check_sor("123456789012345", LOC) == []
    assert check_sor("12345678901", LOC) == []
    assert check_sor("123456789012345678", LOC) == []
    assert codes(check_sor("1234567890", LOC)) == ["id.sor.format"]
    assert codes(check_sor("1234567890123456789", LOC)) == ["id.sor.format"]


def test_sor_check_digit_is_off_by_default() -> None:
    # 123456789012345 fails Verhoeff (its check digit would be 2), yet passes by default.
    assert verhoeff_check_digit("12345678901234") == 2
    assert check_sor("123456789012345", LOC) == []
    found = check_sor("123456789012345", LOC, check_digit=True)
    assert codes(found) == ["id.sor.check-digit"]
    assert found[0].severity is Severity.WARNING
    assert check_sor("123456789012342", LOC, check_digit=True) == []
    # A format error is the one finding; the check digit is not tested on a malformed code.
    assert codes(check_sor("12345", LOC, check_digit=True)) == ["id.sor.format"]


def test_verhoeff_published_vectors() -> None:
    # Verhoeff's worked example (236 → 2363), the common 12345 → 1, and SNOMED CT concept ids,
    # whose last digit is a Verhoeff check digit.
    assert verhoeff_check_digit("236") == 3
    assert verhoeff_check_digit("12345") == 1
    for sctid in ("22298006", "404684003", "138875005"):
        assert verhoeff_valid(sctid)
    assert not verhoeff_valid("138875004")
    assert not verhoeff_valid("7")


@given(st.text("0123456789", min_size=10, max_size=17), st.integers(0, 9))
def test_verhoeff_exactly_one_check_digit_is_right(body: str, digit: int) -> None:
    assert verhoeff_valid(body + str(digit)) is (digit == verhoeff_check_digit(body))


@given(st.text("0123456789", min_size=11, max_size=18), st.integers(0, 16), st.integers(1, 9))
def test_verhoeff_catches_every_single_digit_error(value: str, where: int, shift: int) -> None:
    value = value[:-1] + str(verhoeff_check_digit(value[:-1]))
    where %= len(value)
    wrong = value[:where] + str((int(value[where]) + shift) % 10) + value[where + 1 :]
    assert verhoeff_valid(value)
    assert not verhoeff_valid(wrong)


def test_ydernummer() -> None:
    assert check_ydernummer("012345", LOC) == []
    for bad in ("12345", "1234567", "12345A", "12 345"):
        assert codes(check_ydernummer(bad, LOC)) == ["id.ydernummer.format"]


def test_sks_department() -> None:
    for good in ("1301011", "ABCD", "13A0", "1234567"):
        assert check_sks_department(good, LOC) == []
    for bad in ("123", "12345678", "13a0", "13-0", "13 01"):
        assert codes(check_sks_department(bad, LOC)) == ["id.sks-department.format"]


def test_kommunenummer() -> None:
    assert check_kommunenummer("101", LOC) == []
    for bad in ("1010", "10", "1O1", ""):
        assert codes(check_kommunenummer(bad, LOC)) == ["id.kommunenummer.format"]


@pytest.mark.parametrize(
    ("code", "good", "bad", "expected"),
    [
        (IdentifierCode.GLN, "5790000123452", "5790000123456", "id.gln.check-digit"),
        (IdentifierCode.SOR, "123456789012345", "12345", "id.sor.format"),
        (IdentifierCode.YDERNUMMER, "012345", "12345", "id.ydernummer.format"),
        (IdentifierCode.SKS_DEPARTMENT, "1301011", "13010111", "id.sks-department.format"),
        (IdentifierCode.KOMMUNENUMMER, "101", "1010", "id.kommunenummer.format"),
    ],
)
def test_party_identifier_dispatch(
    code: IdentifierCode, good: str, bad: str, expected: str
) -> None:
    assert check_party_identifier(good, code, LOC) == []
    assert codes(check_party_identifier(bad, code, LOC)) == [expected]
    # the plain wire string works the same as the enum member
    assert codes(check_party_identifier(bad, code.value, LOC)) == [expected]


def test_party_identifier_unknown_code_checks_nothing() -> None:
    assert check_party_identifier("anything", "frobnitz", LOC) == []
    assert check_party_identifier("anything", None, LOC) == []


def test_patient_identifier_dispatch() -> None:
    assert check_patient_identifier(PatientId.cpr("0707614285"), LOC) == []
    assert codes(check_patient_identifier(PatientId.cpr("0203291WQ3"), LOC)) == ["id.cpr.format"]
    assert check_patient_identifier(PatientId.alternative("0203291WQ3"), LOC) == []
    assert codes(check_patient_identifier(PatientId.alternative("0707614285"), LOC)) == [
        "id.ecpr.format"
    ]
