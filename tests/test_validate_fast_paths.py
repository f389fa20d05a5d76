"""The identifier digit checks and the quick forms of the rule checks give exactly what
python-stdnum and the plain forms give.

Verhoeff is python-stdnum's (a cold path). The GS1 check digit, modulus 11 and the CPR birth date
run per letter and keep quick forms of their own, because importing python-stdnum costs every
process about 15 ms (``stdnum.util`` imports ssl, pydoc and pkgutil), more than the redesign's speed
budget; python-stdnum (``ean.calc_check_digit``, ``dk.cpr.checksum``, ``dk.cpr.get_birth_date``)
is their reference here, as are the hand-written plain functions below (identifiers §3.1 and §3.3,
Verhoeff's dihedral-group tables), compared through the public ``check_*`` functions.
The semantic rules join element paths only when they add a finding; blanking each text element of a
fixture in turn checks those paths against the element's path computed by lxml.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fixture_cases import valid_fixtures
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import medbridge
from medbridge.findings import Location
from medbridge.validation.identifiers import (
    check_cpr,
    check_sor,
    cpr_birth_date,
    gln_check_digit,
    stdnum_cpr_birth_date,
    verhoeff_check_digit,
    verhoeff_valid,
)
from medbridge.xml.parse import parse_xml
from medbridge.xml.paths import element_path, local_name

_PATH_FIXTURES = ("apopleksi.xml", "hoste.xml", "hlr-smitte.xml")
_LOC = Location(path="/x")


def _reference_gln_check_digit(body12: str) -> int:
    """GS1: weights 3, 1, 3, … from the rightmost body digit; check digit tops up to a ten."""
    total = 0
    for position, digit in enumerate(reversed(body12)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def _reference_mod11_ok(cpr: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(int(cpr[i]) * weights[i] for i in range(10)) % 11 == 0


def _reference_cpr_birth_date(cpr: str) -> dt.date | None:
    """The CPR office's century table (§3.1) written out: digit 7 and YY give the century."""
    digit7, yy = int(cpr[6]), int(cpr[4:6])
    if digit7 <= 3:
        century = 1900
    elif digit7 in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    try:
        return dt.date(century + yy, int(cpr[2:4]), int(cpr[0:2]))
    except ValueError:
        return None


_VERHOEFF_MULTIPLY = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_PERMUTE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_VERHOEFF_INVERSE = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def _reference_verhoeff_check_digit(body: str) -> int:
    """Verhoeff in the dihedral group D5: multiply, permute by position (period 8), invert."""
    check = 0
    for position, digit in enumerate(reversed(body), start=1):
        check = _VERHOEFF_MULTIPLY[check][_VERHOEFF_PERMUTE[position % 8][int(digit)]]
    return _VERHOEFF_INVERSE[check]


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_gln_check_digit_matches_the_gs1_formula(body: str) -> None:
    from stdnum import ean

    assert gln_check_digit(body) == _reference_gln_check_digit(body)
    assert gln_check_digit(body) == int(ean.calc_check_digit(body))


def test_gln_check_digit_of_known_numbers() -> None:
    # GS1's own example body and a fictional Danish one, digit computed by hand.
    assert gln_check_digit("629104150021") == 3
    assert gln_check_digit("579000000000") == _reference_gln_check_digit("579000000000")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_cpr_birth_date_and_mod11_match_the_references(cpr: str) -> None:
    born = _reference_cpr_birth_date(cpr)
    assert cpr_birth_date(cpr) == born
    assert stdnum_cpr_birth_date(cpr) == born
    codes = [finding.code for finding in check_cpr(cpr, _LOC)]
    from stdnum.dk import cpr as stdnum_cpr

    assert _reference_mod11_ok(cpr) is (stdnum_cpr.checksum(cpr) == 0)
    if born is None:
        assert codes == ["id.cpr.date"]
    else:
        assert codes == ([] if _reference_mod11_ok(cpr) else ["id.cpr.mod11"])


@given(st.dates(), st.integers(0, 9999))
def test_cpr_of_every_real_date_matches_the_references(birth: dt.date, tail: int) -> None:
    cpr = f"{birth:%d%m%y}{tail:04d}"
    assert cpr_birth_date(cpr) == _reference_cpr_birth_date(cpr) == stdnum_cpr_birth_date(cpr)
    assert (not check_cpr(cpr, _LOC)) is _reference_mod11_ok(cpr)


def test_mod11_known_numbers() -> None:
    assert check_cpr("0707614285", _LOC) == []  # weighted sum 154 = 14 × 11
    assert [f.code for f in check_cpr("0707614286", _LOC)] == ["id.cpr.mod11"]


@given(st.text(alphabet="0123456789", min_size=1, max_size=19))
def test_verhoeff_matches_the_reference(body: str) -> None:
    digit = _reference_verhoeff_check_digit(body)
    assert verhoeff_check_digit(body) == digit
    for last in range(10):
        assert verhoeff_valid(body + str(last)) is (last == digit)
    if 10 <= len(body) <= 17:
        sor = body + str((digit + 1) % 10)
        assert [f.code for f in check_sor(sor, _LOC, check_digit=True)] == ["id.sor.check-digit"]


# ---------------------------------------------------------------------------------------------
# rule paths: joined from pieces only when a finding is added


def _text_leaves(root: Any) -> list[Any]:
    """Every text-only element of the letters (not the envelope, not Local_Elements content)."""
    out = []
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element) or not (element.text or "").strip():
            continue
        names = {local_name(a) for a in element.iterancestors()}
        if "Envelope" in names or "Local_Elements" in names:
            continue
        out.append(element)
    return out


@pytest.mark.parametrize(
    "path", [p for p in valid_fixtures() if p.name in _PATH_FIXTURES], ids=lambda p: p.name
)
def test_blank_value_findings_carry_the_blanked_elements_path(path: Path) -> None:
    """Blank each text element in turn: every ``rule.value.blank`` finding is located at exactly
    that element's path, as lxml computes it from the tree."""
    data = path.read_bytes()
    root = parse_xml(data).root
    located = 0
    for index in range(len(_text_leaves(root))):
        copy = parse_xml(data).root
        element = _text_leaves(copy)[index]
        element.text = "  "
        report = medbridge.validate(etree.tostring(copy, xml_declaration=True, encoding="UTF-8"))
        blank = [f for f in report.findings if f.code == "rule.value.blank"]
        assert [f.location.path for f in blank] in ([], [element_path(element)])
        located += len(blank)
    assert located >= 20  # most free-text elements accept blanks in the schema
