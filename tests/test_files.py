"""Batch file handling: input collection, output naming, refusals and atomic writes."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from medbridge.errors import InputError, OutputError, OutputRefused
from medbridge.files import (
    TEMPORARY_PREFIX,
    InputSet,
    OutputWriter,
    TemporarySweeper,
    atomic_write,
    check_destination,
    output_path,
    plan_outputs,
)
from medbridge.inputs import InputFile, collect_inputs, display_name, load_input
from medbridge.limits import Limits


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


def test_collect_inputs_reports_what_it_cannot_read_and_skips_nothing_silently(
    tmp_path: Path,
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xml").write_bytes(b"<a/>")
    os.mkfifo(tmp_path / "in" / "b.xml")
    os.mkfifo(tmp_path / "in" / "c.txt")  # not an input: does not match the patterns
    inputs, notes = collect_inputs([tmp_path / "missing.edi", tmp_path / "in", Path("-")])
    assert notes == []
    problems = {str(i.relative): i.problem.code if i.problem else None for i in inputs}
    assert problems == {
        "missing.edi": "io.unreadable",
        "a.xml": None,
        "b.xml": "io.not-regular-file",
        "-": None,
    }
    assert [i.stdin for i in inputs] == [False, False, False, True]


def test_load_input_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "late.xml"
    os.mkfifo(fifo)  # as if it had appeared after the walk: the item carries no problem
    with pytest.raises(InputError) as info:
        load_input(InputFile(fifo, Path("late.xml"), named=True))
    assert [f.code for f in info.value.findings] == ["io.not-regular-file"]
    assert info.value.findings[0].location.file == str(fifo)


def test_load_input_is_bounded_for_standard_input_too() -> None:
    item = InputFile(Path("-"), Path("-"), named=True)
    assert load_input(item, Limits(max_input_bytes=4), io.BytesIO(b"<a/>")) == b"<a/>"
    with pytest.raises(InputError) as info:
        load_input(item, Limits(max_input_bytes=4), io.BytesIO(b"<ab/>"))
    assert [f.code for f in info.value.findings] == ["input.too-large"]


def test_display_name_escapes_what_is_not_text() -> None:
    assert display_name("Ærø/brev.xml") == "Ærø/brev.xml"
    assert display_name(os.fsdecode(b"in/\xff\xfe.xml")) == "in/\\xff\\xfe.xml"
    assert display_name("a\nb\x01.xml") == "a\\nb\\x01.xml"
    assert display_name("lone-\ud800.xml") == "lone-\\ud800.xml"


def test_plan_outputs_finds_every_collision_before_anything_is_written(tmp_path: Path) -> None:
    items = [
        InputFile(tmp_path / "x.xml", Path("x.xml"), named=True),
        InputFile(tmp_path / "x.edi", Path("x.edi"), named=True),
        InputFile(tmp_path / "x.edifact", Path("x.edifact"), named=True),
        InputFile(tmp_path / "y.xml", Path("y.xml"), named=True),
    ]
    out = tmp_path / "out"
    paths, collisions = plan_outputs(items, out, "json")
    assert paths[0] == paths[1] == paths[2] == out / "x.json"
    assert sorted(collisions) == [0, 1, 2]
    message = collisions[1].message
    assert all(str(tmp_path / n) in message for n in ("x.xml", "x.edi", "x.edifact"))
    assert str(out / "x.json") in message and "none of them" in message
    paths, collisions = plan_outputs(items, out, "json", keep_extension=True)
    assert collisions == {}
    assert [p.name for p in paths] == ["x.xml.json", "x.edi.json", "x.edifact.json", "y.xml.json"]
    assert not out.exists()


def test_sweeper_removes_only_temporaries_of_processes_that_are_gone(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(gone.stdout)  # a real process id that has ended (and was reaped)
    stale = tmp_path / f"{TEMPORARY_PREFIX}{dead}-abc.tmp"
    mine = tmp_path / f"{TEMPORARY_PREFIX}{os.getpid()}-abc.tmp"
    other = tmp_path / ".medbridge-tmp-notapid.tmp"
    for path in (stale, mine, other):
        path.write_bytes(b"")
    sweeper = TemporarySweeper()
    notes = sweeper.sweep(tmp_path)
    assert [n.code for n in notes] == ["io.temporary-removed"]
    assert notes[0].location.file == str(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])
    stale.write_bytes(b"")
    assert sweeper.sweep(tmp_path) == []  # once per folder and run
    assert stale.exists()


def test_atomic_write_names_its_temporary_file_after_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "out.json"
    seen: list[str] = []
    real_replace = os.replace

    def replace(source: str, target: Path) -> None:
        seen.append(Path(source).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    atomic_write(dest, b"x")
    (name,) = seen
    assert name.startswith(f"{TEMPORARY_PREFIX}{os.getpid()}-") and name.endswith(".tmp")
    assert dest.read_bytes() == b"x"


def test_output_writer_checks_writes_and_names_the_folders_it_changed(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    source = tmp_path / "in" / "x.xml"
    source.write_bytes(b"<a/>")
    items, _ = collect_inputs([tmp_path / "in"])
    assert items[0].identity == (source.stat().st_dev, source.stat().st_ino)  # from the walk
    writer = OutputWriter(InputSet(items), force=False, sync=False)
    out = tmp_path / "out" / "sub"
    assert writer.write(out / "a.json", b"a") == str(out / "a.json")
    assert writer.changed_folders() == sorted(map(str, [tmp_path, tmp_path / "out", out]))
    writer.write(tmp_path / "out" / "sub" / ".." / "sub" / "b.json", b"b")
    assert writer.changed_folders() == [str(out)]
    assert stat.S_IMODE((out / "b.json").stat().st_mode) == 0o600
    with pytest.raises(OutputRefused) as info:
        writer.write(out / "a.json", b"again")
    assert info.value.findings[0].code == "io.output-exists"
    os.link(source, out / "hard.json")
    (out / "link.json").symlink_to(source)
    (out / "elsewhere.json").symlink_to(tmp_path / "nowhere")
    forced = OutputWriter(InputSet(items), force=True, sync=True)
    for name, code in [
        ("hard.json", "io.output-is-input"),
        ("link.json", "io.output-is-input"),
        ("elsewhere.json", "io.output-symlink"),
    ]:
        with pytest.raises(OutputRefused) as info:
            forced.write(out / name, b"x")
        assert info.value.findings[0].code == code
        assert str(out / name) in info.value.findings[0].message
    assert source.read_bytes() == b"<a/>"
    (out / "a.json").chmod(0o640)
    forced.write(out / "a.json", b"again")
    assert (out / "a.json").read_bytes() == b"again"
    assert stat.S_IMODE((out / "a.json").stat().st_mode) == 0o640
    assert not [p for p in out.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]
    with pytest.raises(OutputError) as failed:
        writer.write(out / "a.json" / "under-a-file.json", b"x")
    assert failed.value.findings[0].code == "io.write-failed"
