"""Danish identifier checks: CPR, replacement CPR (eCPR), GLN/EAN, SOR, ydernummer, SKS department
code and kommunenummer (``safety-and-validation.md`` §3).

Each ``check_*`` function takes the value exactly as received and the :class:`Location` where it
sits, and returns findings (an empty list when the value is fine). Nothing here repairs a value:
a hyphenated CPR in a message field is an error, never silently normalised. The type of an
identifier comes from the field or code that carries it (``IdentifierCode``), never from its shape.

Digits are matched with ``[0-9]`` only: ``\\d`` and ``str.isdigit()`` accept non-ASCII digits
such as ``٣`` or ``３``. Messages never quote a patient identifier; organisation codes (GLN, SOR,
ydernummer) may appear in full (§4.3).
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from medbridge.findings import Finding, Location, Severity
from medbridge.model.codes import IdentifierCode
from medbridge.model.common import PatientId, PatientIdKind

__all__ = [
    "check_born_by",
    "check_cpr",
    "check_ecpr",
    "check_gln",
    "check_kommunenummer",
    "check_party_identifier",
    "check_patient_identifier",
    "check_sks_department",
    "check_sor",
    "check_ydernummer",
    "cpr_birth_date",
    "ecpr_birth_date",
    "ecpr_is_national",
    "gln_check_digit",
    "parse_cpr",
    "stdnum_cpr_birth_date",
    "verhoeff_check_digit",
    "verhoeff_valid",
]

_CPR = re.compile(r"[0-9]{10}")
_CPR_HUMAN = re.compile(r"([0-9]{6})-?([0-9]{4})")
_ECPR_SHAPE = re.compile(r"[0-9]{6}[0-9][A-Z]{2}[0-9]")
_GLN = re.compile(r"[0-9]{13}")
_GLN_BODY = re.compile(r"[0-9]{12}")
_SOR = re.compile(r"[0-9]{11,18}")
_YDERNUMMER = re.compile(r"[0-9]{6}")
_SKS_DEPARTMENT = re.compile(r"[0-9A-Z]{4,7}")
_KOMMUNENUMMER = re.compile(r"[0-9]{3}")

#: GS1 Denmark's prefix; other prefixes are legal but unusual in MedCom traffic.
_DANISH_GLN_PREFIX = "57"
#: eCPR century digit → century (1800, 1900 or 2000); national X-eCPR uses 1 and 7.
_ECPR_CENTURY = {"0": 1900, "1": 1900, "5": 1800, "6": 2000, "7": 2000}
_ECPR_NATIONAL = frozenset({"1", "7"})


def _cpr_century(digit7: int, yy: int) -> int:
    """The century of a CPR birth year from digit 7 and YY (the CPR office's table, §3.1)."""
    if digit7 <= 3:
        return 1900
    if digit7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5, 6, 7, 8
    if yy <= 57:
        return 2000
    return 1800


def _real_date(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def cpr_birth_date(cpr: str) -> _dt.date | None:
    """The birth date encoded in a 10-digit CPR number, or None when it is not a real date.

    The century comes from digit 7 and the two-digit year (§3.1). Returns None as well when
    ``cpr`` is not exactly 10 ASCII digits.

    Speed: the century table is applied here directly. The plain reference is
    :func:`stdnum_cpr_birth_date` (python-stdnum's ``get_birth_date``), which cleans the number
    character by character first and costs three times as much; this runs several times per
    letter. The tests compare the two on every 10-digit string.
    """
    if not _CPR.fullmatch(cpr):
        return None
    day, month, yy = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6])
    return _real_date(_cpr_century(int(cpr[6]), yy) + yy, month, day)


def stdnum_cpr_birth_date(cpr: str) -> _dt.date | None:
    """:func:`cpr_birth_date` by python-stdnum (the reference for the quick form)."""
    if not _CPR.fullmatch(cpr):
        return None
    from stdnum.dk import cpr as stdnum_cpr
    from stdnum.exceptions import InvalidComponent

    try:
        return stdnum_cpr.get_birth_date(cpr)
    except InvalidComponent:
        return None


_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _mod11_ok(cpr: str) -> bool:
    """The CPR modulus-11 check (weights 4 3 2 7 6 5 4 3 2 1); python-stdnum's
    ``stdnum.dk.cpr.checksum`` is its reference in the tests."""
    # map() over the digits instead of a generator expression: the same sum, computed in C
    # (this runs for every CPR in every letter).
    total: int = sum(map(operator.mul, map(int, cpr), _MOD11_WEIGHTS))
    return total % 11 == 0


