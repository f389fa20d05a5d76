"""Streaming EDIFACT (issue #6): ``iter_read`` of a file reads it a chunk at a time, and nothing
else changes. Whatever the chunk size, the tokenizer, ``iter_interchange`` and ``iter_read`` give
the same segments, messages, findings (codes, offsets, segment numbers, excerpts) and errors as
for the whole bytes: for every .edi fixture, for generated interchanges (release characters,
UTF-8 under UNOY, CR/LF layout, several messages, small limits), and for truncated and corrupted
inputs. The reader does not read ahead of the message it yields.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from edifact_examples import DIS01_LINES, REF01_LINES
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge.api import iter_read_path, iter_read_stream
from medbridge.codecs.edifact.codec import iter_interchange
from medbridge.edifact.syntax import Tokenizer
from medbridge.errors import EdifactInputError, InputError, MedbridgeError
from medbridge.findings import Finding
from medbridge.limits import DEFAULT_LIMITS, Limits
from medbridge.model.message import Message
from medbridge.registry import EDIFACT, sniff_format
from medbridge.source import load_bytes

ROOT = Path(__file__).resolve().parent.parent
EDI_FIXTURES = sorted((ROOT / "fixtures" / "valid").rglob("*.edi"))
CHUNK_SIZES = (1, 2, 7, 64)
NAME = "letter.edi"


def chunked(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# -- outcomes: everything observable, so that == compares all of it ---------------------------


def tokens(tokenizer: Tokenizer) -> tuple[Any, ...]:
    segments = []
    error: tuple[str, list[Finding]] | None = None
    try:
        for s in tokenizer:
            segments.append((s.tag, s.elements, s.number, s.offset, s.layout))
    except EdifactInputError as exc:
        error = (str(exc), exc.findings)
    header = (tokenizer.una, tokenizer.una_layout, tokenizer.chars, tokenizer.charset)
    return segments, error, list(tokenizer.findings), header, tokenizer.syntax_version


def interchange(data: bytes | Iterable[bytes], limits: Limits) -> tuple[Any, ...]:
    items = []
    error: tuple[str, list[Finding]] | None = None
    try:
        for message, findings in iter_interchange(data, limits=limits):
            items.append((message, message.wire, [letter.wire for letter in message.letters]))
            items.append(findings)
    except EdifactInputError as exc:
        error = (str(exc), exc.findings)
    return items, error


def messages(iterator: Iterator[Message]) -> tuple[Any, ...]:
    items = []
    error: tuple[type[MedbridgeError], list[Finding]] | None = None
    try:
        for message in iterator:
            items.append((message, message.wire, [letter.wire for letter in message.letters]))
    except MedbridgeError as exc:
        error = (type(exc), exc.findings)
    return items, error


def whole_with_file(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    """``iter_read`` of the whole bytes, findings located in ``NAME`` as a path's are: for the
    source checks and EDIFACT (XML and JSON from a path are read as bytes, without the name)."""
    items, error = messages(medbridge.iter_read(data, limits=limits))
    if error is not None and (sniff_format(data) == EDIFACT or not data.strip(b" \t\r\n")):
        kind, findings = error
        error = (kind, [f if f.location.file else f.with_file(NAME) for f in findings])
    return items, error


def assert_same_everywhere(data: bytes, limits: Limits, sizes: Iterable[int]) -> None:
    whole_tokens = tokens(Tokenizer(data, limits=limits))
    whole_items = interchange(data, limits)
    whole_read = whole_with_file(data, limits)
    for size in sizes:
        assert tokens(Tokenizer.from_chunks(chunked(data, size), limits=limits)) == whole_tokens
        assert interchange(chunked(data, size), limits) == whole_items
        streamed = iter_read_stream(
            io.BytesIO(data), NAME, limits, False, chunk_size=size, again=lambda: (data,)
        )
        assert messages(streamed) == whole_read


# -- fixtures ---------------------------------------------------------------------------------


def test_there_are_edi_fixtures() -> None:
    assert len(EDI_FIXTURES) >= 10


@pytest.mark.parametrize("path", EDI_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("size", CHUNK_SIZES)
def test_fixture_streams_like_whole(
    path: Path, size: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    Path(NAME).write_bytes(data)
    expected = whole_with_file(data)
    assert expected[1] is None and len(expected[0]) >= 1  # the fixtures are valid
    streamed = messages(iter_read_path(Path(NAME), DEFAULT_LIMITS, False, chunk_size=size))
    assert streamed == expected
    assert messages(medbridge.iter_read(Path(NAME))) == expected  # the public path, 1 MiB reads
    assert interchange(chunked(data, size), DEFAULT_LIMITS) == interchange(data, DEFAULT_LIMITS)


@pytest.mark.parametrize("path", EDI_FIXTURES[:4], ids=lambda p: p.name)
def test_truncated_fixture_fails_alike(path: Path) -> None:
    data = path.read_bytes()
    cuts = sorted({1, 5, 9, 10, 40, len(data) // 3, len(data) // 2, len(data) - 2, len(data) - 1})
    for cut in cuts:
        assert_same_everywhere(data[:cut], DEFAULT_LIMITS, CHUNK_SIZES)


def test_truncated_file_raises_the_same_located_error(tmp_path: Path) -> None:
    data = EDI_FIXTURES[0].read_bytes()
    path = tmp_path / "cut.edi"
    path.write_bytes(data[: len(data) // 2])
    for size in CHUNK_SIZES:
        with pytest.raises(EdifactInputError) as caught:
            list(iter_read_path(path, DEFAULT_LIMITS, False, chunk_size=size))
        codes = [f.code for f in caught.value.findings if f.is_error]
        assert codes == ["edifact.syntax.unterminated"]
        where = caught.value.findings[-1].location
        assert where.file == str(path) and where.offset is not None and where.segment is not None


# -- generated interchanges --------------------------------------------------------------------

#: Plain characters and release sequences (``?.`` is a needless release: an info finding).
_TEXT = st.lists(
    st.sampled_from([*"abc XYZ 019 æøå ÆØÅ é ü ß :. ", "??", "?'", "?+", "?:", "?."]),
    max_size=30,
).map("".join)
_WIDE = st.sampled_from(["ø", "€", "😀", "Ω", "ß"])


@st.composite
def interchanges(draw: st.DrawFn) -> bytes:
    """A DIS01/REF01 interchange: 1–3 messages, each layout drawn, FTX text with release
    sequences, UNOC (ISO 8859-1) or UNOY:4 (UTF-8, with 2- to 4-byte characters)."""
    utf8 = draw(st.booleans())
    layouts = st.sampled_from(["", "", "\n", "\r\n", " ", "\t\r\n"])
    count = draw(st.integers(1, 3))
    unb = DIS01_LINES[1]
    if utf8:
        unb = unb.replace("UNOC:3", "UNOY:4").replace("+240305:", "+20240305:")
    lines = [DIS01_LINES[0], unb] if draw(st.booleans()) else [unb]
    for n in range(count):
        body = (DIS01_LINES if draw(st.booleans()) else REF01_LINES)[2:-1]
        reference = f"REF{n:04d}"
        for line in body:
            line = re.sub(r"^UNH\+[A-Z0-9]+", f"UNH+{reference}", line)
            line = re.sub(r"^UNT\+([0-9]+)\+[A-Z0-9]+", rf"UNT+\1+{reference}", line)
            if line.startswith("FTX") and draw(st.booleans()):
                text = draw(_TEXT)
                if utf8:
                    text += draw(_WIDE)
                line = line[:-1] + text + "'"
            lines.append(line)
    lines.append(f"UNZ+{count}+ENV0000042'")
    data = "".join(line + draw(layouts) for line in lines)
    return data.encode("utf-8" if utf8 else "iso-8859-1")


_SMALL_LIMITS = st.sampled_from(
    [
        DEFAULT_LIMITS,
        Limits(max_segment_bytes=60, max_segments=1000),
        Limits(max_segments=30),
        Limits(max_segment_bytes=200, max_segments=70),
    ]
)


@given(interchanges(), _SMALL_LIMITS, st.sampled_from(CHUNK_SIZES))
def test_generated_interchange_streams_like_whole(data: bytes, limits: Limits, size: int) -> None:
    assert_same_everywhere(data, limits, [size])


_NOISE = [b"'", b"+", b":", b"?", b"\n", b"\r\n", b"\xc3", b"\x80", b"\xe2\x82", b"UNA:+.? '"]


@st.composite
def corrupted(draw: st.DrawFn) -> bytes:
    """A fixture or generated interchange, flipped, cut, spliced or with bytes left out."""
    if draw(st.booleans()):
        data = bytearray(draw(st.sampled_from(EDI_FIXTURES)).read_bytes())
    else:
        data = bytearray(draw(interchanges()))
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "trail"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "truncate":
            del data[at:]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(_NOISE))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 30))]
        else:
            data += draw(st.sampled_from([b"\n", b"  X", b"UNH+1'", b"\r\n\r\n"]))
    return bytes(data)


@given(corrupted(), st.sampled_from(CHUNK_SIZES))
def test_corrupted_input_fails_alike(data: bytes, size: int) -> None:
    if not data.strip(b" \t\r\n"):
        data = b" \n"
    assert_same_everywhere(data, DEFAULT_LIMITS, [size])


# -- split points --------------------------------------------------------------------------------


def _two_chunks(data: bytes) -> Iterator[list[bytes]]:
    for cut in range(len(data) + 1):
        yield [data[:cut], data[cut:]]


def test_release_character_split_at_every_point() -> None:
    lines = list(DIS01_LINES)
    ftx_line = next(i for i, line in enumerate(lines) if line.startswith("FTX+NC"))
    lines[ftx_line] = "FTX+NC+P00++a??b?'c?+d?:e?.f?' ?'?''"
    data = "\r\n".join(lines).encode("iso-8859-1")
    whole = tokens(Tokenizer(data))
    assert whole[1] is None
    ftx = next(s for s in whole[0] if s[0] == "FTX")
    assert ftx[1][3] == ("a?b'c+d:e.f' ''",)
    assert any(f.code == "edifact.syntax.needless-release" for f in whole[2])
    release = data.index(b"?'c")
    assert release > 0  # some cut below falls between "?" and "'"
    for pieces in _two_chunks(data):
        assert tokens(Tokenizer.from_chunks(pieces)) == whole


def test_utf8_character_split_at_every_point() -> None:
    lines = list(REF01_LINES)
    lines[1] = lines[1].replace("UNOC:3", "UNOY:4")
    lines[1] = re.sub(r"\+([0-9]{6}):", r"+20\1:", lines[1])
    lines = [line.replace("Udredning", "Udr€dning 😀 Ωø") for line in lines]
    data = "\n".join(lines).encode("utf-8")
    assert "😀".encode() in data and "€".encode() in data
    whole = tokens(Tokenizer(data))
    assert whole[1] is None and whole[3][3] is not None and whole[3][3].codec == "utf-8"
    assert any("😀" in value for s in whole[0] for e in s[1] for value in e)
    for pieces in _two_chunks(data):
        assert tokens(Tokenizer.from_chunks(pieces)) == whole
    assert interchange(chunked(data, 1), DEFAULT_LIMITS) == interchange(data, DEFAULT_LIMITS)


def test_invalid_utf8_split_fails_at_the_same_byte() -> None:
    lines = list(REF01_LINES)
    lines[1] = lines[1].replace("UNOC:3", "UNOY:4")
    lines[1] = re.sub(r"\+([0-9]{6}):", r"+20\1:", lines[1])
    data = "\n".join(lines).encode("utf-8").replace("ø".encode(), b"\xc3", 1)
    whole = tokens(Tokenizer(data))
    assert whole[1] is not None
    assert [f.code for f in whole[1][1] if f.is_error] == ["edifact.charset.invalid-utf8"]
    for size in (1, 2, 3):
        assert tokens(Tokenizer.from_chunks(chunked(data, size))) == whole


# -- input rules of the source layer ------------------------------------------------------------


def test_empty_and_whitespace_files_are_refused_like_load_bytes(tmp_path: Path) -> None:
    for content in (b"", b" \r\n\t" * 40):
        path = tmp_path / "empty.edi"
        path.write_bytes(content)
        with pytest.raises(InputError) as expected:
            load_bytes(path)
        for size in (1, 7, None):
            with pytest.raises(InputError) as caught:
                list(iter_read_path(path, DEFAULT_LIMITS, False, chunk_size=size))
            assert caught.value.findings == expected.value.findings
            assert caught.value.findings[0].code == "input.empty"


def test_too_large_regular_file_is_refused_before_reading(tmp_path: Path) -> None:
    data = EDI_FIXTURES[0].read_bytes()
    path = tmp_path / "big.edi"
    path.write_bytes(data)
    limits = Limits(max_input_bytes=len(data) - 1)
    with pytest.raises(InputError) as expected:
        load_bytes(path, limits)
    with pytest.raises(InputError) as caught:
        next(medbridge.iter_read(path, limits=limits))
    assert caught.value.findings == expected.value.findings
    assert caught.value.findings[0].code == "input.too-large"


def test_input_limit_counts_the_bytes_read_so_far() -> None:
    """A stream (pipe, growing file) is refused once more than the limit has been read."""
    data = repeated(50)
    limits = Limits(max_input_bytes=len(data) // 2)
    read, error = messages(iter_read_stream(io.BytesIO(data), NAME, limits, False, chunk_size=512))
    assert 5 < len(read) < 30
    assert error is not None and error[0] is InputError
    assert [f.code for f in error[1]] == ["input.too-large"]
    assert error[1][0].location.file == NAME
    ok, no_error = messages(iter_read_stream(io.BytesIO(data), NAME, Limits(len(data)), False))
    assert len(ok) == 50 and no_error is None


def test_unreadable_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        next(medbridge.iter_read(tmp_path / "missing.edi"))
    assert [f.code for f in caught.value.findings] == ["io.unreadable"]
    with pytest.raises(InputError) as caught:
        next(medbridge.iter_read(tmp_path))
    assert [f.code for f in caught.value.findings] == ["io.unreadable"]


class FailingReader:
    def __init__(self, data: bytes, fail_after: int) -> None:
        self._data = io.BytesIO(data)
        self._left = fail_after

    def read(self, size: int = -1, /) -> bytes:
        if self._left <= 0:
            raise OSError(5, "Input/output error")
        chunk = self._data.read(min(size, self._left))
        self._left -= len(chunk)
        return chunk


def test_read_error_midway_is_io_unreadable() -> None:
    data = repeated(10)
    reader = FailingReader(data, len(data) // 2)
    read, error = messages(iter_read_stream(reader, NAME, DEFAULT_LIMITS, False, chunk_size=256))
    assert 1 <= len(read) < 10
    assert error is not None and [f.code for f in error[1]] == ["io.unreadable"]
    assert "Input/output error" in error[1][0].message


@pytest.mark.parametrize(
    "fixture",
    ["epikrise/pneumoni.xml", "henvisning/hoste.xml", "plejeforloebsplan/observed-layout.xml"],
)
def test_xml_path_reads_as_before(fixture: str, tmp_path: Path) -> None:
    data = (ROOT / "fixtures/valid" / fixture).read_bytes()
    path = tmp_path / "letter.xml"
    path.write_bytes(data)
    expected = messages(medbridge.iter_read(data))
    assert expected[1] is None and expected[0]
    for size in (7, None):
        assert messages(iter_read_path(path, DEFAULT_LIMITS, False, chunk_size=size)) == expected
    broken = tmp_path / "broken.xml"
    broken.write_bytes(data[: len(data) // 2])
    assert messages(medbridge.iter_read(broken)) == messages(
        medbridge.iter_read(data[: len(data) // 2])
    )
    with pytest.raises(InputError) as caught:
        next(medbridge.iter_read(path, limits=Limits(max_input_bytes=100)))
    assert caught.value.findings[0].code == "input.too-large"


# -- no reading ahead --------------------------------------------------------------------------


def repeated(count: int) -> bytes:
    """The §6.5 DIS01 example as ``count`` messages in one interchange."""
    body = DIS01_LINES[2:-1]
    lines = [DIS01_LINES[0], DIS01_LINES[1]]
    for n in range(count):
        lines += [line.replace("EPI0000042", f"EPI{n:07d}") for line in body]
    lines.append(f"UNZ+{count}+ENV0000042'")
    return "\n".join(lines).encode("iso-8859-1")


class CountingReader:
    """A binary file that records how many bytes have been read from it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.consumed = 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = self._data.read(size)
        self.consumed += len(chunk)
        return chunk


