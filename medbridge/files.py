"""Outputs of batch work: naming them, checking them, and writing them atomically.

Follows ``safety-and-validation.md`` §6: every output path of a batch is planned before the first
write, and two inputs that would write one output are both refused (``io.output-collision``), so
one never replaces the other, whatever ``force`` says; an output is written to a private temporary
file in its target folder and renamed over the destination, so no partial file is ever left; an
output is never an input (also through symlinks, ``..`` or hard links: the inputs' identities are
compared), never a symlink, and never replaces an existing file without ``force``. When the data
and the rename are fsynced is the caller's choice (:mod:`medbridge.durable`): :func:`atomic_write`
(reports, single files) fsyncs both; :class:`OutputWriter` (a batch's outputs, one per process)
only fsyncs each file if asked, leaving the folders to its caller.

Temporary files are named ``.medbridge-tmp-<pid>-<random>.tmp`` after the process that writes
them. A run killed with SIGKILL cannot remove its own; :class:`TemporarySweeper` removes those of
processes that no longer exist the next time a run writes into that folder. Nothing here knows
MedCom.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from medbridge.durable import fsync, fsync_folder
from medbridge.errors import OutputError, OutputRefused
from medbridge.findings import Finding, Location, Severity
from medbridge.inputs import InputFile, display_name, resolved

__all__ = [
    "EXTENSIONS",
    "TEMPORARY_PREFIX",
    "InputSet",
    "OutputWriter",
    "TemporarySweeper",
    "atomic_write",
    "check_destination",
    "output_path",
    "plan_outputs",
]

#: Output file extension per format.
EXTENSIONS = {"xml": ".xml", "edifact": ".edi", "json": ".json"}
#: Every temporary file this module creates starts so, followed by the creating process id.
TEMPORARY_PREFIX = ".medbridge-tmp-"
_TEMPORARY = re.compile(re.escape(TEMPORARY_PREFIX) + r"([0-9]+)-[^/]*\.tmp\Z")
#: What ``tempfile.mkstemp`` creates: private to the user (health data).
_TEMPORARY_MODE = 0o600


def output_path(item: InputFile, out_dir: Path, fmt: str, *, keep_extension: bool = False) -> Path:
    """``out_dir`` + the input's place below its root, with the format's extension instead of
    the input's (``x.xml`` → ``x.json``), or after it with ``keep_extension`` (``x.xml.json``)."""
    relative = item.relative
    if keep_extension:
        return out_dir / relative.with_name(relative.name + EXTENSIONS[fmt])
    return out_dir / relative.with_suffix(EXTENSIONS[fmt])


def plan_outputs(
    items: Sequence[InputFile], out_dir: Path, fmt: str, *, keep_extension: bool = False
) -> tuple[list[Path], dict[int, Finding]]:
    """The output path of every input (by position), and an ``io.output-collision`` finding for
    each input that shares its output with another; those inputs must not be written."""
    paths = [output_path(item, out_dir, fmt, keep_extension=keep_extension) for item in items]
    owners: dict[Path, list[int]] = {}
    for index, (item, path) in enumerate(zip(items, paths, strict=True)):
        if item.problem is None:
            owners.setdefault(path, []).append(index)
    collisions: dict[int, Finding] = {}
    for path, indexes in owners.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            others = [items[i].display for i in indexes if i != index]
            names = ", ".join([items[index].display, *others[:-1]]) + " and " + others[-1]
            how = ("both", "neither") if len(indexes) == 2 else ("all", "none of them")
            collisions[index] = Finding(
                "io.output-collision",
                Severity.ERROR,
                f"{names} would {how[0]} be written to {display_name(path)}; {how[1]} is "
                "written. Pass --keep-extension to keep the input's extension in the output name.",
                Location(file=items[index].display),
            )
    return paths, collisions


