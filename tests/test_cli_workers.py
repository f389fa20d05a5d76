"""Who writes a ``convert`` run's outputs, when they are fsynced, and how work reaches the workers.

The CLI runs as a subprocess whose interpreters (the command's own and every worker's) load a
``sitecustomize`` that installs an audit hook: it appends one line per write-open, rename, mkdir,
removal and ``medbridge.fsync`` event (:mod:`medbridge.durable` announces every fsync) with the
process id to a log, and can make chosen fsyncs fail. The tests read who did what, and in which
order, from that log: nothing here depends on timing.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from medbridge.commands.progress import CLEAR, REDRAWS, Progress
from medbridge.commands.workers import MAX_CHUNK, chunk_size, run_chunks
from medbridge.files import TEMPORARY_PREFIX

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "fixtures" / "valid"
EPIKRISE = sorted((VALID / "epikrise").glob("*.xml"))
REFERRAL = sorted((VALID / "henvisning").glob("*.xml"))
DEADLINE = 120.0  # seconds: a guard against hanging, never what a test measures

SITECUSTOMIZE = r"""
import errno, os, sys

_LOG = os.environ.get("MEDBRIDGE_TEST_AUDIT_LOG")
_FAIL = os.environ.get("MEDBRIDGE_TEST_FAIL_FSYNC")
_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _line(event, path):
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    text = f"{os.getpid()}\t{event}\t{path}\n"
    os.write(_FD, text.encode("utf-8", "surrogateescape"))


def _hook(event, args):
    if event == "open":
        path, _, flags = args
        if not isinstance(path, int) and flags is not None and flags & _WRITES:
            _line("write-open", path)
    elif event == "os.rename":
        _line("rename", f"{os.fsdecode(args[0])}\t{os.fsdecode(args[1])}")
    elif event in ("os.mkdir", "os.remove"):
        _line(event, args[0])
    elif event == "medbridge.fsync":
        if _FAIL and _FAIL in args[0]:
            _line("fsync-failed", args[0])
            raise OSError(errno.EIO, "Input/output error (injected)")
        _line("fsync", args[0])


if _LOG:
    _FD = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    sys.addaudithook(_hook)
"""


@dataclass(frozen=True)
class Event:
    pid: int
    kind: str
    path: str
    target: str = ""


@dataclass
class Run:
    pid: int
    code: int
    stdout: str
    stderr: str
    events: list[Event]

    def by(self, pid: int, kind: str) -> list[Event]:
        return [e for e in self.events if e.pid == pid and e.kind == kind]

    def of(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]


def audited(tmp_path: Path, *args: str, fail_fsync: str | None = None) -> Run:
    """Run ``medbridge *args`` with the audit log; what it logged, by process."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "audit.log"
    log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "MEDBRIDGE_TEST_AUDIT_LOG": str(log),
        "LC_ALL": "C.UTF-8",
    }
    if fail_fsync is not None:
        env["MEDBRIDGE_TEST_FAIL_FSYNC"] = fail_fsync
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    stdout, stderr = proc.communicate(timeout=DEADLINE)
    events = []
    for line in log.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
        pid, kind, *paths = line.split("\t")
        events.append(Event(int(pid), kind, *paths))
    return Run(proc.pid, proc.returncode, stdout.decode(), stderr.decode(), events)


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """60 letters in two folders, under distinct names."""
    folder = tmp_path / "in"
    for n in range(60):
        sources = EPIKRISE if n % 2 else REFERRAL
        target = folder / ("a" if n < 30 else "b") / f"{n:03d}-{sources[n % len(sources)].name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sources[n % len(sources)], target)
    return folder


def outputs_of(batch: Path, out: Path) -> set[str]:
    return {str(out / p.relative_to(batch).with_suffix(".json")) for p in batch.rglob("*.xml")}


def convert(tmp_path: Path, batch: Path, *options: str, fail_fsync: str | None = None) -> Run:
    out = tmp_path / "out"
    return audited(
        tmp_path, "convert", str(batch), "--to", "json", "--out", str(out), *options,
        fail_fsync=fail_fsync,
    )  # fmt: skip


