"""pydifact interop: our tokenizer agrees with pydifact 0.2.3's ``Parser().parse`` segment for
segment (after :meth:`Segment.to_pydifact`), on the examples of edifact-messages.md §6.5/§7.5 and
on generated interchanges full of service characters, æøå and empty components."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from edifact_examples import DIS01, REF01
from hypothesis import given
from hypothesis import strategies as st

from medbridge.edifact import Segment, encode_interchange, iter_segments
from medbridge.limits import Limits


def pydifact_parse(data: bytes) -> list[Any]:
    """pydifact's own parse of ISO 8859-1 bytes, its warnings kept local, UNA dropped."""
    from pydifact.parser import Parser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments = list(Parser().parse(data.decode("iso-8859-1")))
    return [s for s in segments if s.tag != "UNA"]


def ours(data: bytes) -> list[Any]:
    return [s.to_pydifact() for s in iter_segments(data, limits=Limits(max_segments=10**6))]


@pytest.mark.parametrize(
    "data", [DIS01, REF01, DIS01.replace(b"\n", b""), REF01.replace(b"\n", b"\r\n")]
)
def test_examples_equal_pydifact(data: bytes) -> None:
    expected = pydifact_parse(data)
    got = ours(data)
    assert len(got) == len(expected)
    assert got == expected
    # element by element too, so that a loose __eq__ could not hide a difference
    assert [(s.tag, s.elements) for s in got] == [(s.tag, s.elements) for s in expected]


def test_many_messages_equal_pydifact() -> None:
    head, rest = DIS01.split(b"\n", 2)[:2], DIS01.split(b"\n", 2)[2]
    message = rest.rsplit(b"UNZ", 1)[0]
    data = b"\n".join(head) + b"\n" + message * 60 + b"UNZ+60+ENV0000042'\n"
    assert ours(data) == pydifact_parse(data)


def test_to_pydifact_representation() -> None:
    segment = Segment(
        "NAD", (("PO",), ("999901", "YNR", "SFU"), ("",), ("a", "", ""), ("", "b"), ("", ""))
    )
    converted = segment.to_pydifact()
    assert converted.tag == "NAD"
    assert converted.elements == ["PO", ["999901", "YNR", "SFU"], "", "a", ["", "b"], ""]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Segment("FTX").to_pydifact().elements == []


_VALUE = st.text(alphabet="?:+' .aZ9æøåÆØÅ", max_size=6)
_TAG = st.sampled_from(["FTX", "NAD", "S01", "PNA", "CIN", "X9Z"])


@st.composite
def _interchange(draw: st.DrawFn) -> bytes:
    body = []
    for _ in range(draw(st.integers(0, 8))):
        elements = draw(
            st.lists(st.lists(_VALUE, min_size=1, max_size=4).map(tuple), min_size=1, max_size=5)
        )
        body.append(Segment(draw(_TAG), tuple(elements)))
    newline = draw(st.sampled_from(["", "\n", "\r\n"]))
    segments = [
        Segment(
            "UNB",
            (
                ("UNOC", "3"),
                ("5799999000010", "14"),
                ("5799999000027", "14"),
                ("240305", "1420"),
                ("R",),
            ),
        ),
        *body,
        Segment("UNZ", (("0",), ("R",))),
    ]
    return encode_interchange(segments, newline=newline, una=draw(st.booleans()))


@given(_interchange())
def test_generated_interchanges_equal_pydifact(data: bytes) -> None:
    assert ours(data) == pydifact_parse(data)