def ecpr_birth_date(ecpr: str) -> _dt.date | None:
    """The (birth or creation) date of a well-formed eCPR, or None when it is not a real date or
    the value is not eCPR-shaped."""
    if not _ECPR_SHAPE.fullmatch(ecpr) or ecpr[6] not in _ECPR_CENTURY:
        return None
    day, month, yy = int(ecpr[0:2]), int(ecpr[2:4]), int(ecpr[4:6])
    return _real_date(_ECPR_CENTURY[ecpr[6]] + yy, month, day)


def ecpr_is_national(ecpr: str) -> bool | None:
    """True for a national X-eCPR (century digit 1 or 7), False for a decentral D-eCPR (0, 5, 6),
    None when the value is not a well-formed eCPR."""
    if not _ECPR_SHAPE.fullmatch(ecpr) or ecpr[6] not in _ECPR_CENTURY:
        return None
    return ecpr[6] in _ECPR_NATIONAL


def parse_cpr(text: str) -> str:
    """Turn a CPR number typed by a person (``DDMMYY-SSSS`` or ``DDMMYYSSSS``, surrounding
    blanks allowed) into the 10 digits a message field needs.

    Only for human input (command-line arguments, search boxes): message values are never
    normalised. Checks the shape only; run :func:`check_cpr` on the result for date and modulus 11.
    Raises ``ValueError`` when the text is not such a number — a caller's bad input, not a finding;
    the error message never repeats the text.
    """
    match = _CPR_HUMAN.fullmatch(text.strip())
    if match is None:
        raise ValueError("not a CPR number: expected DDMMYY-SSSS or DDMMYYSSSS (ASCII digits)")
    return match.group(1) + match.group(2)


def _describe_shape(value: str) -> str:
    """What is wrong with a would-be digit string, without quoting it (it may be a CPR)."""
    if "-" in value:
        return "it contains a hyphen"
    if value != value.strip() or " " in value:
        return "it contains spaces"
    if any(not ("0" <= ch <= "9") for ch in value):
        return "it contains characters other than the ASCII digits 0-9"
    return f"it has {len(value)} digits"


def check_cpr(value: str, location: Location) -> list[Finding]:
    """Check a CPR number (personnummer) in a message field (§3.1).

    ``id.cpr.format`` (error) unless exactly 10 ASCII digits; ``id.cpr.date`` (error) unless
    DDMMYY is a real date in the century given by digit 7; ``id.cpr.mod11`` (warning) when the
    modulus-11 check fails, which numbers issued since October 2007 may legitimately do.
    """
    if not _CPR.fullmatch(value):
        hint = " Write it without a hyphen (DDMMYYSSSS)." if "-" in value else ""
        return [
            Finding(
                "id.cpr.format",
                Severity.ERROR,
                "A CPR number must be exactly 10 ASCII digits (DDMMYYSSSS), but "
                f"{_describe_shape(value)}.{hint}",
                location,
            )
        ]
    if cpr_birth_date(value) is None:
        day = int(value[0:2])
        if 61 <= day <= 91:
            reason = (
                f"day {day:02d} is not a calendar day; days 61-91 mark the CPR office's "
                "all-digit replacement numbers for systems outside health care, which are not "
                "allowed in MedCom messages (use the patient's CPR number or a replacement CPR "
                "from the national eCPR service)"
            )
        else:
            century = _cpr_century(int(value[6]), int(value[4:6]))
            reason = (
                f"its first six digits are not a real date DDMMYY in the {century}s "
                "(the century follows from digit 7 and the year)"
            )
        return [Finding("id.cpr.date", Severity.ERROR, f"Invalid CPR number: {reason}.", location)]
    if not _mod11_ok(value):
        return [
            Finding(
                "id.cpr.mod11",
                Severity.WARNING,
                "The CPR number fails the modulus-11 check; the CPR office has issued numbers "
                "without it since October 2007, so it is accepted, but check it against the "
                "patient's record.",
                location,
            )
        ]
    return []


def check_born_by(
    value: str, letter_date: _dt.date, what: str, location: Location
) -> list[Finding]:
    """A CPR number whose birth date lies after ``letter_date`` (the letter's own date, named
    ``what``): ``id.cpr.born-after-letter`` (warning). Judged against the message, never the
    clock; nothing when the value is not a CPR with a real date (``check_cpr`` reports that).
    Usually digit 7 is wrong, since it decides the century (``010130-4…`` is 2030, not 1930).
    """
    born = cpr_birth_date(value)
    if born is None or born <= letter_date:
        return []
    return [
        Finding(
            "id.cpr.born-after-letter",
            Severity.WARNING,
            f"The CPR number gives a birth date after the letter's {what} "
            f"({letter_date.isoformat()}); nobody is born after a letter about them is written. "
            "Check the number, digit 7 in particular (it decides the century).",
            location,
        )
    ]


