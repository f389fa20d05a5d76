"""Loading input bytes: types, the byte limit, empty input, unreadable files (safety §1.5, 1.6)."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from medbridge.errors import InputError
from medbridge.limits import Limits
from medbridge.source import load_bytes, source_name

LETTER = "<r>Søren Ærø</r>".encode()


def codes(exc: InputError) -> list[str]:
    return [f.code for f in exc.findings]


class TestTypes:
    def test_str_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"pass bytes, or a pathlib\.Path"):
            load_bytes("<r/>")  # type: ignore[arg-type]

    @pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
    def test_bytes_like_inputs_come_back_as_bytes(self, wrap: type) -> None:
        data = load_bytes(wrap(LETTER))
        assert type(data) is bytes
        assert data == LETTER

    def test_path_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "a.xml"
        path.write_bytes(LETTER)
        assert load_bytes(path) == LETTER

    def test_source_name_is_the_path_as_given(self, tmp_path: Path) -> None:
        relative = Path("in") / "a.xml"
        assert source_name(relative) == os.path.join("in", "a.xml")
        assert source_name(tmp_path / "b.xml") == str(tmp_path / "b.xml")
        assert source_name(LETTER) is None
        assert source_name(memoryview(LETTER)) is None


class TestSizeLimit:
    def test_bytes_over_the_limit(self) -> None:
        with pytest.raises(InputError) as info:
            load_bytes(b"x" * 101, Limits(max_input_bytes=100))
        assert codes(info.value) == ["input.too-large"]
        assert "100 bytes" in info.value.findings[0].message

    def test_bytes_at_the_limit_pass(self) -> None:
        assert load_bytes(b"x" * 100, Limits(max_input_bytes=100)) == b"x" * 100

    def test_big_file_refused_before_reading(self, tmp_path: Path) -> None:
        path = tmp_path / "big.xml"
        with open(path, "wb") as handle:  # sparse: 200 MB of size, no real data
            handle.truncate(200 * 1024 * 1024)
        with pytest.raises(InputError) as info:
            load_bytes(path)
        assert codes(info.value) == ["input.too-large"]
        assert info.value.findings[0].location.file == str(path)

    def test_pipe_is_bounded_by_reading_limit_plus_one(self, tmp_path: Path) -> None:
        fifo = tmp_path / "pipe.xml"
        os.mkfifo(fifo)

        def writer() -> None:
            with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as handle:
                handle.write(b"y" * 5000)

        thread = threading.Thread(target=writer)
        thread.start()
        with pytest.raises(InputError) as info:
            load_bytes(fifo, Limits(max_input_bytes=1000))
        thread.join(timeout=5)
        assert codes(info.value) == ["input.too-large"]

    def test_file_at_the_limit_passes(self, tmp_path: Path) -> None:
        path = tmp_path / "exact.xml"
        path.write_bytes(b"<r>" + b"x" * 93 + b"</r>")
        assert len(load_bytes(path, Limits(max_input_bytes=100))) == 100


class TestEmpty:
    def test_zero_bytes(self) -> None:
        with pytest.raises(InputError) as info:
            load_bytes(b"")
        assert codes(info.value) == ["input.empty"]

    def test_whitespace_only_file(self, tmp_path: Path) -> None:
        path = tmp_path / "blank.xml"
        path.write_bytes(b" \r\n\t \n")
        with pytest.raises(InputError) as info:
            load_bytes(path)
        assert codes(info.value) == ["input.empty"]
        assert info.value.findings[0].location.file == str(path)

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.xml"
        path.write_bytes(b"")
        with pytest.raises(InputError) as info:
            load_bytes(path)
        assert codes(info.value) == ["input.empty"]


class TestUnreadable:
    def test_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "missing.xml"
        with pytest.raises(InputError) as info:
            load_bytes(path)
        assert codes(info.value) == ["io.unreadable"]
        finding = info.value.findings[0]
        assert finding.location.file == str(path)
        assert "No such file" in finding.message

    def test_directory(self, tmp_path: Path) -> None:
        with pytest.raises(InputError) as info:
            load_bytes(tmp_path)
        assert codes(info.value) == ["io.unreadable"]

    def test_os_error_is_named_without_content(self, tmp_path: Path) -> None:
        parent = tmp_path / "letter.xml"
        parent.write_bytes(b"<r>0707614285</r>")
        with pytest.raises(InputError) as info:
            load_bytes(parent / "child.xml")  # a file used as a directory: ENOTDIR
        assert codes(info.value) == ["io.unreadable"]
        assert "Not a directory" in info.value.findings[0].message
        assert "0707614285" not in str(info.value)