def under(path: str, folder: Path) -> bool:
    return path == str(folder) or path.startswith(str(folder) + os.sep)


# -------------------------------------------------------------------------------------------------
# The workers write; the command's own process only collects


def test_with_jobs_the_workers_write_every_output_and_the_parent_nothing(
    tmp_path: Path, batch: Path
) -> None:
    run = convert(tmp_path, batch, "--jobs", "2", "--fsync", "always")
    out = tmp_path / "out"
    assert run.code == 0, run.stderr
    assert "60 file(s): 60 converted" in run.stdout
    parent = [e for e in run.events if e.pid == run.pid]
    assert not [e for e in parent if under(e.path, tmp_path) or under(e.target, tmp_path)]
    renames = run.of("rename")
    assert {e.target for e in renames} == outputs_of(batch, out)
    workers = {e.pid for e in renames}
    assert workers and run.pid not in workers
    for event in renames:  # each written through a temporary file named after its writer
        name = Path(event.path).name
        assert name.startswith(f"{TEMPORARY_PREFIX}{event.pid}-") and name.endswith(".tmp")
        assert Path(event.path).parent == Path(event.target).parent
        assert Event(event.pid, "write-open", event.path) in run.events
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMPORARY_PREFIX)]
    assert {oct(p.stat().st_mode & 0o777) for p in out.rglob("*.json")} == {oct(0o600)}