def check_ecpr(value: str, location: Location) -> list[Finding]:
    """Check a replacement CPR (erstatnings-CPR, eCPR) such as an XML ``AlternativeIdentifier``
    (§3.2): ``DDMMYY C L L G`` with C in {0, 1, 5, 6, 7}, two upper-case letters and a digit.

    ``id.ecpr.format``, ``id.ecpr.century`` and ``id.ecpr.date``, all errors. Lower case is not
    upper-cased for the sender, and modulus 11 never runs on an eCPR.
    """
    if not _ECPR_SHAPE.fullmatch(value):
        lower = len(value) == 10 and any("a" <= ch <= "z" for ch in value[7:9])
        detail = (
            "its letters (characters 8-9) must be upper case A-Z"
            if lower
            else "it must be 6 digits, a century digit, two letters A-Z and a digit (DDMMYYCLLG)"
        )
        return [
            Finding(
                "id.ecpr.format",
                Severity.ERROR,
                f"Invalid replacement CPR (eCPR): {detail}.",
                location,
            )
        ]
    if value[6] not in _ECPR_CENTURY:
        return [
            Finding(
                "id.ecpr.century",
                Severity.ERROR,
                f"Invalid replacement CPR (eCPR): century digit {value[6]} is not one of 0, 1, 5, "
                "6 or 7 (national eCPR uses 1 for 1900-1999 and 7 for 2000-2099).",
                location,
            )
        ]
    if ecpr_birth_date(value) is None:
        century = _ECPR_CENTURY[value[6]]
        return [
            Finding(
                "id.ecpr.date",
                Severity.ERROR,
                "Invalid replacement CPR (eCPR): its first six digits are not a real date DDMMYY "
                f"in the {century}s given by century digit {value[6]}.",
                location,
            )
        ]
    return []


def gln_check_digit(body12: str) -> int:
    """The GS1 mod-10 check digit for the first 12 digits of a GLN (weights 3, 1, 3, … from the
    rightmost body digit).

    Raises ``ValueError`` when ``body12`` is not exactly 12 ASCII digits (a caller's bug).
    """
    if not _GLN_BODY.fullmatch(body12):
        raise ValueError("a GLN body is exactly 12 ASCII digits")
    total = 3 * sum(map(int, body12[1::2])) + sum(map(int, body12[0::2]))
    return -total % 10


