"""Outputs of batch work: naming them, checking them, and writing them atomically.

Follows ``safety-and-validation.md`` §6: every output path of a batch is planned before the first
write, and two inputs that would write one output are both refused (``io.output-collision``), so
one never replaces the other, whatever ``force`` says; an output is written to a private temporary
file in its target folder, fsynced and renamed over the destination, so no partial file is ever
left; an output is never an input (also through symlinks, ``..`` or hard links), never a symlink,
and never replaces an existing file without ``force``.

Temporary files are named ``.medbridge-tmp-<pid>-<random>.tmp``. A run killed with SIGKILL cannot
remove its own; :class:`TemporarySweeper` removes those of processes that no longer exist the next
time a run writes into that folder. Nothing here knows MedCom.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from medbridge.errors import OutputError, OutputRefused
from medbridge.findings import Finding, Location, Severity
from medbridge.inputs import InputFile, display_name

__all__ = [
    "EXTENSIONS",
    "TEMPORARY_PREFIX",
    "InputSet",
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
    """The inputs of a batch, indexed once: resolved paths and (device, inode) pairs, so checking
    each output against every input costs one lookup instead of a pass over the batch."""

    __slots__ = ("_identities", "_resolved")

    def __init__(self, inputs: Sequence[object]) -> None:
        paths = [path for path in inputs if isinstance(path, Path)]  # standard input has none
        self._resolved = {path.resolve() for path in paths}
        self._identities: set[tuple[int, int]] = set()
        for path in paths:
            with contextlib.suppress(OSError):
                info = path.stat()
                self._identities.add((info.st_dev, info.st_ino))

    def contains(self, dest: Path) -> bool:
        """True when ``dest`` is one of the inputs (same path, or a hard link to one)."""
        if dest.resolve() in self._resolved:
            return True
        try:
            info = dest.stat()
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self._identities


def check_destination(dest: Path, inputs: Sequence[object] | InputSet, *, force: bool) -> None:
    """Refuse an output that is an input, a symlink, or exists without ``force``."""
    index = inputs if isinstance(inputs, InputSet) else InputSet(inputs)
    name = display_name(dest)
    if index.contains(dest):
        raise _refused("io.output-is-input", f"{name} would overwrite an input file.", dest)
    if dest.is_symlink():
        raise _refused("io.output-symlink", f"{name} is a symbolic link; refusing.", dest)
    if dest.exists() and not force:
        raise _refused("io.output-exists", f"{name} exists; pass --force to replace it.", dest)


def _refused(code: str, message: str, dest: Path) -> OutputRefused:
    finding = _io(code, message, dest)
    return OutputRefused(finding.format(), [finding])


def atomic_write(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` all at once or not at all (temporary file, fsync, rename)."""
    folder = dest.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(dest.stat().st_mode) if dest.exists() else None
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            dir=folder, prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write {display_name(dest)}",
            [_io("io.write-failed", _os_reason(dest, exc), dest)],
        ) from None
    tmp = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write {display_name(dest)}",
                [_io("io.write-failed", _os_reason(dest, exc), dest)],
            ) from None
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_reason(dest: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"{display_name(dest)} could not be written: {reason}."


def _io(code: str, message: str, path: Path) -> Finding:
    return Finding(code, Severity.ERROR, message, Location(file=display_name(path)))
