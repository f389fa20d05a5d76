"""Paths the command line meets: missing and unreadable inputs, folders that cannot be listed,
FIFOs and devices, standard input, file names that are not UTF-8, and runs killed with SIGKILL
(worker processes and temporary files). Everything here runs the real CLI, mostly as a
subprocess, and waits on observable state (files, /proc) with a bounded poll, never on time."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from medbridge.cli import main
from medbridge.files import TEMPORARY_PREFIX

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
LETTER = VALID / "epikrise" / "apopleksi.xml"
REFERRAL = VALID / "henvisning" / "hoste.xml"
EPIKRISE = sorted((VALID / "epikrise").glob("*.xml"))
DEADLINE = 120.0  # seconds: a guard against hanging, never what a test measures


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def cli(
    *args: str | bytes, preexec: Callable[[], None] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "medbridge", *args],
        capture_output=True,
        input=stdin,
        timeout=DEADLINE,  # a FIFO that were opened would block here instead of hanging the suite
        preexec_fn=preexec,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )


def until(condition: Callable[[], bool]) -> bool:
    """Poll ``condition`` until it holds or the guard deadline passes; its last value."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


# -------------------------------------------------------------------------------------------------
# 13. Missing and unreadable inputs, unlistable folders, FIFOs, devices


def test_a_missing_named_input_is_reported_and_the_rest_processed(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    code, out, _ = run("validate", str(missing), str(LETTER))
    assert code == 74
    assert f"{missing}: UNREADABLE" in out and "io.unreadable" in out
    assert f"{LETTER}: ok" in out
    code, out, _ = run("validate", str(missing), str(LETTER), "--format", "json")
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert [f["code"] for f in files["missing.xml"]["findings"]] == ["io.unreadable"]
    assert files["apopleksi.xml"]["ok"] is True
    out_dir = tmp_path / "out"
    code, stdout, stderr = run(
        "convert", str(missing), str(LETTER), "--to", "json", "--out", str(out_dir)
    )
    assert code == 74
    assert "2 file(s): 1 converted, 0 invalid, 0 lossy, 1 failed" in stdout
    assert f"{missing}: io-error" in stderr
    assert (out_dir / "apopleksi.json").exists()


def test_fifos_and_devices_are_refused_without_being_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(LETTER, folder / "good.xml")
    os.mkfifo(folder / "pipe.xml")  # nobody ever writes to it: opening it to read would block
    os.mkfifo(tmp_path / "named.edi")
    result = cli(
        "validate", str(folder), str(tmp_path / "named.edi"), "/dev/null", "--format", "json"
    )
    assert result.returncode == 74
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert sorted(files) == ["good.xml", "named.edi", "null", "pipe.xml"]
    for name in ("named.edi", "null", "pipe.xml"):
        assert [f["code"] for f in files[name]["findings"]] == ["io.not-regular-file"], name
    assert "FIFO" in files["pipe.xml"]["findings"][0]["message"]
    assert "device" in files["null"]["findings"][0]["message"]
    assert files["good.xml"]["ok"] is True
    for command in (["detect"], ["convert", "--to", "xml", "--out", str(tmp_path / "o")]):
        result = cli(*command, str(folder))
        assert result.returncode == 74, result
        assert b"io.not-regular-file" in result.stdout + result.stderr
    result = cli("show", str(folder / "pipe.xml"))
    assert result.returncode == 74 and b"io.not-regular-file" in result.stderr


def _deep_folder(root: Path, levels: int = 20) -> None:
    """Folders nested so deep that their path exceeds PATH_MAX (4096 bytes): listing the deepest
    fails with ENAMETOOLONG, for root too. Built with directory descriptors (short names)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d" * 250, dir_fd=fd)
            deeper = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
        with open(os.open("lost.xml", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd), "wb") as f:
            f.write(LETTER.read_bytes())
    finally:
        os.close(fd)


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(LETTER, folder / "good.xml")
    _deep_folder(folder)
    try:
        code, out, _ = run("validate", str(folder), "--format", "json")
        assert code == 74
        files = json.loads(out)["files"]
        unreadable = [
            f for f in files if f["findings"] and f["findings"][0]["code"] == "io.unreadable"
        ]
        (entry,) = unreadable
        assert "cannot be listed" in entry["findings"][0]["message"]
        assert "File name too long" in entry["findings"][0]["message"]
        assert any(f["path"].endswith("good.xml") and f["ok"] for f in files)
    finally:
        shutil.rmtree(folder / ("d" * 250))


def _without_dac_override() -> None:
    """In the child: drop the capabilities that let root read any folder (CAP_DAC_OVERRIDE 1,
    CAP_DAC_READ_SEARCH 2) from the bounding set, so the exec'd CLI gets a real EACCES."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_folder_without_permission_is_reported_with_exit_74(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(LETTER, folder / "locked" / "hidden.xml")
    shutil.copy(LETTER, folder / "good.xml")
    (folder / "locked").chmod(0)
    try:
        result = cli("validate", str(folder), preexec=_without_dac_override)
    finally:
        (folder / "locked").chmod(0o700)
    assert result.returncode == 74, result
    out = result.stdout.decode()
    assert f"{folder / 'locked'}: UNREADABLE" in out
    assert "The folder cannot be listed: Permission denied" in out
    assert f"{folder / 'good.xml'}: ok" in out


def test_nothing_to_read_is_a_usage_error_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a message")
    code, out, err = run("validate", str(tmp_path))
    assert code == 2 and out == ""
    assert "no input file found" in err and "--glob" in err
    code, out, _ = run("validate", str(tmp_path), "--glob", "*.txt")
    assert code == 1  # found now, and reported as what it is


# -------------------------------------------------------------------------------------------------
# 13. Standard input


def test_dash_reads_standard_input_in_every_command(tmp_path: Path) -> None:
    data = LETTER.read_bytes()
    code, out, _ = run("validate", "-", stdin=data)
    assert (code, out.splitlines()[0]) == (0, "-: ok (xml epikrise XD0133L)")
    code, out, _ = run("validate", "-", "--format", "json", stdin=b"<a>")
    assert code == 1 and json.loads(out)["files"][0]["path"] == "-"
    code, out, _ = run("detect", "-", stdin=data)
    assert code == 0 and out.startswith("-: xml epikrise XD0133L")
    code, out, _ = run("show", "-", stdin=data)
    assert code == 0 and out.startswith("Epikrise")
    code, out, err = run("show", "-", stdin=b"<a>")
    assert code == 1 and err.startswith("-:")
    out_dir = tmp_path / "out"
    code, _, _ = run(
        "convert", "-", "--name", "letter.xml", "--to", "json", "--out", str(out_dir), stdin=data
    )
    assert code == 0
    assert json.loads((out_dir / "letter.json").read_text())["medbridge-json"] == 1
    code, _, err = run("convert", "-", "--to", "json", "--out", str(out_dir), stdin=data)
    assert code == 2 and "--name" in err
    edi = (VALID / "epikrise" / "apopleksi.edi").read_bytes()
    args = ["-", "--name", "x.edi", "--to", "xml", "--out", str(out_dir), "--jobs", "2"]
    result = cli("convert", *args, str(REFERRAL), stdin=edi)
    assert result.returncode == 0, result
    assert sorted(p.name for p in out_dir.iterdir()) == ["hoste.xml", "letter.json", "x.xml"]


# -------------------------------------------------------------------------------------------------
# 14. File names that are not UTF-8


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    """A good letter named ``\\xff.xml`` (not UTF-8), a bad one ``bad-\\xfe.xml``, and a good one
    whose name holds a line feed."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder)
    Path(os.fsdecode(raw + b"/\xff.xml")).write_bytes(LETTER.read_bytes())
    Path(os.fsdecode(raw + b"/bad-\xfe.xml")).write_bytes(b"<a>")
    Path(os.fsdecode(raw + b"/new\nline.xml")).write_bytes(REFERRAL.read_bytes())
    return folder


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif"])
def test_names_that_are_not_utf8_work_in_every_report(odd_names: Path, fmt: str) -> None:
    result = cli("validate", str(odd_names), "--format", fmt)
    assert result.returncode == 1, result
    out = result.stdout.decode("utf-8")  # always valid UTF-8
    good, bad, newline = (
        f"{odd_names}/{n}" for n in ("\\xff.xml", "bad-\\xfe.xml", "new\\nline.xml")
    )
    if fmt == "text":
        assert f"{good}: ok" in out and f"{bad}: INVALID" in out and f"{newline}: ok" in out
    elif fmt == "json":
        files = {f["path"]: f["ok"] for f in json.loads(out)["files"]}
        assert files == {good: True, bad: False, newline: True}
    elif fmt == "junit":
        suite = etree.fromstring(result.stdout).find("testsuite")  # noqa: TID251 - our output
        cases = {c.get("name"): c for c in suite.findall("testcase")}
        assert sorted(cases) == sorted([good, bad, newline])
        assert bad in cases[bad].find("failure").text
    else:
        results = json.loads(out)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert uris == {urllib.parse.quote(str(odd_names)) + "/bad-%FE.xml"}


def test_names_that_are_not_utf8_work_in_convert_and_its_report(
    odd_names: Path, tmp_path: Path
) -> None:
    out_dir, report = tmp_path / "out", tmp_path / "report.json"
    result = cli(
        "convert", str(odd_names), "--to", "json", "--out", str(out_dir), "--report", str(report)
    )
    assert result.returncode == 1, result
    assert f"{odd_names}/bad-\\xfe.xml: invalid" in result.stderr.decode("utf-8")
    entries = {e["path"]: e for e in json.loads(report.read_text(encoding="utf-8"))["files"]}
    assert entries[f"{odd_names}/\\xff.xml"]["output"] == f"{out_dir}/\\xff.json"
    assert entries[f"{odd_names}/bad-\\xfe.xml"]["status"] == "invalid"
    assert sorted(os.listdir(os.fsencode(out_dir))) == [b"new\nline.json", b"\xff.json"]
    detected = cli("detect", str(odd_names), "--format", "json")
    assert detected.returncode == 1
    assert {f["path"] for f in json.loads(detected.stdout)["files"]} >= {f"{odd_names}/\\xff.xml"}


# -------------------------------------------------------------------------------------------------
# 15. Kill -9 of convert --jobs N


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # [state, ppid, ...]: the name may hold spaces


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        fields = _stat_fields(int(entry)) if entry.isdigit() else None
        if fields is not None and int(fields[1]) == pid:
            found.add(int(entry))
    return found


def running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")  # a zombie has ended


def test_workers_end_with_a_parent_killed_by_sigkill(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(1000):
        shutil.copy(EPIKRISE[n % len(EPIKRISE)], folder / f"{n:04d}.xml")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", "convert", str(folder), "--to", "json",
         "--out", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    workers: set[int] = set()

    def busy() -> bool:
        nonlocal workers
        workers = children_of(proc.pid)
        return len(workers) >= 2 and out.exists() and any(out.iterdir())

    assert until(busy), "the conversion should have started its workers and written outputs"
    assert proc.poll() is None, "the conversion should still be running"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert until(lambda: not any(running(pid) for pid in workers)), [
        pid for pid in workers if running(pid)
    ]
    stdout, _ = proc.communicate(timeout=DEADLINE)  # EOF: no orphan holds the pipes open
    assert b"file(s)" not in stdout  # it was really cut short


_POOL_SCRIPT = """
import sys, threading
from concurrent.futures import ProcessPoolExecutor
import medbridge.commands.workers as workers
mode = sys.argv[1]
if mode == "fallback":
    workers._request_death_signal = lambda: False  # only the sentinel watcher is left
pool = ProcessPoolExecutor(2, initializer=None if mode == "none" else workers.bind_to_parent)
assert list(pool.map(abs, [-1, -2, -3, -4])) == [1, 2, 3, 4]
print("ready", flush=True)
threading.Event().wait()
"""


def _kill_pool_parent(mode: str) -> set[int]:
    """Start a pool in a child process, SIGKILL that process; the pool's worker pids."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _POOL_SCRIPT, mode], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready\n"
    workers = children_of(proc.pid)
    assert len(workers) >= 2
    proc.kill()
    proc.wait()
    proc.stdout.close()
    return workers


def test_without_prctl_the_parent_sentinel_still_ends_the_workers() -> None:
    workers = _kill_pool_parent("fallback")
    assert until(lambda: not any(running(pid) for pid in workers))


def test_a_plain_pool_would_leave_orphans_which_the_test_would_see() -> None:
    workers = _kill_pool_parent("none")  # the control: no binding to the parent
    try:
        assert all(running(pid) for pid in workers)
    finally:
        for pid in workers:
            os.kill(pid, signal.SIGKILL)


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from medbridge.files import atomic_write
os.replace = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)  # dies mid-write
atomic_write(Path(sys.argv[1]), b"half a letter")
"""


def test_the_next_run_removes_temporary_files_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    killed = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(out / "apopleksi.json")])
    assert killed.returncode == -signal.SIGKILL
    (left,) = [p.name for p in out.iterdir()]
    assert left.startswith(f"{TEMPORARY_PREFIX}") and left.endswith(".tmp")
    live = out / f"{TEMPORARY_PREFIX}{os.getpid()}-inuse.tmp"  # a live process's file is kept
    live.write_bytes(b"")
    code, _, stderr = run("convert", str(LETTER), "--to", "json", "--out", str(out))
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["apopleksi.json", live.name])
    assert f"{out / left}: info io.temporary-removed" in stderr


def test_max_size_bounds_every_input_read(tmp_path: Path) -> None:
    size = len(LETTER.read_bytes())
    code, out, _ = run("validate", str(LETTER), "--max-size", str(size - 1))
    assert code == 1 and "input.too-large" in out
    assert run("validate", str(LETTER), "--max-size", str(size))[0] == 0
    code, out, _ = run("validate", "-", "--max-size", "10", stdin=LETTER.read_bytes())
    assert code == 1 and "input.too-large" in out
    code, _, stderr = run(
        "convert", str(LETTER), "--to", "json", "--out", str(tmp_path), "--max-size", "10"
    )
    assert code == 1 and "input.too-large" in stderr