def test_jobs_1_and_jobs_2_write_identical_outputs_in_every_fsync_mode(
    tmp_path: Path, batch: Path
) -> None:
    seen = []
    for mode in ("always", "end", "never"):
        for jobs in ("1", "2"):
            out = tmp_path / f"out-{mode}-{jobs}"
            report = tmp_path / f"report-{mode}-{jobs}.json"
            result = subprocess.run(
                [sys.executable, "-m", "medbridge", "convert", str(batch), "--to", "json",
                 "--out", str(out), "--jobs", jobs, "--fsync", mode, "--report", str(report)],
                capture_output=True, text=True, timeout=DEADLINE,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.json"))}
            seen.append((files, report.read_text().replace(str(out), "OUT"), result.stdout))
    assert all(s == seen[0] for s in seen)
    assert len(seen[0][0]) == 60


# -------------------------------------------------------------------------------------------------
# --fsync


def test_fsync_always_syncs_each_file_before_its_rename_in_the_worker(
    tmp_path: Path, batch: Path
) -> None:
    run = convert(tmp_path, batch, "--jobs", "2", "--fsync", "always")
    out = tmp_path / "out"
    assert run.code == 0
    assert not run.by(run.pid, "fsync")
    position = {event: n for n, event in enumerate(run.events)}
    for rename in run.of("rename"):
        synced = Event(rename.pid, "fsync", rename.path)  # the temporary file, by the same worker
        assert position[synced] < position[rename]
    folders = {e.path for e in run.of("fsync")} - {e.path for e in run.of("rename")}
    assert folders >= {str(out / "a"), str(out / "b"), str(out)}  # out/a, out/b made in out
    for folder in (out / "a", out / "b"):  # each folder synced after the renames into it
        last_rename = max(position[e] for e in run.of("rename") if e.target.startswith(str(folder)))
        assert any(position[e] > last_rename for e in run.of("fsync") if e.path == str(folder))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fsync_end_syncs_every_output_and_folder_once_after_the_last_write(
    tmp_path: Path, batch: Path, jobs: str
) -> None:
    run = convert(tmp_path, batch, "--jobs", jobs)  # the default is end
    out = tmp_path / "out"
    assert run.code == 0
    fsyncs = run.of("fsync")
    assert {e.pid for e in fsyncs} == {run.pid}  # the command's own process, at the end
    files = [e.path for e in fsyncs if e.path.endswith(".json")]
    assert sorted(files) == sorted(outputs_of(batch, out))  # each output once, by its name
    folders = [e.path for e in fsyncs if not e.path.endswith(".json")]
    assert sorted(folders) == sorted({str(tmp_path), str(out), str(out / "a"), str(out / "b")})
    last_rename = max(n for n, e in enumerate(run.events) if e.kind == "rename")
    first_fsync = min(n for n, e in enumerate(run.events) if e.kind == "fsync")
    assert last_rename < first_fsync


def test_fsync_never_syncs_nothing(tmp_path: Path, batch: Path) -> None:
    run = convert(tmp_path, batch, "--jobs", "2", "--fsync", "never")
    assert run.code == 0
    assert len(run.of("rename")) == 60
    assert run.of("fsync") == []


def test_a_file_that_cannot_be_flushed_at_the_end_is_removed_and_reported(
    tmp_path: Path, batch: Path
) -> None:
    victim = sorted(outputs_of(batch, tmp_path / "out"))[7]
    report = tmp_path / "report.json"
    run = convert(
        tmp_path, batch, "--jobs", "2", "--report", str(report), fail_fsync=Path(victim).name
    )
    assert run.code == 74
    assert [e.path for e in run.of("fsync-failed")] == [victim]
    assert not Path(victim).exists()
    assert len(list((tmp_path / "out").rglob("*.json"))) == 59
    assert f"{victim} could not be flushed to disk: Input/output error (injected); it was " \
        "removed." in run.stderr  # fmt: skip
    assert "60 file(s): 59 converted, 0 invalid, 0 lossy, 1 failed" in run.stdout
    (entry,) = [f for f in json.loads(report.read_text())["files"] if f["status"] != "ok"]
    assert entry["status"] == "io-error" and entry["output"] is None
    assert [f["code"] for f in entry["findings"]] == ["io.write-failed"]


def test_with_fsync_always_a_failed_fsync_leaves_neither_output_nor_temporary_file(
    tmp_path: Path, batch: Path
) -> None:
    run = convert(tmp_path, batch, "--jobs", "2", "--fsync", "always", fail_fsync=".tmp")
    out = tmp_path / "out"
    assert run.code == 74
    assert len(run.of("fsync-failed")) == 60
    assert run.of("rename") == []
    assert not [p for p in out.rglob("*") if p.is_file()]
    assert "60 file(s): 0 converted, 0 invalid, 0 lossy, 60 failed" in run.stdout
    assert "io.write-failed" in run.stderr


# -------------------------------------------------------------------------------------------------
# Workers check their outputs as the command does


def test_workers_refuse_inputs_links_and_existing_files(tmp_path: Path, batch: Path) -> None:
    out = tmp_path / "out"
    inputs = sorted(batch.rglob("*.xml"))
    (out / "a").mkdir(parents=True)
    os.link(inputs[1], out / "a" / inputs[0].with_suffix(".json").name)  # a hard link to an input
    (out / "a" / inputs[2].with_suffix(".json").name).symlink_to(tmp_path / "elsewhere")
    before = inputs[1].read_bytes()
    run = convert(tmp_path, batch, "--jobs", "2", "--force")
    assert run.code == 73
    assert f"{out / 'a' / inputs[0].with_suffix('.json').name} would overwrite an input" in (
        run.stderr
    )
    assert "is a symbolic link; refusing" in run.stderr
    assert inputs[1].read_bytes() == before
    assert "60 file(s): 58 converted" in run.stdout
    again = convert(tmp_path, batch, "--jobs", "2")  # without --force: every output exists
    assert again.code == 73 and again.stderr.count("exists; pass --force") == 58


def test_an_output_folder_given_through_dotdot_is_still_checked_against_the_inputs(
    tmp_path: Path, batch: Path
) -> None:
    folder = batch / "a"
    before = {p: p.read_bytes() for p in folder.iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "medbridge", "convert", str(folder), "--to", "xml", "--force",
         "--out", str(folder / "new" / ".."), "--jobs", "2"],
        capture_output=True, text=True, timeout=DEADLINE,
    )  # fmt: skip
    assert result.returncode == 73
    assert result.stderr.count("would overwrite an input file") == 30
    assert {p: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


# -------------------------------------------------------------------------------------------------
# Chunks


def label_chunk(context: str, chunk: Sequence[int], stopping: Callable[[], bool]) -> list[str]:
    """Each item with the first item of its chunk (one label per task), the context and the
    worker's process id."""
    return [f"{item}:{chunk[0]}:{context}:{os.getpid()}" for item in chunk]


def test_work_goes_out_in_chunks_lazily_and_comes_back_in_order() -> None:
    items = 10_000
    pulled: list[int] = []

    def work() -> Iterator[int]:
        for n in range(items):
            pulled.append(n)
            yield n

    size = chunk_size(items, 2)
    assert size == MAX_CHUNK
    results = run_chunks(label_chunk, "ctx", work(), jobs=2, size=size)
    first = next(results)
    assert len(pulled) <= 5 * size  # at most two chunks per worker in flight, and one being cut
    rows = [first, *results]
    assert [int(row.split(":")[0]) for row in rows] == list(range(items))
    tasks = {row.split(":")[1] for row in rows}
    assert len(tasks) == math.ceil(items / size)  # 157 tasks for 10,000 items
    assert {row.split(":")[2] for row in rows} == {"ctx"}  # the context reached every worker
    workers = {int(row.split(":")[3]) for row in rows}
    assert os.getpid() not in workers


def test_one_job_runs_the_same_chunks_in_this_process() -> None:
    rows = list(run_chunks(label_chunk, "ctx", range(100), jobs=1, size=7))
    assert [int(r.split(":")[0]) for r in rows] == list(range(100))
    assert len({r.split(":")[1] for r in rows}) == 15
    assert {int(r.split(":")[3]) for r in rows} == {os.getpid()}


def test_chunk_sizes() -> None:
    assert chunk_size(1, 2) == 1
    assert chunk_size(100, 2) == 6  # about eight chunks per worker
    assert chunk_size(100_000, 2) == MAX_CHUNK
    assert chunk_size(100_000, 0) == MAX_CHUNK


# -------------------------------------------------------------------------------------------------
# Ctrl-C with workers


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        fields = _stat_fields(int(entry)) if entry.isdigit() else None
        if fields is not None and int(fields[1]) == pid:
            found.add(int(entry))
    return found


def _running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _default_sigint() -> None:
    """In the child: SIGINT back to its default action. A suite started as a background job
    (``bash .ci/run &``) inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupt_with_workers_exits_130_leaving_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(60):
        shutil.copy(EPIKRISE[n % len(EPIKRISE)], folder / f"{n:04d}.xml")
    out = tmp_path / "out"
    # Standard input, held open by the test, is the last input: the command waits there with its
    # workers alive, so the interrupt always lands mid-run.
    proc = subprocess.Popen(
        [sys.executable, "-m", "medbridge", "convert", str(folder), "-", "--name", "stdin.xml",
         "--to", "json", "--out", str(out), "--jobs", "2", "--fsync", "always"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
        preexec_fn=_default_sigint,
    )  # fmt: skip
    workers: set[int] = set()

    def busy() -> bool:
        nonlocal workers
        workers = _children(proc.pid)
        return len(workers) >= 2 and out.exists() and any(out.iterdir())

    assert until(busy)
    proc.send_signal(signal.SIGINT)  # the command only, as `kill -INT`; workers ignore it anyway
    assert proc.wait(timeout=DEADLINE) == 130
    stdout, stderr = proc.communicate(timeout=DEADLINE)
    assert b"interrupted" in stderr and b"file(s)" not in stdout
    assert not any(_running(pid) for pid in workers)  # they ended before the command did
    names = [p.name for p in out.iterdir()]
    assert 0 < len(names) <= 60 and "stdin.json" not in names
    assert not [n for n in names if n.startswith(TEMPORARY_PREFIX)]
    for path in out.iterdir():
        assert json.loads(path.read_text())["medbridge-json"] == 1


# -------------------------------------------------------------------------------------------------
# The progress bar


def test_the_progress_bar_is_redrawn_a_bounded_number_of_times() -> None:
    stream = io.StringIO()
    with Progress("Working", 100_000, enabled=True, stream=stream) as progress:
        for _ in range(100_000):
            progress.advance()
    written = stream.getvalue()
    draws = written.count("Working [")
    assert REDRAWS <= draws <= REDRAWS + 2
    assert "100000/100000" + CLEAR in written  # the last state is drawn, then cleared
