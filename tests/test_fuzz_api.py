"""Fuzzing the public API (safety §5.5): for arbitrary bytes and mutated valid fixtures,
``read`` returns or raises ``InputError``, ``validate`` returns a ``Report``, ``convert`` returns or
raises ``InputError``/``ConversionError``. Any other exception, ``InternalError`` included, fails.

Run longer by hand with ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

from pathlib import Path

from edifact_examples import DIS01, REF01
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge import ConversionError, InputError, Report

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    (ROOT / "fixtures/valid/epikrise/pneumoni.xml").read_bytes(),
    (ROOT / "fixtures/valid/henvisning/hoste.xml").read_bytes(),
    (ROOT / "fixtures/valid/plejeforloebsplan/observed-layout.xml").read_bytes(),
    DIS01,
    REF01,
]
SEPARATORS = [b"'", b"+", b":", b"?", b"<", b">", b"&", b"\x00", b"\n", b"\xc3", b"\x80", b"]]>"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "truncate":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(SEPARATORS))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:
            end = min(len(data), at + draw(st.integers(1, 80)))
            data[at:at] = data[at:end]
    if draw(st.booleans()):
        data = bytearray(bytes(data).decode("iso-8859-1").encode("utf-8"))  # re-encoded text
    return bytes(data)


def _exercise(data: bytes) -> None:
    report = medbridge.validate(data)
    assert isinstance(report, Report)
    try:
        message = medbridge.read(data)
    except InputError as exc:
        assert exc.findings and any(f.is_error for f in exc.findings)
        assert not report.ok
        return
    assert report.ok or all(not f.is_error for f in report.findings) or message is not None
    for target in ("xml", "json", "edifact"):
        try:
            medbridge.convert(data, target)
        except (InputError, ConversionError) as exc:
            assert exc.findings


@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    _exercise(data)


@given(mutated())
def test_mutated_fixtures(data: bytes) -> None:
    _exercise(data)


def test_seeds_are_valid() -> None:
    for seed in SEEDS:
        assert medbridge.validate(seed).ok
