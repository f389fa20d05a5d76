"""Batch file handling: input collection, output naming, refusals and atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from medbridge.errors import OutputError, OutputRefused
from medbridge.files import atomic_write, check_destination, output_path
from medbridge.inputs import collect_inputs


def test_collect_inputs_sorted_deduplicated_and_skips_symlinks(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.xml").write_bytes(b"<a/>")
    (tmp_path / "a.edi").write_bytes(b"UNA")
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "link.xml").symlink_to(tmp_path / "a.edi")
    inputs, notes = collect_inputs([tmp_path, tmp_path / "a.edi"])
    assert [str(i.relative) for i in inputs] == ["a.edi", "b/z.xml"]
    assert [n.code for n in notes] == ["io.symlink-skipped"]


def test_output_path_mirrors_tree(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "x.xml").write_bytes(b"<a/>")
    (item,), _ = collect_inputs([tmp_path / "in"])
    assert output_path(item, tmp_path / "out", "edifact") == tmp_path / "out" / "sub" / "x.edi"


def test_destination_refusals(tmp_path: Path) -> None:
    source = tmp_path / "x.xml"
    source.write_bytes(b"<a/>")
    with pytest.raises(OutputRefused) as info:
        check_destination(tmp_path / "sub" / ".." / "x.xml", [source], force=True)
    assert info.value.findings[0].code == "io.output-is-input"
    hard = tmp_path / "hard.xml"
    os.link(source, hard)
    with pytest.raises(OutputRefused) as info:
        check_destination(hard, [source], force=True)
    assert info.value.findings[0].code == "io.output-is-input"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(OutputRefused) as info:
        check_destination(link, [source], force=True)
    assert info.value.findings[0].code == "io.output-symlink"
    existing = tmp_path / "exists.json"
    existing.write_bytes(b"old")
    with pytest.raises(OutputRefused) as info:
        check_destination(existing, [source], force=False)
    assert info.value.findings[0].code == "io.output-exists"
    check_destination(existing, [source], force=True)


def test_atomic_write_creates_private_file_and_leaves_no_temporaries(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "out.json"
    atomic_write(dest, b"data")
    assert dest.read_bytes() == b"data"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert [p.name for p in dest.parent.iterdir()] == ["out.json"]


def test_atomic_write_keeps_mode_of_replaced_file(tmp_path: Path) -> None:
    dest = tmp_path / "out.json"
    dest.write_bytes(b"old")
    dest.chmod(0o640)
    atomic_write(dest, b"new")
    assert dest.read_bytes() == b"new"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640


def test_atomic_write_into_unwritable_place_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(OutputError) as info:
        atomic_write(blocker / "x.json", b"data")  # the parent is a file, not a folder
    assert info.value.findings[0].code == "io.write-failed"


def test_atomic_write_failure_leaves_old_file_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "out.json"
    dest.write_bytes(b"old")
    folder_as_dest = tmp_path / "adir"
    folder_as_dest.mkdir()
    (folder_as_dest / "keep").write_bytes(b"")
    with pytest.raises(OutputError):
        atomic_write(folder_as_dest, b"new")  # replacing a non-empty folder fails
    assert dest.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "out.json"]