@pytest.mark.parametrize("size", [64, 1024])
def test_reader_does_not_read_ahead(size: int) -> None:
    data = repeated(50)
    reader = CountingReader(data)
    iterator = iter_read_stream(reader, NAME, DEFAULT_LIMITS, False, chunk_size=size)
    first = next(iterator)
    assert first.letter.header.identifier == "EPI0000000"
    per_message = len(data) / 50
    # The first message is yielded once the second one has been read (UNZ layout goes on the
    # last); a window of at most 32 KiB and one chunk may be read beyond.
    assert reader.consumed < 2 * per_message + 32 * 1024 + size
    assert reader.consumed < len(data) / 2
    for _ in range(9):
        next(iterator)
    assert reader.consumed < 11 * per_message + 32 * 1024 + size
    rest = list(iterator)
    assert len(rest) == 40 and reader.consumed == len(data)


def test_path_handle_is_closed_when_iteration_stops(tmp_path: Path) -> None:
    path = tmp_path / "many.edi"
    path.write_bytes(repeated(5))
    iterator = medbridge.iter_read(path)
    next(iterator)
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    iterator.close()
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds - 1


def test_envelope_errors_at_the_end_come_before_the_last_message() -> None:
    """UNZ is checked when it is read, before the last message (which waits for the UNZ layout)
    is yielded: n - 1 messages, then ``edifact.envelope.unz-count``, streamed as whole."""
    data = repeated(3).replace(b"UNZ+3+", b"UNZ+4+")
    whole = whole_with_file(data)
    assert len(whole[0]) == 2
    assert whole[1] is not None and whole[1][0] is EdifactInputError
    assert [f.code for f in whole[1][1] if f.is_error] == ["edifact.envelope.unz-count"]
    for size in CHUNK_SIZES:
        streamed = iter_read_stream(
            io.BytesIO(data), NAME, DEFAULT_LIMITS, False, chunk_size=size, again=lambda: (data,)
        )
        assert messages(streamed) == whole


