"""Whole numbers in untrusted text, read without handing ``int()`` an unbounded digit string.

Python's ``int(str)`` costs time quadratic in the number of digits and, above 4300 digits, raises
a bare ``ValueError`` (CPython's ``sys.get_int_max_str_digits()``). Every count, size or other
number medbridge takes from an input (EDIFACT UNT/UNZ counts, a binary attachment's original size
in FTX or XML) therefore goes through :func:`parse_natural`, which looks at the digits as text
first: anything that is not ASCII digits, or has more than :data:`MAX_DIGITS` significant digits,
is simply "not such a number" and the caller reports a located finding. :func:`states_count`
compares a stated count with a known one without converting the text at all.

>>> parse_natural("0047"), parse_natural("4.7"), parse_natural("9" * 5000)
(47, None, None)
>>> states_count("0" * 5000 + "47", 47), states_count("9" * 5000, 47)
(True, False)
"""

from __future__ import annotations

import re

__all__ = ["MAX_DIGITS", "MAX_NATURAL", "parse_natural", "states_count"]

MAX_DIGITS = 18
"""Significant digits a number read from an input may have (leading zeros aside): 10**18 bytes
is an exabyte, far beyond any count or size a letter can state."""

MAX_NATURAL = 10**MAX_DIGITS - 1
"""The largest number :func:`parse_natural` returns and the writers write."""

_DIGITS = re.compile("[0-9]+")


def parse_natural(text: str, *, plus: bool = False) -> int | None:
    """The value of ``text`` when it is ASCII digits (with ``plus``, after an optional ``+``)
    with at most :data:`MAX_DIGITS` significant digits; otherwise ``None``. Never raises."""
    if plus and text.startswith("+"):
        text = text[1:]
    if _DIGITS.fullmatch(text) is None:
        return None
    significant = text.lstrip("0")
    if len(significant) > MAX_DIGITS:
        return None
    return int(significant or "0")


def states_count(text: str, count: int) -> bool:
    """True when ``text`` is ASCII digits naming ``count`` (leading zeros allowed)."""
    return _DIGITS.fullmatch(text) is not None and (text.lstrip("0") or "0") == str(count)