def check_gln(value: str, location: Location) -> list[Finding]:
    """Check a GLN / EAN location number (lokationsnummer, §3.3).

    ``id.gln.format`` (error) unless 13 ASCII digits; ``id.gln.check-digit`` (error, naming the
    expected digit) on a wrong GS1 check digit; ``id.gln.foreign-prefix`` (info) when the number
    does not start with GS1 Denmark's ``57``.
    """
    if not _GLN.fullmatch(value):
        return [
            Finding(
                "id.gln.format",
                Severity.ERROR,
                f"A GLN (EAN location number) must be exactly 13 ASCII digits, but "
                f"{_describe_shape(value)}.",
                location,
                excerpt=value,
            )
        ]
    findings: list[Finding] = []
    expected = gln_check_digit(value[:12])
    if int(value[12]) != expected:
        findings.append(
            Finding(
                "id.gln.check-digit",
                Severity.ERROR,
                f"GLN {value} has check digit {value[12]}, but the GS1 check digit of its first "
                f"12 digits is {expected}; the number is mistyped.",
                location,
                excerpt=value,
            )
        )
    if not value.startswith(_DANISH_GLN_PREFIX):
        findings.append(
            Finding(
                "id.gln.foreign-prefix",
                Severity.INFO,
                f"GLN {value} does not start with GS1 Denmark's prefix 57; that is legal but "
                "unusual for a Danish health-care party.",
                location,
                excerpt=value,
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class _Format:
    """A party identifier's shape: ``code`` (error) unless ``pattern`` matches all of the value,
    with the message "``what``, but" what ``describe`` finds wrong with it."""

    pattern: re.Pattern[str]
    code: str
    what: str
    describe: Callable[[str], str] = _describe_shape

    def check(self, value: str, location: Location) -> list[Finding]:
        if self.pattern.fullmatch(value):
            return []
        message = f"{self.what}, but {self.describe(value)}."
        return [Finding(self.code, Severity.ERROR, message, location, excerpt=value)]


def _describe_sks(value: str) -> str:
    if not 4 <= len(value) <= 7:
        return f"it has {len(value)} characters"
    return "it contains other characters (lower case, spaces or punctuation)"


_SOR_FORMAT = _Format(_SOR, "id.sor.format", "A SOR code must be 11 to 18 ASCII digits")
_YDERNUMMER_FORMAT = _Format(
    _YDERNUMMER,
    "id.ydernummer.format",
    "A ydernummer (provider number) must be exactly 6 ASCII digits",
)
_SKS_DEPARTMENT_FORMAT = _Format(
    _SKS_DEPARTMENT,
    "id.sks-department.format",
    "An SKS department code (sygehusafdelingsnummer) must be 4 to 7 characters, each a "
    "digit or an upper-case letter A-Z",
    _describe_sks,
)
_KOMMUNENUMMER_FORMAT = _Format(
    _KOMMUNENUMMER,
    "id.kommunenummer.format",
    "A kommunenummer (municipality code) must be exactly 3 ASCII digits",
)


def check_sor(value: str, location: Location, *, check_digit: bool = False) -> list[Finding]:
    """``id.sor.format`` (error) unless 11 to 18 ASCII digits (§3.4). No existence lookup.

    SOR ids are believed, unverified, to use the SNOMED CT identifier layout whose last digit is a
    Verhoeff check digit. Only with ``check_digit=True`` is that tested, and a mismatch is at
    most the warning ``id.sor.check-digit``; the validator never turns it on by itself.
    """
    findings = _SOR_FORMAT.check(value, location)
    if check_digit and not findings and not verhoeff_valid(value):
        findings.append(
            Finding(
                "id.sor.check-digit",
                Severity.WARNING,
                f"SOR code {value} fails the Verhoeff check digit of the SNOMED CT identifier "
                "layout that SOR ids are believed to use; check it against the SOR register.",
                location,
                excerpt=value,
            )
        )
    return findings


def verhoeff_check_digit(body: str) -> int:
    """The Verhoeff check digit to append to the ASCII digits ``body`` (python-stdnum; imported
    here, on the cold path: only ``check_sor(..., check_digit=True)`` asks for it)."""
    from stdnum import verhoeff

    return int(verhoeff.calc_check_digit(body))


def verhoeff_valid(value: str) -> bool:
    """True when the last of the ASCII digits ``value`` is the Verhoeff check digit of the rest."""
    from stdnum import verhoeff

    return len(value) > 1 and verhoeff.checksum(value) == 0


def check_ydernummer(value: str, location: Location) -> list[Finding]:
    """``id.ydernummer.format`` (error) unless exactly 6 ASCII digits (§3.5)."""
    return _YDERNUMMER_FORMAT.check(value, location)


def check_sks_department(value: str, location: Location) -> list[Finding]:
    """``id.sks-department.format`` (error) unless 4 to 7 characters 0-9 or A-Z (§3.5)."""
    return _SKS_DEPARTMENT_FORMAT.check(value, location)


def check_kommunenummer(value: str, location: Location) -> list[Finding]:
    """``id.kommunenummer.format`` (error) unless exactly 3 ASCII digits (§3.5)."""
    return _KOMMUNENUMMER_FORMAT.check(value, location)


def check_party_identifier(
    value: str, identifier_code: IdentifierCode | str | None, location: Location
) -> list[Finding]:
    """Check a party ``Identifier`` according to its ``IdentifierCode``.

    An unknown or missing code gives no finding here (there is nothing to check against); the
    semantic rules report the code itself.
    """
    code: IdentifierCode | None
    if isinstance(identifier_code, IdentifierCode):
        code = identifier_code
    elif identifier_code in _CODE_VALUES:
        code = IdentifierCode(identifier_code)
    else:
        code = None
    check = _CHECKS.get(code) if code is not None else None
    return check(value, location) if check is not None else []


_CODE_VALUES = frozenset(member.value for member in IdentifierCode)
#: The check of each IdentifierCode.
_CHECKS: dict[IdentifierCode, Callable[[str, Location], list[Finding]]] = {
    IdentifierCode.GLN: check_gln,
    IdentifierCode.SOR: check_sor,
    IdentifierCode.YDERNUMMER: check_ydernummer,
    IdentifierCode.SKS_DEPARTMENT: check_sks_department,
    IdentifierCode.KOMMUNENUMMER: check_kommunenummer,
}


def check_patient_identifier(patient_id: PatientId, location: Location) -> list[Finding]:
    """A CPR number (``CivilRegistrationNumber``) or a replacement CPR (``AlternativeIdentifier``,
    which MedCom requires to be a valid eCPR since 2022)."""
    if patient_id.kind == PatientIdKind.ALTERNATIVE:
        return check_ecpr(patient_id.value, location)
    return check_cpr(patient_id.value, location)
