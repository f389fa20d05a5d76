"""Line and column derived from byte offsets for EDIFACT findings (safety §4.1).

``line_columns`` against a one-line reference on arbitrary inputs cut into arbitrary chunks; then
the API: ``validate``/``read`` of bytes and ``iter_read`` of a streamed file put the same line and
column on EDIFACT findings when the file has line breaks, and none when it has not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import medbridge
from medbridge.offsets import line_columns

EDI = (
    Path(__file__).resolve().parent.parent / "fixtures/valid/epikrise/medcom-example-6-5.edi"
).read_bytes()


def reference(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


@given(
    st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")),
    st.lists(st.integers(0, 60), max_size=6),
    st.integers(1, 9),
)
def test_line_columns_match_the_reference(data: bytes, offsets: list[int], size: int) -> None:
    offsets = [o for o in offsets if o <= len(data)]
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    expected = {o: reference(data, o) for o in offsets} if b"\n" in data else {}
    assert line_columns(chunks, offsets) == expected


def test_validate_gives_line_and_column_when_the_file_has_line_breaks() -> None:
    data = EDI.replace(b"UNT+47+", b"UNT+99+")
    (finding,) = medbridge.validate(data).errors
    offset = data.index(b"UNT+99+")
    assert finding.location.offset == offset
    assert (finding.location.line, finding.location.column) == reference(data, offset)
    assert finding.location.column == 1  # one segment per line


def test_no_line_numbers_without_line_breaks() -> None:
    data = EDI.replace(b"UNT+47+", b"UNT+99+").replace(b"'\n", b"'")
    assert b"\n" not in data
    (finding,) = medbridge.validate(data).errors
    assert finding.location.offset == data.index(b"UNT+99+")
    assert finding.location.line is None and finding.location.column is None


def test_missing_trailer_is_at_the_end() -> None:
    data = EDI[: EDI.index(b"UNZ")]
    (finding,) = medbridge.validate(data).errors
    assert finding.code == "edifact.envelope.unz-missing"
    assert (finding.location.line, finding.location.column) == (data.count(b"\n") + 1, 1)


@pytest.mark.parametrize("chunk_size", [1, 7, 1 << 20])
def test_streamed_errors_get_the_same_lines(tmp_path: Path, chunk_size: int) -> None:
    from medbridge.api import iter_read_path

    data = EDI.replace(b"UNT+47+", b"UNT+99+")
    path = tmp_path / "bad.edi"
    path.write_bytes(data)
    with pytest.raises(medbridge.EdifactInputError) as whole:
        medbridge.read(data)
    with pytest.raises(medbridge.EdifactInputError) as streamed:
        list(iter_read_path(path, medbridge.Limits(), False, chunk_size=chunk_size))
    located = [(f.code, f.location.line, f.location.column) for f in streamed.value.findings]
    assert located == [(f.code, f.location.line, f.location.column) for f in whole.value.findings]
    assert located[0][1] == data[: data.index(b"UNT+99+")].count(b"\n") + 1
