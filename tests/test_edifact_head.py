"""EDIFACT detection reads only the head of an interchange, up to its first UNH."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from edifact_examples import DIS01_LINES

import medbridge
from medbridge.edifact import iter_segments
from medbridge.edifact.head import head_end
from medbridge.errors import EdifactInputError
from medbridge.limits import Limits
from medbridge.registry import Detection

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EDI_FIXTURES = sorted(FIXTURES.rglob("*.edi"))
EXAMPLE = "\n".join(DIS01_LINES).encode("iso-8859-1")


def _big(messages: int, tail: bytes = b"") -> bytes:
    """The §6.5 example with its message repeated; ``tail`` replaces the final UNZ."""
    una, unb, *body, _unz = DIS01_LINES
    lines = [una, unb, *body * messages]
    return "\n".join(lines).encode("iso-8859-1") + b"\n" + (tail or f"UNZ+{messages}+E'".encode())


def _first_unh_by_full_tokenizing(data: bytes) -> tuple[tuple[tuple[str, ...], ...], int] | None:
    try:
        for segment in iter_segments(data):
            if segment.tag == "UNH":
                return segment.elements, segment.offset
    except EdifactInputError:
        return None
    return None


@pytest.mark.parametrize("path", EDI_FIXTURES, ids=lambda p: p.name)
def test_the_head_ends_with_the_first_unh_the_tokenizer_sees(path: Path) -> None:
    data = path.read_bytes()
    end = head_end(data)
    segments = list(iter_segments(data[:end]))
    assert segments[-1].tag == "UNH" and data[end - 1 : end] == b"'"
    first = _first_unh_by_full_tokenizing(data)
    assert first == (segments[-1].elements, segments[-1].offset)


def test_release_characters_are_respected() -> None:
    # An escaped terminator followed by "UNH+" inside UNB's data is not a segment start; a
    # released release character before a terminator leaves that terminator in force.
    unb = "UNB+UNOC:3+5799999000010:14+5799999000027:14+240305:1420+ENV?'UNH+X??'"
    data = "\n".join([DIS01_LINES[0], unb, *DIS01_LINES[2:]]).encode("iso-8859-1")
    end = head_end(data)
    assert data[:end].endswith(b"UNH+EPI0000042+MEDDIS:D:93A:UN:D0133L+DIS01'")
    other = data.replace(b"UNA:+.? '", b"UNA:+.! '").replace(b"?'UNH+X??'", b"!'UNH+X!!'")
    assert head_end(other) == end
    detected = medbridge.detect(other)
    assert (detected.kind, detected.version, detected.identifier) == (
        "epikrise",
        "D0133L",
        "EPI0000042",
    )


def test_without_unh_or_with_a_bad_una_the_head_is_everything() -> None:
    no_unh = "\n".join(DIS01_LINES[:2]).encode("iso-8859-1")
    assert head_end(no_unh) == len(no_unh)
    assert head_end(b"UNA:+") == 5
    assert head_end(b"") == 0
    # An overlong segment ends the head just past the limit, where the tokenizer stops.
    long = b"UNB+" + b"x" * 200
    assert head_end(long, Limits(max_segment_bytes=50)) == 51


def test_detection_never_reaches_the_tail() -> None:
    garbage = b"\x00\xff not EDIFACT at all " * 1000
    data = _big(2000, tail=garbage)
    assert len(data) > 2_000_000
    with pytest.raises(EdifactInputError):  # the tail is no EDIFACT
        list(iter_segments(b"UNB+UNOC:3'" + garbage))
    tracemalloc.start()
    try:
        detected = medbridge.detect(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert detected == Detection(
        format="edifact",
        kind="epikrise",
        version="D0133L",
        encoding="UNOC",
        identifier="EPI0000042",
    )
    # The whole-input tokenizer decodes and splits a 32 KiB window at least (~800 KB here).
    assert peak < 64 * 1024
