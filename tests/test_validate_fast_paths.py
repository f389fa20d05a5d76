"""The quick forms of the identifier and rule checks give exactly what the plain forms give.

Performance issue #6, second round: the GS1 and modulus-11 digit sums are computed with ``map``
over slices instead of generator expressions; each is checked here against the straightforward
formula from the spec (identifiers §3.1 and §3.3) written out digit by digit.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medbridge.validate import identifiers
from medbridge.validate.identifiers import gln_check_digit

_digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


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