class TemporarySweeper:
    """Removes temporary files that killed runs left behind, once per folder per run.

    A temporary file is stale when the process whose id is in its name no longer exists. A live
    process (this one, another medbridge run, or whatever now has that id) keeps its files.
    """

    __slots__ = ("_swept",)

    def __init__(self) -> None:
        self._swept: set[Path] = set()

    def sweep(self, folder: Path) -> list[Finding]:
        """Remove the stale temporary files directly in ``folder``: an ``info`` note for each."""
        if folder in self._swept:
            return []
        self._swept.add(folder)
        removed: list[Finding] = []
        try:
            with os.scandir(folder) as listing:
                entries = [e for e in listing if e.name.startswith(TEMPORARY_PREFIX)]
        except OSError:
            return removed
        for entry in sorted(entries, key=lambda e: e.name):
            match = _TEMPORARY.match(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            pid = int(match.group(1))
            if _process_exists(pid):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(
                    Finding(
                        "io.temporary-removed",
                        Severity.INFO,
                        f"Removed a temporary file left behind by an interrupted run "
                        f"(process {pid}, which no longer exists).",
                        Location(file=display_name(entry.path)),
                    )
                )
        return removed


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


class InputSet:
    """The inputs of a batch as a set of ``(st_dev, st_ino)``, gathered once (from the walk where
    it has them): an existing output is an input exactly when it is the same file — the same path
    once symlinks and ``..`` are resolved, or a hard link to it — so checking an output against
    every input is one ``stat`` and one lookup."""

    __slots__ = ("_identities",)

    def __init__(self, inputs: Iterable[object]) -> None:
        identities: set[tuple[int, int]] = set()
        for item in inputs:
            if isinstance(item, InputFile):
                if item.identity is not None:
                    identities.add(item.identity)
                    continue
                if item.problem is not None or item.stdin:
                    continue
                item = item.path
            if isinstance(item, Path):  # standard input (bytes) has none
                with contextlib.suppress(OSError):
                    info = item.stat()
                    identities.add((info.st_dev, info.st_ino))
        self._identities = frozenset(identities)

    def __contains__(self, identity: object) -> bool:
        return identity in self._identities

    def contains(self, dest: Path) -> bool:
        """True when ``dest`` is one of the inputs (same path, or a hard link to one)."""
        try:
            info = os.stat(resolved(dest))
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self._identities


def check_destination(dest: Path, inputs: Sequence[object] | InputSet, *, force: bool) -> None:
    """Refuse an output that is an input, a symlink, or exists without ``force``."""
    index = inputs if isinstance(inputs, InputSet) else InputSet(inputs)
    if index.contains(dest):
        raise _refused("io.output-is-input", dest)
    if dest.is_symlink():
        raise _refused("io.output-symlink", dest)
    if dest.exists() and not force:
        raise _refused("io.output-exists", dest)


_REFUSALS = {
    "io.output-is-input": "{} would overwrite an input file.",
    "io.output-symlink": "{} is a symbolic link; refusing.",
    "io.output-exists": "{} exists; pass --force to replace it.",
}


def _refused(code: str, dest: Path) -> OutputRefused:
    finding = _io(code, _REFUSALS[code].format(display_name(dest)), dest)
    return OutputRefused.of(finding)


def atomic_write(dest: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``dest`` all at once or not at all (temporary file, fsync, rename, fsync
    of the folder; without the fsyncs unless ``sync``)."""
    folder = dest.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(dest.stat().st_mode) if dest.exists() else None
    except OSError as exc:
        raise _write_failed(dest, exc) from None
    _write_and_rename(os.fspath(folder), os.fspath(dest), data, mode, sync, dest)
    if sync:
        fsync_folder(os.fspath(folder))


class OutputWriter:
    """Writes the outputs of one batch run, each atomically, refusing what
    :func:`check_destination` refuses.

    Made for many files: each destination is checked with one ``lstat`` against the inputs'
    identities, each output folder is resolved (symlinks and ``..``) and created once, and only
    with ``sync`` is each file fsynced before its rename. The folders whose entries changed (files
    renamed into them, folders created in them) are collected for fsync by the caller
    (:meth:`changed_folders`). A writer serves one process: worker processes each use their copy.
    """

    __slots__ = ("_changed", "_folders", "_force", "_inputs", "_sync")

    def __init__(self, inputs: InputSet, *, force: bool, sync: bool) -> None:
        self._inputs = inputs
        self._force = force
        self._sync = sync
        self._folders: dict[Path, str] = {}
        self._changed: set[str] = set()

    def write(self, dest: Path, data: bytes) -> str:
        """Write ``data`` to ``dest``; the real path written. Raises
        :class:`~medbridge.errors.OutputRefused` or :class:`~medbridge.errors.OutputError`."""
        folder = self._folder(dest)
        real = os.path.join(folder, dest.name)
        mode = self._check(dest, real)
        _write_and_rename(folder, real, data, mode, self._sync, dest)
        self._changed.add(folder)
        return real

    def changed_folders(self) -> list[str]:
        """The folders changed since the last call, sorted."""
        changed = sorted(self._changed)
        self._changed.clear()
        return changed

    def _folder(self, dest: Path) -> str:
        planned = dest.parent
        real = self._folders.get(planned)
        if real is not None:
            return real
        real = os.fspath(resolved(planned))
        missing = []
        probe = real
        while not os.path.isdir(probe) and os.path.dirname(probe) != probe:
            missing.append(probe)
            probe = os.path.dirname(probe)
        try:
            os.makedirs(real, exist_ok=True)
        except OSError as exc:
            raise _write_failed(dest, exc) from None
        self._changed.update(os.path.dirname(path) for path in missing)
        self._folders[planned] = real
        return real

    def _check(self, dest: Path, real: str) -> int | None:
        """The mode of the file ``dest`` replaces (``None``: nothing there), or the refusal."""
        try:
            info = os.lstat(real)
        except OSError:  # nothing there, or nothing that can be there: the write will say
            return None
        if stat.S_ISLNK(info.st_mode):
            with contextlib.suppress(OSError):
                target = os.stat(real)
                if (target.st_dev, target.st_ino) in self._inputs:
                    raise _refused("io.output-is-input", dest)
            raise _refused("io.output-symlink", dest)
        if (info.st_dev, info.st_ino) in self._inputs:
            raise _refused("io.output-is-input", dest)
        if not self._force:
            raise _refused("io.output-exists", dest)
        return stat.S_IMODE(info.st_mode)


def _write_and_rename(
    folder: str, dest: str, data: bytes, mode: int | None, sync: bool, shown: Path
) -> None:
    """Write ``data`` to a private temporary file in ``folder`` (fsynced if ``sync``), give it
    ``mode`` and rename it to ``dest``; on any failure (Ctrl-C too) remove it. OS errors become
    ``io.write-failed`` about ``shown``."""
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=".tmp"
        )
    except OSError as exc:
        raise _write_failed(shown, exc) from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                fsync(fd, tmp)
        finally:
            os.close(fd)
        if mode is not None and mode != _TEMPORARY_MODE:
            os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_failed(shown, exc) from None
        raise


def _write_failed(dest: Path, exc: OSError) -> OutputError:
    finding = _io("io.write-failed", _os_reason(dest, exc), dest)
    return OutputError(f"cannot write {display_name(dest)}", [finding])


def _os_reason(dest: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"{display_name(dest)} could not be written: {reason}."


def _io(code: str, message: str, path: Path) -> Finding:
    return Finding(code, Severity.ERROR, message, Location(file=display_name(path)))