def test_info_findings_go_with_their_message_whatever_the_window() -> None:
    """A needless release in the last of three messages: its info comes with that message,
    whole (one fast-path window holds all three) and streamed."""
    data = repeated(3)
    last = data.rindex(b"https?://")
    data = data[:last] + b"https?://x?." + data[last + len(b"https?://") :]
    per_message = [findings for _, findings in iter_interchange(data)]
    codes = [
        [f.code for f in found if f.code.startswith("edifact.syntax")] for found in per_message
    ]
    assert codes == [[], [], ["edifact.syntax.needless-release"]]
    for size in CHUNK_SIZES:
        assert interchange(chunked(data, size), DEFAULT_LIMITS) == interchange(data, DEFAULT_LIMITS)


@pytest.mark.parametrize("size", CHUNK_SIZES)
def test_rules_run_per_message_and_are_located_in_that_message(tmp_path: Path, size: int) -> None:
    """A message that breaks a semantic rule stops ``iter_read`` as it stops ``read``: the
    messages before it are yielded, and the error points into *its* segments."""
    data = repeated(3)
    second = data.index(b"UNH+EPI0000001")
    pna = data.index(b"PNA+PAT+", second)
    cpr_end = data.index(b":", pna + len(b"PNA+PAT+"))
    bad = data[: cpr_end - 10] + b"3213651234" + data[cpr_end:]  # day 32: id.cpr.date
    path = tmp_path / "three.edi"
    path.write_bytes(bad)

    with pytest.raises(EdifactInputError) as whole:
        medbridge.read(bad)
    yielded: list[Message] = []
    with pytest.raises(EdifactInputError) as streamed:
        for message in iter_read_path(path, DEFAULT_LIMITS, False, chunk_size=size):
            yielded.append(message)

    assert len(yielded) == 1
    (error,) = [f for f in streamed.value.findings if f.is_error]
    assert error.code == "id.cpr.date"
    assert (error.location.tag, error.location.offset) == ("PNA", pna)
    assert error.location.line == bad.count(b"\n", 0, pna) + 1
    (expected,) = [f for f in whole.value.findings if f.code == "id.cpr.date"]
    assert (expected.location.segment, expected.location.offset) == (
        error.location.segment,
        error.location.offset,
    )
    # The valid interchange streams through with the rules on.
    assert len(list(medbridge.iter_read(repeated(3)))) == 3
