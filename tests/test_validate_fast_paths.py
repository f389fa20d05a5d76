"""The quick forms of the identifier and rule checks give exactly what the plain forms give.

Performance issue #6, second round: the GS1 and modulus-11 digit sums are computed with ``map``
over slices instead of generator expressions; each is checked here against the straightforward
formula from the spec (identifiers §3.1 and §3.3) written out digit by digit. The semantic rules
join element paths only when they add a finding; blanking each text element of a fixture in turn
checks those paths against the element's path computed by lxml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fixture_cases import valid_fixtures
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import medbridge
from medbridge.validation import identifiers
from medbridge.validation.identifiers import gln_check_digit
from medbridge.xml.parse import parse_xml
from medbridge.xml.paths import element_path, local_name

_PATH_FIXTURES = ("apopleksi.xml", "hoste.xml", "hlr-smitte.xml")


def _reference_gln_check_digit(body12: str) -> int:
    """GS1: weights 3, 1, 3, … from the rightmost body digit; check digit tops up to a ten."""
    total = 0
    for position, digit in enumerate(reversed(body12)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def _reference_mod11_ok(cpr: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(int(cpr[i]) * weights[i] for i in range(10)) % 11 == 0


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_gln_check_digit_matches_the_gs1_formula(body: str) -> None:
    assert gln_check_digit(body) == _reference_gln_check_digit(body)


def test_gln_check_digit_of_known_numbers() -> None:
    # GS1's own example body and a fictional Danish one, digit computed by hand.
    assert gln_check_digit("629104150021") == 3
    assert gln_check_digit("579000000000") == _reference_gln_check_digit("579000000000")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_mod11_matches_the_weighted_sum(cpr: str) -> None:
    assert identifiers._mod11_ok(cpr) == _reference_mod11_ok(cpr)


def test_mod11_known_numbers() -> None:
    assert identifiers._mod11_ok("0707614285")  # weighted sum 154 = 14 × 11
    assert not identifiers._mod11_ok("0707614286")


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
